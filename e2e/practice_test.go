package e2e

// Break-fix scenarios as a learner meets them: lab task leaves the fault,
// verify fails with a hint on every failed check, lab hint reveals one more
// hint each time, lab solution waits for a failed verify, and a fix typed by
// hand, or the solution piped into lab shell, passes verify.

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// handFixes are fixes a learner might type, each different from the
// scenario's solution where the articles allow (another backend, another
// form of the command). {S} is the scope's prefix.
var handFixes = map[string]string{
	"no-default-route": "ip netns exec {S}-client1 ip route replace default via 172.30.0.1 dev client1-veth",
	"no-forwarding":    "echo 1 > /proc/sys/net/ipv4/ip_forward",
	"no-masquerade": `nft add table ip nat
nft add chain ip nat postrouting '{ type nat hook postrouting priority srcnat; }'
nft add rule ip nat postrouting ip saddr 172.30.0.0/24 oifname eth0 masquerade`,
	"forward-drop": `nft add rule ip filter FORWARD ip saddr 172.30.0.0/24 accept
nft add rule ip filter FORWARD ip daddr 172.30.0.0/24 accept`,
	"veth-down": `ip -n {S}-client1 link set dev client1-veth up
ip -n {S}-client1 route add 0.0.0.0/0 via 172.30.0.1`,
	"wrong-prefix": `ip -n {S}-client1 addr flush dev client1-veth
ip -n {S}-client1 addr add 172.30.0.11/24 dev client1-veth
ip -n {S}-client1 route add default via 172.30.0.1`,
	"bridge-port-missing": "ip link set dev server1-veth-br master bridge1",
	"dnat-output-only":    "iptables -t nat -I OUTPUT -d 172.17.0.33 -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.18.0.3",
	"cni-version": `jq '.cniVersion = "0.4.0"' $LAB_NETD/00-demo.conf > $LAB_NETD/fixed.conf
CNI_COMMAND=ADD CNI_CONTAINERID=pause_demo CNI_NETNS=/var/run/netns/{S}-pause_demo CNI_IFNAME=eth10 CNI_PATH=$CNI_PATH $CNI_PATH/bridge < $LAB_NETD/fixed.conf`,
	// CNI_PATH with lab's plugin folder added, instead of a link.
	"plugin-missing": `d=$(dirname $(readlink $CNI_PATH/loopback))
CNI_COMMAND=ADD CNI_CONTAINERID=pause_demo CNI_NETNS=/var/run/netns/{S}-pause_demo CNI_IFNAME=eth10 CNI_PATH=$CNI_PATH:$d $d/bridge < $LAB_NETD/00-demo.conf`,
	// bridge(8) for the hairpin, nft for the masquerade.
	"hairpin": `bridge link set dev veth-web hairpin on
nft add table ip nat
nft add chain ip nat postrouting '{ type nat hook postrouting priority srcnat; }'
nft add rule ip nat postrouting ip saddr 172.18.0.3 ip daddr 172.18.0.3 tcp dport 80 masquerade`,
	// Clamp the MSS to the path's MTU instead of lowering the container's.
	"mtu": "iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu",
	// replace, not add: the command that can run twice.
	"crossnode-route": "lab shell cni-worker01 --scope {S} -- ip route replace 10.240.2.0/24 via 192.168.100.102 dev ens32",
	// A runtime reads only .conf, .conflist and .json: a renamed file is out.
	"stale-conf": "lab shell cni-worker01 --scope {S} -- mv /etc/cni/net.d/00-my-cni-demo.conf /etc/cni/net.d/00-my-cni-demo.conf.old",
	// Inside the node, with vni instead of id, and a loop for the peers.
	"vxlan-port": `lab shell cni-worker01 --scope {S} -- sh -ec 'ip link del vxlan42
ip link add vxlan42 type vxlan vni 42 dstport 4789 local 192.168.100.101 dev ens32
ip link set vxlan42 master cni0
ip link set vxlan42 up
for p in 100 102; do bridge fdb append 00:00:00:00:00:00 dev vxlan42 dst 192.168.100.$p; done'`,
	"ipam-exhausted": `dir=$(jq -r .ipam.dataDir $LAB_NETD/00-demo.conf)/demo_br
grep -l -e dead1 -e dead2 $dir/10.0.10.* | xargs rm
CNI_COMMAND=ADD CNI_CONTAINERID=pause_demo CNI_NETNS=/var/run/netns/{S}-pause_demo CNI_IFNAME=eth10 CNI_PATH=$CNI_PATH $CNI_PATH/bridge < $LAB_NETD/00-demo.conf`,
}

