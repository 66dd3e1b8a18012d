package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
)

// startPractice opens `lab practice` on its list at 80x24.
func startPractice(t *testing.T, f *fakeEngine) (*Practice, *driver) {
	t.Helper()
	p := NewPractice(f, plain, nil)
	return p, newDriver(t, p).init().size(80, 24)
}

// openTask opens `lab practice ID` at w x h and sets the task up.
func openTask(t *testing.T, f *fakeEngine, id string, w, h int) (*Practice, *driver) {
	t.Helper()
	p := NewPractice(f, plain, f.lesson(t, id))
	return p, newDriver(t, p).size(w, h).init()
}

// change delivers one report of the task's watch, as a kernel change would.
func change(d *driver, p *Practice) {
	d.send(taskChangeMsg{t: p.task, gen: p.task.watchGen})
}

// The list holds the lessons, then the scenarios, each with its done mark;
// a scenario says which lesson it breaks and its symptom.
func TestPracticeList(t *testing.T) {
	f := newFakeEngine(t)
	f.done["veth"], f.done["no-masquerade"] = true, true
	p, d := startPractice(t, f)
	var ids []string
	scenarios := false
	for _, it := range p.list.list.Items() {
		ti := it.(taskItem)
		ids = append(ids, ti.l.ID)
		if scenarios && !ti.l.Scenario() {
			t.Errorf("lesson %s listed after a scenario: %v", ti.l.ID, ids)
		}
		scenarios = scenarios || ti.l.Scenario()
	}
	if !slices.Contains(ids, "veth") || !slices.Contains(ids, "no-masquerade") || ids[0] != "veth" {
		t.Fatalf("items %v: want the lessons from veth, then the scenarios", ids)
	}
	v := d.view()
	wantView(t, v, "cnilab practice", "✓ veth — Two namespaces and a veth cable", "  bridge — A bridge joins many namespaces",
		"build · ", "enter open", "q quit", "/ filter")
	wantFits(t, "practice list", v, 80, 24)

	d.keys("/").typeText("no-masq")
	v = d.view()
	wantView(t, v, "✓ no-masquerade — Broken: requests leave, replies never come back",
		"fix · route · ping 172.17.0.1 from client1 gets no reply")
	if len(f.Calls()) != 0 {
		t.Errorf("the list called the engine: %v", f.Calls())
	}
}

// In the list, the task's keys are the list's or nothing: h pages (bubbles'
// list), and neither h, s, r nor v reaches the engine or leaves.
func TestPracticeListKeysAreTheLists(t *testing.T) {
	f := newFakeEngine(t)
	p, d := startPractice(t, f)
	d.keys("h", "s", "r", "v", "b", "l", "h")
	if p.task != nil || d.quits != 0 || len(f.Calls()) != 0 {
		t.Fatalf("task keys in the list: task %v, quits %d, calls %v", p.task, d.quits, f.Calls())
	}
}

// The task keys collide with none of the list's bindings, and the list
// level adds only enter and quit, which the list does not bind (its own quit
// keys are disabled).
func TestPracticeKeyBindings(t *testing.T) {
	k := NewKeyMap(false)
	taskKeys := []key.Binding{k.Hint, k.Solution, k.Restart, k.Verify, k.List, k.Help, k.Quit}
	seen := map[string]string{}
	for _, b := range taskKeys {
		for _, name := range b.Keys() {
			if other, ok := seen[name]; ok {
				t.Errorf("%q is both %s and %s in a task", name, other, b.Help().Desc)
			}
			seen[name] = b.Help().Desc
		}
	}
	lk := list.DefaultKeyMap()
	browsing := []key.Binding{lk.CursorUp, lk.CursorDown, lk.PrevPage, lk.NextPage, lk.GoToStart, lk.GoToEnd, lk.Filter, lk.ShowFullHelp}
	for _, ours := range k.listHelp() {
		for _, b := range browsing {
			for _, name := range ours.Keys() {
				if slices.Contains(b.Keys(), name) {
					t.Errorf("the list's %q (%s) is also our %s", name, b.Help().Desc, ours.Help().Desc)
				}
			}
		}
	}
}

