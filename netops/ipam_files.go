package netops

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
)

// IPAMHeld lists host-local's files of a network that hold an address for
// container and ifname: one file per address, named after it, holding the
// container id and the interface. It looks in the scope's own dataDir and
// in host-local's default, so a plugin run by hand with an article's config
// counts as much as lab's own run, and returns the folders it looked in.
//
// Equivalent to: `grep -lx CONTAINER /var/lib/cni/networks/NETWORK/*`
func (s *Scope) IPAMHeld(network, container, ifname string) (held, looked []string) {
	for _, dir := range []string{filepath.Join(s.IPAMDir(), network), filepath.Join(HostLocalDir, network)} {
		looked = append(looked, dir)
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, ent := range entries {
			if _, err := netip.ParseAddr(ent.Name()); err != nil {
				continue // last_reserved_ip.0, lock
			}
			b, err := os.ReadFile(filepath.Join(dir, ent.Name()))
			if err != nil {
				continue
			}
			fields := strings.Fields(string(b))
			if len(fields) >= 1 && fields[0] == container && (len(fields) < 2 || fields[1] == ifname) {
				held = append(held, filepath.Join(dir, ent.Name()))
			}
		}
	}
	return held, looked
}
