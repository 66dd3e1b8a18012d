package e2e

// What a step did, all of it, in lab run --json: the route lesson's
// forwarding sysctl, its MASQUERADE rule and the translation conntrack
// keeps; the bridge lesson's learned MACs; route step 4's request that
// arrives in the world and gets no reply.

import (
	"encoding/json"
	"strings"
	"testing"
)

type runJSON struct {
	Passed bool `json:"passed"`
	Steps  []struct {
		Title string `json:"title"`
		Diff  []struct {
			Netns, Kind, Line string
			Sign              string
		} `json:"diff"`
		Checks []struct {
			Title  string `json:"title"`
			Passed bool   `json:"passed"`
		} `json:"checks"`
	} `json:"steps"`
}

func runDiffs(t *testing.T, lesson, scope string) runJSON {
	t.Helper()
	r := lab(t, "run", lesson, "--scope", scope, "--json")
	want(t, r, 0)
	var out runJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("run %s --json: %v\n%s", lesson, err, r.stdout)
	}
	return out
}

// diffHas reports whether step i's diff has a line of that kind and sign
// in that namespace containing every part.
func (r runJSON) diffHas(i int, netns, kind, sign string, parts ...string) bool {
	for _, c := range r.Steps[i].Diff {
		if c.Netns != netns || c.Kind != kind || c.Sign != sign {
			continue
		}
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(c.Line, p)
		}
		if ok {
			return true
		}
	}
	return false
}

func TestRunDiffsShowEverything(t *testing.T) {
	t.Parallel()
	needRoot(t)
	s := newScope(t, "diffs")
	host, world := s+"-host", s+"-world"

	route := runDiffs(t, "route", s)
	fwd, masq := 3, 4 // steps 4 and 5
	for _, c := range []struct {
		what string
		ok   bool
	}{
		{"step 4: ip_forward 0 -> 1", route.diffHas(fwd, host, "sysctl", "-", "net.ipv4.ip_forward = 0") &&
			route.diffHas(fwd, host, "sysctl", "+", "net.ipv4.ip_forward = 1")},
		{"step 5: the MASQUERADE rule", route.diffHas(masq, host, "rule", "+", "ip saddr 172.30.0.0/24", "masquerade")},
		{"step 5: the translation, both tuples", route.diffHas(masq, host, "conntrack", "+",
			"icmp src=172.30.0.11 dst=172.17.0.1 src=172.17.0.1 dst=172.17.0.33")},
	} {
		if !c.ok {
			t.Errorf("route: %s missing from the diff: %+v", c.what, route.Steps)
		}
	}
	var unanswered bool
	for _, c := range route.Steps[fwd].Checks {
		unanswered = unanswered || c.Passed && strings.Contains(c.Title, "on eth0 in "+world) &&
			strings.Contains(c.Title, `no "IP 172.17.0.1 > 172.30.0.11: ICMP echo reply"`)
	}
	if !unanswered {
		t.Errorf("route step 4 does not show the request arriving in %s unanswered: %+v", world, route.Steps[fwd].Checks)
	}

	bridge := runDiffs(t, "bridge", s)
	ping := 4 // step 5, the first ping across the bridge
	if !bridge.diffHas(ping, host, "fdb", "+", "dev client1-veth-br master bridge1") ||
		!bridge.diffHas(ping, host, "fdb", "+", "dev server1-veth-br master bridge1") {
		t.Errorf("bridge step 5: no learned MAC behind each port: %+v", bridge.Steps[ping].Diff)
	}
	if !bridge.diffHas(ping, s+"-client1", "neigh", "+", "172.30.0.12 dev client1-veth lladdr ") {
		t.Errorf("bridge step 5: client1's neighbour entry for server1 missing: %+v", bridge.Steps[ping].Diff)
	}
	for _, st := range append(route.Steps, bridge.Steps...) {
		for _, c := range st.Diff {
			if c.Kind == "neigh" && (strings.Contains(c.Line, "REACHABLE") || strings.Contains(c.Line, "STALE")) {
				t.Errorf("step %q: a neighbour's timer state in the diff: %s", st.Title, c.Line)
			}
		}
	}
	want(t, lab(t, "reset", "--scope", s), 0)
}
