package netops

import (
	"fmt"
	"os"
	"sync"

	"github.com/cnilab/lab/netops/ns"
	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// Feature is one kernel capability lessons need, probed for real.
type Feature struct {
	Name string `json:"name"`
	OK   bool   `json:"ok"`
	Err  string `json:"error,omitempty"`
	Fix  string `json:"fix,omitempty"`
}

// ProbeFeatures tries each kernel feature the lessons use inside a scratch
// namespace with no name, which disappears with the probe even if lab is
// killed meanwhile; the machine's own namespace is never touched.
func ProbeFeatures() []Feature {
	var out []Feature
	err := ns.Scratch(func(fd netns.NsHandle) error {
		out = append(out, Feature{Name: "network namespaces", OK: true})
		h, err := netlink.NewHandleAt(fd)
		if err != nil {
			out = append(out, Feature{Name: "netlink", Err: err.Error()})
			return nil
		}
		defer h.Close()
		try := func(what, module string, l netlink.Link) {
			f := Feature{Name: what, OK: true}
			if err := h.LinkAdd(l); err != nil {
				f = Feature{Name: what, Err: err.Error(), Fix: "load the kernel module: modprobe " + module}
			}
			out = append(out, f)
		}
		try("veth", "veth", &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "probe0"}, PeerName: "probe1"})
		try("bridge", "bridge", &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "probebr"}})
		try("vxlan", "vxlan", &netlink.Vxlan{LinkAttrs: netlink.LinkAttrs{Name: "probevx"}, VxlanId: 42, Port: 4789})
		f := Feature{Name: "nftables", OK: true}
		if err := probeNftables(fd); err != nil {
			f = Feature{Name: "nftables", Err: err.Error(), Fix: "load the kernel modules: modprobe nf_tables nft_masq nft_nat"}
		}
		out = append(out, f)
		out = append(out, probeBrNetfilter())
		return nil
	})
	if err != nil {
		return []Feature{{Name: "network namespaces", Err: err.Error(),
			Fix: "run as root on a kernel with CONFIG_NET_NS (any distribution kernel)"}}
	}
	return out
}

// probeBrNetfilter looks for br_netfilter's sysctls: bridged frames pass
// iptables only with it (Kubernetes nodes load it; the hairpin scenario
// needs it). The module is machine-wide, so a stat of the machine's own
// /proc/sys tells, and changes nothing.
func probeBrNetfilter() Feature {
	f := Feature{Name: "br_netfilter", OK: true}
	if _, err := os.Stat(sysctlPath("net.bridge.bridge-nf-call-iptables")); err != nil {
		f = Feature{Name: "br_netfilter", Err: "no net.bridge.bridge-nf-call-iptables",
			Fix: "load the kernel module: modprobe br_netfilter"}
	}
	return f
}

// probeNftables adds a NAT chain with a masquerade rule, what the lessons
// need of nftables.
func probeNftables(fd netns.NsHandle) error {
	c, err := nftables.New(nftables.WithNetNSFd(int(fd)))
	if err != nil {
		return err
	}
	t := c.AddTable(&nftables.Table{Family: nftables.TableFamilyIPv4, Name: "cnilab_probe"})
	ch := c.AddChain(&nftables.Chain{Name: "postrouting", Table: t, Type: nftables.ChainTypeNAT,
		Hooknum: nftables.ChainHookPostrouting, Priority: nftables.ChainPriorityNATSource})
	c.AddRule(&nftables.Rule{Table: t, Chain: ch, Exprs: []expr.Any{&expr.Masq{}}})
	return c.Flush()
}

// missingFeatureEnv makes the probe report a feature missing, so tests can
// see lab refuse without changing the machine's kernel.
const missingFeatureEnv = "CNILAB_TEST_MISSING_FEATURE"

// NeedFeatures probes the kernel features a lesson uses, in a scratch
// namespace, before the lesson makes anything: a missing one stops it with
// the fix, instead of failing halfway through a step.
func NeedFeatures(need []string) error {
	if len(need) == 0 {
		return nil
	}
	got := map[string]Feature{}
	for _, f := range probeOnce() {
		got[f.Name] = f
	}
	for _, n := range need {
		f, ok := got[n]
		if os.Getenv(missingFeatureEnv) == n {
			f = Feature{Name: n, Err: "reported missing by " + missingFeatureEnv, Fix: "unset " + missingFeatureEnv}
		}
		if !ok || !f.OK {
			return fmt.Errorf("this kernel lacks %s, which the lesson needs (%s): %s", n, f.Err, f.Fix)
		}
	}
	return nil
}

// probeOnce probes the kernel once per process: its features do not change
// while lab runs, and lessons set up side by side share the answer.
var probeOnce = sync.OnceValue(ProbeFeatures)
