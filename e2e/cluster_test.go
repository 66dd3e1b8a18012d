package e2e

// The cluster of article 000, built from a vars.yaml of five nodes by an
// instructor's lesson (the cluster operation): each node has its hostname
// and its own empty /etc/cni/net.d and /opt/cni/bin, while the machine's
// filesystem gets none; the article's per-node commands typed in
// lab shell NODE, and lab pod add, give pods that ping across nodes with
// TTL 62; lab pod del and reset leave nothing.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const clusterLesson = `id: clustertest
title: A cluster, by hand
summary: test
article: "000"
setup:
  - cluster: {}
steps:
  - title: Look
    prose: the nodes
task: deploy my-cni-demo
verify:
  - route: {netns: world, dst: 10.240.0.0/16, absent: true}
`

func TestClusterNodesByHand(t *testing.T) {
	t.Parallel()
	s := newScope(t, "clu")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "90-clustertest.yaml"), []byte(clusterLesson), 0o644); err != nil {
		t.Fatal(err)
	}
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
	want(t, lab(t, "task", "clustertest", "--scope", s, "--lessons", dir, "--vars", vars), 0)

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
			if j != i {
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

	add := lab(t, "pod", "add", nodes[0], "pa", "--scope", s)
	want(t, add, 0)
	wantContains(t, "lab pod add", add.stdout, "eth0 10.240.0.2/24", "/etc/cni/net.d/10-my-cni-demo.conf")
	want(t, lab(t, "pod", "add", nodes[3], "pb", "--scope", s), 0)
	ping := lab(t, "shell", "pa", "--scope", s, "--", "ping", "-c", "1", "-W", "2", "10.240.3.2")
	want(t, ping, 0)
	wantContains(t, "a pod pings a pod on another node", ping.stdout, "ttl=62")

	// A node's IPAM files are its own.
	files := lab(t, "shell", nodes[3], "--scope", s, "--", "ls", "/var/lib/cni/my-cni-demo/my-cni-demo")
	want(t, files, 0)
	wantContains(t, "the node's IPAM folder", files.stdout, "10.240.3.2")

	want(t, lab(t, "pod", "del", nodes[3], "pb", "--scope", s), 0)
	if left := lab(t, "shell", nodes[3], "--scope", s, "--", "ls", "/var/lib/cni/my-cni-demo/my-cni-demo"); strings.Contains(left.stdout, "10.240.3.2") {
		t.Errorf("pod del left its address reserved:\n%s", left.stdout)
	}
	bad := lab(t, "pod", "add", "nosuchnode", "pc", "--scope", s)
	want(t, bad, 1)
	wantContains(t, "lab pod add on a missing node", bad.stderr, `node "nosuchnode" does not exist`)

	want(t, lab(t, "verify", "clustertest", "--scope", s, "--lessons", dir), 0)
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
