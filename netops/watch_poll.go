package netops

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cnilab/lab/netops/nft"
	"github.com/cnilab/lab/netops/ns"
)

// watchedSysctls are the kernel parameters lessons and scenarios turn: the
// watch looks at them each second, since no notification tells.
var watchedSysctls = []string{
	"net.ipv4.ip_forward",
	"net.ipv4.conf.all.rp_filter",
	"net.bridge.bridge-nf-call-iptables",
}

// fingerprint is what the watch's once-a-second look reads of the state
// that sends no notification: the namespaces' nftables rules (without
// counters) and watched sysctls, and the name, size and time of every file
// under dirs. Two equal fingerprints mean nothing of that changed.
//
// Equivalent to: `nft list ruleset; sysctl KEYS` in each namespace, `ls -lR DIRS`
func fingerprint(names, dirs []string) string {
	var b strings.Builder
	for _, n := range names {
		rules, _ := nft.Rules(n)
		rules = append(rules, nft.LegacyRules(n)...)
		fmt.Fprintf(&b, "netns %s\n%s\n", n, strings.Join(rules, "\n"))
		// One switch into the namespace for all keys.
		_ = ns.Do(n, func() error {
			for _, k := range watchedSysctls {
				v, _ := os.ReadFile(sysctlPath(k))
				fmt.Fprintf(&b, "%s=%s", k, v)
			}
			return nil
		})
	}
	for _, d := range dirs {
		filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return nil // a folder not made yet is a state too
			}
			if info, err := e.Info(); err == nil {
				fmt.Fprintf(&b, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
			}
			return nil
		})
	}
	return b.String()
}
