package e2e

// lab task ID --seed N: the values move, --env prints them, the canonical
// answer typed from memory fails, an answer built from the printed values
// passes, and later commands (hint, solution) read the same values.

import (
	"strings"
	"testing"
)

func TestTaskSeedVariesTheAnswer(t *testing.T) {
	t.Parallel()
	needRoot(t)
	s := newScope(t, "seed")
	const id, seed = "no-default-route", "4"
	want(t, lab(t, "task", id, "--scope", s, "--seed", seed), 0)
	env := lab(t, "task", id, "--scope", s, "--seed", seed, "--env")
	want(t, env, 0)
	vals := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(env.stdout), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			vals[k] = v
		}
	}
	net, broken := vals["BRIDGE_NET"], vals["BROKEN_NETNS"]
	if net == "" || net == "172.30.0.0/24" || !strings.HasSuffix(net, ".0/24") || broken == "" {
		t.Fatalf("--env with seed %s: BRIDGE_NET=%q BROKEN_NETNS=%q, want a moved /24 and the broken namespace\n%s", seed, net, broken, env.stdout)
	}
	again := lab(t, "task", id, "--scope", s, "--seed", seed, "--env")
	if again.stdout != env.stdout {
		t.Errorf("the same seed, other values:\n%s\n%s", env.stdout, again.stdout)
	}
	gw := strings.TrimSuffix(net, "0/24") + "1"

	// The canonical answer from memory: the old gateway is not on the link.
	want(t, shell(t, s, "ip netns exec "+s+"-client1 ip route add default via 172.30.0.1 || true"), 0)
	wantVerify(t, id, s, 1)

	// The hint and the solution speak of the drawn values.
	h := lab(t, "hint", id, "--scope", s)
	want(t, h, 0)
	if strings.Contains(h.stdout, "172.30.0.") {
		t.Errorf("hint names the canonical subnet:\n%s", h.stdout)
	}
	sol := lab(t, "solution", id, "--scope", s)
	want(t, sol, 0)
	wantContains(t, "lab solution with a seed", sol.stdout, "ip netns exec "+broken+" ip route add default via "+gw)

	// The answer built from the printed values passes.
	want(t, shell(t, s, "ip netns exec "+broken+" ip route add default via "+gw), 0)
	wantVerify(t, id, s, 0)
}
