package netops

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cnilab/lab/netops/ns"
)

// NetnsDefaults are the kernel parameters every namespace lab creates gets
// explicitly. A new namespace takes them from the kernel's defaults, or from
// the machine's own namespace when net.core.devconf_inherit_init_net says
// so, never from its creator: a machine with strict rp_filter or forwarding
// on would otherwise change what the lessons show. Lessons turn forwarding
// on themselves where the article does. IPv6 is off, as Docker leaves a
// container without --ipv6: no lesson uses it, and its router and neighbour
// solicitations (duplicate address detection, MLD reports) would fill the
// captures that should show the lesson's packets.
var NetnsDefaults = []struct{ Key, Value string }{
	{"net.ipv6.conf.all.disable_ipv6", "1"},
	{"net.ipv6.conf.default.disable_ipv6", "1"},
	{"net.ipv4.ip_forward", "0"},
	{"net.ipv4.conf.all.rp_filter", "0"},
	{"net.ipv4.conf.default.rp_filter", "0"},
	{"net.ipv4.conf.lo.rp_filter", "0"},
	{"net.ipv6.conf.all.accept_ra", "0"},
	{"net.ipv6.conf.default.accept_ra", "0"},
}

// setDefaults writes NetnsDefaults inside a namespace lab just created.
func setDefaults(real string) error {
	return ns.Do(real, func() error {
		for _, kv := range NetnsDefaults {
			p := filepath.Join("/proc/sys", strings.ReplaceAll(kv.Key, ".", "/"))
			if _, err := os.Stat(p); err != nil {
				continue // IPv6 disabled on this machine
			}
			if err := os.WriteFile(p, []byte(kv.Value), 0o644); err != nil {
				return fmt.Errorf("set %s=%s in netns %q: %w", kv.Key, kv.Value, real, err)
			}
		}
		return nil
	})
}
