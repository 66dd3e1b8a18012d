package main

// End-to-end tests of the lab command: the binary built once (TestMain),
// run as a learner runs it, each test in a scope of its own that is reset
// and checked empty at the end. Kernel tests need root and skip without it.

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cnilab/lab/netops/ns"
	"golang.org/x/sys/unix"
)

// lessonNetns are the namespaces each lesson adds to the scope's host and
// world.
var lessonNetns = map[string][]string{
	"veth":     {"client", "server"},
	"bridge":   {"client1", "server1"},
	"route":    {"client1", "server1"},
	"dnat":     {"web"},
	"cni":      {"pause_demo"},
	"pod":      {"pause_demo"},
	"multinic": {"pause_demo"},
	"mycni":    {"pod1"},
}

var lessonIDs = []string{"veth", "bridge", "route", "dnat", "cni", "pod", "multinic", "mycni"}

// 1. Never set up, run, verify, reset, reset again.
func TestCLILifecycle(t *testing.T) {
	t.Parallel()
	for _, l := range lessonIDs {
		t.Run(l, func(t *testing.T) {
			t.Parallel()
			s := newScope(t, "c1"+l)

			r, rep := verify(t, l, s)
			if r.code != 1 {
				t.Fatalf("verify on a scope never set up: want exit 1\n%s", r)
			}
			first := rep.firstFailed()
			if first == nil || first.ID != "setup" {
				t.Fatalf("first failed check: want id setup, got %+v\n%s", first, rep)
			}
			wantContains(t, "setup hint", first.Hint, "lab task "+l+" --scope "+s)
			wantContains(t, "setup detail", first.Detail, s)
			// The text report says the same.
			txt := lab(t, "verify", l, "--scope", s)
			want(t, txt, 1)
			wantContains(t, "verify text", txt.stdout, "lab task "+l+" --scope "+s)
			// Grading an empty scope creates nothing.
			wantNothing(t, s)

			run := lab(t, "run", l, "--scope", s)
			want(t, run, 0)
			wantContains(t, "lab run", run.stdout, "all ", "checks passed", "lab reset --scope "+s)
			if strings.Contains(run.stdout, "✗") || run.stderr != "" {
				t.Errorf("lab run passed with a failed check or on stderr:\n%s", run)
			}

			r, rep = verify(t, l, s)
			if r.code != 0 || !rep.Passed {
				t.Fatalf("verify after run: want exit 0 and passed\n%s%s", rep, r.stderr)
			}
			if n := len(lessonFile(t, l).Verify); len(rep.Checks) != n {
				t.Errorf("verify after run: %d checks, the lesson file has %d\n%s", len(rep.Checks), n, rep)
			}
			for _, c := range rep.Checks {
				if c.ID == "setup" {
					t.Errorf("verify after run still has a setup check: %+v", c)
				}
			}

			reset := lab(t, "reset", "--scope", s)
			want(t, reset, 0)
			for _, n := range append([]string{"host", "world"}, lessonNetns[l]...) {
				wantContains(t, "lab reset", reset.stdout, "removed netns "+s+"-"+n+"\n")
			}
			if l == "dnat" {
				wantContains(t, "lab reset", reset.stdout, "removed process web")
			}
			wantNothing(t, s)

			again := lab(t, "reset", "--scope", s)
			want(t, again, 0)
			if again.stdout != "scope "+s+": nothing to remove\n" {
				t.Errorf("second reset: want it to say there is nothing to remove\n%s", again)
			}
			wantNothing(t, s)
		})
	}
}

// 2. The lesson's own script, piped into lab shell, passes verify.
func TestCLIScriptThroughShell(t *testing.T) {
	t.Parallel()
	for _, l := range lessonIDs {
		t.Run(l, func(t *testing.T) {
			t.Parallel()
			s := newScope(t, "c2"+l)

			task := lab(t, "task", l, "--scope", s)
			want(t, task, 0)
			wantContains(t, "lab task", task.stdout, "Task "+l+":", "lab shell --scope "+s, "lab verify "+l+" --scope "+s)
			// The task alone is not the solution.
			wantVerify(t, l, s, 1)

			script := lab(t, "script", l, "--scope", s)
			want(t, script, 0)
			wantContains(t, "lab script", script.stdout, "#!/usr/bin/env bash\n", "set -euo pipefail\n")

			sh := labIn(t, script.stdout, "shell", "--scope", s)
			want(t, sh, 0)

			if rep := wantVerify(t, l, s, 0); !rep.Passed {
				t.Errorf("verify after the script: %s", rep)
			}
		})
	}
}

