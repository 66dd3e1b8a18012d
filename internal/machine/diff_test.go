package machine

import (
	"slices"
	"testing"
)

func TestDiffEqual(t *testing.T) {
	a := Fingerprint{
		Links:   []string{"lo device up mtu 65536"},
		Sysctls: map[string]string{"net.ipv4.ip_forward": "0"},
	}
	if d := a.Diff(a); len(d) != 0 {
		t.Fatalf("Diff of a fingerprint with itself = %q, want empty", d)
	}
	if d := (Fingerprint{}).Diff(Fingerprint{Sysctls: map[string]string{}}); len(d) != 0 {
		t.Fatalf("Diff of nil and empty = %q, want empty", d)
	}
}

func TestDiffLines(t *testing.T) {
	a := Fingerprint{
		Links:       []string{"lo device up mtu 65536", "eth0 device up mtu 1500"},
		Addrs:       []string{"eth0 192.0.2.2/24", "lo 127.0.0.1/8"},
		Routes:      []string{"inet table main unicast default via 192.0.2.1 dev eth0 proto boot scope universe"},
		PolicyRules: []string{"inet prio 0 {Table:255}"},
		Rules:       []string{"table ip old"},
		Sysctls: map[string]string{
			"net.ipv4.ip_forward":           "0",
			"net.ipv4.conf.all.rp_filter":   "2",
			"net.ipv4.conf.gone.forwarding": "0",
		},
	}
	b := Fingerprint{
		Links:       []string{"eth0 device up mtu 9000", "lo device up mtu 65536", "veth0 veth down mtu 1500"},
		Addrs:       []string{"lo 127.0.0.1/8"},
		Routes:      []string{"inet table main unicast default via 192.0.2.1 dev eth0 proto boot scope universe", "inet table main unicast 10.0.0.0/8 dev veth0 proto boot scope universe"},
		PolicyRules: []string{"inet prio 0 {Table:255}", "inet prio 100 {Table:100}"},
		Rules:       []string{"table ip new"},
		Sysctls: map[string]string{
			"net.ipv4.ip_forward":            "1",
			"net.ipv4.conf.all.rp_filter":    "2",
			"net.ipv4.conf.veth0.forwarding": "1",
		},
	}
	want := []string{
		"link removed: eth0 device up mtu 1500",
		"link added: eth0 device up mtu 9000",
		"link added: veth0 veth down mtu 1500",
		"address removed: eth0 192.0.2.2/24",
		"route added: inet table main unicast 10.0.0.0/8 dev veth0 proto boot scope universe",
		"policy rule added: inet prio 100 {Table:100}",
		"nftables added: table ip new",
		"nftables removed: table ip old",
		"sysctl net.ipv4.conf.gone.forwarding removed: 0",
		"sysctl net.ipv4.conf.veth0.forwarding added: 1",
		"sysctl net.ipv4.ip_forward: 0 -> 1",
	}
	if got := a.Diff(b); !slices.Equal(got, want) {
		t.Fatalf("Diff:\ngot  %q\nwant %q", got, want)
	}
	// The input order does not matter, and Diff leaves its inputs alone.
	if a.Links[0] != "lo device up mtu 65536" {
		t.Fatalf("Diff reordered its input: %q", a.Links)
	}
}