// Enter opens a task: set up, then its text, the shell to work in, and the
// live checks with the failed one's hint; the help bar lists the keys.
func TestPracticeOpenTask(t *testing.T) {
	f := newFakeEngine(t)
	f.failGrade = 100
	f.scopeName = "t1"
	p, d := startPractice(t, f)
	d.size(120, 40).keys("enter")
	if p.task == nil || p.task.lesson.ID != "veth" {
		t.Fatalf("enter: task %v", p.task)
	}
	if got := f.Calls(); !slices.Equal(got, []string{"setup veth", "grade veth"}) {
		t.Fatalf("calls %v, want setup then one grading", got)
	}
	v := d.view()
	wantView(t, v, "cnilab practice · veth — Two namespaces and a veth cable", "lesson ·", "scope t1",
		"Task", "Connect two network namespaces with a veth cable", "sudo lab shell --scope t1",
		"Checks (live: they re-run as the kernel changes)", "✗", "hint: look at the default route of client1", "✓",
		"h hint", "s solution", "v verify", "r start over", "esc/b list", "? help", "q quit")
	wantNotView(t, v, "Solved", "Symptom")
	wantFits(t, "task", v, 120, 40)
}

// Before setup has answered, the task says so; a scenario shows its
// symptom at once (it needs no setup).
func TestPracticeSettingUp(t *testing.T) {
	f := newFakeEngine(t)
	p := NewPractice(f, plain, f.lesson(t, "no-masquerade"))
	d := newDriver(t, p).size(80, 24)
	p.task.start("setting up the task") // the command is not run
	v := d.view()
	wantView(t, v, "setting up the task…", "Symptom", "gets no reply", "scenario · setup")
	wantNotView(t, v, "Checks")
}

// h in a task asks the engine for the next hint and shows "hint n/all".
func TestPracticeHint(t *testing.T) {
	f := newFakeEngine(t)
	f.failGrade = 100
	l := f.lesson(t, "no-masquerade")
	_, d := openTask(t, f, "no-masquerade", 120, 40)
	d.keys("h")
	if n := f.count("hint no-masquerade"); n != 1 {
		t.Fatalf("h: %d hint calls: %v", n, f.Calls())
	}
	all := len(l.Hints)
	wantView(t, d.view(), fmt.Sprintf("hint 1/%d", all), "look at their source address")
	d.keys("h")
	wantView(t, d.view(), fmt.Sprintf("hint 1/%d", all), fmt.Sprintf("hint 2/%d", all))
	for range all + 1 {
		d.keys("h") // the last one repeats, shown once
	}
	if got := strings.Count(d.view(), fmt.Sprintf("hint %d/%d", all, all)); got != 2 {
		t.Errorf("the last hint shows %d times (once in the list, once in the status line), want 2:\n%s", got, d.view())
	}
}

// s before an attempt: try first. v records a failed attempt, and s then
// shows the fix.
func TestPracticeSolutionGate(t *testing.T) {
	f := newFakeEngine(t)
	f.failGrade, f.verifyFail = 100, true
	_, d := openTask(t, f, "no-masquerade", 120, 40)
	d.keys("s")
	v := d.view()
	wantView(t, v, "try first: press v to verify")
	wantNotView(t, v, "MASQUERADE", "Solution")
	d.keys("v")
	if f.count("verify no-masquerade") != 1 {
		t.Fatalf("v: %v", f.Calls())
	}
	wantView(t, d.view(), "checks pass; s shows the solution now")
	d.keys("s")
	v = d.view()
	wantView(t, v, "Solution", "$ iptables -t nat -A POSTROUTING -s 172.30.0.0/24 -o eth0 -j MASQUERADE")
	wantNotView(t, v, "try first", "Solved")
}

// A lesson has no solution but its steps: s says so, as the engine does.
func TestPracticeLessonSolution(t *testing.T) {
	f := newFakeEngine(t)
	f.failGrade = 100
	_, d := openTask(t, f, "veth", 120, 40)
	d.keys("s")
	wantView(t, d.view(), "error: veth is a lesson: its steps are its solution (lab script veth)")
}