// vethByHand is article 001's veth part, typed in lab shell with the
// scope's namespace names.
func vethByHand(s string) string {
	return strings.NewReplacer("{S}", s).Replace(`ip netns add {S}-client
ip netns add {S}-server
ip link add veth-client type veth peer name veth-server
ip link set veth-client netns {S}-client
ip link set veth-server netns {S}-server
ip netns exec {S}-client ip address add 10.0.0.11/24 dev veth-client
ip netns exec {S}-client ip link set veth-client up
ip netns exec {S}-server ip address add 10.0.0.12/24 dev veth-server
ip netns exec {S}-server ip link set veth-server up
`)
}

// bridgeByHand is article 001's "All in one" block for the bridge, with
// the scope's namespace names; the pings are the article's, once each.
func bridgeByHand(s string) string {
	return strings.NewReplacer("{S}", s).Replace(`BR=bridge1
HOST_IP=172.17.0.33
ip link add client1-veth type veth peer name client1-veth-br
ip link add server1-veth type veth peer name server1-veth-br
ip link add $BR type bridge
ip netns add {S}-client1
ip netns add {S}-server1
ip link set client1-veth netns {S}-client1
ip link set server1-veth netns {S}-server1
ip link set client1-veth-br master $BR
ip link set server1-veth-br master $BR
ip link set $BR up
ip link set client1-veth-br up
ip link set server1-veth-br up
ip netns exec {S}-client1 ip link set client1-veth up
ip netns exec {S}-server1 ip link set server1-veth up
ip netns exec {S}-client1 ip addr add 172.30.0.11/24 dev client1-veth
ip netns exec {S}-server1 ip addr add 172.30.0.12/24 dev server1-veth
ip netns exec {S}-client1 ping 172.30.0.12 -c 1 -W 5
ip addr add 172.30.0.1/24 dev $BR
ip netns exec {S}-client1 ping 172.30.0.12 -c 1 -W 5
ip netns exec {S}-client1 ping 172.30.0.1 -c 1 -W 5
`)
}

// routeByHand is article 001's route part after `lab task route`, with
// masq the NAT command(s).
func routeByHand(s, masq string) string {
	return strings.NewReplacer("{S}", s).Replace(`ip netns exec {S}-client1 ip route add default via 172.30.0.1
ip netns exec {S}-server1 ip route add default via 172.30.0.1
sysctl -w net.ipv4.ip_forward=1
`) + masq + "\n"
}

const (
	iptablesMasq = "iptables -t nat -A POSTROUTING -s 172.30.0.0/24 -o eth0 -j MASQUERADE"
	legacyMasq   = "iptables-legacy -t nat -A POSTROUTING -s 172.30.0.0/24 -o eth0 -j MASQUERADE"
	nftMasq      = `nft add table ip nat
nft add chain ip nat postrouting '{ type nat hook postrouting priority srcnat; }'
nft add rule ip nat postrouting ip saddr 172.30.0.0/24 oifname eth0 masquerade`
)

// The article's port forward, and the same with the other backends.
const (
	iptablesDNAT = "iptables -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 172.18.0.3:80"
	legacyDNAT   = "iptables-legacy -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 172.18.0.3:80"
	nftDNAT      = `nft add table ip nat
nft add chain ip nat prerouting '{ type nat hook prerouting priority dstnat; }'
nft add rule ip nat prerouting tcp dport 80 dnat to 172.18.0.3:80`
)

// byHand is one way a learner might type a lesson in lab shell after
// `lab task`, and what verify must say about it.
type byHand struct {
	name   string // subtest
	scope  string
	lesson string
	script func(t *testing.T, s string) string
	code   int                                        // verify's exit
	check  func(t *testing.T, s string, r reportJSON) // more about the report
}

