// Package rootless keeps a non-root user's labs in a user namespace of
// their own, as rootless container engines keep a pause process: a holder
// (lab re-executed by util-linux unshare, with new user, mount, network
// and pid namespaces, root mapped to the user) owns them, and every lab
// command of that user joins it (util-linux nsenter) and runs there as the
// namespace's root, exactly as it runs as root on the machine.
//
// Inside, /run (named namespaces, the scopes' state), /etc/cni, /opt/cni
// and /var/lib/cni are private: a tmpfs, and overlays on /etc, /opt and
// /var/lib whose upper layers live in it. The holder's network namespace
// plays the machine. Nothing reaches the machine's filesystem or network,
// and the kernel frees it all with the holder: it is pid 1 of its pid
// namespace, so when it ends every process of the lab ends with it.
//
// The meeting point is a folder of the user's own: $XDG_RUNTIME_DIR/cnilab
// when there is one, else /tmp/cnilab-UID (a login-less `su` or `env -i`
// has no XDG_RUNTIME_DIR). It holds the holder's pid and a lock: a command
// holds it shared for its whole life (the holder does not end under it),
// and starting a holder takes it exclusively.
package rootless

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/cnilab/lab/netops/ns"
)

// Environment a joined command gets from the one that joined.
const (
	// EnvInside marks a command running inside the holder (its host pid).
	EnvInside = "CNILAB_ROOTLESS"
	// EnvLockFD is the fd of the meeting point's lock, held shared.
	EnvLockFD = "CNILAB_ROOTLESS_LOCK_FD"
)

// Files of the meeting point.
const (
	holderFile = "holder" // "PID STARTTIME" of the holder, as the machine sees it
	lockFile   = "lock"
	logFile    = "holder.log"
)

// Inside reports whether this process runs inside a holder: marked by the
// command that joined it, and in a user namespace indeed.
func Inside() bool { return os.Getenv(EnvInside) != "" && ns.InUserNS() }

// Dir is this user's meeting point, made when missing. It must be a folder
// of the user's own that no one else can write: a folder in /tmp someone
// else made first (or a symlink) is refused, not used.
func Dir() (string, error) {
	uid := os.Getuid()
	dir := filepath.Join(os.TempDir(), "cnilab-"+strconv.Itoa(uid))
	if x := os.Getenv("XDG_RUNTIME_DIR"); x != "" && owned(x, uid) {
		dir = filepath.Join(x, "cnilab")
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("make the rootless lab's folder %s: %w", dir, err)
	}
	var st syscall.Stat_t
	if err := syscall.Lstat(dir, &st); err != nil {
		return "", fmt.Errorf("rootless lab's folder %s: %w", dir, err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFDIR || int(st.Uid) != uid || st.Mode&0o077 != 0 {
		return "", fmt.Errorf("rootless lab's folder %s is not a folder of uid %d that only it can use (mode %o, owner %d): remove it", dir, uid, st.Mode&0o7777, st.Uid)
	}
	return dir, nil
}

// owned reports whether path is a folder of uid.
func owned(path string, uid int) bool {
	var st syscall.Stat_t
	return syscall.Stat(path, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFDIR && int(st.Uid) == uid
}
