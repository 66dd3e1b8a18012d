// Package ns is the one place where lab switches a thread into another
// network namespace, creates a named namespace or opens a handle bound to one.
// It copies the pattern of containernetworking/plugins pkg/ns: a locked OS
// thread, a switch, the work, a switch back; a thread that cannot switch back
// is never returned to the Go scheduler.
package ns

import (
	"errors"
	"fmt"
	"io/fs"
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
// writes through it need no thread switch. It speaks rtnetlink only (links,
// addresses, routes, neighbours, the bridge fdb, nsids): each family is a
// socket made by a switch into the namespace, and the lab reads conntrack
// and nftables through sockets of their own. A snapshot of a hundred pods
// opens a hundred handles.
func Handle(name string) (*netlink.Handle, error) {
	fd, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	h, err := netlink.NewHandleAt(fd, unix.NETLINK_ROUTE)
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

// Socket creates a socket, as socket(2) with these arguments, in the named
// namespace and returns its fd; the caller closes it. Only socket(2) runs on
// the switched thread: a socket belongs to the namespace it was created in
// for its whole life, so every later call on it (bind, connect, read) can run
// on any thread. When no namespace is mounted at Path(name), or it went away
// before the switch, the error wraps fs.ErrNotExist.
//
// Equivalent to: `ip netns exec NETNS CMD` opening its socket.
func Socket(name string, domain, typ, proto int) (int, error) {
	if !Exists(name) {
		return -1, fmt.Errorf("netns %q: %w", name, fs.ErrNotExist)
	}
	fd := -1
	err := Do(name, func() error {
		var err error
		fd, err = unix.Socket(domain, typ, proto)
		return err
	})
	if err != nil {
		if fd >= 0 {
			unix.Close(fd) // made, but the thread could not switch back
		}
		return -1, err
	}
	return fd, nil
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
	err = unshared(func() error {
		self := fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid())
		return unix.Mount(self, p, "none", unix.MS_BIND, "")
	})
	if err != nil {
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
	var h netns.NsHandle
	err := unshared(func() (err error) {
		h, err = netns.Get()
		return err
	})
	if err != nil {
		return fmt.Errorf("create a scratch netns: %w", err)
	}
	defer h.Close()
	return fn(h)
}

// unshared runs fn on a locked OS thread of its own that has just moved into
// a new network namespace (unshare(CLONE_NEWNET)), so the calling thread
// never changes namespace. fn names or holds the namespace (a bind mount, a
// handle), or it is gone when fn returns. The thread switches back before it
// is given back: a locked thread that ends with its goroutine is terminated,
// except the process's main thread, which would stay wedged in the new
// namespace and keep it alive after `ip netns del`. A thread that cannot
// switch back stays locked and ends with its goroutine.
func unshared(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("read current netns: %w", err)
			return
		}
		defer orig.Close()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("unshare: %w", err)
			return
		}
		err = fn()
		if netns.Set(orig) == nil {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	return <-errc
}

// Delete unmounts and removes a named namespace, as `ip netns del NAME` does.
// The kernel frees the namespace, with every link in it, once nothing else
// holds it: this process's subscriptions there are closed first. A missing
// namespace is not an error.
func Delete(name string) error {
	closeSubs(name)
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
