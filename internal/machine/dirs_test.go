package machine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// A fresh machine has no /run/netns until the first `ip netns add`, which
// creates it and bind-mounts it onto itself, shared. The guard given such a
// root that did not exist before must accept the empty folder and its own
// mount, and must still fail on an entry in it and on a mount under it.
func TestGuardAcceptsConventionalRoot(t *testing.T) {
	needRoot(t)
	root := filepath.Join(t.TempDir(), "netns")
	dirs := []Dir{{Path: root, What: "named netns", MayAppear: true}}
	check := guard(dirs)

	// iproute2's convention (ip/ipnetns.c, netns_add): mkdir, bind the
	// folder onto itself, make it shared.
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount(root, root, "none", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		t.Fatalf("bind %s onto itself: %v", root, err)
	}
	t.Cleanup(func() { unix.Unmount(root, unix.MNT_DETACH) })
	if err := unix.Mount("", root, "none", unix.MS_SHARED|unix.MS_REC, ""); err != nil {
		t.Fatalf("make %s shared: %v", root, err)
	}
	if err := check(); err != nil {
		t.Fatalf("an empty %s made by iproute2's convention failed the guard: %v", root, err)
	}

	// A file left in it, as a namespace's mount point left behind.
	entry := filepath.Join(root, "leaked")
	if err := os.WriteFile(entry, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	err := check()
	if err == nil || !strings.Contains(err.Error(), "path added: named netns "+entry) {
		t.Fatalf("an entry in %s: guard said %v, want it to name %s", root, err, entry)
	}

	// A mount on it: a bind mount of a file, as a named namespace is.
	src := filepath.Join(t.TempDir(), "src")
	if err := os.WriteFile(src, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount(src, entry, "none", unix.MS_BIND, ""); err != nil {
		t.Fatalf("bind %s: %v", entry, err)
	}
	t.Cleanup(func() { unix.Unmount(entry, unix.MNT_DETACH) })
	err = check()
	if err == nil || !strings.Contains(err.Error(), "mount added: "+entry) {
		t.Fatalf("a mount on %s: guard said %v, want it to name the mount", entry, err)
	}
}

// A folder that may not appear (the machine's /var/lib/cni) fails the guard
// even when it is empty.
func TestGuardStrictRoot(t *testing.T) {
	needRoot(t)
	root := filepath.Join(t.TempDir(), "cni")
	check := guard([]Dir{{Path: root, What: "CNI state"}})
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	err := check()
	if err == nil || !strings.Contains(err.Error(), "path added: CNI state "+root) {
		t.Fatalf("guard said %v, want it to name %s", err, root)
	}
}
