package nft

import "testing"

// What Command prints, run with bash in one namespace, builds the same
// ruleset, expression for expression, as Apply builds in another: the
// printed commands are true.
func TestNftMatchesNetlink(t *testing.T) {
	kernelTest(t)
	a, b := scratchNS(t), scratchNS(t)
	ops := func(n string) []interface {
		Apply() error
		Command() []string
	} {
		return []interface {
			Apply() error
			Command() []string
		}{
			Masquerade{Netns: n, Table: "cnilab", Src: "172.30.0.0/24", OutIface: "eth0"},
			Masquerade{Netns: n, Table: "cnilab", Src: "10.240.0.0/24", NotOutIface: "cni0"},
			Masquerade{Netns: n, Table: "cnilab", Src: "10.244.16.0/20"},
			Masquerade{Netns: n, Table: "cnilab", Src: "10.9.9.9", OutIface: "veth-9"},
			Masquerade{Netns: n, Table: "cnilab", Src: "10.240.1.0/24", NotOutIface: "cni0", NotDst: "10.240.0.0/16"},
			ForwardAccept{Netns: n, Table: "cnilab", CIDR: "10.240.0.0/16"},
			DNAT{Netns: n, Table: "cnilab", Proto: "tcp", Dport: 80, ToAddr: "172.18.0.3", ToPort: 80},
			DNAT{Netns: n, Table: "cnilab", Proto: "udp", Dport: 53, ToAddr: "172.18.0.3", InIface: "eth0"},
			ForwardAccept{Netns: n, Table: "cnilab_web", CIDR: "10.1.0.0/24"},
		}
	}
	var lines []string
	for _, op := range ops(a) {
		if err := op.Apply(); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, op.Command()...)
	}
	bashIn(t, b, lines)

	textA, rawA := ruleset(t, a)
	textB, rawB := ruleset(t, b)
	if textA != textB {
		t.Errorf("nft list ruleset differs:\nApply:\n%s\nCommand:\n%s", textA, textB)
	}
	if rawA != rawB {
		t.Errorf("nft --debug=netlink list ruleset differs:\nApply:\n%s\nCommand:\n%s", rawA, rawB)
	}
	t.Logf("commands:\n%s\nruleset:\n%s", joinLines(lines), textA)

	// Rules reads both the same way too.
	ra, err := Rules(a)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := Rules(b)
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, ra, rb)
}

func joinLines(l []string) string {
	s := ""
	for _, x := range l {
		s += x + "\n"
	}
	return s
}
