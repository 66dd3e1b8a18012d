package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// plain is the style of every test that reads the view: no ANSI at all.
var plain = NewStyles(false, true)

// startWalk opens the walkthrough of lesson id at 80x24 and sets it up.
func startWalk(t *testing.T, f *fakeEngine, id string, opt WalkOptions) *driver {
	t.Helper()
	w := NewWalk(f, f.lesson(t, id), plain, opt)
	return newDriver(t, w).size(80, 24).init()
}

func TestWalkSetup(t *testing.T) {
	f := newFakeEngine(t)
	w := NewWalk(f, f.lesson(t, "veth"), plain, WalkOptions{})
	d := newDriver(t, w).size(80, 24)
	wantView(t, d.view(), "setting up the lab…", "setup")
	if w.ready {
		t.Fatal("ready before setup ran")
	}
	d.init()
	if !w.ready || w.busy != "" || w.cursor != 0 {
		t.Fatalf("after setup: ready %v, busy %q, cursor %d", w.ready, w.busy, w.cursor)
	}
	if got := f.Calls(); !slices.Equal(got, []string{"setup veth"}) {
		t.Errorf("calls %v, want [setup veth]", got)
	}
	v := d.view()
	wantView(t, v, "cnilab · veth — Two namespaces and a veth cable", "step 1/4",
		"Step 1/4  Create two network namespaces", "network namespace", "press n to apply this step",
		"n next", "y do it", "c capture", "q quit")
	wantNotView(t, v, "scope lab", "Commands") // the default scope is not worth a word
}

// Rendering is pure: the texts come with setup and with each step, and no
// View, resize or scroll asks the engine for them again.
func TestWalkRendersWithoutEngine(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{})
	if got := f.textsCalls(); got != 1 {
		t.Fatalf("after setup: %d Texts calls, want 1", got)
	}
	wantView(t, d.view(), "Create two network namespaces")
	d.keys("n")
	if got := f.textsCalls(); got != 2 {
		t.Fatalf("after a step: %d Texts calls, want 2", got)
	}
	calls := len(f.Calls())
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}, {80, 24}} {
		d.size(size[0], size[1])
		d.view()
	}
	d.keys("p", "down", "up")
	d.view()
	if got := f.textsCalls(); got != 2 {
		t.Errorf("views, resizes and scrolls asked for texts: %d calls, want 2", got)
	}
	if got := f.Calls(); len(got) != calls {
		t.Errorf("views, resizes and scrolls called the engine: %v", got[calls:])
	}
}

func TestWalkScopeInHeader(t *testing.T) {
	f := newFakeEngine(t)
	f.scopeName = "t1"
	d := startWalk(t, f, "veth", WalkOptions{})
	wantView(t, d.view(), "step 1/4  scope t1")
}

func TestWalkApplyStep(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{})
	w := d.walk()
	d.keys("n")
	if got := f.Calls(); !slices.Equal(got, []string{"setup veth", "step veth 0"}) {
		t.Fatalf("calls %v, want setup then step veth 0", got)
	}
	if !w.steps[0].applied || w.cursor != 0 || w.busy != "" {
		t.Fatalf("after n: applied %v, cursor %d, busy %q", w.steps[0].applied, w.cursor, w.busy)
	}
	w.vp.GotoTop()
	d.size(120, 40) // room for the whole step
	wantView(t, d.view(), "Step 1/4", "Commands", "$ ip netns add client", "$ ip netns add server",
		"What changed", "+ netns client", "+ lo: <LOOPBACK> mtu 65536 state DOWN", "+ netns server",
		"Checks", "✓ netns client exists", "✓ netns server exists", "applied in 1.5ms", "step 1/4")
	wantNotView(t, d.view(), "press n to apply", "✗")

	// Applied steps fill the progress bar: one step of four.
	bar := strings.Split(d.view(), "\n")[1]
	if n := strings.Count(bar, "#"); n != 30 {
		t.Errorf("progress bar after 1/4 at width 120: %d # of 120, want 30: %q", n, bar)
	}
}