// 3. Hand-typed article commands: the right ways pass, each mistake fails
// with a check that names it.
func TestCLIByHand(t *testing.T) {
	t.Parallel()
	cases := []byHand{
		{name: "veth/article", scope: "c3veth", lesson: "veth", code: 0,
			script: func(t *testing.T, s string) string { return vethByHand(s) }},
		{name: "veth/server-down", scope: "c3vdown", lesson: "veth", code: 1,
			script: func(t *testing.T, s string) string {
				return dropLines(t, vethByHand(s), "ip link set veth-server up")
			},
			check: func(t *testing.T, s string, r reportJSON) {
				wantFailed(t, r, "veth-server-up", []string{"veth-server", "down"}, []string{"ip link set veth-server up"})
				// The pings that fail point at the mistake.
				wantFailed(t, r, "server-pings-client", []string{"look at: veth-server in netns " + s + "-server is down"}, []string{"ip link set veth-server up"})
				wantPassed(t, r, "veth-client-up", "veth-client-addr", "veth-server-addr")
			}},
		{name: "veth/prefix16", scope: "c3vmask", lesson: "veth", code: 1,
			script: func(t *testing.T, s string) string {
				return edit(t, vethByHand(s), "10.0.0.11/24", "10.0.0.11/16")
			},
			check: func(t *testing.T, s string, r reportJSON) {
				wantFailed(t, r, "veth-client-addr", []string{"10.0.0.11/16", "10.0.0.11/24"}, []string{"10.0.0.11/24"})
				wantPassed(t, r, "veth-server-addr", "veth-client-up", "veth-server-up")
			}},
		{name: "veth/server-end-in-host", scope: "c3vhost", lesson: "veth", code: 1,
			script: func(t *testing.T, s string) string {
				sc := dropLines(t, vethByHand(s), "ip link set veth-server netns")
				sc = edit(t, sc, "ip netns exec "+s+"-server ip address add", "ip address add")
				return edit(t, sc, "ip netns exec "+s+"-server ip link set veth-server up", "ip link set veth-server up")
			},
			check: func(t *testing.T, s string, r reportJSON) {
				wantFailed(t, r, "veth-client", []string{"peer veth-server in netns " + s + "-host", "want veth-server in netns " + s + "-server"},
					[]string{"veth-server", "netns " + s + "-server"})
				wantFailed(t, r, "veth-server-addr", []string{s + "-server", "veth-server"}, nil)
				wantFailed(t, r, "server-pings-client", nil, nil)
			}},

		{name: "bridge/article", scope: "c3bridge", lesson: "bridge", code: 0,
			script: func(t *testing.T, s string) string { return bridgeByHand(s) }},
		{name: "bridge/not-a-port", scope: "c3bnoport", lesson: "bridge", code: 1,
			script: func(t *testing.T, s string) string {
				sc := dropLines(t, bridgeByHand(s), " ping ")
				return dropLines(t, sc, "ip link set client1-veth-br master $BR")
			},
			check: func(t *testing.T, s string, r reportJSON) {
				wantFailed(t, r, "client1-veth-br-port", []string{"client1-veth-br", "no master", "want master bridge1"},
					[]string{"ip link set client1-veth-br master bridge1"})
				wantFailed(t, r, "client1-pings-server1", []string{"master bridge1"}, []string{"master bridge1"})
				wantPassed(t, r, "server1-veth-br-port", "bridge1", "bridge1-addr")
			}},
		{name: "bridge/no-address", scope: "c3bnoaddr", lesson: "bridge", code: 1,
			script: func(t *testing.T, s string) string {
				sc := dropLines(t, bridgeByHand(s), " ping ")
				return dropLines(t, sc, "ip addr add 172.30.0.1/24 dev $BR")
			},
			check: func(t *testing.T, s string, r reportJSON) {
				wantFailed(t, r, "bridge1-addr", []string{"bridge1", "172.30.0.1/24"}, []string{"ip addr add 172.30.0.1/24 dev bridge1"})
				wantFailed(t, r, "client1-pings-bridge", nil, nil)
				wantPassed(t, r, "client1-pings-server1", "server1-pings-client1", "client1-veth-br-port", "server1-veth-br-port")
			}},

		{name: "route/iptables", scope: "c3ript", lesson: "route", code: 0,
			script: func(t *testing.T, s string) string {
				return routeByHand(s, iptablesMasq) + "ip netns exec " + s + "-client1 ping -c 1 -W 5 172.17.0.1\n"
			}},
		{name: "route/iptables-legacy", scope: "c3rlegacy", lesson: "route", code: 0,
			script: func(t *testing.T, s string) string {
				return routeByHand(s, legacyMasq) + "ip netns exec " + s + "-server1 ping -c 1 -W 5 172.17.0.1\n"
			}},
		{name: "route/nft", scope: "c3rnft", lesson: "route", code: 0,
			script: func(t *testing.T, s string) string {
				return routeByHand(s, nftMasq) + "ip netns exec " + s + "-client1 ping -c 1 -W 5 172.17.0.1\n"
			}},
		{name: "route/no-forwarding", scope: "c3rnofwd", lesson: "route", code: 1,
			script: func(t *testing.T, s string) string {
				return dropLines(t, routeByHand(s, iptablesMasq), "sysctl")
			},
			check: func(t *testing.T, s string, r reportJSON) {
				wantFailed(t, r, "host-forwards", []string{"net.ipv4.ip_forward is 0", s + "-host"}, []string{"sysctl -w net.ipv4.ip_forward=1"})
				wantFailed(t, r, "client1-reaches-world", []string{"ip_forward"}, []string{"sysctl -w net.ipv4.ip_forward=1"})
				wantFailed(t, r, "server1-reaches-world", nil, nil)
				wantPassed(t, r, "client1-reaches-host", "client1-default-route", "world-has-no-route-back")
			}},
		{name: "route/masquerade-wrong-link", scope: "c3rwrongif", lesson: "route", code: 1,
			script: func(t *testing.T, s string) string {
				return edit(t, routeByHand(s, iptablesMasq), "-o eth0", "-o bridge1")
			},
			check: func(t *testing.T, s string, r reportJSON) {
				wantFailed(t, r, "client1-reaches-world", nil, []string{"-o eth0"})
				wantFailed(t, r, "server1-reaches-world", nil, nil)
				wantPassed(t, r, "client1-reaches-host", "server1-reaches-host", "host-forwards", "world-has-no-route-back")
			}},
		{name: "route/route-back-in-world", scope: "c3rback", lesson: "route", code: 1,
			script: func(t *testing.T, s string) string {
				return edit(t, routeByHand(s, iptablesMasq), iptablesMasq, "ip netns exec "+s+"-world ip route add 172.30.0.0/24 via 172.17.0.33")
			},
			check: func(t *testing.T, s string, r reportJSON) {
				wantFailed(t, r, "world-has-no-route-back", []string{s + "-world", "172.30.0.0/24"}, []string{"masquerade"})
				// It works, the wrong way: the world answers the namespaces.
				wantPassed(t, r, "client1-reaches-world", "server1-reaches-world", "host-forwards")
			}},
		{name: "route/server1-no-default", scope: "c3rnosrv", lesson: "route", code: 1,
			script: func(t *testing.T, s string) string {
				return dropLines(t, routeByHand(s, iptablesMasq), s+"-server1 ip route add default")
			},
			check: func(t *testing.T, s string, r reportJSON) {
				wantFailed(t, r, "server1-default-route", []string{s + "-server1", "no default route"},
					[]string{"ip netns exec " + s + "-server1 ip route add default via 172.30.0.1"})
				wantFailed(t, r, "server1-reaches-world", nil, nil)
				wantFailed(t, r, "server1-reaches-host", nil, nil)
				wantPassed(t, r, "client1-reaches-world", "client1-reaches-host", "client1-default-route")
			}},
		{name: "dnat/iptables", scope: "c3dipt", lesson: "dnat", code: 0,
			script: func(t *testing.T, s string) string { return iptablesDNAT + "\n" }},
		{name: "dnat/iptables-legacy", scope: "c3dlegacy", lesson: "dnat", code: 0,
			script: func(t *testing.T, s string) string { return legacyDNAT + "\n" }},
		{name: "dnat/nft", scope: "c3dnft", lesson: "dnat", code: 0,
			script: func(t *testing.T, s string) string { return nftDNAT + "\n" }},
		{name: "dnat/wrong-port", scope: "c3dport", lesson: "dnat", code: 1,
			script: func(t *testing.T, s string) string { return edit(t, iptablesDNAT, "--dport 80", "--dport 8080") + "\n" },
			check: func(t *testing.T, s string, r reportJSON) {
				wantFailed(t, r, "world-gets-page", []string{"connection refused"}, []string{"PREROUTING"})
				wantFailed(t, r, "destination-rewritten", nil, nil)
				wantPassed(t, r, "host-gets-page")
			}},
		{name: "dnat/wrong-destination", scope: "c3ddest", lesson: "dnat", code: 1,
			script: func(t *testing.T, s string) string {
				return edit(t, iptablesDNAT, "172.18.0.3:80", "172.18.0.3:8080") + "\n"
			},
			check: func(t *testing.T, s string, r reportJSON) {
				wantFailed(t, r, "world-gets-page", []string{"connection refused"}, nil)
				wantFailed(t, r, "destination-rewritten", nil, nil)
			}},
		{name: "dnat/output-only", scope: "c3dout", lesson: "dnat", code: 1,
			script: func(t *testing.T, s string) string { return edit(t, iptablesDNAT, "PREROUTING", "OUTPUT") + "\n" },
			check: func(t *testing.T, s string, r reportJSON) {
				// OUTPUT catches what the host sends, not what the world sends.
				wantFailed(t, r, "world-gets-page", nil, nil)
				wantPassed(t, r, "host-gets-page")
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newScope(t, c.scope)
			for _, bin := range []string{"iptables", "iptables-legacy", "nft"} {
				if strings.Contains(c.name, bin) {
					if _, err := exec.LookPath(bin); err != nil {
						t.Skip(bin + " is not installed (make deps)")
					}
				}
			}
			fwd := forwarding(t)
			want(t, lab(t, "task", c.lesson, "--scope", s), 0)
			sh := shell(t, s, c.script(t, s))
			want(t, sh, 0)
			rep := wantVerify(t, c.lesson, s, c.code)
			if c.check != nil {
				c.check(t, s, rep)
			}
			if c.code == 0 && rep.firstFailed() != nil {
				t.Errorf("passed with a failed check:\n%s", rep)
			}
			// `sysctl -w` in lab shell set the sandbox host's forwarding,
			// never the machine's.
			if got := forwarding(t); got != fwd {
				t.Errorf("the machine's net.ipv4.ip_forward changed from %s to %s", fwd, got)
			}
			if c.lesson == "route" && strings.Contains(sh.stdout, "net.ipv4.ip_forward = 1") {
				in := lab(t, "shell", "--scope", s, "--", "sysctl", "-n", "net.ipv4.ip_forward")
				want(t, in, 0)
				if strings.TrimSpace(in.stdout) != "1" {
					t.Errorf("forwarding in %s-host: want 1\n%s", s, in)
				}
			}
		})
	}
}

