package netops

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// HostLocalDir is where host-local keeps a network's addresses when its
// config names no dataDir: where a plugin run by hand with the article's
// config writes.
const HostLocalDir = "/var/lib/cni/networks"

// ipamDir is the folder of a claimed name: a network of host-local's default
// dataDir, or an absolute path (another plugin's default, such as
// my-cni-demo's /var/lib/cni/my-cni-demo/my-cni-demo).
func ipamDir(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(HostLocalDir, name)
}

// ClaimIPAM claims host-local's folders of the lesson's networks: a folder
// that exists and that this scope did not claim stops the lesson (another
// user's pods hold addresses there); a claimed one is removed by Reset.
func (s *Scope) ClaimIPAM(networks []string) error {
	entries, err := s.Journal()
	if err != nil {
		return err
	}
	owned := map[string]bool{}
	for _, e := range entries {
		if e.Kind == KindIPAMDir {
			owned[e.Name] = true
		}
	}
	for _, n := range networks {
		dir := ipamDir(n)
		if _, err := os.Stat(dir); err == nil && !owned[n] {
			return fmt.Errorf("IPAM folder %s already exists and was %w: remove it if no pod uses network %q, or use another lesson", dir, ErrForeign, n)
		}
	}
	for _, n := range networks {
		if owned[n] {
			continue
		}
		// Folders above it, outermost first, up to /var/lib: those that do
		// not exist yet, or that another scope's claim made, reset removes
		// again when they are empty.
		var parents []string
		for d := filepath.Dir(ipamDir(n)); d != "/var/lib" && d != "/" && d != "."; d = filepath.Dir(d) {
			parents = append([]string{d}, parents...)
		}
		made, err := claimParents(parents)
		if err != nil {
			return err
		}
		if err := s.Record(Entry{Kind: KindIPAMDir, Name: n, Made: made}); err != nil {
			return err
		}
	}
	return nil
}

// madeDirs lists, for the whole machine, the folders above host-local's
// that lab's claims found missing. Scopes share them: the first claim
// finds /var/lib/cni/networks missing, a second one (another lesson, at
// the same time) finds it made and records nothing, and whichever scope is
// reset last must still remove it. Each reset removes those that are
// empty by then.
var madeDirs = filepath.Join(StateRoot, ".ipam-made")

// claimParents returns the parents that lab made: missing now (they are
// added to madeDirs) or made by another scope's claim (in madeDirs).
func claimParents(parents []string) ([]string, error) {
	var made []string
	err := editMade(func(have []string) []string {
		for _, d := range parents {
			_, err := os.Stat(d)
			switch {
			case err != nil:
				made = append(made, d)
				if !slices.Contains(have, d) {
					have = append(have, d)
				}
			case slices.Contains(have, d):
				made = append(made, d)
			}
		}
		return have
	})
	return made, err
}

// removeMade removes the folders of madeDirs that are empty, deepest
// first, and forgets those that are gone.
func removeMade() error {
	return editMade(func(have []string) []string {
		slices.SortFunc(have, func(a, b string) int { return len(b) - len(a) })
		var keep []string
		for _, d := range have {
			if d == ContainerdRun {
				// Empty on the machine while scopes' containerds mount
				// on it: releaseContainerdRun decides.
				keep = append(keep, d)
				continue
			}
			if err := os.Remove(d); err != nil && !os.IsNotExist(err) {
				keep = append(keep, d) // not empty: another network lives there
			}
		}
		return keep
	})
}

// editMade rewrites madeDirs under a lock on its folder (a lock on the
// file itself would not hold once a reset removed the file); an empty list
// removes it.
func editMade(edit func([]string) []string) error {
	if err := mkdirAll(StateRoot); err != nil {
		return err
	}
	dir, err := os.Open(StateRoot)
	if err != nil {
		return err
	}
	defer dir.Close()
	if err := unix.Flock(int(dir.Fd()), unix.LOCK_EX); err != nil {
		return fmt.Errorf("lock %s: %w", StateRoot, err)
	}
	b, err := os.ReadFile(madeDirs)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	have := edit(strings.Fields(string(b)))
	if len(have) == 0 {
		if err := os.Remove(madeDirs); err != nil && !os.IsNotExist(err) {
			return err
		}
		return nil
	}
	return os.WriteFile(madeDirs, []byte(strings.Join(have, "\n")+"\n"), 0o644)
}

// removeIPAMDir deletes a claimed network's host-local folder, and the
// parents that did not exist before the claim when nothing else is in them.
func removeIPAMDir(e Entry) (bool, error) {
	dir := ipamDir(e.Name)
	removed := false
	if _, err := os.Stat(dir); err == nil {
		if err := os.RemoveAll(dir); err != nil {
			return false, fmt.Errorf("remove IPAM folder %s: %w", dir, err)
		}
		removed = true
	}
	for i := len(e.Made) - 1; i >= 0; i-- {
		os.Remove(e.Made[i]) // only when empty: another network may live there
	}
	return removed, removeMade()
}

// IPAMDirOf is the folder a lesson's ipam_networks name stands for.
func IPAMDirOf(name string) string { return ipamDir(name) }