func TestWalkNextPrev(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{})
	w := d.walk()
	d.keys("n", "n")
	if w.cursor != 1 {
		t.Fatalf("n on an applied step: cursor %d, want 1", w.cursor)
	}
	v := d.view()
	wantView(t, v, "step 2/4", "Step 2/4  Lay a veth cable between them", "press n to apply this step")
	wantNotView(t, v, "Commands")
	if n := f.countPrefix("step "); n != 1 {
		t.Errorf("showing the next step applied something: %v", f.Calls())
	}

	d.keys("p")
	if w.cursor != 0 {
		t.Fatalf("p: cursor %d, want 0", w.cursor)
	}
	d.size(120, 40)
	v = d.view()
	wantView(t, v, "step 1/4", "Step 1/4", "$ ip netns add client", "✓ netns client exists", "applied in 1.5ms")
	wantNotView(t, v, "press n to apply")
	d.keys("p") // nothing before step 1
	if w.cursor != 0 {
		t.Errorf("p on step 1: cursor %d", w.cursor)
	}
	// n on the applied step 1 shows step 2 again, and applies nothing.
	d.keys("n")
	if w.cursor != 1 || f.countPrefix("step ") != 1 {
		t.Errorf("n on applied step 1: cursor %d, calls %v", w.cursor, f.Calls())
	}
	// enter is n.
	d.keys("enter")
	if !w.steps[1].applied || f.count("step veth 1") != 1 {
		t.Errorf("enter on step 2 did not apply it: %v", f.Calls())
	}
	wantView(t, d.view(), "$ ip link add veth-client netns client type veth peer name veth-server netns server",
		"+ veth-client@veth-server: mtu 1500 state DOWN type veth peer-netns server",
		"✓ veth-client in client is a veth to veth-server in server")
}

func TestWalkComplete(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{})
	w := d.walk()
	for range 8 {
		d.keys("n")
	}
	if !w.finished() {
		t.Fatalf("after 8 n: cursor %d of %d steps", w.cursor, len(w.steps))
	}
	want := []string{"setup veth", "step veth 0", "step veth 1", "step veth 2", "step veth 3"}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
	v := d.view()
	wantView(t, v, "Lesson complete", "All 4 steps of veth are applied", "lab verify veth", "done")
	wantNotView(t, v, "step 4/4")
	bar := strings.Split(v, "\n")[1]
	if strings.Contains(bar, "-") || !strings.Contains(bar, "#") {
		t.Errorf("progress bar when done: %q", bar)
	}
	// n at the end does nothing; p goes back to the last step, applied.
	d.keys("n")
	if !w.finished() || f.countPrefix("step ") != 4 {
		t.Errorf("n at the end: cursor %d, calls %v", w.cursor, f.Calls())
	}
	d.keys("p")
	wantView(t, d.view(), "step 4/4", "Step 4/4", "ip netns exec client ip link set veth-client up")
	d.keys("n")
	wantView(t, d.view(), "Lesson complete")
}

func TestWalkStepLastStepPings(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{})
	d.size(120, 40)
	for range 7 {
		d.keys("n")
	}
	d.walk().vp.GotoTop()
	wantView(t, d.view(), "Step 4/4", "$ ip netns exec client ip link set veth-client up",
		"- veth-client: mtu 1500 state DOWN type veth", "+ veth-client: <UP,LOWER_UP> mtu 1500 state UP type veth",
		"✓ client pings 10.0.0.12 — reply in 0.050ms (ttl 64)", "✓ server pings 10.0.0.11 — reply in 0.050ms (ttl 64)")
}

