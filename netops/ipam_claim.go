package netops

import (
	"fmt"
	"os"
	"path/filepath"
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
		// Folders above it that do not exist yet, outermost first, up to
		// /var/lib: reset removes them again when they are empty.
		var made []string
		for d := filepath.Dir(ipamDir(n)); d != "/var/lib" && d != "/" && d != "."; d = filepath.Dir(d) {
			if _, err := os.Stat(d); err != nil {
				made = append([]string{d}, made...)
			}
		}
		if err := s.Record(Entry{Kind: KindIPAMDir, Name: n, Made: made}); err != nil {
			return err
		}
	}
	return nil
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
	return removed, nil
}

// IPAMDirOf is the folder a lesson's ipam_networks name stands for.
func IPAMDirOf(name string) string { return ipamDir(name) }
