package e2e

// `lab shell`: commands run in the scope's sandbox host (or another of its
// namespaces), never in the machine's own.

import (
	"net"
	"strings"
	"testing"
)

// lab shell runs in the scope's host, not in the machine's namespace.
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
