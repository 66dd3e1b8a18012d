package machine

import (
	"fmt"
	"path/filepath"

	"github.com/cnilab/lab/netops/ns"
)

// Fingerprint is the state of one network namespace as sorted text lines.
// It holds configuration only: counters, carrier state and anything else
// that moves by itself is left out, so two takes of an untouched namespace
// are equal.
type Fingerprint struct {
	// Links: "name kind up|down mtu N [master M] [alias "A"]".
	Links []string
	// Addrs: "dev prefix [peer P]", both families; IPv6 addresses with a
	// finite valid lifetime (SLAAC, privacy) are left out.
	Addrs []string
	// Routes: IPv4 and IPv6 routes of every table; cache entries and IPv6
	// routes that expire (learned from router advertisements) are left out.
	Routes []string
	// PolicyRules: `ip rule` entries of both families, which choose the
	// routing table; a lab that leaked one would reroute the host.
	PolicyRules []string
	// Rules: nftables tables, chains, sets and rules, without handles and
	// with counters zeroed.
	Rules []string
	// LegacyTables: the x_tables (iptables-legacy) tables instantiated in
	// the namespace, from /proc/net/*_tables_names. nftables cannot see
	// them, and once one exists it cannot be removed again.
	LegacyTables []string
	// Paths: every path under the watched folders (Dirs), as "WHAT PATH":
	// a named namespace left in /run/netns, a state dir left in
	// /run/cnilab, a file of host-local's in /var/lib/cni.
	Paths []string
	// Mounts: the mount points at or under the watched folders, as
	// "POINT (FSTYPE)": a namespace bind mount left behind shows here even
	// when its file was removed.
	Mounts []string
	// Sysctls: every readable key under net.ipv4, sysctl(8) style names.
	Sysctls map[string]string
}

// filesystem reads the Paths and Mounts of a fingerprint.
func filesystem(dirs []Dir) (paths, mounts []string) {
	for _, d := range dirs {
		for _, p := range dirLines(d) {
			paths = append(paths, d.What+" "+p)
		}
	}
	// The containerd lesson's cgroup folders (netops/ctrd_cgroup.go), one
	// per scope in each hierarchy: not walked, the hierarchies are large.
	cgroups, _ := filepath.Glob("/sys/fs/cgroup/*/cnilab-*")
	more, _ := filepath.Glob("/sys/fs/cgroup/cnilab-*")
	for _, p := range append(cgroups, more...) {
		paths = append(paths, "cgroup "+p)
	}
	return paths, mountLines(dirs)
}

// Take reads the fingerprint of the calling thread's network namespace and
// of the machine's folders that lab writes under (Dirs).
func Take() (Fingerprint, error) { return take(Dirs) }

func take(dirs []Dir) (Fingerprint, error) {
	var fp Fingerprint
	links, names, err := linkLines()
	if err != nil {
		return fp, err
	}
	fp.Links = links
	if fp.Addrs, err = addrLines(names); err != nil {
		return fp, err
	}
	if fp.Routes, err = routeLines(names); err != nil {
		return fp, err
	}
	if fp.PolicyRules, err = policyLines(); err != nil {
		return fp, err
	}
	if fp.Rules, err = nftLines(); err != nil {
		return fp, err
	}
	fp.LegacyTables = legacyTables()
	fp.Paths, fp.Mounts = filesystem(dirs)
	if fp.Sysctls, err = sysctls(); err != nil {
		return fp, err
	}
	return fp, nil
}

// dump is ns.RetryDump with the name of what is listed in its error.
func dump[T any](what string, list func() (T, error)) (T, error) {
	v, err := ns.RetryDump(list)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("list %s: %w", what, err)
	}
	return v, nil
}
