package rootless

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/cnilab/lab/netops/procfs"
	"golang.org/x/sys/unix"
)

// stopLimit bounds the wait for a holder to end once told to.
const stopLimit = 5 * time.Second

// Stop ends the user's holder: it runs args (`lab stop`) inside it first,
// which resets every scope, then tells the holder to end and waits until
// it has, its whole pid namespace with it. It reports whether a holder
// was running.
func Stop(args []string) (bool, error) {
	dir, err := Dir()
	if err != nil {
		return false, err
	}
	pid := Running(dir)
	if pid == 0 {
		return false, nil
	}
	argv, env, lock, err := joinCommand(args)
	if err != nil {
		return true, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, os.Stdin, os.Stdout, os.Stderr
	runErr := cmd.Run()
	unix.Close(lock)
	if err := end(pid); err != nil {
		return true, err
	}
	os.Remove(filepath.Join(dir, holderFile))
	if runErr != nil {
		return true, fmt.Errorf("reset the scopes inside the rootless lab: %w", runErr)
	}
	return true, nil
}

// end tells the holder to end and waits, bounded, until it has; then it
// kills it.
func end(pid int) error {
	start := procfs.StartTime(pid)
	syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(stopLimit)
	for start != 0 && procfs.StartTime(pid) == start {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			return fmt.Errorf("the rootless lab's holder (pid %d) did not end within %s: killed", pid, stopLimit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}
