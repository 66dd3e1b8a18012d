package nft

import (
	"strings"
	"testing"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
)

const (
	postroutingLine = `nft add chain ip cnilab postrouting '{ type nat hook postrouting priority srcnat; policy accept; }'`
	forwardLine     = `nft add chain ip cnilab forward '{ type filter hook forward priority filter; policy accept; }'`
	preroutingLine  = `nft add chain ip cnilab prerouting '{ type nat hook prerouting priority dstnat; policy accept; }'`
)

func TestCommand(t *testing.T) {
	for _, tc := range []struct {
		name string
		op   interface{ Command() []string }
		want []string
	}{
		{"masquerade out", Masquerade{Netns: "lab-host", Table: "cnilab", Src: "172.30.0.0/24", OutIface: "eth0"}, []string{
			"nft add table ip cnilab", postroutingLine,
			`nft add rule ip cnilab postrouting ip saddr 172.30.0.0/24 oifname eth0 masquerade`}},
		{"masquerade not out", Masquerade{Netns: "lab-host", Table: "cnilab", Src: "10.240.0.0/24", NotOutIface: "cni0"}, []string{
			"nft add table ip cnilab", postroutingLine,
			`nft add rule ip cnilab postrouting ip saddr 10.240.0.0/24 oifname '!=' cni0 masquerade`}},
		{"masquerade host bits and odd name", Masquerade{Netns: "x", Table: "cnilab_web-1", Src: "172.30.0.77/24", OutIface: "e$th'0"}, []string{
			"nft add table ip cnilab_web-1",
			`nft add chain ip cnilab_web-1 postrouting '{ type nat hook postrouting priority srcnat; policy accept; }'`,
			`nft add rule ip cnilab_web-1 postrouting ip saddr 172.30.0.0/24 oifname '"e$th'\''0"' masquerade`}},
		{"masquerade one host, any interface", Masquerade{Netns: "x", Table: "cnilab", Src: "172.30.0.7"}, []string{
			"nft add table ip cnilab", postroutingLine,
			`nft add rule ip cnilab postrouting ip saddr 172.30.0.7 masquerade`}},
		{"forward", ForwardAccept{Netns: "lab-host", Table: "cnilab", CIDR: "10.240.0.0/16"}, []string{
			"nft add table ip cnilab", forwardLine,
			"nft add rule ip cnilab forward ip saddr 10.240.0.0/16 accept",
			"nft add rule ip cnilab forward ip daddr 10.240.0.0/16 accept"}},
		{"dnat", DNAT{Netns: "lab-host", Table: "cnilab", Proto: "tcp", Dport: 80, ToAddr: "172.18.0.3", ToPort: 80}, []string{
			"nft add table ip cnilab", preroutingLine,
			"nft add rule ip cnilab prerouting tcp dport 80 dnat to 172.18.0.3:80"}},
		{"dnat udp in iface keep port", DNAT{Netns: "lab-host", Table: "cnilab", Proto: "udp", Dport: 53, ToAddr: "172.18.0.3", InIface: "eth0"}, []string{
			"nft add table ip cnilab", preroutingLine,
			`nft add rule ip cnilab prerouting iifname eth0 udp dport 53 dnat to 172.18.0.3`}},
		{"dnat default proto", DNAT{Netns: "lab-host", Table: "cnilab", Dport: 8080, ToAddr: "10.1.0.2", ToPort: 80}, []string{
			"nft add table ip cnilab", preroutingLine,
			"nft add rule ip cnilab prerouting tcp dport 8080 dnat to 10.1.0.2:80"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sameLines(t, tc.op.Command(), tc.want)
		})
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":              "''",
		"masquerade":    "masquerade",
		"172.30.0.0/24": "172.30.0.0/24",
		`"eth0"`:        `\"eth0\"`,
		"!=":            "'!='",
		"a b":           "'a b'",
		"it's":          `'it'\''s'`,
		`"$x"`:          `'"$x"'`,
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// The rule each operation builds reads back as the rule its command types.
func TestRenderOwnRules(t *testing.T) {
	m := Masquerade{Src: "172.30.0.0/24", OutIface: "eth0"}
	n := Masquerade{Src: "172.30.16.0/20", NotOutIface: "cni0"}
	z := Masquerade{Src: "0.0.0.0/0"}
	d := DNAT{Dport: 80, ToAddr: "172.18.0.3", ToPort: 8080, InIface: "eth0"}
	u := DNAT{Proto: "udp", Dport: 53, ToAddr: "172.18.0.3"}
	f := ForwardAccept{CIDR: "10.240.0.0/16"}
	type built struct {
		exprs []expr.Any
		words []string
	}
	var all []built
	for _, op := range []interface {
		build() (taggedRule, []string, error)
	}{m, n, z, d, u} {
		r, w, err := op.build()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, built{r.exprs, w})
	}
	rules, words, err := f.build()
	if err != nil {
		t.Fatal(err)
	}
	for i := range rules {
		all = append(all, built{rules[i].exprs, words[i]})
	}
	for _, b := range all {
		// nft lists interface names quoted; commands write plain ones bare.
		want := strings.Join(b.words, " ")
		got := render(nftables.TableFamilyIPv4, &nftables.Rule{Exprs: b.exprs})
		if strings.ReplaceAll(got, `"`, "") != strings.ReplaceAll(want, `"`, "") {
			t.Errorf("render = %s, want %s", got, want)
		}
	}
}

func TestRenderUnknown(t *testing.T) {
	r := &nftables.Rule{
		Exprs: []expr.Any{
			&expr.Hash{SourceRegister: 1, DestRegister: 1, Length: 4, Modulus: 2},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{1, 0, 0, 0}},
			&expr.Counter{},
			&expr.Verdict{Kind: expr.VerdictAccept},
		},
		UserData: withComment("a learner's note"),
	}
	want := `... ... counter accept comment "a learner's note"`
	if got := render(nftables.TableFamilyIPv4, r); got != want {
		t.Errorf("render = %s, want %s", got, want)
	}
	r.UserData = withComment("cnilab:masq:x:")
	if got := render(nftables.TableFamilyIPv4, r); strings.Contains(got, "comment") {
		t.Errorf("render shows the lab's own key: %s", got)
	}
}

