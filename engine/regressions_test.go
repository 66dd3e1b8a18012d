package engine

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cnilab/lab/netops/snapshot"
)

// TestRegressionsUnit guards the defects the first test pass found (fixed).
func TestRegressionsUnit(t *testing.T) {
	t.Run("steps given as an alias panic the loader", func(t *testing.T) {
		// stepsNode returned the alias node's (empty) Content, and parse
		// indexed stepNodes[i] for each decoded step: index out of range.
		src := `id: x
title: X
namespaces: [a]
setup: &s
  - netns: {name: a}
steps: *s
verify:
  - netns: {name: a}
`
		var panicked any
		var err error
		func() {
			defer func() { panicked = recover() }()
			_, err = Parse("alias.yaml", []byte(src))
		}()
		if panicked != nil {
			regression(t, "Parse panics on `steps: *alias`: %v", panicked)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "alias.yaml:") {
			t.Errorf("error %q does not name the file", err)
		}
	})

	lineOf := func(t *testing.T, src, file string) int {
		t.Helper()
		_, err := Parse(file, []byte(src))
		if err == nil {
			t.Fatal("Parse accepted it")
		}
		m := regexp.MustCompile(`^` + regexp.QuoteMeta(file) + `:(\d+): `).FindStringSubmatch(err.Error())
		if m == nil {
			t.Fatalf("error %q has no line", err)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}

	t.Run("a bad template in the task points at line 1", func(t *testing.T) {
		src := "id: x\ntitle: X\nverify:\n  - netns: {name: host}\ntask: 'Make {{ns \"a\"' #<\n"
		if got, want := lineOf(t, src, "task.yaml"), markedLine(t, src); got != want {
			regression(t, "a bad template in the task is reported at line %d (the file's first key), want %d (the task key)", got, want)
		}
	})

	t.Run("a bad template in a verify hint points at line 1", func(t *testing.T) {
		src := "id: x\ntitle: X\nverify:\n  - netns: {name: host}\n  - netns: {name: world}\n    hint: 'see {{ns' #<\n"
		if got, want := lineOf(t, src, "hint.yaml"), markedLine(t, src); got != want && got != want-1 {
			regression(t, "a bad template in a verify hint is reported at line %d, want the check's line %d or its hint's %d", got, want-1, want)
		}
	})

	t.Run("templates in step check hints and check titles are not checked", func(t *testing.T) {
		var loaded []string
		for _, tc := range []struct{ what, src string }{
			{"step check hint", "id: x\ntitle: X\nsteps:\n  - title: One\n    check:\n      - netns: {name: host}\n        hint: 'see {{ns'\nverify:\n  - netns: {name: host}\n"},
			{"step check title", "id: x\ntitle: X\nsteps:\n  - title: One\n    check:\n      - netns: {name: host}\n        title: 'see {{ns'\nverify:\n  - netns: {name: host}\n"},
			{"verify title", "id: x\ntitle: X\nverify:\n  - netns: {name: host}\n    title: '{{ns'\n"},
		} {
			if _, err := Parse("t.yaml", []byte(tc.src)); err == nil {
				loaded = append(loaded, tc.what)
			}
		}
		if len(loaded) > 0 {
			regression(t, "the loader checks the templates of verify hints only: a broken template in a %s loads and is shown raw", strings.Join(loaded, ", a "))
		}
	})

	t.Run("route check dst 0.0.0.0/0 never matches the default route", func(t *testing.T) {
		// The loader accepts 0.0.0.0/0 (RouteAdd.Validate does), but routeDst
		// only turns /32 into the snapshot's spelling, not /0 into "default".
		snap := snapshot.Snapshot{Namespaces: []snapshot.Netns{{Name: "t1-host",
			Routes: []snapshot.Route{{Dst: "default", Via: "172.17.0.1", Dev: "eth0"}}}}}
		e := &Eval{Scope: mustScope(t, "t1"), Snap: snap}
		present := RouteCheck{Dst: "0.0.0.0/0", Via: "172.17.0.1"}
		absent := RouteCheck{Dst: "0.0.0.0/0", Absent: true}
		if err := present.Validate(); err != nil {
			t.Fatalf("0.0.0.0/0 is refused now (%v): drop this case", err)
		}
		if o := present.Evaluate(e); !o.Passed {
			regression(t, "routeDst(%q) is not \"default\": the route check fails with %q", present.Dst, o.Detail)
		}
		if o := absent.Evaluate(e); o.Passed {
			t.Errorf("absent 0.0.0.0/0 passes with a default route in place: %q", o.Detail)
		}
	})

	t.Run("wrong peer netns: the fix moves the peer from the host whatever netns it is in", func(t *testing.T) {
		// The peer is beside veth-client in t1-client; the fix runs
		// `ip link set veth-server netns t1-server` in the host, where there
		// is no veth-server, so the command the hint shows fails.
		snap := snapshot.Snapshot{Namespaces: []snapshot.Netns{
			{Name: "t1-client", Links: []snapshot.Link{
				{Name: "veth-client", Kind: "veth", Peer: "veth-server"},
				{Name: "veth-server", Kind: "veth", Peer: "veth-client"}}},
			{Name: "t1-server"}}}
		c := LinkCheck{Netns: "client", Name: "veth-client", Kind: "veth", Peer: "veth-server", PeerNetns: "server"}
		o := c.Evaluate(&Eval{Scope: mustScope(t, "t1"), Snap: snap})
		if o.Passed || o.Detail != "veth veth-client in netns t1-client has peer veth-server in netns t1-client, want veth-server in netns t1-server" {
			t.Fatalf("outcome %+v", o)
		}
		want := "ip netns exec t1-client ip link set veth-server netns t1-server"
		if len(o.Fix) != 1 || o.Fix[0] != want {
			regression(t, "LinkCheck.Evaluate: Fix = %q, want [%q]", o.Fix, want)
		}
	})

	t.Run("route check by dev only says via none", func(t *testing.T) {
		snap := snapshot.Snapshot{Namespaces: []snapshot.Netns{{Name: "t1-host",
			Routes: []snapshot.Route{{Dst: "10.1.0.0/24", Dev: "eth0"}}}}}
		c := RouteCheck{Dst: "10.1.0.0/24", Dev: "bridge1"}
		o := c.Evaluate(&Eval{Scope: mustScope(t, "t1"), Snap: snap})
		if o.Passed {
			t.Fatalf("passed: %+v", o)
		}
		if strings.Contains(o.Detail, "via none") {
			regression(t, "RouteCheck.Evaluate: detail %q; want the asked route, e.g. %q", o.Detail,
				fmt.Sprintf("netns t1-host has %q, want 10.1.0.0/24 dev bridge1", "10.1.0.0/24 dev eth0"))
		}
	})
}