func TestWalkVerify(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{})
	w := d.walk()
	d.keys("v")
	if f.count("verify veth") != 1 {
		t.Fatalf("v: calls %v", f.Calls())
	}
	if w.mode != modeVerify {
		t.Fatalf("v: mode %v, want the report", w.mode)
	}
	d.size(120, 40)
	v := d.view()
	wantView(t, v, "Verify veth: all 9 checks passed", "✓ client pings 10.0.0.12 — reply in 0.050ms (ttl 64)",
		"✓ veth-client in client has 10.0.0.11/24", "esc or v to go back")
	wantNotView(t, v, "press n to apply", "hint:")

	d.keys("esc")
	if w.mode != modeStep {
		t.Fatalf("esc: mode %v", w.mode)
	}
	wantView(t, d.view(), "Step 1/4", "press n to apply this step")
	wantNotView(t, d.view(), "Verify veth")

	// v toggles: a second v goes back without grading again.
	d.keys("v", "v")
	if w.mode != modeStep || f.count("verify veth") != 2 {
		t.Errorf("v v: mode %v, calls %v", w.mode, f.Calls())
	}
	wantNotView(t, d.view(), "Verify veth")
}

func TestWalkVerifyFailed(t *testing.T) {
	f := newFakeEngine(t)
	f.verifyFail = true
	d := startWalk(t, f, "veth", WalkOptions{})
	d.size(120, 40).keys("v")
	wantView(t, d.view(), "Verify veth: 8 of 9 checks passed",
		"✗ client pings 10.0.0.12 — 100% packet loss; look at: veth-client in client is DOWN",
		"hint: run: ip netns exec client ip link set veth-client up")
}

func TestWalkVerifyError(t *testing.T) {
	f := newFakeEngine(t)
	f.verifyErr = errors.New("snapshot: netns client: no such file")
	d := startWalk(t, f, "veth", WalkOptions{})
	w := d.walk()
	d.keys("v")
	if w.mode != modeStep || w.busy != "" {
		t.Fatalf("verify error: mode %v, busy %q", w.mode, w.busy)
	}
	wantView(t, d.view(), "error: snapshot: netns client: no such file", "Step 1/4")
	d.keys("esc") // esc clears the error
	wantNotView(t, d.view(), "error:")
}

// p in the verify report goes back to the step: the report must leave the
// screen with it.
func TestWalkVerifyThenPrev(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{})
	w := d.walk()
	d.keys("n", "n", "v")
	wantView(t, d.view(), "Verify veth")
	d.keys("p")
	if w.mode != modeStep {
		t.Fatalf("p in the report: mode %v", w.mode)
	}
	if strings.Contains(d.view(), "Verify veth") {
		t.Fatal("regression: p in the verify report sets mode back to the step but does not re-lay out: " +
			"the report stays on screen (walk.go, case Prev: w.layout() only runs when mode was modeStep)")
	}
	wantView(t, d.view(), "Step 2/4")
}

func TestWalkTopology(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{})
	w := d.walk()
	d.size(120, 40)
	if f.countPrefix("topology") != 0 {
		t.Fatalf("topology read while the pane is closed: %v", f.Calls())
	}
	wantNotView(t, d.view(), "topology (live kernel state)")
	d.keys("t")
	if !w.showTopo || f.count("topology veth") != 1 || w.topo == nil {
		t.Fatalf("t: showTopo %v, topo %v, calls %v", w.showTopo, w.topo != nil, f.Calls())
	}
	v := d.view()
	wantView(t, v, "topology (live kernel state)", "lab-host", "client", "server", "veth-client", "veth-server",
		"10.0.0.11/24", "10.0.0.12/24", "172.17.0.33/24")
	wantFits(t, "topology pane", v, 120, 40)

	// The pane follows the kernel: each step reads it again.
	d.keys("n")
	if n := f.count("topology veth"); n != 2 {
		t.Errorf("after a step with the pane open: %d topology reads, want 2", n)
	}
	d.keys("t")
	if w.showTopo {
		t.Fatal("second t did not close the pane")
	}
	wantNotView(t, d.view(), "topology (live kernel state)")
	d.keys("n", "n")
	if n := f.count("topology veth"); n != 2 {
		t.Errorf("topology read with the pane closed: %v", f.Calls())
	}

	// Narrow: the pane goes below the step.
	d.size(80, 24).keys("t")
	v = d.view()
	wantView(t, v, "topology (live kernel state)")
	wantFits(t, "topology pane below", v, 80, 24)
}

