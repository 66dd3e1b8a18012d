package nft

import (
	"bytes"
	"os"
	"os/exec"
	"strings"

	"github.com/cnilab/lab/netops/ns"
)

// LegacyRules lists the rules a namespace holds in legacy iptables (x_tables,
// outside nftables: what `iptables-legacy` wrote), as
//
//	legacy nat: -A POSTROUTING -s 172.30.0.0/24 -o eth0 -j MASQUERADE
//	legacy filter: -P FORWARD DROP
//
// in `iptables-save` words, a policy only when it is not ACCEPT. Netlink
// cannot read them, so iptables-legacy-save does, and only when the
// namespace has a legacy table at all (/proc/net/ip_tables_names): the
// common case costs one read, no process.
//
// Equivalent to: `ip netns exec NETNS iptables-legacy-save`
func LegacyRules(netns string) []string {
	var present bool
	_ = ns.Do(netns, func() error { present = HasLegacyTables(); return nil })
	if !present {
		return nil
	}
	return LegacySave(netns)
}

// HasLegacyTables reports whether the calling thread's network namespace
// holds a legacy iptables table: call it switched into the namespace
// (ns.Do), beside other reads there.
func HasLegacyTables() bool {
	names, _ := os.ReadFile("/proc/thread-self/net/ip_tables_names")
	return len(bytes.TrimSpace(names)) > 0
}

// LegacySave is LegacyRules once HasLegacyTables said there are some.
//
// Equivalent to: `ip netns exec NETNS iptables-legacy-save`
func LegacySave(netns string) []string {
	if _, err := exec.LookPath("iptables-legacy-save"); err != nil {
		return []string{"legacy: ... (iptables-legacy-save is not installed to read them)"}
	}
	out, err := exec.Command("ip", "netns", "exec", netns, "iptables-legacy-save").Output()
	if err != nil {
		return []string{"legacy: ... (cannot read them: " + err.Error() + ")"}
	}
	return parseSave(string(out))
}

// parseSave turns iptables-save output into LegacyRules' lines.
func parseSave(out string) []string {
	var lines []string
	table := ""
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "*"):
			table = strings.TrimPrefix(l, "*")
		case strings.HasPrefix(l, "-A "):
			lines = append(lines, "legacy "+table+": "+l)
		case strings.HasPrefix(l, ":"):
			// ":FORWARD DROP [0:0]": a built-in chain's policy; "-" for a user chain.
			f := strings.Fields(strings.TrimPrefix(l, ":"))
			if len(f) >= 2 && f[1] != "ACCEPT" && f[1] != "-" {
				lines = append(lines, "legacy "+table+": -P "+f[0]+" "+f[1])
			}
		}
	}
	return lines
}
