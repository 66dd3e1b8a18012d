package engine

import (
	"errors"
	"github.com/cnilab/lab/lessons"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cnilab/lab/netops"
)

// minimalLesson is the smallest lesson the loader accepts with a step, a
// step check and a verify check.
const minimalLesson = `id: mini
title: A minimal lesson
namespaces: [client, server]
steps:
  - title: Make the namespaces
    prose: Make {{ns "client"}} and {{ns "server"}}.
    do:
      - netns: {name: client}
      - netns: {name: server}
    check:
      - netns: {name: client}
verify:
  - id: client
    netns: {name: client}
`

func TestParseMinimalLesson(t *testing.T) {
	l, err := Parse("mini.yaml", []byte(minimalLesson))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if l.ID != "mini" || l.Title != "A minimal lesson" || l.File != "mini.yaml" {
		t.Errorf("ID, Title, File = %q, %q, %q", l.ID, l.Title, l.File)
	}
	if !reflect.DeepEqual(l.Namespaces, []string{"client", "server"}) {
		t.Errorf("Namespaces = %q", l.Namespaces)
	}
	if len(l.Setup) != 0 {
		t.Errorf("Setup = %v, want none", l.Setup)
	}
	if len(l.Steps) != 1 {
		t.Fatalf("got %d steps, want 1", len(l.Steps))
	}
	st := l.Steps[0]
	if st.Title != "Make the namespaces" || st.Line != 5 {
		t.Errorf("step = %q at line %d, want %q at line 5", st.Title, st.Line, "Make the namespaces")
	}
	if st.Prose != `Make {{ns "client"}} and {{ns "server"}}.` {
		t.Errorf("prose = %q", st.Prose)
	}
	wantDo := []OpSpec{
		{Kind: "netns", Op: &netops.NetnsAdd{Name: "client"}, Line: 8},
		{Kind: "netns", Op: &netops.NetnsAdd{Name: "server"}, Line: 9},
	}
	if !reflect.DeepEqual(st.Do, wantDo) {
		t.Errorf("Do = %+v, want %+v", st.Do, wantDo)
	}
	// A check without id gets KIND-N, N counting the checks of its list.
	if len(st.Check) != 1 || st.Check[0].ID != "netns-1" || st.Check[0].Kind != "netns" || st.Check[0].Line != 11 {
		t.Errorf("step check = %+v", st.Check)
	} else if c, ok := st.Check[0].Check.(*NetnsCheck); !ok || c.Name != "client" {
		t.Errorf("step check = %#v, want *NetnsCheck{client}", st.Check[0].Check)
	}
	if len(l.Verify) != 1 || l.Verify[0].ID != "client" || l.Verify[0].Line != 13 {
		t.Errorf("Verify = %+v", l.Verify)
	}
}