// A report of the watch grades again: a check turns green with no key
// pressed, and once all pass the task is solved and verified, once, so
// that it counts as done.
func TestPracticeLiveChecks(t *testing.T) {
	f := newFakeEngine(t)
	f.failGrade = 1
	p, d := openTask(t, f, "veth", 120, 40)
	v := d.view()
	wantView(t, v, "✗", "hint: look at the default route of client1")
	if f.count("verify veth") != 0 {
		t.Fatalf("a failing grading recorded a verify: %v", f.Calls())
	}
	change(d, p)
	if n := f.count("grade veth"); n != 2 {
		t.Fatalf("a watch report: %d gradings, want 2: %v", n, f.Calls())
	}
	v = d.view()
	wantView(t, v, "✓ Solved", "recorded as done", "lesson · solved")
	wantNotView(t, v, "✗")
	if n := f.count("verify veth"); n != 1 {
		t.Fatalf("all passed: %d verify calls, want 1: %v", n, f.Calls())
	}
	// Solved, the watch rests: a late report grades nothing.
	d.send(taskChangeMsg{t: p.task, gen: p.task.watchGen - 1})
	if f.count("grade veth") != 2 || f.count("verify veth") != 1 {
		t.Errorf("a report after solving: %v", f.Calls())
	}
	if ctx := f.watchCtx(0); ctx == nil || ctx.Err() == nil {
		t.Error("the watch of a solved task still runs")
	}
	// Back on the list, the task is marked done.
	d.keys("esc")
	wantView(t, d.view(), "✓ veth — Two namespaces and a veth cable")
}

// Changes during a grading make one more grading, not one each, as the
// walkthrough's by-hand checks.
func TestPracticeWatchCoalesces(t *testing.T) {
	f := newFakeEngine(t)
	f.failGrade, f.liveChanges = 100, 3
	_, _ = openTask(t, f, "veth", 80, 24)
	if n := f.count("grade veth"); n != 2 {
		t.Errorf("3 changes during the first grading: %d gradings, want 2: %v", n, f.Calls())
	}
}

// All passing at once (the learner built it before opening) is solved at
// once, with one verify.
func TestPracticeSolvedAtOnce(t *testing.T) {
	f := newFakeEngine(t)
	_, d := openTask(t, f, "no-masquerade", 80, 24)
	if got := f.Calls(); !slices.Equal(got, []string{"setup no-masquerade", "grade no-masquerade", "verify no-masquerade"}) {
		t.Fatalf("calls %v", got)
	}
	wantView(t, d.view(), "✓ Solved")
}

// r starts over: setup again, the hints and the solution gone, a new watch.
func TestPracticeRestart(t *testing.T) {
	f := newFakeEngine(t)
	f.failGrade = 100
	p, d := openTask(t, f, "no-masquerade", 120, 40)
	d.keys("h")
	wantView(t, d.view(), "hint 1/")
	d.keys("r")
	if n := f.count("setup no-masquerade"); n != 2 {
		t.Fatalf("r: %d setups, want 2: %v", n, f.Calls())
	}
	if ctx := f.watchCtx(0); ctx == nil || ctx.Err() == nil {
		t.Error("r: the first watch still runs")
	}
	if ctx := f.watchCtx(1); ctx == nil || ctx.Err() != nil {
		t.Error("r: no new watch")
	}
	if len(p.task.hints) != 0 {
		t.Errorf("r: hints %v kept", p.task.hints)
	}
	wantNotView(t, d.view(), "hint 1/")
	d.keys("h")
	wantView(t, d.view(), "hint 1/") // the engine started them over
}

// esc and b go back to the list and end the watch.
func TestPracticeBack(t *testing.T) {
	for _, k := range []string{"esc", "b"} {
		t.Run(k, func(t *testing.T) {
			f := newFakeEngine(t)
			f.failGrade = 100
			p, d := startPractice(t, f)
			d.keys("enter")
			ctx := f.watchCtx(0)
			if ctx == nil || ctx.Err() != nil {
				t.Fatal("no watch running in the task")
			}
			d.keys(k)
			if p.task != nil || ctx.Err() == nil {
				t.Fatalf("%s: task %v, watch cancelled %v", k, p.task, ctx.Err() != nil)
			}
			wantView(t, d.view(), "cnilab practice — build it, or find the fault")
			calls := len(f.Calls())
			d.keys("down", "enter")
			if p.task == nil || p.task.lesson.ID != "bridge" || f.count("setup bridge") != 1 {
				t.Fatalf("another task after %s: %v", k, f.Calls()[calls:])
			}
		})
	}
}

