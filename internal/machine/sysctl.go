package machine

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// sysctlRoot is the tree a lab could change by mistake: forwarding,
// rp_filter, proxy_arp and the like, per device and global.
const sysctlRoot = "/proc/sys/net/ipv4"

// sysctls reads every readable key under net.ipv4, per-device directories
// (conf/<dev>, neigh/<dev>) included. /proc/sys/net shows the namespace of
// the reading thread.
//
// No key is excluded as self-changing: on kernel 6.18 three reads of all
// 447 readable keys over four seconds were identical. Should one turn up,
// list it here with the reason.
func sysctls() (map[string]string, error) {
	out := map[string]string{}
	err := filepath.WalkDir(sysctlRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			// A per-device directory can vanish mid-walk when its link
			// goes; what is gone cannot be compared.
			if d != nil && d.IsDir() && path != sysctlRoot {
				return fs.SkipDir
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			// Write-only keys (route/flush) and keys that refuse reads
			// hold no state to compare.
			return nil
		}
		out[sysctlName(path)] = strings.Join(strings.Fields(string(b)), " ")
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read sysctls under %s: %w", sysctlRoot, err)
	}
	return out, nil
}

// sysctlName turns a /proc/sys path into a sysctl(8) name. As sysctl(8)
// does, a dot inside a component (a VLAN device "eth0.100") becomes a
// slash, so the name stays unambiguous.
func sysctlName(path string) string {
	rel, _ := filepath.Rel("/proc/sys", path)
	parts := strings.Split(rel, string(filepath.Separator))
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(p, ".", "/")
	}
	return strings.Join(parts, ".")
}
