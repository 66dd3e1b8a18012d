package nft

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// jsonRule is one rule of `nft -j list ruleset`, its expressions flattened
// to short strings such as
// `match == {"meta":{"key":"oifname"}} "eth0"` or `masquerade null`.
type jsonRule struct {
	table, chain, comment string
	exprs                 []string
}

func jsonRules(t *testing.T, netns string) []jsonRule {
	t.Helper()
	var doc struct {
		Nftables []struct {
			Rule *struct {
				Family, Table, Chain, Comment string
				Expr                          []map[string]json.RawMessage
			}
		}
	}
	if err := json.Unmarshal([]byte(nftIn(t, netns, "-j", "list", "ruleset")), &doc); err != nil {
		t.Fatal(err)
	}
	compact := func(raw json.RawMessage) string {
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	var rules []jsonRule
	for _, o := range doc.Nftables {
		if o.Rule == nil || o.Rule.Family != "ip" {
			continue
		}
		r := jsonRule{table: o.Rule.Table, chain: o.Rule.Chain, comment: o.Rule.Comment}
		for _, e := range o.Rule.Expr {
			for k, v := range e {
				if k == "match" {
					var m struct {
						Op          string
						Left, Right json.RawMessage
					}
					if err := json.Unmarshal(v, &m); err != nil {
						t.Fatal(err)
					}
					r.exprs = append(r.exprs, "match "+m.Op+" "+compact(m.Left)+" "+compact(m.Right))
					continue
				}
				r.exprs = append(r.exprs, k+" "+compact(v))
			}
		}
		rules = append(rules, r)
	}
	return rules
}

// applyTwice applies op twice and checks the namespace then holds exactly
// the wanted rules, each once, tagged with its key.
func applyTwice(t *testing.T, netns string, op interface{ Apply() error }, want []jsonRule) {
	t.Helper()
	for i := 0; i < 2; i++ {
		if err := op.Apply(); err != nil {
			t.Fatalf("apply #%d: %v", i+1, err)
		}
	}
	got := jsonRules(t, netns)
	if len(got) != len(want) {
		t.Fatalf("got %d rules, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.table != w.table || g.chain != w.chain || g.comment != w.comment ||
			strings.Join(g.exprs, "\n") != strings.Join(w.exprs, "\n") {
			t.Errorf("rule %d:\ngot  %s %s %q\n  %s\nwant %s %s %q\n  %s", i,
				g.table, g.chain, g.comment, strings.Join(g.exprs, "\n  "),
				w.table, w.chain, w.comment, strings.Join(w.exprs, "\n  "))
		}
	}
}

const (
	saddr = `{"payload":{"protocol":"ip","field":"saddr"}}`
	daddr = `{"payload":{"protocol":"ip","field":"daddr"}}`
)

func TestApplyMasqueradeTwice(t *testing.T) {
	kernelTest(t)
	n := scratchNS(t)
	applyTwice(t, n, Masquerade{Netns: n, Table: "cnilab", Src: "172.30.0.0/24", OutIface: "eth0"}, []jsonRule{
		{"cnilab", "postrouting", "cnilab:masq:172.30.0.0/24:eth0", []string{
			`match == ` + saddr + ` {"prefix":{"addr":"172.30.0.0","len":24}}`,
			`match == {"meta":{"key":"oifname"}} "eth0"`,
			`masquerade null`}},
	})
	// The iptables form `! -o cni0` is a second, different rule.
	applyTwice(t, n, Masquerade{Netns: n, Table: "cnilab", Src: "172.30.0.0/24", NotOutIface: "cni0"}, []jsonRule{
		{"cnilab", "postrouting", "cnilab:masq:172.30.0.0/24:eth0", []string{
			`match == ` + saddr + ` {"prefix":{"addr":"172.30.0.0","len":24}}`,
			`match == {"meta":{"key":"oifname"}} "eth0"`,
			`masquerade null`}},
		{"cnilab", "postrouting", "cnilab:masq:172.30.0.0/24:!cni0", []string{
			`match == ` + saddr + ` {"prefix":{"addr":"172.30.0.0","len":24}}`,
			`match != {"meta":{"key":"oifname"}} "cni0"`,
			`masquerade null`}},
	})
}

func TestApplyForwardAcceptTwice(t *testing.T) {
	kernelTest(t)
	n := scratchNS(t)
	applyTwice(t, n, ForwardAccept{Netns: n, Table: "cnilab_web", CIDR: "10.240.0.0/16"}, []jsonRule{
		{"cnilab_web", "forward", "cnilab:fwd:saddr:10.240.0.0/16", []string{
			`match == ` + saddr + ` {"prefix":{"addr":"10.240.0.0","len":16}}`, `accept null`}},
		{"cnilab_web", "forward", "cnilab:fwd:daddr:10.240.0.0/16", []string{
			`match == ` + daddr + ` {"prefix":{"addr":"10.240.0.0","len":16}}`, `accept null`}},
	})
}

func TestApplyDNATTwice(t *testing.T) {
	kernelTest(t)
	n := scratchNS(t)
	applyTwice(t, n, DNAT{Netns: n, Table: "cnilab", Proto: "tcp", Dport: 80, ToAddr: "172.18.0.3", ToPort: 80}, []jsonRule{
		{"cnilab", "prerouting", "cnilab:dnat:tcp:80:172.18.0.3:80:", []string{
			`match == {"payload":{"protocol":"tcp","field":"dport"}} 80`,
			`dnat {"addr":"172.18.0.3","port":80}`}},
	})
	applyTwice(t, n, DNAT{Netns: n, Table: "cnilab", Proto: "udp", Dport: 53, ToAddr: "172.18.0.3", InIface: "eth0"}, []jsonRule{
		{"cnilab", "prerouting", "cnilab:dnat:tcp:80:172.18.0.3:80:", []string{
			`match == {"payload":{"protocol":"tcp","field":"dport"}} 80`,
			`dnat {"addr":"172.18.0.3","port":80}`}},
		{"cnilab", "prerouting", "cnilab:dnat:udp:53:172.18.0.3:0:eth0", []string{
			`match == {"meta":{"key":"iifname"}} "eth0"`,
			`match == {"payload":{"protocol":"udp","field":"dport"}} 53`,
			`dnat {"addr":"172.18.0.3"}`}},
	})
}

// An existing chain is reused only if it hooks where the rule belongs.
func TestApplyRefusesForeignChain(t *testing.T) {
	kernelTest(t)
	n := scratchNS(t)
	nftIn(t, n, "add", "table", "ip", "cnilab")
	nftIn(t, n, "add", "chain", "ip", "cnilab", "postrouting", "{ type filter hook forward priority 0; }")
	nftIn(t, n, "add", "chain", "ip", "cnilab", "prerouting")
	err := Masquerade{Netns: n, Table: "cnilab", Src: "10.0.0.0/8"}.Apply()
	want := `add masquerade rule to table ip "cnilab" chain "postrouting" in netns "` + n +
		`": chain "postrouting" exists with type filter hook forward, want type nat hook postrouting`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
	err = DNAT{Netns: n, Table: "cnilab", Dport: 80, ToAddr: "10.0.0.1"}.Apply()
	if err == nil || !strings.Contains(err.Error(), `chain "prerouting" exists as a regular chain`) {
		t.Errorf("error = %v, want a regular chain refusal", err)
	}
	// A chain a learner made with the printed command is the right kind.
	f := ForwardAccept{Netns: n, Table: "cnilab", CIDR: "10.0.0.0/8"}
	bashIn(t, n, f.Command()[:2])
	if err := f.Apply(); err != nil {
		t.Errorf("apply into a chain made by nft: %v", err)
	}
}

func TestApplyMissingNetns(t *testing.T) {
	kernelTest(t)
	err := Masquerade{Netns: "nfttest-does-not-exist", Table: "cnilab"}.Apply()
	if err == nil || !strings.Contains(err.Error(), `in netns "nfttest-does-not-exist": open netns`) {
		t.Errorf("error = %v", err)
	}
}

func TestDeleteTable(t *testing.T) {
	kernelTest(t)
	n := scratchNS(t)
	exists := func() bool {
		ok, err := TableExists(n, "cnilab_x")
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if exists() {
		t.Fatal("table exists before apply")
	}
	if err := DeleteTable(n, "cnilab_x"); err != nil {
		t.Fatalf("delete missing table: %v", err)
	}
	if err := (ForwardAccept{Netns: n, Table: "cnilab_x", CIDR: "10.0.0.0/8"}).Apply(); err != nil {
		t.Fatal(err)
	}
	if err := (ForwardAccept{Netns: n, Table: "cnilab_y", CIDR: "10.0.0.0/8"}).Apply(); err != nil {
		t.Fatal(err)
	}
	if !exists() {
		t.Fatal("table missing after apply")
	}
	if err := DeleteTable(n, "cnilab_x"); err != nil {
		t.Fatal(err)
	}
	if exists() {
		t.Fatal("table still there after delete")
	}
	if err := DeleteTable(n, "cnilab_x"); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	// Only the named table goes.
	if out := nftIn(t, n, "list", "tables"); strings.TrimSpace(out) != "table ip cnilab_y" {
		t.Errorf("tables left: %q, want only cnilab_y", out)
	}
}
