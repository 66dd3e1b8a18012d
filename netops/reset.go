package netops

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cnilab/lab/netops/nft"
	"github.com/cnilab/lab/netops/ns"
)

// Reset removes everything the journal says this scope created or claimed,
// newest first, then the state directory. Deleting a namespace deletes every
// link, address, route and nftables table in it in one go, so links and
// tables are only removed one by one when their namespace is not the
// scope's own. It is idempotent: a second Reset finds no journal and does
// nothing. It returns what it removed, for the learner.
func (s *Scope) Reset() ([]string, error) {
	entries, err := s.Journal()
	if err != nil {
		return nil, err
	}
	doomed, jobs := map[string]bool{}, map[string]string{}
	for _, e := range entries {
		switch e.Kind {
		case KindNetns, KindClaimNetns:
			doomed[e.Name] = true
		case KindProcess:
			if e.Token != "" {
				jobs[e.Token] = e.Name
			}
		}
	}
	// Processes first: one that holds a namespace would keep it alive after
	// its name is gone. lab's own jobs by their mark, then anything else
	// still inside the namespaces about to go. Containers before those
	// jobs: their shims are lab's jobs, but a container outlives its shim.
	removed := s.killContainers()
	stopped, err := s.stopProcesses(jobs)
	removed = append(removed, stopped...)
	if err != nil {
		return removed, err
	}
	inodes := map[uint64]string{}
	for name := range doomed {
		if ino, err := ns.Inode(ns.Path(name)); err == nil && ns.Exists(name) {
			inodes[ino] = name
		}
	}
	removed = append(removed, stopProcessesIn(inodes)...)
	seen := map[string]bool{}
	usedContainerdRun := false
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if seen[fmt.Sprint(e)] {
			continue
		}
		seen[fmt.Sprint(e)] = true
		switch e.Kind {
		case KindNetns, KindClaimNetns:
			if !ns.Exists(e.Name) {
				// Not mounted: at most the empty file a crash left between
				// touch and mount, under a name that is ours (made or
				// claimed): remove it.
				ns.Delete(e.Name)
				continue
			}
			s.forget(e.Name)
			if err := ns.Delete(e.Name); err != nil {
				return removed, err
			}
			removed = append(removed, "netns "+e.Name)
		case KindLink:
			if doomed[e.Netns] || !ns.Exists(e.Netns) {
				continue
			}
			if ok, err := s.deleteMarkedLink(e.Netns, e.Name); err != nil {
				return removed, err
			} else if ok {
				removed = append(removed, fmt.Sprintf("link %s in netns %s", e.Name, e.Netns))
			}
		case KindMadeDir:
			usedContainerdRun = usedContainerdRun || e.Name == ContainerdRun
		case KindCgroup:
			if ok, err := removeCgroup(e.Name); err != nil {
				return removed, err
			} else if ok {
				removed = append(removed, "cgroup "+e.Name)
			}
		case KindIPAMDir:
			if ok, err := removeIPAMDir(e); err != nil {
				return removed, err
			} else if ok {
				removed = append(removed, "IPAM folder "+ipamDir(e.Name))
			}
		case KindNftTable:
			if doomed[e.Netns] || !ns.Exists(e.Netns) {
				continue
			}
			if err := nft.DeleteTable(e.Netns, e.Name); err != nil {
				return removed, err
			}
			removed = append(removed, fmt.Sprintf("nftables table %s in netns %s", e.Name, e.Netns))
		}
	}
	s.Close()
	if err := s.clearState(); err != nil {
		return removed, err
	}
	// After the state folder is gone: of scopes resetting at once, the
	// last to remove its containerd folder finds no other's left.
	if usedContainerdRun && releaseContainerdRun() {
		removed = append(removed, "folder "+ContainerdRun)
	}
	return removed, nil
}

// clearState removes the state directory's contents but the lock file,
// which the caller may hold: removing it would let a second process lock a
// new file while the first still works. Release removes the directory once
// only the lock is left.
func (s *Scope) clearState() error {
	entries, err := os.ReadDir(s.StateDir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read state dir of scope %q: %w", s.Name, err)
	}
	for _, e := range entries {
		if e.Name() == "lock" {
			continue
		}
		if err := os.RemoveAll(filepath.Join(s.StateDir, e.Name())); err != nil {
			return fmt.Errorf("remove %s of scope %q: %w", e.Name(), s.Name, err)
		}
	}
	return nil
}

// deleteMarkedLink deletes a journaled link only when it still carries this
// scope's mark: a link someone else made since with the same name stays.
func (s *Scope) deleteMarkedLink(real, name string) (bool, error) {
	h, err := s.handle(real)
	if err != nil {
		return false, err
	}
	l, err := h.LinkByName(name)
	if err != nil || l.Attrs().Alias != s.Mark() {
		return false, nil
	}
	if err := h.LinkDel(l); err != nil {
		return false, fmt.Errorf("delete link %q in netns %q: %w", name, real, err)
	}
	return true, nil
}

// Namespaces lists the real names of the namespaces the journal holds, in
// the order they were first recorded.
func (s *Scope) Namespaces() ([]string, error) {
	entries, err := s.Journal()
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, e := range entries {
		if (e.Kind == KindNetns || e.Kind == KindClaimNetns) && !seen[e.Name] {
			seen[e.Name] = true
			out = append(out, e.Name)
		}
	}
	return out, nil
}
