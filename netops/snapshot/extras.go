package snapshot

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cnilab/lab/netops/nft"
	"github.com/cnilab/lab/netops/ns"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Sysctls are the kernel parameters a full snapshot reads in every
// namespace, with their value in a namespace the kernel has just made: a
// new namespace shows only the ones that differ. MTUs are in the link lines.
var Sysctls = []Sysctl{
	{"net.ipv4.ip_forward", "0"},
	{"net.ipv4.conf.all.rp_filter", "0"},
	{"net.bridge.bridge-nf-call-iptables", "1"},
}

// unnotified are the Sysctls the kernel sends no notification for
// (br_netfilter's own); ip_forward and rp_filter are netconf events.
var unnotified = map[string]bool{"net.bridge.bridge-nf-call-iptables": true}

// ReadSysctls reads Sysctls inside the namespace, with one switch into it;
// a key the kernel lacks (br_netfilter not loaded) is left out. The
// watch's once-a-second look reads the same.
// Equivalent to: `ip netns exec NAME sysctl net.ipv4.ip_forward ...`
func ReadSysctls(name string) []Sysctl {
	var out []Sysctl
	_ = ns.Do(name, func() error { out = readSysctls(func(string) bool { return true }); return nil })
	return out
}

// readSysctls reads the Sysctls keep wants, on the calling thread: switched
// into the namespace already.
func readSysctls(keep func(key string) bool) []Sysctl {
	var out []Sysctl
	for _, k := range Sysctls {
		if !keep(k.Key) {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc/sys", strings.ReplaceAll(k.Key, ".", "/")))
		if err == nil {
			out = append(out, Sysctl{Key: k.Key, Value: strings.TrimSpace(string(b))})
		}
	}
	return out
}

// notifiedState reads what a change of is announced (cache.go): the
// nftables rules and the notified Sysctls, and the bridge fdb through h.
func notifiedState(name string, h *netlink.Handle, devs map[int]string) Netns {
	var n Netns
	n.Rules, _ = nft.Rules(name)
	_ = ns.Do(name, func() error { n.Sysctls = readSysctls(func(k string) bool { return !unnotified[k] }); return nil })
	n.FDB, _ = listFDB(h, name, devs)
	return n
}

// unnotifiedState reads, with one switch into the namespace, what changes
// unannounced: the unnotified Sysctls and legacy iptables' rules (whose
// tables are looked for there; iptables-legacy-save runs only when there
// are some).
func unnotifiedState(name string) (sysctls []Sysctl, legacy []string) {
	tables := false
	_ = ns.Do(name, func() error {
		sysctls = readSysctls(func(k string) bool { return unnotified[k] })
		tables = nft.HasLegacyTables()
		return nil
	})
	if tables {
		legacy = nft.LegacySave(name)
	}
	return sysctls, legacy
}

// mergeSysctls puts two readings together in Sysctls' order.
func mergeSysctls(a, b []Sysctl) []Sysctl {
	out := append(append([]Sysctl(nil), a...), b...)
	slices.SortStableFunc(out, cmpSysctl)
	return out
}

// listFDB dumps what the namespace's bridges learnt: MACs behind ports.
// Permanent entries (each port's own MAC) and a device's own entries say
// nothing about traffic, so they are left out.
// Equivalent to: `bridge fdb show` without the permanent and self lines
func listFDB(h *netlink.Handle, name string, devs map[int]string) ([]FDB, error) {
	entries, err := ns.RetryDump(func() ([]netlink.Neigh, error) { return h.NeighList(0, unix.AF_BRIDGE) })
	if err != nil {
		return nil, fmt.Errorf("list the bridge fdb in netns %q: %w", name, err)
	}
	var out []FDB
	for _, e := range entries {
		if e.MasterIndex == 0 || e.State&netlink.NUD_PERMANENT != 0 || e.Flags&netlink.NTF_SELF != 0 ||
			len(e.HardwareAddr) == 0 || e.HardwareAddr[0]&1 != 0 { // multicast
			continue
		}
		out = append(out, FDB{MAC: e.HardwareAddr.String(), Dev: devs[e.LinkIndex], Master: devs[e.MasterIndex]})
	}
	slices.SortFunc(out, cmpFDB)
	return slices.Compact(out), nil
}

// Line renders the entry as `bridge fdb show` does:
// "02:42:ac:1e:00:0b dev client1-veth-br master bridge1".
func (f FDB) Line() string { return f.MAC + " dev " + f.Dev + " master " + f.Master }

// Line renders the parameter as `sysctl KEY` does: "net.ipv4.ip_forward = 1".
func (s Sysctl) Line() string { return s.Key + " = " + s.Value }

func cmpFDB(a, b FDB) int {
	return strings.Compare(a.Master+" "+a.Dev+" "+a.MAC, b.Master+" "+b.Dev+" "+b.MAC)
}
