package rootless

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// idlePoll is how often a holder looks whether it is still needed.
const idlePoll = time.Second

// scopesDir is where the lab keeps its scopes' state (netops.StateRoot).
const scopesDir = "/run/cnilab"

// overlays are the machine's folders a holder lays a private upper layer
// on (root in a user namespace may not make /etc/cni in the machine's
// /etc), and private the CNI folders it then replaces with empty ones of
// its own where the machine has them.
var (
	overlays = []string{"/etc", "/opt", "/var/lib"}
	private  = []string{"/etc/cni", "/opt/cni", "/var/lib/cni"}
)

// Hold is `lab userns-hold DIR`, the holder: pid 1 of its pid namespace,
// root of its user namespace, in mount and network namespaces of its own.
// It makes /run, /etc/cni, /opt/cni and /var/lib/cni private, brings lo
// up, says so on fd 3, then reaps the orphans of its namespace (it is
// their init) until it is told to stop or is no longer needed: no scope
// left and no command of the user holding the meeting point's lock.
//
// With a command (HoldRun), the holder runs it instead, as its only
// child, and ends with it: a one-shot rootless lab, for the tests.
func Hold(dir string) error {
	ready := os.NewFile(3, "ready")
	// Opened before /run is covered: the meeting point may be in it.
	lock, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open the lock of %s: %w", dir, err)
	}
	defer lock.Close()
	if err := setUp(); err != nil {
		return err
	}
	if _, err := ready.Write([]byte{1}); err != nil {
		return fmt.Errorf("say the holder is ready: %w", err)
	}
	ready.Close()

	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGCHLD)
	tick := time.NewTicker(idlePoll)
	defer tick.Stop()
	for {
		select {
		case s := <-sigs:
			if s == syscall.SIGCHLD {
				reap()
				continue
			}
			return nil
		case <-tick.C:
			reap()
			if idle(lock) {
				return nil
			}
		}
	}
}

// HoldRun sets up a holder's namespaces as Hold does, then runs argv in
// them, as their root, and returns its exit status; the namespaces end
// with it. It is how the tests run a whole suite as an unprivileged user.
//
// Equivalent to: `unshare --user --map-root-user --mount --net --pid
// --fork --mount-proc -- sh -c 'mount -t tmpfs tmpfs /run; ...; ARGV'`
func HoldRun(argv []string) (int, error) {
	if err := setUp(); err != nil {
		return 2, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	return exitStatus(cmd.Run())
}

// setUp makes the holder's mounts and network.
//
// Equivalent to: `mount -t tmpfs tmpfs /run; mount -t overlay overlay -o
// lowerdir=/etc,upperdir=...,workdir=...,userxattr /etc; ...; mount -t
// tmpfs tmpfs /etc/cni; ...; ip link set lo up`
func setUp() error {
	if err := unix.Mount("tmpfs", "/run", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=755"); err != nil {
		return fmt.Errorf("mount a private /run: %w", err)
	}
	layers := "/run/.cnilab-layers"
	for _, d := range overlays {
		key := filepath.Join(layers, filepath.Base(d))
		if d == "/var/lib" {
			key = filepath.Join(layers, "var-lib")
		}
		upper, work := filepath.Join(key, "upper"), filepath.Join(key, "work")
		for _, p := range []string{upper, work} {
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		}
		// userxattr: overlayfs keeps its marks in user.overlay.* xattrs,
		// which a user namespace may write (Linux 5.11; tmpfs has them
		// since 6.6).
		opts := "lowerdir=" + d + ",upperdir=" + upper + ",workdir=" + work + ",userxattr"
		if err := unix.Mount("overlay", d, "overlay", 0, opts); err != nil {
			return fmt.Errorf("mount an overlay on %s: %w (overlayfs in a user namespace needs Linux 5.11, and tmpfs user xattrs 6.6)", d, err)
		}
	}
	// The machine's CNI folders, where it has them, are replaced by empty
	// ones; where it has none, there are none (the overlay takes what the
	// lab or the learner makes), as on the machine.
	for _, d := range private {
		if _, err := os.Stat(d); err != nil {
			continue
		}
		if err := unix.Mount("tmpfs", d, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=755"); err != nil {
			return fmt.Errorf("mount a private %s: %w", d, err)
		}
	}
	lo, err := netlink.LinkByName("lo")
	if err == nil {
		err = netlink.LinkSetUp(lo)
	}
	if err != nil {
		return fmt.Errorf("set lo up in the holder's namespace: %w", err)
	}
	return nil
}

// reap collects every child that ended: the holder is the init of its pid
// namespace, and inherits the lab's processes whose parents exited.
func reap() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}

// idle reports whether the holder is no longer needed: no scope remains
// and no command holds the lock (a walkthrough open before its first
// lesson holds it).
func idle(lock *os.File) bool {
	entries, err := os.ReadDir(scopesDir)
	if err != nil && !os.IsNotExist(err) {
		return false
	}
	for _, e := range entries {
		if e.IsDir() {
			return false
		}
	}
	if unix.Flock(int(lock.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
		return false
	}
	return true // exits with the lock held: a command waiting for it then starts a new holder
}