// TestParseErrors: every refusal names the file and the exact line of the
// key or item at fault (the line marked #<), and says what is wrong.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want []string // substrings of the message after "FILE:LINE: "
		// line overrides the marked line (for errors with no key to mark).
		line int
		// bug marks a case whose line is wrong today: it skips, naming the bug.
		bug string
	}{
		{name: "unknown top-level key", src: `id: x
title: X
colour: blue #<
verify:
  - netns: {name: host}
`, want: []string{`lesson: unknown field "colour"`, "known: ", "verify"}},

		{name: "unknown key in a step", src: `id: x
title: X
namespaces: [client]
steps:
  - title: One
    do:
      - netns: {name: client}
    chek: #<
      - netns: {name: client}
verify:
  - netns: {name: client}
`, want: []string{`step: unknown field "chek"`, "check"}},

		{name: "unknown operation kind", src: `id: x
title: X
steps:
  - title: One
    do:
      - vlan: {name: v1} #<
verify:
  - netns: {name: host}
`, want: []string{`step 1: unknown operation "vlan"`, "(known: " + strings.Join(kindNames(opKinds), ", ") + ")"}},

		{name: "unknown field in a flow operation", src: `id: x
title: X
namespaces: [client, server]
steps:
  - title: One
    do:
      - veth: {name: veth-client, netns: client, peername: veth-server} #<
verify:
  - netns: {name: host}
`, want: []string{`veth: unknown field "peername"`, "peer_netns"}},

		{name: "unknown field in a block operation", src: `id: x
title: X
namespaces: [client, server]
steps:
  - title: One
    do:
      - veth:
          name: veth-client
          netns: client
          peername: veth-server #<
verify:
  - netns: {name: host}
`, want: []string{`veth: unknown field "peername"`}},

		{name: "address out of range", src: `id: x
title: X
namespaces: [client]
steps:
  - title: One
    do:
      - addr: {netns: client, dev: veth-client, addr: 10.0.0.300/24} #<
verify:
  - netns: {name: host}
`, want: []string{"step 1: addr on veth-client:", `"10.0.0.300/24" is not an IPv4 address with a prefix length`}},

		{name: "address without prefix length", src: `id: x
title: X
namespaces: [client]
setup:
  - addr: {netns: client, dev: veth-client, addr: 10.0.0.11} #<
steps:
  - title: One
verify:
  - netns: {name: host}
`, want: []string{"setup: addr on veth-client:", `"10.0.0.11" is not an IPv4 address with a prefix length (like 10.0.0.11/24)`}},

		{name: "route dst with host bits", src: `id: x
title: X
namespaces: [client]
steps:
  - title: One
    do:
      - route: {netns: client, dst: 10.0.0.1/24, dev: veth-client} #<
verify:
  - netns: {name: host}
`, want: []string{`route: "10.0.0.1/24" has host bits set; did you mean 10.0.0.0/24?`}},

		{name: "link name longer than 15", src: `id: x
title: X
namespaces: [client, server]
steps:
  - title: One
    do:
      - veth: {name: veth-client-long-1, netns: client, peer: veth-server, peer_netns: server} #<
verify:
  - netns: {name: host}
`, want: []string{`veth: link name "veth-client-long-1" is 18 characters, the kernel allows at most 15`}},

		{name: "netns of an op not declared", src: `id: x
title: X
namespaces: [client]
steps:
  - title: One
    do:
      - netns: {name: client}
      - netns: {name: db} #<
verify:
  - netns: {name: host}
`, want: []string{`step 1: netns "db" is not declared in the lesson's namespaces`}},

		{name: "netns of a check not declared", src: `id: x
title: X
namespaces: [client]
verify:
  - id: db
    link: {netns: db, name: eth0} #<
`, want: []string{`verify: netns "db" is not declared in the lesson's namespaces`}},

		{name: "two check kinds in one item", src: `id: x
title: X
namespaces: [client]
verify:
  - id: two
    netns: {name: client}
    link: {netns: client, name: lo} #<
`, want: []string{`verify: one check per item ("netns" and "link")`}},

		{name: "duplicate check id", src: `id: x
title: X
namespaces: [client, server]
verify:
  - id: same
    netns: {name: client}
  - id: same #<
    netns: {name: server}
`, want: []string{`verify: check id "same" is used twice`}},

		{name: "verify missing", src: `id: x
title: X
steps:
  - title: One
`, line: 1, want: []string{`lesson "x": verify needs at least one check`}},

		{name: "verify empty", src: `id: x
title: X
verify: [] #<
`, want: []string{`lesson "x": verify needs at least one check`},
			bug: "the error points at the top of the file, not at `verify: []`"},

		{name: "bad template in prose", src: `id: x
title: X
steps:
  - title: One #<
    prose: |
      Make {{ns "client"
verify:
  - netns: {name: host}
`, want: []string{"step 1 prose: template:", "unclosed action"}},

		{name: "yaml syntax error", src: `id: x
title: X: Y #<
verify:
  - netns: {name: host}
`, want: []string{"mapping values are not allowed in this context"}},

		{name: "ping to is not an IP", src: `id: x
title: X
namespaces: [client]
verify:
  - id: p
    ping: {from: client, to: server} #<
`, want: []string{`verify: ping check: to "server" is not an IP address`}},

		{name: "ping reason without expect fail", src: `id: x
title: X
namespaces: [client]
verify:
  - ping: {from: client, to: 10.0.0.12, reason: network is unreachable} #<
`, want: []string{"verify: ping check: a reason goes with expect: fail"}},

		{name: "ping expect neither reply nor fail", src: `id: x
title: X
verify:
  - ping: {to: 10.0.0.12, expect: maybe} #<
`, want: []string{`ping check: expect "maybe", want reply or fail`}},

		{name: "tcp to without a port", src: `id: x
title: X
verify:
  - tcp: {from: world, to: 172.17.0.33} #<
`, want: []string{`verify: tcp check: to "172.17.0.33", want IPv4:port like 172.17.0.33:80`}},

		{name: "tcp expect reply is a ping's word", src: `id: x
title: X
verify:
  - tcp: {to: 172.17.0.33:80, expect: reply} #<
`, want: []string{`tcp check: expect "reply", want connect or fail`}},

		{name: "capture's tcp probe is a tcp check", src: `id: x
title: X
verify:
  - capture: {dev: eth0, match: "IP *", tcp: {to: 172.17.0.33}} #<
`, want: []string{`tcp check: to "172.17.0.33", want IPv4:port`}},

		{name: "unknown check kind", src: `id: x
title: X
verify:
  - id: p
    pingg: {to: 10.0.0.12} #<
`, want: []string{`verify: unknown check "pingg" (known: ` + strings.Join(kindNames(checkKinds), ", ") + `, with id, title, hint)`}},

		{name: "check item with no kind", src: `id: x
title: X
verify:
  - id: lonely #<
    title: nothing to check
`, want: []string{"verify: a check needs one of " + strings.Join(kindNames(checkKinds), ", ")}},

		{name: "unknown field in a check", src: `id: x
title: X
verify:
  - link: {name: eth0, state: up} #<
`, want: []string{`link check: unknown field "state"`}},

		{name: "route check absent with via", src: `id: x
title: X
verify:
  - route: {dst: 10.0.0.0/24, via: 10.0.0.1, absent: true} #<
`, want: []string{"route check 10.0.0.0/24: absent takes no via or dev"}},

		{name: "link check peer without kind veth", src: `id: x
title: X
verify:
  - link: {name: a, peer: b} #<
`, want: []string{`link check "a": a peer needs kind veth`}},

		{name: "id missing", src: `title: X #<
verify:
  - netns: {name: host}
`, want: []string{"lesson: id and title are required"}},

		{name: "host as a lesson namespace", src: `id: x
title: X
namespaces: [client, host]
verify:
  - netns: {name: host}
`, line: 1, want: []string{`namespaces: "host" cannot be a lesson namespace`}},

		{name: "step without title", src: `id: x
title: X
steps:
  - title: One
  - prose: no title #<
verify:
  - netns: {name: host}
`, want: []string{"step 2: a title is required"}},

		{name: "operation with two keys", src: `id: x
title: X
namespaces: [a, b]
setup:
  - netns: {name: a} #<
    bridge: {name: br0}
verify:
  - netns: {name: host}
`, want: []string{"setup: an operation is one key (addr, addr_del, bridge,"}},

		{name: "do is not a list", src: `id: x
title: X
steps:
  - title: One
    do: {netns: {name: a}} #<
verify:
  - netns: {name: host}
`, want: []string{"step 1: want a list of operations"}},

		{name: "wrong type in an op field", src: `id: x
title: X
steps:
  - title: One
    do:
      - link: {name: eth0, mtu: big} #<
verify:
  - netns: {name: host}
`, want: []string{"link:", "cannot unmarshal", "big"}},

		{name: "mtu out of range", src: `id: x
title: X
steps:
  - title: One
    do:
      - link: {name: eth0, mtu: 10} #<
verify:
  - netns: {name: host}
`, want: []string{`link "eth0": mtu 10 is outside 68..65535`}},

		{name: "sysctl outside net", src: `id: x
title: X
steps:
  - title: One
    do:
      - sysctl: {key: kernel.panic, value: "1"} #<
verify:
  - netns: {name: host}
`, want: []string{`sysctl "kernel.panic": only net.* keys are per namespace`}},

		{name: "masquerade src with host bits", src: `id: x
title: X
steps:
  - title: One
    do:
      - masquerade: {src: 172.30.0.1/24, out: eth0} #<
verify:
  - netns: {name: host}
`, want: []string{`masquerade src: "172.30.0.1/24" has host bits set; did you mean 172.30.0.0/24?`}},

		{name: "empty file", src: "", line: 1, want: []string{"empty lesson file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const file = "lessons/99-bad.yaml"
			line := tc.line
			if line == 0 {
				line = markedLine(t, tc.src)
			}
			if line == 0 {
				t.Fatalf("case has neither a %q line nor a line", lineMarker)
			}
			l, err := Parse(file, []byte(tc.src))
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", l)
			}
			if l != nil {
				t.Errorf("Parse returned a lesson with its error")
			}
			msg := err.Error()
			m := regexp.MustCompile(`^` + regexp.QuoteMeta(file) + `:(\d+): (.*)$`).FindStringSubmatch(strings.ReplaceAll(msg, "\n", " "))
			if m == nil {
				t.Fatalf("error %q does not start with %q", msg, file+":LINE: ")
			}
			for _, w := range tc.want {
				if !strings.Contains(m[2], w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
			if got, _ := strconv.Atoi(m[1]); got != line {
				if tc.bug != "" {
					regression(t, "%s: %s (got line %d, want %d)", tc.name, tc.bug, got, line)
				}
				t.Errorf("error %q is at line %d, want line %d", msg, got, line)
			}
		})
	}
}

