package topo

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/cnilab/lab/netops/snapshot"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// cases are the states checked against golden files, at the widths a
// learner's pane has: 120 and 80 side by side with the lesson, 40 and 25
// when the terminal is small.
var cases = []struct {
	name  string
	snap  func() snapshot.Snapshot
	width int
}{
	{"veth-done-120", vethDone, 120},
	{"veth-done-80", vethDone, 80},
	{"veth-done-40", vethDone, 40},
	{"veth-done-25", vethDone, 25},
	{"veth-half-built-80", vethHalfBuilt, 80},
	{"veth-no-carrier-80", vethOneSide, 80},
	{"bridge-done-120", bridgeDone, 120},
	{"bridge-done-80", bridgeDone, 80},
	{"bridge-done-40", bridgeDone, 40},
	{"bridge-done-25", bridgeDone, 25},
	{"bridge-half-80", bridgeHalf, 80},
	{"route-done-80", routeDone, 80},
	{"oddities-80", oddities, 80},
	{"two-cables-80", twoCables, 80},
	{"crossed-80", crossed, 80},
	{"oddities-40", oddities, 40},
	{"empty-80", func() snapshot.Snapshot { return snapshot.Snapshot{} }, 80},
}

func TestGolden(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Render(c.snap(), c.width) + "\n"
			path := filepath.Join("testdata", c.name+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./tui/topo/ -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("render differs from %s\n--- got\n%s--- want\n%s", path, got, want)
			}
		})
	}
}

func allFixtures() map[string]func() snapshot.Snapshot {
	return map[string]func() snapshot.Snapshot{
		"vethDone": vethDone, "vethHalfBuilt": vethHalfBuilt, "vethOneSide": vethOneSide,
		"bridgeDone": bridgeDone, "bridgeHalf": bridgeHalf, "routeDone": routeDone,
		"oddities": oddities, "twoCables": twoCables, "crossed": crossed,
	}
}

// TestWidth renders every fixture at every width from 1 to 140: no line may
// be wider than asked, and the same input must give the same output.
func TestWidth(t *testing.T) {
	for name, f := range allFixtures() {
		for w := 1; w <= 140; w++ {
			out := Render(f(), w)
			for k, l := range strings.Split(out, "\n") {
				if got := lipgloss.Width(l); got > w {
					t.Errorf("%s at %d: line %d is %d wide: %q", name, w, k, got, l)
				}
				if l != strings.TrimRight(l, " ") {
					t.Errorf("%s at %d: line %d has trailing spaces: %q", name, w, k, l)
				}
			}
			if again := Render(f(), w); again != out {
				t.Errorf("%s at %d: two renders differ", name, w)
			}
		}
	}
}

func TestNoWidth(t *testing.T) {
	if got := Render(vethDone(), 0); got != "" {
		t.Errorf("width 0: got %q, want nothing", got)
	}
}

func TestEmpty(t *testing.T) {
	if got := Render(snapshot.Snapshot{}, 80); got != "no namespaces yet" {
		t.Errorf("got %q", got)
	}
}

// TestEveryCableShown checks, at every width, that each veth pair between
// namespaces is either drawn as a wire on one line (name ├──┤ name) or
// listed under the boxes, or (compact form) noted under its link.
func TestEveryCableShown(t *testing.T) {
	for name, f := range allFixtures() {
		snap := f()
		cs := findCables(snap)
		for w := compactWidth; w <= 140; w++ {
			out := Render(snap, w)
			for _, c := range cs {
				if !wired(out, c) && !listed(out, c) {
					t.Errorf("%s at %d: cable %s ═══ %s lost:\n%s", name, w, c.a.label(), c.b.label(), out)
				}
			}
		}
	}
}

// TestWiresDrawn: where boxes sit side by side, cables are drawn, not listed.
func TestWiresDrawn(t *testing.T) {
	for _, c := range []struct {
		snap  snapshot.Snapshot
		width int
		wires []string // "link link" pairs that must be drawn
	}{
		{vethDone(), 80, []string{"eth0 eth0", "veth-client veth-server"}},
		{vethDone(), 120, []string{"eth0 eth0", "veth-client veth-server"}},
		{bridgeDone(), 80, []string{"client1-veth client1-veth-br", "server1-veth-br server1-veth"}},
		{bridgeDone(), 120, []string{"client1-veth client1-veth-br", "server1-veth-br server1-veth"}},
		{twoCables(), 80, []string{"a1 b1", "a2 b2", "b3 c1"}},
	} {
		out := Render(c.snap, c.width)
		for _, w := range c.wires {
			a, b, _ := strings.Cut(w, " ")
			if !wired(out, cable{end{"", a}, end{"", b}}) {
				t.Errorf("at %d, %s ├──┤ %s not drawn:\n%s", c.width, a, b, out)
			}
		}
	}
}