func TestWalkTopologyError(t *testing.T) {
	f := newFakeEngine(t)
	f.topoErr = errors.New("netns client: permission denied")
	d := startWalk(t, f, "veth", WalkOptions{})
	d.size(120, 40).keys("t")
	wantView(t, d.view(), "topology (live kernel state)", "netns client: permission denied")
}

func TestWalkHelp(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{})
	w := d.walk()
	short := d.view()
	wantNotView(t, short, "scroll", "close")
	d.keys("?")
	if !w.help.ShowAll {
		t.Fatal("? did not open the full help")
	}
	full := d.view()
	wantView(t, full, "↑/↓", "scroll", "esc", "close", "back", "topology", "capture")
	wantFits(t, "full help", full, 80, 24)
	d.keys("?")
	if w.help.ShowAll || d.view() != short {
		t.Errorf("second ? did not restore the short help:\n%s", d.view())
	}
}

func TestWalkQuitDialog(t *testing.T) {
	for _, tc := range []struct {
		name      string
		keys      []string
		quit      bool
		reset     bool
		resetErr  error
		wantMode  mode
		wantInErr string
	}{
		{name: "esc stays", keys: []string{"q", "esc"}, wantMode: modeStep},
		{name: "n stays", keys: []string{"q", "n"}, wantMode: modeStep},
		{name: "other keys do nothing", keys: []string{"q", "v", "p", "t", "x"}, wantMode: modeQuit},
		{name: "keep", keys: []string{"q", "k"}, quit: true, wantMode: modeQuit},
		{name: "reset", keys: []string{"q", "r"}, quit: true, reset: true, wantMode: modeQuit},
		{name: "ctrl+c in the dialog", keys: []string{"q", "ctrl+c"}, quit: true, wantMode: modeQuit},
		{name: "reset fails", keys: []string{"q", "r"}, reset: true, resetErr: errors.New("netns client: device busy"),
			wantMode: modeStep, wantInErr: "netns client: device busy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeEngine(t)
			f.resetErr = tc.resetErr
			d := startWalk(t, f, "veth", WalkOptions{})
			w := d.walk()
			d.keys("n")
			d.keys(tc.keys[0])
			if w.mode != modeQuit || d.quits != 0 {
				t.Fatalf("q: mode %v, quits %d", w.mode, d.quits)
			}
			wantView(t, d.view(), "Leave the walkthrough?", "keep the lab in place", "reset it", "esc  stay")
			d.keys(tc.keys[1:]...)
			if got := d.quits == 1; got != tc.quit {
				t.Errorf("quit %v, want %v (quits %d)", got, tc.quit, d.quits)
			}
			if w.Quitting() != tc.quit {
				t.Errorf("Quitting() %v, want %v", w.Quitting(), tc.quit)
			}
			if got := f.count("reset") == 1; got != tc.reset {
				t.Errorf("reset called %v, want %v: %v", got, tc.reset, f.Calls())
			}
			if tc.reset && tc.quit && !slices.Equal(f.Calls()[len(f.Calls())-1:], []string{"reset"}) {
				t.Errorf("calls %v: want reset last", f.Calls())
			}
			if w.mode != tc.wantMode {
				t.Errorf("mode %v, want %v", w.mode, tc.wantMode)
			}
			if tc.wantMode == modeStep {
				wantNotView(t, d.view(), "Leave the walkthrough?")
			}
			if tc.wantInErr != "" {
				wantView(t, d.view(), "error: "+tc.wantInErr)
				if w.busy != "" {
					t.Errorf("busy %q after a failed reset", w.busy)
				}
			}
			if f.countPrefix("step ") != 1 {
				t.Errorf("the dialog applied a step: %v", f.Calls())
			}
		})
	}
}

func TestWalkCtrlC(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{})
	d.keys("ctrl+c")
	if d.quits != 1 || !d.walk().Quitting() {
		t.Fatalf("ctrl+c: quits %d", d.quits)
	}
	if f.count("reset") != 0 {
		t.Errorf("ctrl+c reset the lab: %v", f.Calls())
	}
}

