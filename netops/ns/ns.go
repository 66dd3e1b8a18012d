// Package ns is the one place where lab switches a thread into another
// network namespace, creates a named namespace or opens a handle bound to one.
// It copies the pattern of containernetworking/plugins pkg/ns: a locked OS
// thread, a switch, the work, a switch back; a thread that cannot switch back
// is never returned to the Go scheduler.
package ns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// RunDir is where named network namespaces are bind-mounted, as `ip netns` does.
const RunDir = "/run/netns"

// Path is the bind-mount path of the named network namespace.
func Path(name string) string { return filepath.Join(RunDir, name) }

// Exists reports whether a named network namespace is mounted at Path(name).
func Exists(name string) bool {
	var st unix.Statfs_t
	if err := unix.Statfs(Path(name), &st); err != nil {
		return false
	}
	return st.Type == unix.NSFS_MAGIC
}

// Inode identifies a namespace: two paths naming the same namespace share it.
func Inode(path string) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}

// Open returns a handle (an fd) to the named namespace; the caller closes it.
func Open(name string) (netns.NsHandle, error) {
	h, err := netns.GetFromPath(Path(name))
	if err != nil {
		return netns.None(), fmt.Errorf("open netns %q: %w", name, err)
	}
	return h, nil
}

// Handle opens a netlink handle bound to the named namespace: reads and
// writes through it need no thread switch.
func Handle(name string) (*netlink.Handle, error) {
	fd, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	h, err := netlink.NewHandleAt(fd)
	if err != nil {
		return nil, fmt.Errorf("netlink handle in netns %q: %w", name, err)
	}
	return h, nil
}

// Do runs fn on a locked OS thread switched into the named namespace.
// fn must not start goroutines: they would run in the caller's namespace.
func Do(name string, fn func() error) error {
	target, err := Open(name)
	if err != nil {
		return err
	}
	defer target.Close()
	return DoFd(target, name, fn)
}

// DoPath is Do for a namespace named by a path, such as CNI_NETNS
// (/var/run/netns/pause_demo or /proc/PID/ns/net).
func DoPath(path string, fn func() error) error {
	target, err := netns.GetFromPath(path)
	if err != nil {
		return fmt.Errorf("open netns %s: %w", path, err)
	}
	defer target.Close()
	return DoFd(target, path, fn)
}

// DoFd is Do for a namespace already opened.
func DoFd(target netns.NsHandle, name string, fn func() error) error {
	runtime.LockOSThread()
	orig, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("read current netns: %w", err)
	}
	defer orig.Close()
	if err := netns.Set(target); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter netns %q: %w", name, err)
	}
	ferr := fn()
	if err := netns.Set(orig); err != nil {
		// The thread is stuck in the wrong namespace: keep it locked so the
		// runtime terminates it with this goroutine instead of reusing it.
		return errors.Join(ferr, fmt.Errorf("return from netns %q: %w", name, err))
	}
	runtime.UnlockOSThread()
	return ferr
}

// Create makes a new network namespace mounted at Path(name), as
// `ip netns add NAME` does. The unshare happens on a locked thread of its
// own, so the calling thread never changes namespace.
func Create(name string) error {
	if err := ensureRunDir(); err != nil {
		return err
	}
	p := Path(name)
	f, err := os.OpenFile(p, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return fmt.Errorf("create netns %q: %w", name, err)
	}
	f.Close()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer orig.Close()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		self := fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid())
		errc <- unix.Mount(self, p, "none", unix.MS_BIND, "")
		// Switch back before the thread is given back: a locked thread that
		// ends with its goroutine is terminated, except the process's main
		// thread, which would stay wedged in the new namespace and keep it
		// alive after `ip netns del`. A thread that cannot switch back stays
		// locked and ends with this goroutine.
		if netns.Set(orig) == nil {
			runtime.UnlockOSThread()
		}
	}()
	if err := <-errc; err != nil {
		os.Remove(p)
		return fmt.Errorf("create netns %q: %w", name, err)
	}
	return nil
}

// Mount names an existing namespace (a path such as /proc/PID/ns/net) by a
// bind mount at Path(name), as `mount -o bind` after `touch` does.
func Mount(src, name string) error {
	if err := ensureRunDir(); err != nil {
		return err
	}
	p := Path(name)
	f, err := os.OpenFile(p, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return fmt.Errorf("name netns %q: %w", name, err)
	}
	f.Close()
	if err := unix.Mount(src, p, "none", unix.MS_BIND, ""); err != nil {
		os.Remove(p)
		return fmt.Errorf("name netns %q (bind %s): %w", name, src, err)
	}
	return nil
}

// Scratch runs fn with a handle to a new network namespace that has no
// name: only the handle holds it, so it is gone when fn returns, and gone
// too if the process is killed meanwhile (a named scratch namespace would
// outlive a SIGKILL). fn must reach the namespace through the handle only.
func Scratch(fn func(h netns.NsHandle) error) error {
	type made struct {
		h   netns.NsHandle
		err error
	}
	c := make(chan made, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			runtime.UnlockOSThread()
			c <- made{err: err}
			return
		}
		defer orig.Close()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			c <- made{err: fmt.Errorf("create a scratch netns: %w", err)}
			return
		}
		h, err := netns.Get()
		// Back at once: from here the handle alone holds the namespace.
		if netns.Set(orig) == nil {
			runtime.UnlockOSThread()
		}
		c <- made{h: h, err: err}
	}()
	m := <-c
	if m.err != nil {
		return m.err
	}
	defer m.h.Close()
	return fn(m.h)
}

// Delete unmounts and removes a named namespace, as `ip netns del NAME` does.
// The kernel frees the namespace, with every link in it, once nothing else
// holds it. A missing namespace is not an error.
func Delete(name string) error {
	p := Path(name)
	if err := unix.Unmount(p, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("delete netns %q: %w", name, err)
	}
	if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("delete netns %q: %w", name, err)
	}
	return nil
}

// ensureRunDir makes /run/netns a shared mount point, as iproute2 does, so
// namespaces mounted there are seen by `ip netns` in every mount namespace.
func ensureRunDir() error {
	if err := os.MkdirAll(RunDir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", RunDir, err)
	}
	err := unix.Mount("", RunDir, "none", unix.MS_SHARED|unix.MS_REC, "")
	if err == nil {
		return nil
	}
	if !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("make %s shared: %w", RunDir, err)
	}
	// Not a mount point yet: bind it onto itself first, then share it.
	if err := unix.Mount(RunDir, RunDir, "none", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("bind %s: %w", RunDir, err)
	}
	if err := unix.Mount("", RunDir, "none", unix.MS_SHARED|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("make %s shared: %w", RunDir, err)
	}
	return nil
}
