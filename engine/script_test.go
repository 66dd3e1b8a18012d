package engine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cnilab/lab/netops"
)

const vethScriptLab = "#!/usr/bin/env bash\n" +
	"# lesson veth: Two namespaces and a veth cable\n" +
	"# after `lab task veth`, run this in `lab shell`\n" +
	`set -euo pipefail

# 1. Create two network namespaces
ip netns add client
ip netns add server
# check: netns client exists
# ip netns list | grep -w client
# check: netns server exists
# ip netns list | grep -w server

# 2. Lay a veth cable between them
ip link add veth-client netns client type veth peer name veth-server netns server
# check: veth-client in client is a veth to veth-server in server
# ip netns exec client ip -d link show veth-client

# 3. Give each end an address
ip netns exec client ip addr add 10.0.0.11/24 dev veth-client
ip netns exec server ip addr add 10.0.0.12/24 dev veth-server
# check: veth-client in client has 10.0.0.11/24
# ip netns exec client ip -4 addr show dev veth-client
# check: veth-server in server has 10.0.0.12/24
# ip netns exec server ip -4 addr show dev veth-server

# 4. Bring both ends up and ping across
ip netns exec client ip link set veth-client up
ip netns exec server ip link set veth-server up
# check: client pings 10.0.0.12
# ip netns exec client ping -c 1 -W 1 10.0.0.12
# check: server pings 10.0.0.11
# ip netns exec server ping -c 1 -W 1 10.0.0.11

# lab verify veth also grades
# check: veth-client in client is up
# ip netns exec client ip link show veth-client
# check: veth-server in server is up
# ip netns exec server ip link show veth-server
`

const vethScriptT1 = "#!/usr/bin/env bash\n" +
	"# lesson veth: Two namespaces and a veth cable\n" +
	"# after `lab task veth --scope t1`, run this in `lab shell --scope t1`\n" +
	`set -euo pipefail

# 1. Create two network namespaces
ip netns add t1-client
ip netns add t1-server
# check: netns t1-client exists
# ip netns list | grep -w t1-client
# check: netns t1-server exists
# ip netns list | grep -w t1-server

# 2. Lay a veth cable between them
ip link add veth-client netns t1-client type veth peer name veth-server netns t1-server
# check: veth-client in t1-client is a veth to veth-server in t1-server
# ip netns exec t1-client ip -d link show veth-client

# 3. Give each end an address
ip netns exec t1-client ip addr add 10.0.0.11/24 dev veth-client
ip netns exec t1-server ip addr add 10.0.0.12/24 dev veth-server
# check: veth-client in t1-client has 10.0.0.11/24
# ip netns exec t1-client ip -4 addr show dev veth-client
# check: veth-server in t1-server has 10.0.0.12/24
# ip netns exec t1-server ip -4 addr show dev veth-server

# 4. Bring both ends up and ping across
ip netns exec t1-client ip link set veth-client up
ip netns exec t1-server ip link set veth-server up
# check: t1-client pings 10.0.0.12
# ip netns exec t1-client ping -c 1 -W 1 10.0.0.12
# check: t1-server pings 10.0.0.11
# ip netns exec t1-server ping -c 1 -W 1 10.0.0.11

# lab verify veth --scope t1 also grades
# check: veth-client in t1-client is up
# ip netns exec t1-client ip link show veth-client
# check: veth-server in t1-server is up
# ip netns exec t1-server ip link show veth-server
`

func scriptOf(t *testing.T, l *Lesson, scope string) string {
	t.Helper()
	var b strings.Builder
	Script(&b, l, mustScope(t, scope))
	return b.String()
}

func TestScriptVeth(t *testing.T) {
	c, err := LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	veth, err := c.Get("veth")
	if err != nil {
		t.Fatal(err)
	}
	for scope, want := range map[string]string{netops.DefaultScope: vethScriptLab, "t1": vethScriptT1} {
		if got := scriptOf(t, veth, scope); got != want {
			t.Errorf("Script(veth, scope %s):\n%s", scope, lineDiff(got, want))
		}
	}
}