func TestWalkStepError(t *testing.T) {
	f := newFakeEngine(t)
	f.stepErr[1] = errors.New("file exists")
	d := startWalk(t, f, "veth", WalkOptions{})
	w := d.walk()
	d.size(120, 40).keys("n", "n", "n")
	if w.steps[1].applied || w.steps[1].err == nil || w.busy != "" {
		t.Fatalf("failed step: applied %v, err %v, busy %q", w.steps[1].applied, w.steps[1].err, w.busy)
	}
	w.vp.GotoTop()
	v := d.view()
	wantView(t, v, "Commands", "$ ip link add veth-client netns client type veth peer name veth-server netns server",
		`✗ step 2 "Lay a veth cable between them": file exists`, "step 2/4")
	wantNotView(t, v, "What changed", "applied in")

	// Still usable: back, forth, and n tries the step again.
	d.keys("p")
	wantView(t, d.view(), "Step 1/4", "✓ netns client exists")
	d.keys("n")
	wantView(t, d.view(), "Step 2/4", "✗ step 2")
	delete(f.stepErr, 1)
	d.keys("n")
	if !w.steps[1].applied || f.count("step veth 1") != 2 {
		t.Fatalf("retry: applied %v, calls %v", w.steps[1].applied, f.Calls())
	}
	w.vp.GotoTop()
	v = d.view()
	wantView(t, v, "What changed", "✓ veth-client in client")
	wantNotView(t, v, "✗", "error:")
	d.keys("n", "n", "n", "n", "n")
	wantView(t, d.view(), "Lesson complete")
}

func TestWalkCheckFailed(t *testing.T) {
	f := newFakeEngine(t)
	f.failCheck[0] = true
	d := startWalk(t, f, "veth", WalkOptions{})
	d.size(120, 40).keys("n")
	d.walk().vp.GotoTop()
	wantView(t, d.view(), "✗ netns client exists — 100% packet loss",
		"hint: run: ip netns exec client ip link set veth-client up", "✓ netns server exists")
	// A failed check is not a failed step: the walkthrough goes on.
	d.keys("n")
	wantView(t, d.view(), "Step 2/4")
}

func TestWalkSetupError(t *testing.T) {
	f := newFakeEngine(t)
	f.setupErr = errors.New(`scope "lab" holds lesson "bridge": run lab reset first`)
	d := startWalk(t, f, "veth", WalkOptions{})
	w := d.walk()
	if w.ready || w.busy != "" {
		t.Fatalf("failed setup: ready %v, busy %q", w.ready, w.busy)
	}
	v := d.view()
	wantView(t, v, "The lab could not be set up.", `scope "lab" holds lesson "bridge": run lab reset first`, "setup")
	wantNotView(t, v, "press n to apply")
	d.keys("n", "v", "p")
	if f.countPrefix("step ") != 0 || f.countPrefix("verify") != 0 {
		t.Errorf("keys after a failed setup reached the engine: %v", f.Calls())
	}
	d.keys("q", "k")
	if d.quits != 1 {
		t.Errorf("q k after a failed setup: quits %d", d.quits)
	}
}

func TestWalkSetupErrorThenEsc(t *testing.T) {
	f := newFakeEngine(t)
	f.setupErr = errors.New("netns lab-host: operation not permitted")
	d := startWalk(t, f, "veth", WalkOptions{})
	d.keys("esc")
	v := d.view()
	if !strings.Contains(v, "operation not permitted") {
		t.Fatal("regression: esc after a failed setup clears w.err, and the body then reads \"⠋ …\" (a frozen spinner with an empty " +
			"job name) instead of the error, though nothing runs (walk.go onKey Back sets w.err = nil; view.go content: !w.ready && w.err == nil)")
	}
}

// busyKey sends a key and returns its command without running it: the
// model is then between the key and its result.
func busyKey(d *driver, k string) tea.Cmd {
	d.t.Helper()
	m, cmd := d.m.Update(keyPress(k))
	d.m = m
	return cmd
}