// A YAML error without a line still names the file.
func TestParseYAMLErrorWithoutLine(t *testing.T) {
	_, err := Parse("tab.yaml", []byte("\t"))
	if err == nil || !strings.HasPrefix(err.Error(), "tab.yaml: ") {
		t.Fatalf("err = %v, want one starting with %q", err, "tab.yaml: ")
	}
	if strings.Contains(strings.TrimPrefix(err.Error(), "tab.yaml: "), "yaml: ") {
		t.Errorf("err = %q keeps yaml's own prefix", err)
	}
}

func TestLoadCatalogEmbedded(t *testing.T) {
	c, err := LoadCatalog("")
	if err != nil {
		t.Fatalf("LoadCatalog: %v", err)
	}
	sameStrings(t, "ids", c.IDs(), embeddedIDs(t))
	for i, want := range []string{"lessons/01-veth.yaml", "lessons/02-bridge.yaml", "lessons/03-route.yaml"} {
		if c.Lessons[i].File != want {
			t.Errorf("lesson %s File = %q, want %q", c.Lessons[i].ID, c.Lessons[i].File, want)
		}
	}
	veth, _ := c.Get("veth")
	bridge, _ := c.Get("bridge")
	route, err := c.Get("route")
	if err != nil {
		t.Fatalf("Get(route): %v", err)
	}
	if len(veth.Setup) != 0 || len(bridge.Setup) != 0 {
		t.Errorf("veth and bridge extend nothing but have setup: %v, %v", veth.Setup, bridge.Setup)
	}
	// route extends bridge: its setup is bridge's steps' operations, in order.
	var want []OpSpec
	for _, st := range bridge.Steps {
		want = append(want, st.Do...)
	}
	if len(want) != 13 {
		t.Fatalf("bridge has %d step operations, the test expects 13", len(want))
	}
	if len(route.Setup) != len(want) {
		t.Fatalf("route setup has %d operations, want bridge's %d", len(route.Setup), len(want))
	}
	for i := range want {
		if route.Setup[i].Kind != want[i].Kind || route.Setup[i].Op != want[i].Op || route.Setup[i].Line != want[i].Line {
			t.Errorf("route setup[%d] = %s %+v (line %d), want %s %+v (line %d)", i,
				route.Setup[i].Kind, route.Setup[i].Op, route.Setup[i].Line, want[i].Kind, want[i].Op, want[i].Line)
		}
	}
	kinds := make([]string, len(route.Setup))
	for i, op := range route.Setup {
		kinds[i] = op.Kind
	}
	sameStrings(t, "route setup kinds", kinds, []string{"netns", "netns", "veth", "veth", "bridge", "link", "link", "link", "link", "link", "addr", "addr", "addr"})
	sameStrings(t, "route namespaces", route.Namespaces, []string{"client1", "server1"})
	if route.Env["HOST_IP"] != "172.17.0.33" {
		t.Errorf("route env = %v", route.Env)
	}
	// Its own steps are untouched; the first only observes.
	if len(route.Steps) != 6 || len(route.Steps[0].Do) != 0 {
		t.Errorf("route has %d steps (first with %d ops), want 6 (first with none)", len(route.Steps), len(route.Steps[0].Do))
	}
	sameStrings(t, "veth AllNetns", veth.AllNetns(), []string{"host", "client", "server", "world"})
}

