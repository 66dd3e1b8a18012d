package netops

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// ContainerdRun is where a scope's containerd and runc keep their state, as
// the article's paths show it: /run/containerd (runc's own under runc/).
const ContainerdRun = "/run/containerd"

// containerdSocket is the scope's containerd's socket, in its mount
// namespace.
const containerdSocket = ContainerdRun + "/containerd.sock"

// CtrdHold is `lab ctrd-hold DIR`, started by lab in a mount namespace of
// its own (CLONE_NEWNS): the scope's containerd, with the article's paths.
//
// Its mounts: / and /run become slaves of the machine's, so what is
// mounted here never reaches the machine, while /run/netns stays the
// machine's own mount (shared): the learner's `mount --bind
// /proc/$PID/ns/net /var/run/netns/pause_demo` in lab shell reaches lab
// verify. DIR/run is bound on /run/containerd, so containerd's and runc's
// state (runc's state.json of each container) stays in the scope's state
// folder, where reset finds it even after a kill of everything else.
// The scope's own cgroup folders are bound on the cgroup hierarchies
// (ctrd_cgroup.go).
//
// Then it runs containerd with DIR/config.toml, passes SIGTERM and SIGINT
// on, and ends with it.
//
// Equivalent to: `unshare --mount --propagation unchanged sh -c 'mount
// --make-slave /; mount --make-slave /run; mount --bind DIR/run
// /run/containerd; exec containerd --config DIR/config.toml'`
func CtrdHold(dir string) error {
	wrap := func(what string, err error) error { return fmt.Errorf("scope containerd: %s: %w", what, err) }
	for _, p := range []string{"/", "/run"} {
		if mountPoint(p) {
			if err := unix.Mount("", p, "", unix.MS_SLAVE, ""); err != nil {
				return wrap("make "+p+" a slave of the machine's", err)
			}
		}
	}
	if err := bindCgroups(filepath.Base(filepath.Dir(dir))); err != nil {
		return wrap("cgroups", err)
	}
	run := filepath.Join(dir, "run")
	if err := os.MkdirAll(run, 0o711); err != nil {
		return wrap("make "+run, err)
	}
	if err := unix.Mount(run, ContainerdRun, "", unix.MS_BIND, ""); err != nil {
		return wrap("bind "+run+" on "+ContainerdRun, err)
	}
	log, err := os.OpenFile(filepath.Join(dir, "containerd.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return wrap("log", err)
	}
	defer log.Close()
	cmd := exec.Command("containerd", "--config", filepath.Join(dir, "config.toml"))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return wrap("start containerd", err)
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		for s := range sigs {
			cmd.Process.Signal(s)
		}
	}()
	return cmd.Wait()
}

// mountPoint reports whether p is a mount point of this mount namespace.
func mountPoint(p string) bool {
	var st, parent unix.Stat_t
	if unix.Stat(p, &st) != nil || unix.Stat(filepath.Join(p, ".."), &parent) != nil {
		return false
	}
	return p == "/" || st.Dev != parent.Dev
}

// ContainerdConfig is the scope's containerd config: its root (images,
// snapshots) under the state folder, its state and socket under
// /run/containerd (the holder's bind of the state folder), no CRI plugin:
// it would make the machine's /etc/cni/net.d and serve a kubelet.
func ContainerdConfig(dir string) string {
	return fmt.Sprintf(`version = 2
disabled_plugins = ["io.containerd.grpc.v1.cri"]
root = %q
state = %q
[grpc]
  address = %q
[plugins."io.containerd.internal.v1.opt"]
  path = %q
`, filepath.Join(dir, "root"), ContainerdRun, containerdSocket, filepath.Join(dir, "opt"))
}