func TestWalkBusyIgnoresKeys(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{})
	w := d.walk()
	pending := busyKey(d, "n")
	if w.busy == "" {
		t.Fatal("n: not busy")
	}
	wantView(t, d.view(), "applying step 1…")
	d.keys("n", "enter", "p", "v")
	if f.countPrefix("step ") != 0 || f.countPrefix("verify") != 0 {
		t.Fatalf("keys while busy reached the engine before the step ran: %v", f.Calls())
	}
	d.run(pending)
	if n := f.count("step veth 0"); n != 1 {
		t.Fatalf("step veth 0 called %d times, want 1: %v", n, f.Calls())
	}
	if w.cursor != 0 || !w.steps[0].applied || w.busy != "" {
		t.Errorf("after the step: cursor %d, applied %v, busy %q", w.cursor, w.steps[0].applied, w.busy)
	}

	// The same while verifying.
	pending = busyKey(d, "v")
	d.keys("n", "v", "p")
	d.run(pending)
	if f.count("verify veth") != 1 || f.countPrefix("step ") != 1 || w.cursor != 0 {
		t.Errorf("keys while verifying: cursor %d, calls %v", w.cursor, f.Calls())
	}
}

// Before setup is done, keys that need the lab do nothing.
func TestWalkKeysBeforeSetup(t *testing.T) {
	f := newFakeEngine(t)
	w := NewWalk(f, f.lesson(t, "veth"), plain, WalkOptions{})
	d := newDriver(t, w).size(80, 24)
	setup := d.m.Init()
	d.keys("n", "v", "p", "t")
	if got := f.Calls(); len(got) != 0 {
		t.Fatalf("keys before setup reached the engine: %v", got)
	}
	d.run(setup)
	// The pane asked for before setup is drawn once the lab is there.
	if f.count("topology veth") != 1 {
		t.Errorf("t before setup: calls %v", f.Calls())
	}
}

// The quit dialog while a step is applying: k and r must not run beside it
// (one kernel job at a time).
func TestWalkQuitWhileBusy(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{})
	pending := busyKey(d, "n")
	d.keys("ctrl+c") // while busy ctrl+c asks, as q does
	if d.walk().mode != modeQuit || d.quits != 0 {
		t.Fatalf("ctrl+c while busy: mode %v, quits %d", d.walk().mode, d.quits)
	}
	d.run(busyKey(d, "r"))
	ranReset := f.count("reset") == 1
	d.run(pending)
	if ranReset {
		t.Fatal("regression: r in the quit dialog while a step is applying starts Reset at once, beside the running Step " +
			"(two kernel jobs at a time on one Session; walk.go onKey modeQuit does not check w.busy; " +
			"k likewise quits with the step still running, and cmd_learn.go then closes the session under it)")
	}
}

func TestWalkWindowSize(t *testing.T) {
	type state struct {
		name string
		do   func(d *driver)
	}
	states := []state{
		{"step", func(d *driver) {}},
		{"applied", func(d *driver) { d.keys("n") }},
		{"long diff", func(d *driver) { d.keys("n", "n", "n") }},
		{"help", func(d *driver) { d.keys("n", "?") }},
		{"verify", func(d *driver) { d.walk().eng.(*fakeEngine).verifyFail = true; d.keys("v") }},
		{"topology", func(d *driver) { d.keys("n", "t") }},
		{"step error", func(d *driver) {
			d.walk().eng.(*fakeEngine).stepErr[0] = errors.New(strings.Repeat("a long error message ", 8))
			d.keys("n")
		}},
		{"complete", func(d *driver) {
			for range 8 {
				d.keys("n")
			}
		}},
		{"quit dialog", func(d *driver) { d.keys("q") }},
	}
	sizes := [][2]int{{80, 24}, {120, 40}, {60, 20}}
	for _, st := range states {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s/%dx%d", st.name, sz[0], sz[1]), func(t *testing.T) {
				f := newFakeEngine(t)
				d := startWalk(t, f, "veth", WalkOptions{})
				st.do(d)
				// Resize after the state, and again from another size: the
				// layout must follow both ways.
				for _, s := range append(sizes, sz) {
					d.size(s[0], s[1])
				}
				w := d.walk()
				if w.width != sz[0] || w.height != sz[1] {
					t.Fatalf("walk is %dx%d", w.width, w.height)
				}
				if err := fits(d.view(), sz[0], sz[1]); err != "" && st.name == "quit dialog" && sz[0] < 70 {
					t.Fatal("regression: the quit dialog is 67 columns wide whatever the terminal: at " +
						fmt.Sprintf("%dx%d ", sz[0], sz[1]) + err + " (view.go quitDialog/render: lipgloss.Place does not shrink it)")
				}
				wantFits(t, st.name, d.view(), sz[0], sz[1])
			})
		}
	}
}