// wrongFixes are plausible mistakes that must still fail verify, with the
// check that must say so.
var wrongFixes = map[string]struct{ script, check string }{
	"no-default-route": {"ip netns exec {S}-client1 ip route add default via 172.30.0.12", "client1-default-route"},
	"no-masquerade":    {"iptables -t nat -A POSTROUTING -s 172.30.0.0/24 -o bridge1 -j MASQUERADE", "client1-reaches-world"},
	"forward-drop":     {"iptables -A FORWARD -s 172.30.0.0/24 -j ACCEPT", "client1-reaches-world"},
	"dnat-output-only": {"iptables -t nat -A OUTPUT -p tcp --dport 8080 -j DNAT --to-destination 172.18.0.3:80", "host-gets-page-through-dnat"},
	// Turning bridged iptables off: the hairpin works, kube-proxy would not.
	"hairpin": {`sysctl -w net.bridge.bridge-nf-call-iptables=0
iptables -t nat -A POSTROUTING -s 172.18.0.3 -d 172.18.0.3 -j MASQUERADE`, "bridge-calls-iptables"},
	// Raising the tunnel's MTU: the page passes here, a real uplink would not.
	"mtu": {"ip link set eth0 mtu 1500", "uplink-stays-1400"},
	// Another container's address is released: the range is still full.
	"ipam-exhausted": {`CNI_COMMAND=DEL CNI_CONTAINERID=other CNI_NETNS= CNI_IFNAME=eth0 CNI_PATH=$CNI_PATH $CNI_PATH/bridge < $LAB_NETD/00-demo.conf`, "ipam-holds-address"},
}

func TestPracticeScenarios(t *testing.T) {
	t.Parallel()
	scenarios := readScenarios(t)
	if len(scenarios) < 8 {
		t.Fatalf("%d scenario files, want the eight of the route and dnat rows", len(scenarios))
	}
	for i, sc := range scenarios {
		t.Run(sc.ID, func(t *testing.T) {
			t.Parallel()
			needRoot(t)
			s := newScope(t, fmt.Sprintf("pr%d", i))
			fix, ok := handFixes[sc.ID]
			if !ok {
				t.Fatalf("no hand fix for scenario %s", sc.ID)
			}
			task := lab(t, "task", sc.ID, "--scope", s)
			want(t, task, 0)
			wantContains(t, "lab task "+sc.ID, task.stdout, "Symptom: ", "lab hint "+sc.ID)

			// The solution waits for an attempt.
			early := lab(t, "solution", sc.ID, "--scope", s)
			want(t, early, 1)
			wantContains(t, "lab solution before verify", early.stderr, "try first, then lab verify "+sc.ID)

			// One more hint each time, the last repeated.
			for n := 1; n <= len(sc.Hints)+1; n++ {
				h := lab(t, "hint", sc.ID, "--scope", s)
				want(t, h, 0)
				shown := min(n, len(sc.Hints))
				wantContains(t, "lab hint", h.stdout, fmt.Sprintf("hint %d of %d: ", shown, len(sc.Hints)))
			}

			rep := wantVerify(t, sc.ID, s, 1)
			for _, c := range rep.Checks {
				if !c.Passed && c.Hint == "" {
					t.Errorf("failed check %s has no hint: %s", c.ID, c.Detail)
				}
			}
			if w, ok := wrongFixes[sc.ID]; ok {
				want(t, shell(t, s, strings.ReplaceAll(w.script, "{S}", s)), 0)
				rep := wantVerify(t, sc.ID, s, 1)
				if c := rep.check(t, w.check); c.Passed || c.Hint == "" {
					t.Errorf("after the wrong fix %q, check %s: passed %v, hint %q", w.script, w.check, c.Passed, c.Hint)
				}
				want(t, lab(t, "task", sc.ID, "--scope", s), 0) // start over
				wantVerify(t, sc.ID, s, 1)
			}

			// The fix by hand passes.
			want(t, shell(t, s, strings.ReplaceAll(fix, "{S}", s)), 0)
			wantVerify(t, sc.ID, s, 0)

			// And so does the solution, on a fresh stage, after a failed verify.
			want(t, lab(t, "task", sc.ID, "--scope", s), 0)
			wantVerify(t, sc.ID, s, 1)
			sol := lab(t, "solution", sc.ID, "--scope", s)
			want(t, sol, 0)
			want(t, labIn(t, sol.stdout, "shell", "--scope", s), 0)
			wantVerify(t, sc.ID, s, 0)
		})
	}
}

// lab practice list shows the scenarios, lab list the lessons only, and a
// scenario has no script to copy.
func TestPracticeList(t *testing.T) {
	needBinary(t)
	t.Parallel()
	r := lab(t, "practice", "list", "--json")
	want(t, r, 0)
	var items []struct {
		ID, Title, Symptom, Base string
		Done                     bool
	}
	if err := json.Unmarshal([]byte(r.stdout), &items); err != nil {
		t.Fatalf("practice list --json: %v\n%s", err, r.stdout)
	}
	files := readScenarios(t)
	if len(items) != len(files) {
		t.Fatalf("practice list: %d scenarios, %d files", len(items), len(files))
	}
	for i, it := range items {
		if it.ID != files[i].ID || it.Base != files[i].Extends || it.Symptom == "" || strings.Contains(it.Symptom, "{{") {
			t.Errorf("practice list: %+v, its file says id %s extends %s", it, files[i].ID, files[i].Extends)
		}
	}
	list := lab(t, "list")
	want(t, list, 0)
	if strings.Contains(list.stdout, files[0].ID) {
		t.Errorf("lab list shows scenario %s:\n%s", files[0].ID, list.stdout)
	}
	sc := lab(t, "script", files[0].ID)
	want(t, sc, 2)
	wantContains(t, "lab script of a scenario", sc.stderr, "lab hint "+files[0].ID)
}