// 4. Input lab cannot work with: exit 2, a message that says why, nothing
// created.
func TestCLIBadInput(t *testing.T) {
	t.Parallel()

	t.Run("unknown-lesson", func(t *testing.T) {
		t.Parallel()
		s := newScope(t, "c4unknown")
		for _, cmd := range []string{"run", "task", "verify", "script"} {
			r := lab(t, cmd, "nosuch", "--scope", s)
			want(t, r, 2)
			wantContains(t, "stderr of lab "+cmd, r.stderr, `unknown lesson "nosuch"`, "veth", "bridge", "route")
			if r.stdout != "" {
				t.Errorf("lab %s printed on stdout:\n%s", cmd, r)
			}
			wantNothing(t, s)
		}
	})

	t.Run("not-root", func(t *testing.T) {
		t.Parallel()
		s := newScope(t, "c4nobody")
		for _, args := range [][]string{
			{"run", "veth"}, {"task", "veth"}, {"verify", "veth"}, {"reset"}, {"shell", "--", "true"},
		} {
			r := labRun(t, "", nobody, append(args, "--scope", s)...)
			want(t, r, 2)
			wantContains(t, "stderr", r.stderr, "lab "+args[0]+" needs root", "CAP_NET_ADMIN")
			wantNothing(t, s)
		}
	})

	t.Run("lesson-file-error", func(t *testing.T) {
		t.Parallel()
		s := newScope(t, "c4badfile")
		src, err := os.ReadFile("lessons/01-veth.yaml")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(src), "\n")
		line := 0
		for i, l := range lines {
			if l == "      - netns: {name: client}" {
				lines[i] = "      - netns: {name: client, colour: blue}"
				line = i + 1
				break
			}
		}
		if line == 0 {
			t.Fatal("01-veth.yaml has no `- netns: {name: client}` line")
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "01-veth.yaml"), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		where := fmt.Sprintf("%s:%d:", filepath.Join(dir, "01-veth.yaml"), line)
		for _, args := range [][]string{{"run", "veth"}, {"task", "route"}, {"list"}} {
			r := lab(t, append(args, "--lessons", dir, "--scope", s)...)
			want(t, r, 2)
			wantContains(t, "stderr", r.stderr, where, `"colour"`)
			wantNothing(t, s)
		}
	})

	t.Run("foreign-netns", func(t *testing.T) {
		t.Parallel()
		s := newScope(t, "c4foreign")
		mine := s + "-client"
		out, err := exec.Command("ip", "netns", "add", mine).CombinedOutput()
		if err != nil {
			t.Fatalf("ip netns add %s: %v %s", mine, err, out)
		}
		ino := netnsInode(t, mine)
		// Runs before the scope's cleanup: ours, so removed by exact name,
		// and only when it is still the one made here.
		t.Cleanup(func() {
			if got, err := ns.Inode(ns.Path(mine)); err == nil && got == ino {
				if out, err := exec.Command("ip", "netns", "del", mine).CombinedOutput(); err != nil {
					t.Errorf("ip netns del %s: %v %s", mine, err, out)
				}
			}
		})

		for _, cmd := range []string{"run", "task"} {
			r := lab(t, cmd, "veth", "--scope", s)
			want(t, r, 2)
			wantContains(t, "stderr", r.stderr, `"`+mine+`"`, "not made by lab")
			if got := netnsInode(t, mine); got != ino {
				t.Fatalf("lab %s replaced %s: inode %d, was %d", cmd, mine, got, ino)
			}
			left := leftovers(s)
			if len(left) != 1 || !strings.Contains(left[0], `"`+mine+`"`) {
				t.Errorf("after lab %s, want only %s, found:\n\t%s", cmd, mine, strings.Join(left, "\n\t"))
			}
		}
		// reset never touches what lab did not make.
		r := lab(t, "reset", "--scope", s)
		want(t, r, 0)
		wantContains(t, "lab reset", r.stdout, "nothing to remove")
		if got := netnsInode(t, mine); got != ino {
			t.Fatalf("lab reset replaced %s", mine)
		}

		if out, err := exec.Command("ip", "netns", "del", mine).CombinedOutput(); err != nil {
			t.Fatalf("ip netns del %s: %v %s", mine, err, out)
		}
		wantNothing(t, s)
	})

	t.Run("busy", func(t *testing.T) {
		t.Parallel()
		s := newScope(t, "c4busy")
		dir := stateDir(s)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		lockPath := filepath.Join(dir, "lock")
		f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		release := func() {
			if f == nil {
				return
			}
			unix.Flock(int(f.Fd()), unix.LOCK_UN)
			f.Close()
			f = nil
			os.Remove(lockPath)
			os.Remove(dir)
		}
		t.Cleanup(release) // before the scope's cleanup, which needs the lock
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			t.Fatalf("flock %s: %v", lockPath, err)
		}
		pid := os.Getpid()
		fmt.Fprintf(f, "pid %d (test)\n", pid)

		for _, args := range [][]string{{"run", "veth"}, {"task", "veth"}, {"reset"}} {
			r := lab(t, append(args, "--scope", s)...)
			want(t, r, 2)
			wantContains(t, "stderr", r.stderr, "busy", fmt.Sprintf("pid %d (test)", pid))
			for _, n := range netnsNames(s) {
				if ns.Exists(n) {
					t.Errorf("lab %s on a busy scope made %s", args[0], n)
				}
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("lab %s on a busy scope wrote to %s: %v", args[0], dir, entries)
			}
		}
		release()
		wantNothing(t, s)
	})
}

