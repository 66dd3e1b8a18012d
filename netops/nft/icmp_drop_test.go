package nft

import (
	"strings"
	"testing"
)

// The lab's ICMP drop is the rule the iptables command makes, as iptables
// itself reads it back; applying it twice leaves one rule; and iptables -D
// with the printed command removes it, as a learner fixing it would.
func TestOutputICMPDropIsTheIptablesRule(t *testing.T) {
	kernelTest(t)
	a, b := scratchNS(t), scratchNS(t)
	op := OutputICMPDrop{Netns: a}
	for i := 0; i < 2; i++ {
		if err := op.Apply(); err != nil {
			t.Fatal(err)
		}
	}
	bashIn(t, b, []string{op.Command()})
	got, want := run(t, a, "iptables", "-S", "OUTPUT"), run(t, b, "iptables", "-S", "OUTPUT")
	if got != want {
		t.Errorf("iptables -S OUTPUT:\nlab:\n%s\niptables:\n%s", got, want)
	}
	if n := strings.Count(got, "-A OUTPUT"); n != 1 {
		t.Errorf("Apply twice left %d rules, want 1:\n%s", n, got)
	}
	rules, err := Rules(a)
	if err != nil {
		t.Fatal(err)
	}
	if want := "table ip filter chain OUTPUT: icmp type destination-unreachable drop"; len(rules) != 1 || rules[0] != want {
		t.Errorf("Rules = %q, want [%q]", rules, want)
	}
	bashIn(t, a, []string{strings.Replace(op.Command(), "-A", "-D", 1)})
	if got := run(t, a, "iptables", "-S", "OUTPUT"); strings.Contains(got, "-A OUTPUT") {
		t.Errorf("iptables -D left the rule:\n%s", got)
	}
}
