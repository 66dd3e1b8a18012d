package netops

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cnilab/lab/netops/procfs"
	"golang.org/x/sys/unix"
)

// Lock is held by the one process that may change a scope.
type Lock struct {
	f    *os.File
	path string
}

// ErrBusy is wrapped by Acquire when another process holds the scope.
var ErrBusy = fmt.Errorf("scope is busy")

// Acquire takes the scope's lock without waiting. When another process holds
// it, the error says who (pid and command line), read from the lock file.
func (s *Scope) Acquire(what string) (*Lock, error) {
	for {
		if err := os.MkdirAll(s.StateDir, 0o755); err != nil {
			return nil, fmt.Errorf("create state dir of scope %q: %w", s.Name, err)
		}
		p := filepath.Join(s.StateDir, "lock")
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("open lock of scope %q: %w", s.Name, err)
		}
		if err := lockOrWaitForDead(f, p); err != nil {
			holder, _ := os.ReadFile(p)
			f.Close()
			who := strings.TrimSpace(string(holder))
			if who == "" {
				who = "another lab process"
			}
			return nil, fmt.Errorf("%w: scope %q is held by %s", ErrBusy, s.Name, who)
		}
		// A reset may have removed the state dir between our open and our
		// lock: then we hold a lock on a file nobody else will see. Retry.
		var a, b unix.Stat_t
		if unix.Fstat(int(f.Fd()), &a) != nil || unix.Stat(p, &b) != nil || a.Ino != b.Ino {
			f.Close()
			continue
		}
		f.Truncate(0)
		fmt.Fprintf(f, "pid %d (%s)\n", os.Getpid(), what)
		return &Lock{f: f, path: p}, nil
	}
}

// deadHolderWait bounds the wait for a lock whose holder has died.
const deadHolderWait = 2 * time.Second

// lockOrWaitForDead takes the lock without waiting, unless the process the
// lock file names has died: then a child it was starting when it was
// killed may still hold the lock until that child's exec closes it (seen
// after a kill -9 of lab run under load), and it waits, bounded.
func lockOrWaitForDead(f *os.File, p string) error {
	err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if err == nil {
		return nil
	}
	holder, _ := os.ReadFile(p)
	var pid int
	if _, perr := fmt.Sscanf(string(holder), "pid %d", &pid); perr != nil || procfs.Alive(pid) {
		return err
	}
	deadline := time.Now().Add(deadHolderWait)
	for time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		if err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err == nil {
			return nil
		}
	}
	return err
}

// Release gives the lock back. When nothing but the lock file is left in
// the state directory (after a reset, or a setup that was refused), it
// removes both, still holding the lock, so a reset leaves nothing behind.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	dir := filepath.Dir(l.path)
	if entries, err := os.ReadDir(dir); err == nil && len(entries) == 1 && entries[0].Name() == "lock" {
		os.Remove(l.path)
		os.Remove(dir)
	}
	l.f.Close()
	l.f = nil
}