func TestComment(t *testing.T) {
	if got, ok := comment(withComment("cnilab:masq:1")); !ok || got != "cnilab:masq:1" {
		t.Errorf("comment round trip = %q, %v", got, ok)
	}
	// Truncated or foreign user data must not panic or match.
	for _, ud := range [][]byte{nil, {0}, {0, 9, 'a'}, {1, 1, 'x'}} {
		if got, ok := comment(ud); ok {
			t.Errorf("comment(%v) = %q, want none", ud, got)
		}
	}
}

// Refusals happen before any netlink socket is opened, so they run as any
// user, and an empty namespace name never reaches the kernel.
func TestRefuse(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		err        error
	}{
		{"empty netns", `add masquerade rule to table ip "cnilab" chain "postrouting" in netns "": empty netns name: refusing to touch the machine's own namespace`,
			Masquerade{Table: "cnilab", Src: "10.0.0.0/24", OutIface: "eth0"}.Apply()},
		{"both ifaces", "set OutIface or NotOutIface, not both",
			Masquerade{Netns: "x", Table: "cnilab", OutIface: "a", NotOutIface: "b"}.Apply()},
		{"ipv6", "not IPv4", Masquerade{Netns: "x", Table: "cnilab", Src: "fd00::/64"}.Apply()},
		{"bad cidr", `cidr "10.0.0.0/33"`, ForwardAccept{Netns: "x", Table: "cnilab", CIDR: "10.0.0.0/33"}.Apply()},
		{"bad table", `invalid table name "a b"`, ForwardAccept{Netns: "x", Table: "a b", CIDR: "10.0.0.0/8"}.Apply()},
		{"empty table", `invalid table name ""`, ForwardAccept{Netns: "x", CIDR: "10.0.0.0/8"}.Apply()},
		{"forward empty netns", `add forward accept rule to table ip "cnilab" chain "forward" in netns "": empty netns name`,
			ForwardAccept{Table: "cnilab", CIDR: "10.0.0.0/8"}.Apply()},
		{"dnat no port", "dport is required", DNAT{Netns: "x", Table: "cnilab", ToAddr: "10.0.0.1"}.Apply()},
		{"dnat proto", `proto "icmp": want tcp or udp`, DNAT{Netns: "x", Table: "cnilab", Proto: "icmp", Dport: 1, ToAddr: "10.0.0.1"}.Apply()},
		{"dnat addr", `to address "10.0.0.0/8"`, DNAT{Netns: "x", Table: "cnilab", Dport: 1, ToAddr: "10.0.0.0/8"}.Apply()},
		{"iface too long", "want 1 to 15 bytes", DNAT{Netns: "x", Table: "cnilab", Dport: 1, ToAddr: "10.0.0.1", InIface: "abcdefghijklmnop"}.Apply()},
		{"iface wildcard", "character '*' not allowed", Masquerade{Netns: "x", Table: "cnilab", OutIface: "eth*"}.Apply()},
		{"dnat empty netns", `add dnat rule to table ip "cnilab" chain "prerouting" in netns "": empty netns name`,
			DNAT{Table: "cnilab", Dport: 1, ToAddr: "10.0.0.1"}.Apply()},
		{"delete empty netns", `delete table ip "cnilab" in netns "": empty netns name`, DeleteTable("", "cnilab")},
		{"exists empty netns", `look up table ip "cnilab" in netns "": empty netns name`, func() error { _, err := TableExists("", "cnilab"); return err }()},
		{"rules empty netns", `list rules in netns "": empty netns name`, func() error { _, err := Rules(""); return err }()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", tc.err, tc.want)
			}
		})
	}
}