// Every check and op of the embedded lessons is valid and uses declared
// namespaces (the loader checks both; this guards the loader).
func TestLoadCatalogEmbeddedIsConsistent(t *testing.T) {
	c, err := LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Lessons {
		declared := map[string]bool{netops.HostNetns: true, netops.WorldNetns: true}
		for _, n := range l.Namespaces {
			declared[n] = true
		}
		ops := append([]OpSpec(nil), l.Setup...)
		checks := append([]CheckSpec(nil), l.Verify...)
		for _, st := range l.Steps {
			ops = append(ops, st.Do...)
			checks = append(checks, st.Check...)
		}
		for _, op := range ops {
			if err := op.Op.Validate(); err != nil {
				t.Errorf("%s:%d: %v", l.File, op.Line, err)
			}
			for _, n := range op.Op.Namespaces() {
				if !declared[n] {
					t.Errorf("%s:%d: %s uses undeclared netns %q", l.File, op.Line, op.Kind, n)
				}
			}
		}
		for _, c := range checks {
			if err := c.Check.Validate(); err != nil {
				t.Errorf("%s:%d: %v", l.File, c.Line, err)
			}
			if c.ID == "" || c.Line == 0 {
				t.Errorf("%s: check %+v has no id or line", l.File, c)
			}
		}
		if len(l.Verify) == 0 {
			t.Errorf("%s: no verify checks", l.File)
		}
	}
}