// For every lesson and scope the script holds the bash header and every
// step's commands, in step order, and nothing of the setup the task gives.
func TestScriptEveryLesson(t *testing.T) {
	c, err := LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Lessons {
		for _, scope := range []string{netops.DefaultScope, "t1"} {
			t.Run(l.ID+"/"+scope, func(t *testing.T) {
				s := mustScope(t, scope)
				got := scriptOf(t, l, scope)
				if !strings.HasPrefix(got, "#!/usr/bin/env bash\n") {
					t.Errorf("script does not start with a bash shebang:\n%s", got)
				}
				if !strings.Contains(got, "\nset -euo pipefail\n") {
					t.Errorf("script has no `set -euo pipefail` line")
				}
				rest := got
				for i, st := range l.Steps {
					want := []string{fmt.Sprintf("# %d. %s", i+1, st.Title)}
					for _, op := range st.Do {
						want = append(want, op.Op.Commands(s)...)
					}
					for _, w := range want {
						at := strings.Index(rest, "\n"+w+"\n")
						if at < 0 {
							t.Fatalf("step %d: line %q is missing or out of order in:\n%s", i+1, w, got)
						}
						rest = rest[at+len(w)+1:]
					}
				}
				lines := map[string]bool{}
				for _, line := range strings.Split(got, "\n") {
					lines[line] = true
				}
				for _, op := range l.Setup {
					for _, cmd := range op.Op.Commands(s) {
						if lines[cmd] && !stepsHave(l, s, cmd) {
							t.Errorf("script has setup command %q", cmd)
						}
					}
				}
			})
		}
	}
}

func stepsHave(l *Lesson, s *netops.Scope, cmd string) bool {
	for _, st := range l.Steps {
		for _, op := range st.Do {
			for _, c := range op.Op.Commands(s) {
				if c == cmd {
					return true
				}
			}
		}
	}
	return false
}

// Checks appear only as comments: a ping expected to fail says why.
func TestScriptRoutePingComments(t *testing.T) {
	c, err := LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	route, _ := c.Get("route")
	got := scriptOf(t, route, "t1")
	for _, want := range []string{
		"\n# 1. The host is unreachable\n# check: t1-client1 cannot reach 172.17.0.33 (network is unreachable)\n" +
			"# ip netns exec t1-client1 ping -c 1 -W 1 172.17.0.33  (fails: network is unreachable)\n",
		"\n# check: t1-client1 cannot reach 172.17.0.1\n# ip netns exec t1-client1 ping -c 1 -W 1 172.17.0.1  (gets no reply yet)\n",
		"\n# 4. Let the host forward\nsysctl -w net.ipv4.ip_forward=1\n# check: t1-host has net.ipv4.ip_forward = 1\n# sysctl net.ipv4.ip_forward\n",
		"\n# 5. Masquerade what leaves through eth0\nnft add table ip cnilab\n" + postroutingChainLine +
			"\nnft add rule ip cnilab postrouting ip saddr 172.30.0.0/24 oifname eth0 masquerade\n" +
			"# check: t1-client1 pings 172.17.0.1\n# ip netns exec t1-client1 ping -c 1 -W 1 172.17.0.1\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("route script lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "ip link add bridge1") {
		t.Errorf("route script repeats the bridge lesson's setup:\n%s", got)
	}
	for _, line := range strings.Split(got, "\n") {
		if strings.Contains(line, "ping ") && !strings.HasPrefix(line, "# ") {
			t.Errorf("a ping is not a comment: %q", line)
		}
	}
}

// lineDiff shows the first differing line of two texts.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl || i >= len(g) || i >= len(w) {
			return fmt.Sprintf("line %d:\ngot  %q\nwant %q\nwhole script:\n%s", i+1, gl, wl, got)
		}
	}
	return "(same)"
}