func TestWalkDemo(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{Demo: true, Pace: time.Millisecond})
	w := d.walk()
	wantView(t, d.view(), "▶ demo  step 1/4", "space pause")
	if len(d.ticks) != 1 || f.countPrefix("step ") != 0 {
		t.Fatalf("after setup: %d ticks waiting, calls %v", len(d.ticks), f.Calls())
	}
	// Apply, next, apply, next...
	d.tick()
	if !w.steps[0].applied || w.cursor != 0 {
		t.Fatalf("tick 1: applied %v, cursor %d", w.steps[0].applied, w.cursor)
	}
	d.tick()
	if w.cursor != 1 || f.countPrefix("step ") != 1 {
		t.Fatalf("tick 2: cursor %d, calls %v", w.cursor, f.Calls())
	}

	// Pause: a tick while paused does nothing.
	d.keys("space")
	if !w.paused {
		t.Fatal("space did not pause")
	}
	wantView(t, d.view(), "⏸ paused  step 2/4")
	d.tick()
	if w.cursor != 1 || f.countPrefix("step ") != 1 || len(d.ticks) != 0 {
		t.Fatalf("tick while paused: cursor %d, ticks %d, calls %v", w.cursor, len(d.ticks), f.Calls())
	}
	// n still works by hand while paused.
	d.keys("n")
	if !w.steps[1].applied || len(d.ticks) != 0 {
		t.Fatalf("n while paused: applied %v, ticks %d", w.steps[1].applied, len(d.ticks))
	}
	d.keys("space")
	if w.paused || len(d.ticks) != 1 {
		t.Fatalf("second space: paused %v, ticks %d", w.paused, len(d.ticks))
	}
	wantView(t, d.view(), "▶ demo  step 2/4")

	for i := 0; i < 20 && len(d.ticks) > 0; i++ {
		d.tick()
	}
	if !w.finished() || len(d.ticks) != 0 {
		t.Fatalf("the demo did not play to the end: cursor %d, ticks %d", w.cursor, len(d.ticks))
	}
	want := []string{"setup veth", "step veth 0", "step veth 1", "step veth 2", "step veth 3"}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
	wantView(t, d.view(), "■ demo over  done", "Lesson complete")
}

// A stale tick (one scheduled before a key press rescheduled) does nothing.
func TestWalkDemoStaleTick(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{Demo: true, Pace: time.Millisecond})
	w := d.walk()
	stale := d.ticks
	d.ticks = nil
	d.keys("space", "space") // pause, resume: a new tick
	if len(d.ticks) != 1 {
		t.Fatalf("resume: %d ticks", len(d.ticks))
	}
	for _, tk := range stale {
		d.send(tk)
	}
	if f.countPrefix("step ") != 0 {
		t.Fatalf("a stale tick applied a step: %v", f.Calls())
	}
	d.tick()
	if !w.steps[0].applied {
		t.Error("the fresh tick did not apply step 1")
	}
}

// A step that fails in a demo: the demo should stop on the error, not
// apply the failing step again at every tick.
func TestWalkDemoStepError(t *testing.T) {
	f := newFakeEngine(t)
	f.stepErr[1] = errors.New("file exists")
	d := startWalk(t, f, "veth", WalkOptions{Demo: true, Pace: time.Millisecond})
	for range 3 {
		d.tick()
	}
	if n := f.count("step veth 1"); n != 1 {
		t.Fatalf("step 2 applied %d times, want 1: %v", n, f.Calls())
	}
	wantView(t, d.view(), "✗ step 2")
	for range 3 {
		d.tick()
	}
	if n := f.count("step veth 1"); n > 1 {
		t.Fatalf("regression: the demo applies the failed step again at every tick (%d times after 3 more ticks): "+
			"walk.go Update stepDoneMsg schedules demoTick() whatever msg.err, and next() retries an unapplied step", n)
	}
}