func TestLoadCatalogGetUnknown(t *testing.T) {
	c, err := LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	l, err := c.Get("vxlan")
	if l != nil || err == nil {
		t.Fatalf("Get(vxlan) = %v, %v; want an error", l, err)
	}
	if !errors.Is(err, ErrUnknownLesson) {
		t.Errorf("error %q does not wrap ErrUnknownLesson", err)
	}
	if want := `unknown lesson "vxlan" (lessons: ` + strings.Join(embeddedIDs(t), ", ") + `)`; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if l, err := c.Get("bridge"); err != nil || l.ID != "bridge" {
		t.Errorf("Get(bridge) = %v, %v", l, err)
	}
}

func mustParse(t testing.TB, file, src string) *Lesson {
	t.Helper()
	l, err := Parse(file, []byte(src))
	if err != nil {
		t.Fatalf("Parse(%s): %v", file, err)
	}
	return l
}

// tiny is a valid lesson with the given id and extends line.
func tiny(id, extends string) string {
	s := "id: " + id + "\ntitle: Lesson " + id + "\n"
	if extends != "" {
		s += "extends: " + extends + "\n"
	}
	return s + "namespaces: [n" + id + "]\nsteps:\n  - title: Make it\n    do:\n      - netns: {name: n" + id + "}\nverify:\n  - netns: {name: n" + id + "}\n"
}