// 5. task --env prints KEY=VALUE lines bash can eval.
func TestCLITaskEnv(t *testing.T) {
	t.Parallel()
	s := newScope(t, "c5env")
	r := lab(t, "task", "veth", "--env", "--scope", s)
	want(t, r, 0)
	if r.stderr != "" {
		t.Errorf("task --env wrote on stderr:\n%s", r)
	}
	line := regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=[^\s]+$`)
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		if !line.MatchString(l) {
			t.Errorf("task --env: %q is not KEY=VALUE", l)
			continue
		}
		k, v, _ := strings.Cut(l, "=")
		got[k] = v
	}
	wantVars := map[string]string{
		"HOST_IP":   "172.17.0.33",
		"LAB_SCOPE": s,
		"LAB_HOST":  s + "-host",
		"LAB_WORLD": s + "-world",
	}
	for k, v := range wantVars {
		if got[k] != v {
			t.Errorf("task --env: %s=%q, want %q\n%s", k, got[k], v, r.stdout)
		}
	}

	// bash evals it as it is.
	bash := exec.Command("bash", "-c", `set -eu; eval "$(cat)"; printf '%s|%s|%s|%s\n' "$HOST_IP" "$LAB_SCOPE" "$LAB_HOST" "$LAB_WORLD"`)
	bash.Env = []string{"PATH=" + os.Getenv("PATH")}
	bash.Stdin = strings.NewReader(r.stdout)
	code, out, errs := run(t, bash)
	if wantOut := fmt.Sprintf("172.17.0.33|%s|%s-host|%s-world\n", s, s, s); code != 0 || out != wantOut {
		t.Errorf("eval of task --env: exit %d, %q, want %q (stderr %s)", code, out, wantOut, errs)
	}

	// --env sets the stage up once: asked again, it keeps the one in place.
	ino := netnsInode(t, s+"-host")
	again := lab(t, "task", "veth", "--env", "--scope", s)
	want(t, again, 0)
	if again.stdout != r.stdout {
		t.Errorf("task --env twice: %q, then %q", r.stdout, again.stdout)
	}
	if netnsInode(t, s+"-host") != ino {
		t.Errorf("task --env on a scope that holds the lesson rebuilt %s-host", s)
	}
}

// 6. list and script need no kernel.
func TestCLIListAndScript(t *testing.T) {
	t.Parallel()
	// As nobody when the tests can switch to it: neither needs root.
	cred := nobody
	if os.Geteuid() != 0 {
		cred = nil
	}
	r := labRun(t, "", cred, "list", "--json")
	want(t, r, 0)
	var items []struct {
		ID      string `json:"id"`
		Title   string `json:"title"`
		Summary string `json:"summary"`
		Steps   int    `json:"steps"`
		Done    bool   `json:"done"`
	}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&items); err != nil {
		t.Fatalf("list --json: %v\n%s", err, r)
	}
	files := readLessons(t)
	if len(items) != len(files) {
		t.Fatalf("list --json: %d lessons, %d lesson files\n%s", len(items), len(files), r.stdout)
	}
	for i, it := range items {
		if i < len(lessonIDs) && it.ID != lessonIDs[i] {
			t.Errorf("list --json: lesson %d is %q, want %q", i, it.ID, lessonIDs[i])
		}
		if it.ID != files[i].ID || it.Steps != len(files[i].Steps) {
			t.Errorf("list --json: %s has %d steps, its file %s has %d", it.ID, it.Steps, files[i].ID, len(files[i].Steps))
		}
		if it.Title == "" || it.Summary == "" || it.Done {
			t.Errorf("list --json: %+v: want a title, a summary and not done", it)
		}
	}

	sc := labRun(t, "", cred, "script", "veth")
	want(t, sc, 0)
	wantContains(t, "lab script veth", sc.stdout, "ip netns add client\n", "ip netns add server\n", "10.0.0.11/24")
}

// 7. lab shell runs in the scope's host, not in the machine's namespace.
func TestCLIShellIsTheSandboxHost(t *testing.T) {
	t.Parallel()
	s := newScope(t, "c7shell")

	r := lab(t, "shell", "--scope", s, "--", "true")
	want(t, r, 2)
	wantContains(t, "lab shell before task", r.stderr, "not set up", "lab task")
	wantNothing(t, s)

	want(t, lab(t, "task", "veth", "--scope", s), 0)

	link := lab(t, "shell", "--scope", s, "--", "ip", "-o", "link", "show", "eth0")
	want(t, link, 0)
	wantContains(t, "ip -o link show eth0", link.stdout, "eth0")

	addr := lab(t, "shell", "--scope", s, "--", "ip", "-o", "addr", "show", "eth0")
	want(t, addr, 0)
	found := false
	for _, l := range strings.Split(addr.stdout, "\n") {
		found = found || strings.Contains(l, "eth0") && strings.Contains(l, "172.17.0.33/24")
	}
	if !found {
		t.Errorf("eth0 in lab shell has no 172.17.0.33/24:\n%s", addr)
	}

	id := lab(t, "shell", "--scope", s, "--", "ip", "netns", "identify")
	want(t, id, 0)
	if strings.TrimSpace(id.stdout) != s+"-host" {
		t.Errorf("ip netns identify in lab shell: want %s-host\n%s", s, id)
	}
	env := lab(t, "shell", "--scope", s, "--", "printenv", "LAB_NETNS")
	want(t, env, 0)
	if strings.TrimSpace(env.stdout) != s+"-host" {
		t.Errorf("LAB_NETNS in lab shell: want %s-host\n%s", s, env)
	}

	world := lab(t, "shell", "world", "--scope", s, "--", "ip", "-o", "addr", "show", "eth0")
	want(t, world, 0)
	wantContains(t, "eth0 of the world", world.stdout, "172.17.0.1/24")

	missing := lab(t, "shell", "client1", "--scope", s, "--", "true")
	want(t, missing, 2)
	wantContains(t, "lab shell client1", missing.stderr, `"`+s+`-client1" does not exist`)

	// The test process is in the machine's namespace: it has no such address.
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if strings.HasPrefix(a.String(), "172.17.0.33/") {
			t.Errorf("the machine's own namespace has %s", a)
		}
	}
}

// The capture of issue 4's acceptance: while client1 pings the world, the
// host's eth0 shows the masqueraded source, and the pcap file lab writes is
// one tcpdump reads.
func TestCLICapturePcap(t *testing.T) {
	t.Parallel()
	s := newScope(t, "c8cap")
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("tcpdump is not installed (make deps)")
	}
	want(t, lab(t, "run", "route", "--scope", s), 0)
	pcap := filepath.Join(t.TempDir(), "f.pcap")
	capture := exec.Command(labBin, "capture", s+"-host", "eth0", "--scope", s, "--timeout", "3s", "--pcap", pcap)
	var out, errOut strings.Builder
	capture.Stdout, capture.Stderr = &out, &errOut
	if err := capture.Start(); err != nil {
		t.Fatal(err)
	}
	// Ping until the capture has started and seen the pings, bounded.
	for i := 0; i < 20 && !strings.Contains(out.String(), "ICMP echo reply"); i++ {
		exec.Command("ip", "netns", "exec", s+"-client1", "ping", "-c", "1", "-W", "1", "172.17.0.1").Run()
	}
	if err := capture.Wait(); err != nil {
		t.Fatalf("lab capture: %v\n%s", err, errOut.String())
	}
	wantContains(t, "lab capture", out.String(), "eth0 Out IP 172.17.0.33 > 172.17.0.1: ICMP echo request", "eth0 In  IP 172.17.0.1 > 172.17.0.33: ICMP echo reply")
	if strings.Contains(out.String(), "172.30.0.11 >") {
		t.Errorf("client1's own address left eth0 unmasqueraded:\n%s", out.String())
	}
	read, err := exec.Command("tcpdump", "-n", "-r", pcap).CombinedOutput()
	if err != nil {
		t.Fatalf("tcpdump -r: %v\n%s", err, read)
	}
	wantContains(t, "tcpdump -r", string(read), "IP 172.17.0.33 > 172.17.0.1: ICMP echo request")
}

// article001CNI is article 001's step 4 as typed: the config with the
// article's cniVersion, the bridge plugin run from CNI_PATH with the CNI_*
// variables. Its host-local IPAM writes /var/lib/cni/networks/demo_br, one
// folder for the whole machine, so this test is not parallel: it runs alone,
// before the parallel tests, and the Makefile runs packages one at a time.
func article001CNI(s, ifname string) string {
	conf := "/tmp/" + s + "-00-demo.conf"
	return "cat > " + conf + ` <<"END"
{
    "cniVersion": "0.2.0",
    "name": "demo_br",
    "type": "bridge",
    "bridge": "cni_net0",
    "isGateway": true,
    "ipMasq": true,
    "ipam": {
        "type": "host-local",
        "subnet": "10.0.10.0/24",
        "routes": [
            { "dst": "0.0.0.0/0" },
            { "dst": "1.1.1.1/32", "gw": "10.0.10.1"}
        ]
    }
}
END
container_id=pause_demo
cd $CNI_PATH
CNI_CONTAINERID=$container_id CNI_IFNAME=` + ifname + ` CNI_COMMAND=ADD CNI_NETNS=/var/run/netns/` + s + "-$container_id CNI_PATH=`pwd` ./bridge <" + conf + `
rm ` + conf + "\n"
}

func TestCLICNIByHand(t *testing.T) {
	for _, c := range []struct {
		scope, ifname string
		code          int
	}{{"c9cni", "eth10", 0}, {"c9cnieth0", "eth0", 1}} {
		t.Run(c.ifname, func(t *testing.T) {
			s := newScope(t, c.scope)
			if _, err := os.Stat("/var/lib/cni/networks/demo_br"); err == nil {
				t.Skip("/var/lib/cni/networks/demo_br exists on this machine: the lesson refuses to claim it")
			}
			_, err := os.Stat("/var/lib/cni")
			hadVarLibCNI := err == nil
			want(t, lab(t, "task", "cni", "--scope", s), 0)
			sh := shell(t, s, article001CNI(s, c.ifname))
			want(t, sh, 0)
			wantContains(t, "the plugin's result", sh.stdout, `"ip": "10.0.10.2/24"`, `"cniVersion": "0.2.0"`)
			rep := wantVerify(t, "cni", s, c.code)
			if c.code == 1 {
				wantFailed(t, rep, "eth10-address", []string{"eth10"}, []string{"CNI_IFNAME must be eth10"})
				wantFailed(t, rep, "ipam-holds-address", nil, nil)
				wantPassed(t, rep, "bridge-gateway")
			}
			reset := lab(t, "reset", "--scope", s)
			want(t, reset, 0)
			wantContains(t, "lab reset", reset.stdout, "removed IPAM folder /var/lib/cni/networks/demo_br")
			if _, err := os.Stat("/var/lib/cni/networks/demo_br"); err == nil {
				t.Errorf("reset left /var/lib/cni/networks/demo_br")
			}
			if !hadVarLibCNI {
				if _, err := os.Stat("/var/lib/cni"); err == nil {
					t.Errorf("reset left /var/lib/cni, which did not exist before the test")
				}
			}
		})
	}
}

// The conformance battery grades whatever is installed as my-cni-demo: the
// lab's own plugin passes; a learner's lazy bash plugin (a result that was
// never configured, no error handling) fails, and verify says where.
func TestCLIConformanceBattery(t *testing.T) {
	t.Parallel()
	s := newScope(t, "c10conf")
	want(t, lab(t, "run", "mycni", "--scope", s), 0)
	rep := wantVerify(t, "mycni", s, 0)
	wantPassed(t, rep, "version", "add", "add-result", "check", "del", "del-again", "malformed")
	wantContains(t, "check", rep.check(t, "check").Detail, "cniVersion 1.1.0")

	lazy, err := filepath.Abs("testdata/my-cni-demo-lazy.sh")
	if err != nil {
		t.Fatal(err)
	}
	plugin := filepath.Join("/run/cnilab", s, "cni-bin", "my-cni-demo")
	os.Remove(plugin)
	if err := os.Symlink(lazy, plugin); err != nil {
		t.Fatal(err)
	}
	rep = wantVerify(t, "mycni", s, 1)
	wantFailed(t, rep, "add-result", []string{"the pod does not have"}, []string{"configured in CNI_NETNS"})
	wantFailed(t, rep, "malformed", []string{"exited 0"}, []string{`"code": 6`})
	wantPassed(t, rep, "version", "add", "del-again")
}