// Outside demo mode space does nothing and no tick is ever scheduled.
func TestWalkNoDemo(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{})
	d.keys("space", "n", "n")
	if len(d.ticks) != 0 || d.walk().paused {
		t.Fatalf("not a demo: %d ticks, paused %v", len(d.ticks), d.walk().paused)
	}
	wantNotView(t, d.view(), "demo", "paused", "space pause")
}

func TestWalkRouteObservationStep(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "route", WalkOptions{})
	d.size(120, 40).keys("n")
	v := d.view()
	wantView(t, v, fmt.Sprintf("Step 1/%d  The host is unreachable", len(f.lesson(t, "route").Steps)), "This step changes nothing: it looks at what is there.",
		"✓ client1 cannot reach 172.17.0.33 (network is unreachable) — network is unreachable")
	wantNotView(t, v, "Commands", "What changed")
}

func TestWalkScroll(t *testing.T) {
	f := newFakeEngine(t)
	d := startWalk(t, f, "veth", WalkOptions{})
	w := d.walk()
	d.size(60, 20).keys("n")
	if w.vp.TotalLineCount() <= w.vp.Height() {
		t.Skipf("step 1 fits in %d lines: nothing to scroll", w.vp.Height())
	}
	if !w.vp.AtBottom() {
		t.Fatal("an applied step does not scroll to its result")
	}
	d.keys("up")
	if w.vp.AtBottom() {
		t.Error("up did not scroll")
	}
	d.keys("pgdown")
	if !w.vp.AtBottom() {
		t.Error("pgdown did not scroll back down")
	}
}

// y leaves a step to the learner: lab applies nothing, the step shows where
// to type and what, and its checks re-run when the kernel changes (changes
// during a grading make one more grading, not one each) until they pass;
// then the step is done by hand, with no key pressed.
func TestWalkByHand(t *testing.T) {
	f := newFakeEngine(t)
	f.liveChanges, f.failLive = 3, 1
	d := startWalk(t, f, "veth", WalkOptions{})
	w := d.walk()
	d.keys("y")
	if f.countPrefix("step ") != 0 {
		t.Fatalf("by hand, lab applied the step: %v", f.Calls())
	}
	if n := f.countPrefix("check veth 0"); n != 2 {
		t.Fatalf("checks ran %d times (one failing, then the changes during it), want 2: %v", n, f.Calls())
	}
	if !w.steps[0].applied || !w.steps[0].doneByHand {
		t.Fatalf("after the checks passed: applied %v, by hand %v", w.steps[0].applied, w.steps[0].doneByHand)
	}
	wantView(t, d.view(), "done by hand", "press n for the next step", "✓")
	d.keys("n")
	if w.cursor != 1 || f.countPrefix("step ") != 0 {
		t.Fatalf("n after a step done by hand: cursor %d, calls %v", w.cursor, f.Calls())
	}
}

// While the checks still fail the step shows the shell to open, the
// commands to type and the failed check with its hint; n applies it.
func TestWalkByHandStuck(t *testing.T) {
	f := newFakeEngine(t)
	f.liveChanges, f.failLive = 1, 100
	f.scopeName = "t1"
	d := startWalk(t, f, "veth", WalkOptions{})
	w := d.walk()
	d.size(120, 40).keys("y")
	wantView(t, d.view(), "You do it", "sudo lab shell --scope t1", "ip netns add", "✗", "hint: run: ip netns add client", "n applies the step for you")
	if w.steps[0].applied {
		t.Fatal("a step whose checks fail is marked done")
	}
	d.keys("n")
	if f.countPrefix("step veth 0") != 1 || !w.steps[0].applied || w.steps[0].doneByHand {
		t.Fatalf("n on a by-hand step: calls %v", f.Calls())
	}
}
