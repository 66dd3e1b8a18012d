package rootless

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// enterCommand is the hidden command nsenter runs: Enter.
const enterCommand = "userns-enter"

// envPdeath asks the command Enter starts to die with it (Started).
const envPdeath = "CNILAB_ROOTLESS_PDEATHSIG"

// Started is what a command started by Enter does first: it asks to be
// killed when Enter dies (killed itself), as a command killed outside the
// rootless lab would be. Its own children do not inherit the request.
func Started() {
	if os.Getenv(envPdeath) == "" {
		return
	}
	os.Unsetenv(envPdeath)
	unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0, 0, 0)
}

// Enter is `lab userns-enter -- ARGS`, the second step of Join: already in
// the holder's user, mount and network namespaces (nsenter), it starts
// `lab ARGS` in the holder's pid namespace and waits for it, holding the
// meeting point's lock meanwhile. It is the command's parent and stands
// for it: a signal to end it (TERM, HUP) is passed on; the terminal's
// INT and QUIT reach the command directly; and if it is killed, the
// command is killed with it (its parent-death signal). It returns the
// command's exit status.
//
// Equivalent to: `nsenter --pid=/proc/1/ns/pid -- lab ARGS` (the holder
// is pid 1 of the /proc this mount namespace shows)
func Enter(args []string) (int, error) {
	if fd, err := strconv.Atoi(os.Getenv(EnvLockFD)); err == nil && fd > 2 {
		unix.CloseOnExec(fd) // kept, but not by the command's own children
	}
	os.Unsetenv(EnvLockFD)
	pidns, err := os.Open("/proc/1/ns/pid")
	if err != nil {
		return 2, fmt.Errorf("open the rootless lab's pid namespace: %w", err)
	}
	defer pidns.Close()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// Not SysProcAttr.Pdeathsig: Go's child would kill itself at once, its
	// parent being outside the pid namespace (getppid() is 0 there).
	cmd.Env = append(os.Environ(), envPdeath+"=1")
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGHUP)
	// The thread that joins the pid namespace forks the command and stays
	// locked, tainted, until this process exits: the command's
	// parent-death signal follows that thread.
	runtime.LockOSThread()
	if err := unix.Setns(int(pidns.Fd()), unix.CLONE_NEWPID); err != nil {
		return 2, fmt.Errorf("join the rootless lab's pid namespace: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return 2, fmt.Errorf("start lab in the rootless lab: %w", err)
	}
	go func() {
		for s := range sigs {
			if s == syscall.SIGTERM || s == syscall.SIGHUP {
				cmd.Process.Signal(s)
			}
		}
	}()
	return exitStatus(cmd.Wait())
}

// exitStatus is a command's exit status as a shell gives it (128+N when
// signal N killed it), from what Wait or Run returned; an error that is no
// exit status (the command could not be waited for) is status 2.
func exitStatus(err error) (int, error) {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return exit.ExitCode(), nil
	}
	if err != nil {
		return 2, err
	}
	return 0, nil
}
