package netops

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/cnilab/lab/netops/ns"
	"golang.org/x/sys/unix"
)

// nodeOverlays are the folders a node keeps of its own: the machine's
// files show through, and what the node writes there stays in it. Article
// 000's paths live under them: /etc/cni/net.d, /opt/cni/bin, and the IPAM
// files of /var/lib/cni.
var nodeOverlays = []struct{ dir, key string }{
	{"/etc", "etc"},
	{"/opt", "opt"},
	{"/var/lib", "varlib"},
}

// NodeHold is `lab node-hold NAME DIR`, the process that holds a node's
// own mount and UTS namespaces (it is started in them, inside the node's
// network namespace). It makes its mounts slaves of the machine's, takes the node's name
// as hostname, puts a tmpfs on DIR (a folder of the scope's state) and
// over /etc, /opt and /var/lib an overlay whose upper layer lives in that
// tmpfs, so that the node's /etc/cni/net.d and /opt/cni/bin are its own
// and empty, as on a fresh node, while nothing is created on the machine's
// filesystem. Then it waits to be stopped; the namespaces and their mounts
// go with it.
//
// Equivalent to: `unshare --mount --uts --propagation slave` then
// `hostname NAME; mount -t overlay overlay -o lowerdir=/etc,upperdir=...,workdir=... /etc; ...`
func NodeHold(name, dir string) error {
	wrap := func(what string, err error) error {
		return fmt.Errorf("node %s: %s: %w", name, what, err)
	}
	// First of all: nothing mounted below may propagate to the machine,
	// while what the machine mounts still reaches the node (slave, not
	// private): the pods' namespaces `lab pod add` names in /run/netns.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_SLAVE, ""); err != nil {
		return wrap("make the mounts slaves of the machine's", err)
	}
	if err := unix.Sethostname([]byte(name)); err != nil {
		return wrap("set the hostname", err)
	}
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0700"); err != nil {
		return wrap("mount a tmpfs on "+dir, err)
	}
	for _, o := range nodeOverlays {
		upper, work := filepath.Join(dir, o.key, "upper"), filepath.Join(dir, o.key, "work")
		for _, d := range []string{upper, work} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return wrap("make "+d, err)
			}
		}
		opts := "lowerdir=" + o.dir + ",upperdir=" + upper + ",workdir=" + work
		if ns.InUserNS() {
			// Its own marks go in user.overlay.* xattrs: a user namespace
			// may not write trusted.* ones (Linux 5.11; tmpfs keeps user
			// xattrs since 6.6).
			opts += ",userxattr"
		}
		if err := unix.Mount("overlay", o.dir, "overlay", 0, opts); err != nil {
			return wrap("mount an overlay on "+o.dir, err)
		}
	}
	// A fresh node: none of the machine's CNI configs, plugins or IPAM
	// files. Where the machine has the folder (a machine with containerd
	// installed has /etc/cni/net.d), an empty tmpfs hides it: removing it
	// in the overlay would mean reading it, which a rootless lab's root
	// may not (net.d is root's alone).
	for _, d := range []string{"/etc/cni", "/opt/cni", "/var/lib/cni"} {
		if _, err := os.Stat(d); err != nil {
			continue
		}
		if err := unix.Mount("tmpfs", d, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755"); err != nil {
			return wrap("hide the machine's "+d, err)
		}
	}
	// A new file, not the machine's rewritten: in a user namespace (rootless
	// lab) the overlay cannot copy up a file whose owner it cannot map.
	if err := os.Remove("/etc/hostname"); err != nil && !os.IsNotExist(err) {
		return wrap("replace /etc/hostname", err)
	}
	if err := os.WriteFile("/etc/hostname", []byte(name+"\n"), 0o644); err != nil {
		return wrap("write /etc/hostname", err)
	}
	for _, d := range []string{"/opt/cni/bin", NodeConfDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return wrap("make "+d, err)
		}
	}
	// Ready: in the tmpfs, so only a look from inside the node finds it.
	if err := os.WriteFile(filepath.Join(dir, nodeReady), nil, 0o644); err != nil {
		return wrap("mark the node ready", err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	return nil
}

// NodeConfDir is where a node's CNI configs live, as on a real node.
const NodeConfDir = "/etc/cni/net.d"

// nodeReady is the file NodeHold writes in its tmpfs once all is mounted.
const nodeReady = "ready"