func TestLoadMerge(t *testing.T) {
	a := mustParse(t, "base/a.yaml", tiny("a", ""))
	b := mustParse(t, "base/b.yaml", tiny("b", "a"))
	b2 := mustParse(t, "extra/b.yaml", tiny("b", ""))
	c := mustParse(t, "extra/c.yaml", tiny("c", "b"))

	all, err := Merge([]*Lesson{a, b}, []*Lesson{b2, c})
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if len(all) != 3 || all[0] != a || all[1] != b2 || all[2] != c {
		t.Fatalf("Merge = %v, want [a, extra b in b's place, c appended]", lessonFiles(all))
	}
	// c extends the replacing b, which extends nothing: c's setup is b2's step.
	if len(c.Setup) != 1 || c.Setup[0].Op != b2.Steps[0].Do[0].Op {
		t.Errorf("c setup = %+v, want b2's one operation", c.Setup)
	}
	sameStrings(t, "c namespaces", c.Namespaces, []string{"nb", "nc"})
	if len(b.Setup) != 0 {
		t.Errorf("the replaced b was resolved anyway: setup %+v", b.Setup)
	}
}

func TestLoadMergeChainedExtends(t *testing.T) {
	a := mustParse(t, "a.yaml", tiny("a", ""))
	b := mustParse(t, "b.yaml", tiny("b", "a"))
	c := mustParse(t, "c.yaml", tiny("c", "b"))
	// c comes before its ancestors: resolution must not depend on order.
	if _, err := Merge([]*Lesson{c, b, a}, nil); err != nil {
		t.Fatalf("Merge: %v", err)
	}
	want := []netops.Op{a.Steps[0].Do[0].Op, b.Steps[0].Do[0].Op}
	if len(c.Setup) != 2 || c.Setup[0].Op != want[0] || c.Setup[1].Op != want[1] {
		t.Errorf("c setup = %+v, want a's then b's operation", c.Setup)
	}
	sameStrings(t, "c namespaces", c.Namespaces, []string{"na", "nb", "nc"})
}

func TestLoadMergeErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		lessons map[string]string // file -> source, parsed in this order
		order   []string
		file    string // the file the error must start with
		want    string
	}{
		{"extends unknown",
			map[string]string{"x/a.yaml": tiny("a", ""), "x/b.yaml": tiny("b", "zz")}, []string{"x/a.yaml", "x/b.yaml"},
			"x/b.yaml", `lesson "b" extends unknown lesson "zz"`},
		{"extends itself",
			map[string]string{"x/a.yaml": tiny("a", "a")}, []string{"x/a.yaml"},
			"x/a.yaml", `lesson "a" extends itself through "a"`},
		{"cycle of two",
			map[string]string{"x/a.yaml": tiny("a", "b"), "x/b.yaml": tiny("b", "a")}, []string{"x/a.yaml", "x/b.yaml"},
			"x/", "extends itself through"},
		{"cycle of three",
			map[string]string{"x/a.yaml": tiny("a", "c"), "x/b.yaml": tiny("b", "a"), "x/c.yaml": tiny("c", "b")}, []string{"x/a.yaml", "x/b.yaml", "x/c.yaml"},
			"x/", "extends itself through"},
		{"same id twice in one set",
			map[string]string{"x/a.yaml": tiny("a", ""), "x/a2.yaml": tiny("a", "")}, []string{"x/a.yaml", "x/a2.yaml"},
			"x/a2.yaml", `lesson id "a" is also used by x/a.yaml`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ls []*Lesson
			for _, f := range tc.order {
				ls = append(ls, mustParse(t, f, tc.lessons[f]))
			}
			_, err := Merge(ls, nil)
			if err == nil {
				t.Fatal("Merge accepted it")
			}
			if !strings.HasPrefix(err.Error(), tc.file) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %q, want it to start with %q and say %q", err, tc.file, tc.want)
			}
			if _, ok := tc.lessons[strings.SplitN(err.Error(), ":", 2)[0]]; !ok {
				t.Errorf("error %q does not start with a lesson file", err)
			}
		})
	}
}

