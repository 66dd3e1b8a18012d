package rootless

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cnilab/lab/netops/procfs"
	"golang.org/x/sys/unix"
)

// readyLimit bounds the wait for a new holder to set its namespaces up.
const readyLimit = 5 * time.Second

// Join replaces this process with the same command, args, run inside the
// user's holder, which it starts first when none runs. The command keeps
// the terminal, the working folder and the environment; its exit status
// is the command's. Join returns only when it cannot.
//
// Two steps, one process: util-linux nsenter enters the holder's user,
// mount and network namespaces (Go cannot enter a user namespace once its
// runtime runs threads), then lab's userns-enter (Enter) starts the
// command in the holder's pid namespace, which only a new process can
// join, and stays its parent.
//
// Equivalent to: `nsenter --target HOLDER --user --mount --net --pid
// --preserve-credentials --wd=$PWD -- lab ARGS...`
func Join(args []string) error {
	argv, env, _, err := joinCommand(args)
	if err != nil {
		return err
	}
	return syscall.Exec(argv[0], argv, env)
}

// joinCommand finds or starts the holder, takes the meeting point's lock
// shared (on an fd the command inherits: the holder does not end while it
// runs) and returns the nsenter command line, its environment and the
// lock's fd.
func joinCommand(args []string) ([]string, []string, int, error) {
	dir, err := Dir()
	if err != nil {
		return nil, nil, -1, err
	}
	nsenter, err := exec.LookPath("nsenter")
	if err != nil {
		return nil, nil, -1, errors.New("nsenter not found: a rootless lab joins its holder with util-linux nsenter (apt-get install util-linux)")
	}
	self, err := os.Executable()
	if err != nil {
		return nil, nil, -1, fmt.Errorf("find the lab binary: %w", err)
	}
	lock, err := unix.Open(filepath.Join(dir, lockFile), unix.O_RDWR|unix.O_CREAT|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, nil, -1, fmt.Errorf("open the rootless lab's lock in %s: %w", dir, err)
	}
	pid, err := holder(dir, lock)
	if err == nil {
		// The command inherits it (a holder started above must not).
		_, err = unix.FcntlInt(uintptr(lock), unix.F_SETFD, 0)
	}
	if err != nil {
		unix.Close(lock)
		return nil, nil, -1, err
	}
	argv := []string{nsenter, "--target", strconv.Itoa(pid), "--user", "--mount", "--net", "--preserve-credentials"}
	// The same folder inside, unless the holder's own /run hides it.
	if wd, err := os.Getwd(); err == nil && wd != "/run" && !strings.HasPrefix(wd, "/run/") {
		argv = append(argv, "--wd="+wd)
	}
	argv = append(append(argv, "--", self, enterCommand, "--"), args...)
	env := append(os.Environ(), EnvInside+"="+strconv.Itoa(pid), EnvLockFD+"="+strconv.Itoa(lock))
	return argv, env, lock, nil
}

// holder returns the pid of the user's running holder, starting one when
// there is none, with the lock held exclusively meanwhile; it returns with
// the lock held shared.
func holder(dir string, lock int) (int, error) {
	if err := unix.Flock(lock, unix.LOCK_EX); err != nil {
		return 0, fmt.Errorf("lock the rootless lab in %s: %w", dir, err)
	}
	pid := Running(dir)
	if pid == 0 {
		var err error
		if pid, err = start(dir); err != nil {
			unix.Flock(lock, unix.LOCK_UN)
			return 0, err
		}
	}
	if err := unix.Flock(lock, unix.LOCK_SH); err != nil {
		return 0, fmt.Errorf("lock the rootless lab in %s: %w", dir, err)
	}
	return pid, nil
}

// Running is the pid of the user's holder, 0 when none runs.
func Running(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, holderFile))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil || pid <= 0 || strconv.FormatUint(procfs.StartTime(pid), 10) != f[1] {
		return 0
	}
	return pid
}

// start starts a holder and waits until it says its namespaces are set up.
//
// Equivalent to: `unshare --user --map-root-user --mount --net --pid --fork
// --kill-child --mount-proc --propagation private -- lab userns-hold DIR &`
func start(dir string) (int, error) {
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		return 0, errors.New("unshare not found: a rootless lab starts its holder with util-linux unshare (apt-get install util-linux)")
	}
	self, err := os.Executable()
	if err != nil {
		return 0, fmt.Errorf("find the lab binary: %w", err)
	}
	logPath := filepath.Join(dir, logFile)
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, fmt.Errorf("log of the rootless lab: %w", err)
	}
	defer log.Close()
	r, w, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	// Private: no mount of the machine's propagates in after the start
	// (another lab's named namespaces under the machine's /run/netns, which
	// the holder's own /run covers but would still list).
	args := append(mapArgs(), "--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc",
		"--propagation", "private", "--", self, "userns-hold", dir)
	cmd := exec.Command(unshare, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, log, log
	cmd.ExtraFiles = []*os.File{w} // fd 3: the holder writes one byte once set up
	// Its own session: the terminal that started it may close.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return 0, fmt.Errorf("start the rootless lab's holder: %w", err)
	}
	w.Close()
	go cmd.Wait() // unshare lives as long as the holder; reaped if this process outlives it
	_ = r.SetReadDeadline(time.Now().Add(readyLimit))
	var b [1]byte
	if n, _ := r.Read(b[:]); n != 1 {
		cmd.Process.Kill()
		msg, _ := os.ReadFile(logPath)
		return 0, fmt.Errorf("the rootless lab's holder did not start: %s%s", strings.TrimSpace(string(msg)), Unavailable())
	}
	pid := procfs.Child(cmd.Process.Pid) // the holder, which unshare forked
	if pid == 0 {
		cmd.Process.Kill()
		return 0, errors.New("the rootless lab's holder started but cannot be found")
	}
	if err := os.WriteFile(filepath.Join(dir, holderFile), []byte(fmt.Sprintf("%d %d\n", pid, procfs.StartTime(pid))), 0o600); err != nil {
		cmd.Process.Kill()
		return 0, fmt.Errorf("record the rootless lab's holder: %w", err)
	}
	return pid, nil
}

// mapArgs map the user to root inside, and the user's subordinate ids
// (/etc/subuid, /etc/subgid, through newuidmap and newgidmap) to 1 and up
// where there are some: tools that drop privileges (tcpdump -Z) need
// other ids than root.
func mapArgs() []string {
	if u, g, ok := subordinateIDs(); ok {
		return []string{"--user", "--map-user=0", "--map-group=0",
			"--map-users=" + u.outer + ",1," + u.count, "--map-groups=" + g.outer + ",1," + g.count}
	}
	return []string{"--user", "--map-root-user"}
}
