package netops

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cnilab/lab/netops/ns"
	"golang.org/x/sys/unix"
)

// KindCgroup is a cgroup folder lab made for a scope's containers: removed
// with everything below it, deepest first.
const KindCgroup = "cgroup"

// A container's cgroup is /k8s.io/ID, as ctr asks runc for it. Two scopes
// running the same lesson would share /sys/fs/cgroup/*/k8s.io/pause_demo,
// and a container killed by reset leaves its cgroup behind. So each cgroup
// hierarchy gets a folder of the scope's own (cnilab-SCOPE), and the
// scope's containerd sees it bound on the hierarchy's mount point: runc's
// /k8s.io/pause_demo lands in /sys/fs/cgroup/memory/cnilab-SCOPE/k8s.io/
// pause_demo, and reset removes the whole folder.

// cgroupMounts lists the mount points of the cgroup hierarchies (v1
// controllers, or the one v2 tree) in this mount namespace.
func cgroupMounts() ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER
		left, right, ok := strings.Cut(sc.Text(), " - ")
		if !ok {
			continue
		}
		fields, fstype := strings.Fields(left), strings.Fields(right)
		if len(fields) < 5 || len(fstype) == 0 || (fstype[0] != "cgroup" && fstype[0] != "cgroup2") {
			continue
		}
		mnt := ns.UnescapeMountPath(fields[4])
		if !slices.Contains(out, mnt) {
			out = append(out, mnt)
		}
	}
	return out, sc.Err()
}

// cgroupDirName is the scope's folder in each hierarchy.
func cgroupDirName(scope string) string { return "cnilab-" + scope }

// makeCgroups makes the scope's folder in every cgroup hierarchy, each
// journaled before it exists.
//
// Equivalent to: `mkdir /sys/fs/cgroup/*/cnilab-SCOPE`
func (s *Scope) makeCgroups() error {
	mounts, err := cgroupMounts()
	if err != nil {
		return fmt.Errorf("list the cgroup hierarchies: %w", err)
	}
	if len(mounts) == 0 {
		return errors.New("no cgroup hierarchy is mounted: runc needs one (mount -t cgroup2 none /sys/fs/cgroup)")
	}
	for _, m := range mounts {
		dir := filepath.Join(m, cgroupDirName(s.Name))
		if err := s.Record(Entry{Kind: KindCgroup, Name: dir}); err != nil {
			return err
		}
		if err := os.Mkdir(dir, 0o755); err != nil && !os.IsExist(err) {
			return fmt.Errorf("make the scope's cgroup %s: %w", dir, err)
		}
		if err := inheritCpuset(m, dir); err != nil {
			return err
		}
	}
	return nil
}

// inheritCpuset gives a new v1 cpuset cgroup its parent's cpus and mems:
// it starts with none, and no process may join it then (runc does this for
// the folders it makes, not for the one it takes as the root).
//
// Equivalent to: `cat cpuset.cpus > cnilab-SCOPE/cpuset.cpus` (and mems)
func inheritCpuset(parent, dir string) error {
	for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
		mine, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || strings.TrimSpace(string(mine)) != "" {
			continue // not a v1 cpuset, or set already
		}
		v, err := os.ReadFile(filepath.Join(parent, f))
		if err != nil {
			return fmt.Errorf("read %s of %s: %w", f, parent, err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), v, 0o644); err != nil {
			return fmt.Errorf("give the scope's cgroup %s its parent's %s: %w", dir, f, err)
		}
	}
	return nil
}

// bindCgroups, in the scope's containerd's mount namespace, binds the
// scope's folder of each hierarchy on the hierarchy's mount point. /sys
// becomes a slave first, so the binds never reach the machine.
//
// Equivalent to: `mount --make-rslave /sys; mount --bind
// /sys/fs/cgroup/memory/cnilab-SCOPE /sys/fs/cgroup/memory` (each hierarchy)
func bindCgroups(scope string) error {
	mounts, err := cgroupMounts()
	if err != nil {
		return err
	}
	if err := unix.Mount("", "/sys", "", unix.MS_REC|unix.MS_SLAVE, ""); err != nil {
		return fmt.Errorf("make /sys a slave of the machine's: %w", err)
	}
	for _, m := range mounts {
		dir := filepath.Join(m, cgroupDirName(scope))
		if err := unix.Mount(dir, m, "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind the scope's cgroup %s on %s: %w", dir, m, err)
		}
	}
	return nil
}

// cgroupRemoveLimit bounds the wait for a killed container to leave its
// cgroup (its exit is reaped a moment after the kill).
const cgroupRemoveLimit = 2 * time.Second

// removeCgroup removes a scope's cgroup folder and every folder below it,
// deepest first (a cgroup folder goes with rmdir once no process is in it).
func removeCgroup(dir string) (bool, error) {
	if _, err := os.Stat(dir); err != nil {
		return false, nil
	}
	var dirs []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	slices.SortFunc(dirs, func(a, b string) int { return len(b) - len(a) })
	deadline := time.Now().Add(cgroupRemoveLimit)
	for _, d := range dirs {
		for {
			err := unix.Rmdir(d)
			if err == nil || errors.Is(err, unix.ENOENT) {
				break
			}
			if !errors.Is(err, unix.EBUSY) || time.Now().After(deadline) {
				return false, fmt.Errorf("remove the scope's cgroup %s: %w", d, err)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return true, nil
}