func lessonFiles(ls []*Lesson) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.File)
	}
	return out
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"20-b.yaml":  {Data: []byte(tiny("b", ""))},
		"10-a.yaml":  {Data: []byte(tiny("a", ""))},
		"README.md":  {Data: []byte("not a lesson")},
		"notes.yml":  {Data: []byte("not: [a lesson")},
		"sub/c.yaml": {Data: []byte("not: [a lesson")},
	}
	ls, err := Load(fsys, "mine")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	sameStrings(t, "files", lessonFiles(ls), []string{"mine/10-a.yaml", "mine/20-b.yaml"})

	fsys["15-bad.yaml"] = &fstest.MapFile{Data: []byte("id: bad\ntitle: Bad\nverify:\n  - netns: {name: nowhere}\n")}
	_, err = Load(fsys, "mine")
	if err == nil || !strings.HasPrefix(err.Error(), "mine/15-bad.yaml:4: ") {
		t.Errorf("Load with a bad file: %v, want an error at mine/15-bad.yaml:4", err)
	}
}

// An instructor's directory replaces a lesson by id and appends new ones,
// which may extend the embedded lessons.
func TestLoadCatalogDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("01-veth.yaml", strings.Replace(minimalLesson, "id: mini", "id: veth", 1))
	write("99-extra.yaml", `id: extra
title: Beyond the route lesson
extends: route
namespaces: [client1]
verify:
  - netns: {name: client1}
`)
	c, err := LoadCatalog(dir)
	if err != nil {
		t.Fatalf("LoadCatalog(%s): %v", dir, err)
	}
	sameStrings(t, "ids", c.IDs(), append(embeddedIDs(t), "extra"))
	veth, _ := c.Get("veth")
	if veth.Title != "A minimal lesson" || veth.File != filepath.Join(dir, "01-veth.yaml") {
		t.Errorf("veth = %q from %s, want the replacement", veth.Title, veth.File)
	}
	route, _ := c.Get("route")
	extra, _ := c.Get("extra")
	want := len(route.Setup)
	for _, st := range route.Steps {
		want += len(st.Do)
	}
	if len(extra.Setup) != want {
		t.Errorf("extra setup has %d ops, want route's setup and steps: %d", len(extra.Setup), want)
	}
	sameStrings(t, "extra namespaces", extra.Namespaces, []string{"client1", "server1"})

	write("50-broken.yaml", "id: broken\ntitle: Broken\nverfy:\n  - netns: {name: host}\n")
	if _, err := LoadCatalog(dir); err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, "50-broken.yaml")+":3: ") {
		t.Errorf("LoadCatalog with a broken file: %v", err)
	}
	if _, err := LoadCatalog(filepath.Join(dir, "missing")); err == nil || !strings.HasPrefix(err.Error(), "lessons dir: ") {
		t.Errorf("LoadCatalog of a missing dir: %v", err)
	}
}

// embeddedIDs reads the ids of the embedded lesson files, in file-name
// order, without the loader under test: the first lines "id: X".
func embeddedIDs(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(lessons.FS(), "*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no embedded lessons: %v", err)
	}
	sort.Strings(names)
	var ids []string
	for _, n := range names {
		b, _ := fs.ReadFile(lessons.FS(), n)
		for _, line := range strings.Split(string(b), "\n") {
			if id, ok := strings.CutPrefix(line, "id: "); ok {
				ids = append(ids, strings.TrimSpace(id))
				break
			}
		}
	}
	return ids
}