func wired(out string, c cable) bool {
	for _, l := range strings.Split(out, "\n") {
		for _, ends := range [][2]string{{c.a.link, c.b.link}, {c.b.link, c.a.link}} {
			re := regexp.MustCompile(regexp.QuoteMeta(ends[0]) + ` [^│┤]*├─+┤ [├└ ]*` + regexp.QuoteMeta(ends[1]) + ` `)
			if re.MatchString(l) {
				return true
			}
		}
	}
	return false
}

func listed(out string, c cable) bool {
	flat := strings.ReplaceAll(out, "\n  ═══ ", " ═══ ")
	return strings.Contains(flat, c.a.label()+" ═══ "+c.b.label())
}

func TestCompactNotesCables(t *testing.T) {
	out := Render(vethDone(), 29)
	for _, want := range []string{"  veth-client  up\n    10.0.0.11/24\n    ═ server:veth-server", "  veth-server  up\n    10.0.0.12/24\n    ═ client:veth-client"} {
		if !strings.Contains(out, want) {
			t.Errorf("compact form lacks %q:\n%s", want, out)
		}
	}
}

// TestBridgePorts: ports are listed once, under their bridge, in tree form.
func TestBridgePorts(t *testing.T) {
	out := Render(bridgeDone(), 120)
	for _, port := range []string{"client1-veth-br", "server1-veth-br"} {
		if n := strings.Count(out, port); n != 1 {
			t.Errorf("%s appears %d times:\n%s", port, n, out)
		}
	}
	for _, want := range []string{"├ client1-veth-br  up", "└ server1-veth-br  up", "│ 172.30.0.1/24", "default via 172.30.0.1"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q:\n%s", want, out)
		}
	}
}

func TestStates(t *testing.T) {
	for _, c := range []struct {
		flags []string
		want  string
	}{
		{[]string{"UP", "LOWER_UP"}, "up"},
		{[]string{"NO-CARRIER", "UP"}, "no carrier"},
		{[]string{"UP"}, "no carrier"},
		{nil, "down"},
		{[]string{"LOWER_UP"}, "down"},
	} {
		if got := state(snapshot.Link{Flags: c.flags}); got != c.want {
			t.Errorf("flags %v: got %q, want %q", c.flags, got, c.want)
		}
	}
}

// TestLoopback: lo is noise unless it carries an address beyond 127.0.0.1.
func TestLoopback(t *testing.T) {
	if out := Render(vethDone(), 120); strings.Contains(out, "lo ") || strings.Contains(out, "127.0.0.1") {
		t.Errorf("plain lo shown:\n%s", out)
	}
	if out := Render(oddities(), 120); !strings.Contains(out, "10.9.9.9/32") {
		t.Errorf("lo with a real address hidden:\n%s", out)
	}
}

var ansiSeq = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestStyled: hooks only decorate; stripped of escapes the output is Render's,
// and widths still hold.
func TestStyled(t *testing.T) {
	wrap := func(code string) func(string) string {
		return func(s string) string { return "\x1b[" + code + "m" + s + "\x1b[0m" }
	}
	st := Style{Netns: wrap("1"), Link: wrap("36"), Addr: wrap("33"), Up: wrap("32"), Down: wrap("31"), Cable: wrap("35")}
	for name, f := range allFixtures() {
		for _, w := range []int{25, 40, 80, 120} {
			styled := RenderStyled(f(), w, st)
			if got, want := ansiSeq.ReplaceAllString(styled, ""), Render(f(), w); got != want {
				t.Errorf("%s at %d: styled output differs once stripped:\n%s\n---\n%s", name, w, got, want)
			}
			if w == 80 && !strings.Contains(styled, "\x1b[") {
				t.Errorf("%s at %d: no hook was called", name, w)
			}
			for _, l := range strings.Split(styled, "\n") {
				if lipgloss.Width(l) > w {
					t.Errorf("%s at %d: styled line too wide: %q", name, w, l)
				}
			}
		}
	}
	styled := RenderStyled(vethDone(), 120, st)
	for _, want := range []string{"\x1b[1mclient\x1b[0m", "\x1b[36mveth-client\x1b[0m", "\x1b[33m10.0.0.11/24\x1b[0m", "\x1b[32mup\x1b[0m", "\x1b[35m────\x1b[0m"} {
		if !strings.Contains(styled, want) {
			t.Errorf("styled output lacks %q", want)
		}
	}
}
