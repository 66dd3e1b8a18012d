package machine

import (
	"testing"

	"github.com/google/nftables/expr"
)

func TestExprStringDropsCounters(t *testing.T) {
	e := &expr.Dynset{SetName: "seen", Exprs: []expr.Any{&expr.Counter{Packets: 3, Bytes: 120}}}
	want := "dynset{SetName:seen Exprs:[counter{}]}"
	if got := exprString(e); got != want {
		t.Fatalf("exprString = %q, want %q", got, want)
	}
	if got, want := exprString(&expr.Quota{Bytes: 100, Consumed: 40, Over: true}), "quota{Bytes:100 Over:true}"; got != want {
		t.Fatalf("exprString = %q, want %q", got, want)
	}
	if e.Exprs[0].(*expr.Counter).Packets != 3 {
		t.Fatal("exprString changed the rule it rendered")
	}
}

func TestSysctlName(t *testing.T) {
	for path, want := range map[string]string{
		"/proc/sys/net/ipv4/ip_forward":               "net.ipv4.ip_forward",
		"/proc/sys/net/ipv4/conf/eth0.100/rp_filter":  "net.ipv4.conf.eth0/100.rp_filter",
		"/proc/sys/net/ipv4/neigh/default/gc_thresh1": "net.ipv4.neigh.default.gc_thresh1",
	} {
		if got := sysctlName(path); got != want {
			t.Errorf("sysctlName(%q) = %q, want %q", path, got, want)
		}
	}
}
