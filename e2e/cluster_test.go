package e2e

// The nodes lesson's task on a vars.yaml of five nodes: each node has its
// hostname and its own empty /etc/cni/net.d and /opt/cni/bin, while the
// machine's filesystem gets none; article 000's per-node commands typed in
// lab shell NODE pass lab verify nodes, and without one node's route it
// fails naming that pair and the command; lab pod add gives pods that ping
// across nodes with TTL 62; lab pod del and reset leave nothing.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestClusterNodesByHand(t *testing.T) {
	t.Parallel()
	s := newScope(t, "clu")
	vars, err := filepath.Abs("../netops/cluster/testdata/five.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var machineHad []string
	for _, d := range []string{"/etc/cni", "/opt/cni", "/var/lib/cni"} {
		if _, err := os.Stat(d); err == nil {
			machineHad = append(machineHad, d)
		}
	}
	nodes := []string{"cni-master01", "cni-worker01", "cni-worker02", "cni-worker03", "cni-worker04"}
	want(t, lab(t, "task", "nodes", "--scope", s, "--vars", vars), 0)
	wantVerify(t, "nodes", s, 1)

	for i, n := range nodes {
		r := lab(t, "shell", n, "--scope", s, "--", "sh", "-c", "hostname; find /etc/cni/net.d /opt/cni/bin -mindepth 1 | wc -l")
		want(t, r, 0)
		if got := strings.Fields(r.stdout); len(got) != 2 || got[0] != n || got[1] != "0" {
			t.Fatalf("lab shell %s: hostname and entries %q, want %s and an empty net.d and bin", n, r.stdout, n)
		}
		// Article 000's tasks 2 to 8 on this node, by hand.
		cmds := []string{
			"iptables -A FORWARD -s 10.240.0.0/16 -j ACCEPT",
			"iptables -A FORWARD -d 10.240.0.0/16 -j ACCEPT",
			fmt.Sprintf("iptables -t nat -A POSTROUTING -s 10.240.%d.0/24 ! -o cni0 -j MASQUERADE", i),
		}
		for j := range nodes {
			// One route left out at first: worker03 to worker04's pods.
			if j != i && !(i == 3 && j == 4) {
				cmds = append(cmds, fmt.Sprintf("ip route add 10.240.%d.0/24 via 192.168.100.10%d dev ens32", j, j))
			}
		}
		cmds = append(cmds, "mkdir -p /etc/cni/net.d",
			fmt.Sprintf(`printf '{\n    "cniVersion": "0.3.1",\n    "name": "my-cni-demo",\n    "type": "my-cni-demo",\n    "podcidr": "10.240.%d.0/24"\n}\n' > /etc/cni/net.d/10-my-cni-demo.conf`, i),
			"ln -s $(command -v lab) /opt/cni/bin/my-cni-demo")
		want(t, lab(t, "shell", n, "--scope", s, "--", "sh", "-ec", strings.Join(cmds, "\n")), 0)
	}
	for _, d := range []string{"/etc/cni", "/opt/cni", "/var/lib/cni"} {
		_, err := os.Stat(d)
		if err == nil && !contains(machineHad, d) {
			t.Errorf("the machine has %s now: the nodes' files must stay in the nodes", d)
		}
	}

	rep := wantVerify(t, "nodes", s, 1)
	routes := rep.check(t, "node-routes")
	if routes.Passed || !strings.Contains(routes.Detail, "cni-worker03 has no route to cni-worker04's pods 10.240.4.0/24 via 192.168.100.104") ||
		!strings.Contains(routes.Hint, "lab shell cni-worker03 --scope "+s+" -- ip route add 10.240.4.0/24 via 192.168.100.104 dev ens32") {
		t.Errorf("verify without one route: %+v", routes)
	}
	want(t, lab(t, "shell", nodes[3], "--scope", s, "--", "ip", "route", "add", "10.240.4.0/24", "via", "192.168.100.104", "dev", "ens32"), 0)
	wantVerify(t, "nodes", s, 0)

	add := lab(t, "pod", "add", nodes[0], "pa", "--scope", s)
	want(t, add, 0)
	wantContains(t, "lab pod add", add.stdout, "eth0 10.240.0.", "/etc/cni/net.d/10-my-cni-demo.conf")
	addB := lab(t, "pod", "add", nodes[3], "pb", "--scope", s)
	want(t, addB, 0)
	m := regexp.MustCompile(`eth0 (10\.240\.3\.\d+)/24`).FindStringSubmatch(addB.stdout)
	if m == nil {
		t.Fatalf("lab pod add on %s: no address in 10.240.3.0/24:\n%s", nodes[3], addB.stdout)
	}
	ping := lab(t, "shell", "pa", "--scope", s, "--", "ping", "-c", "1", "-W", "2", m[1])
	want(t, ping, 0)
	wantContains(t, "a pod pings a pod on another node", ping.stdout, "ttl=62")

	// A node's IPAM files are its own.
	files := lab(t, "shell", nodes[3], "--scope", s, "--", "ls", "/var/lib/cni/my-cni-demo/my-cni-demo")
	want(t, files, 0)
	wantContains(t, "the node's IPAM folder", files.stdout, m[1])

	want(t, lab(t, "pod", "del", nodes[3], "pb", "--scope", s), 0)
	if left := lab(t, "shell", nodes[3], "--scope", s, "--", "ls", "/var/lib/cni/my-cni-demo/my-cni-demo"); strings.Contains(left.stdout, m[1]+"\n") {
		t.Errorf("pod del left its address reserved:\n%s", left.stdout)
	}
	bad := lab(t, "pod", "add", "nosuchnode", "pc", "--scope", s)
	want(t, bad, 1)
	wantContains(t, "lab pod add on a missing node", bad.stderr, `node "nosuchnode" does not exist`)

	want(t, lab(t, "reset", "--scope", s), 0)
	wantNothing(t, s)
	for _, n := range append(nodes, "pa", "pb") {
		if _, err := os.Lstat("/run/netns/" + s + "-" + n); err == nil {
			t.Errorf("reset left netns %s-%s", s, n)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The cluster lessons run and verify on five nodes from a vars file as on
// article 000's three, and reset leaves nothing.
func TestClusterLessonsFiveNodes(t *testing.T) {
	t.Parallel()
	s := newScope(t, "clu5")
	vars, err := filepath.Abs("../netops/cluster/testdata/five.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"nodes", "overlay"} {
		run := lab(t, "run", id, "--scope", s, "--vars", vars)
		want(t, run, 0)
		wantContains(t, "lab run "+id+" on five nodes", run.stdout, "all ", "checks passed")
		wantVerify(t, id, s, 0)
		env := lab(t, "task", id, "--scope", s, "--env")
		want(t, env, 0)
		if !strings.Contains(env.stdout, "LAB_VARS=") {
			t.Errorf("lab task %s --env has no LAB_VARS:\n%s", id, env.stdout)
		}
		want(t, lab(t, "reset", "--scope", s), 0)
		wantNothing(t, s)
	}
}