// A failed setup shows the engine's error and lets the learner go back or
// try again; the task's keys do nothing.
func TestPracticeSetupError(t *testing.T) {
	f := newFakeEngine(t)
	f.setupErr = errors.New(`add veth "veth-client" in netns "client": file exists`)
	p, d := openTask(t, f, "veth", 80, 24)
	v := d.view()
	wantView(t, v, "The task could not be set up.", `add veth "veth-client" in netns "client": file exists`, "esc goes back")
	d.keys("h", "s", "v")
	if got := f.Calls(); !slices.Equal(got, []string{"setup veth"}) {
		t.Fatalf("keys after a failed setup: calls %v", got)
	}
	d.keys("r")
	if f.count("setup veth") != 2 {
		t.Errorf("r after a failed setup: %v", f.Calls())
	}
	d.keys("esc")
	if p.task != nil {
		t.Fatal("esc after a failed setup stays on the task")
	}
}

// A key while the setup runs waits: esc goes back, and q quits, once the
// setup has ended, since the session must not close under it.
func TestPracticeWaitsForSetup(t *testing.T) {
	for _, k := range []string{"esc", "q"} {
		t.Run(k, func(t *testing.T) {
			f := newFakeEngine(t)
			p := NewPractice(f, plain, f.lesson(t, "veth"))
			d := newDriver(t, p).size(80, 24)
			setup := p.task.Init() // held back: the setup still runs
			d.keys(k)
			if d.quits != 0 || p.task == nil {
				t.Fatalf("%s during setup: quits %d, task %v", k, d.quits, p.task)
			}
			wantView(t, d.view(), "setting up the task… then")
			d.run(setup)
			switch k {
			case "esc":
				if p.task != nil || f.watchCtx(0) != nil {
					t.Errorf("esc, then the setup ended: task %v, watches %d", p.task, len(f.watches))
				}
			case "q":
				if d.quits != 1 {
					t.Errorf("q, then the setup ended: quits %d", d.quits)
				}
			}
		})
	}
}

// q leaves from the list and from a task, ending the watch.
func TestPracticeQuit(t *testing.T) {
	f := newFakeEngine(t)
	_, d := startPractice(t, f)
	d.keys("q")
	if d.quits != 1 {
		t.Fatalf("q in the list: quits %d", d.quits)
	}
	f = newFakeEngine(t)
	f.failGrade = 100
	_, d = openTask(t, f, "veth", 80, 24)
	d.keys("ctrl+c")
	if d.quits != 1 || f.watchCtx(0).Err() == nil {
		t.Fatalf("ctrl+c in a task: quits %d, watch cancelled %v", d.quits, f.watchCtx(0).Err() != nil)
	}
}

// Rendering is pure: views and resizes call no engine method.
func TestPracticeRendersWithoutEngine(t *testing.T) {
	f := newFakeEngine(t)
	f.failGrade, f.verifyFail = 100, true
	_, d := openTask(t, f, "no-masquerade", 80, 24)
	d.keys("h", "v", "s")
	calls, texts := len(f.Calls()), f.textsCalls()
	for _, sz := range [][2]int{{120, 40}, {60, 20}, {200, 60}, {80, 24}} {
		d.size(sz[0], sz[1])
		d.view()
		wantFits(t, "task", d.view(), sz[0], sz[1])
	}
	d.keys("up", "down", "pgdown", "?")
	d.view()
	if got := f.Calls(); len(got) != calls || f.textsCalls() != texts {
		t.Errorf("views, resizes and scrolls called the engine: %v", got[calls:])
	}
}

// ? shows every key of the task.
func TestPracticeHelp(t *testing.T) {
	f := newFakeEngine(t)
	f.failGrade = 100
	_, d := openTask(t, f, "veth", 120, 40)
	d.keys("?")
	wantView(t, d.view(), "↑/↓", "scroll", "start over", "esc/b list")
}

// The list fits the terminal, in colour too (the list does not cut its
// title).
func TestPracticeListSizes(t *testing.T) {
	for _, st := range []Styles{plain, NewStyles(true, false)} {
		for _, sz := range [][2]int{{80, 24}, {120, 40}, {60, 20}} {
			f := newFakeEngine(t)
			d := newDriver(t, NewPractice(f, st, nil)).init().size(sz[0], sz[1])
			wantFits(t, "practice list", d.view(), sz[0], sz[1])
		}
	}
}
