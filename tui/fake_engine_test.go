package tui

// A fake Engine over the real embedded lessons: it never touches the kernel
// and answers every call at once with deterministic results, so the model
// can be driven and its views compared byte for byte.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/snapshot"
)

// fakeEngine implements Engine. Configure it before the model runs; read
// the recorded calls with the methods below.
type fakeEngine struct {
	cat   *engine.Catalog
	scope *netops.Scope

	// Configuration.
	scopeName  string          // ScopeName; "lab" when empty
	done       map[string]bool // Done
	setupErr   error           // Setup fails with it
	stepErr    map[int]error   // Step i fails with it (commands are still returned)
	failCheck  map[int]bool    // the first check of step i fails, with a hint
	verifyFail bool            // Verify reports the first check failed, with a hint
	verifyErr  error           // Verify cannot grade
	topoErr    error           // Topology fails
	resetErr   error           // Reset fails

	mu    sync.Mutex
	calls []string // "setup veth", "step veth 0", "verify veth", "topology veth", "reset"
	texts int      // Texts calls, counted apart: they follow setup and each step

	// By hand: Watch reports liveChanges changes, then ends; Check fails
	// its first failLive gradings, then passes.
	liveChanges int
	failLive    int
	checks      int

	// Practice: Grade fails its first failGrade gradings, then passes;
	// every Watch's context is kept, to see it cancelled; a failed Verify
	// opens the solution's gate until the next Setup, as the session's.
	failGrade int
	grades    int
	watches   []context.Context
	hints     map[string]int
	attempted map[string]bool
}

func newFakeEngine(t testing.TB) *fakeEngine {
	t.Helper()
	cat, err := engine.LoadCatalog("")
	if err != nil {
		t.Fatalf("load the embedded lessons: %v", err)
	}
	s, err := netops.NewScope(netops.DefaultScope) // pure: it creates nothing
	if err != nil {
		t.Fatal(err)
	}
	return &fakeEngine{cat: cat, scope: s, done: map[string]bool{}, stepErr: map[int]error{}, failCheck: map[int]bool{},
		hints: map[string]int{}, attempted: map[string]bool{}}
}

// lesson is a lesson of the embedded catalog, by id.
func (f *fakeEngine) lesson(t testing.TB, id string) *engine.Lesson {
	t.Helper()
	l, err := f.cat.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (f *fakeEngine) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

// Calls returns a copy of the calls so far.
func (f *fakeEngine) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// count is how many calls equal call.
func (f *fakeEngine) count(call string) int {
	n := 0
	for _, c := range f.Calls() {
		if c == call {
			n++
		}
	}
	return n
}

// countPrefix is how many calls start with p ("step ").
func (f *fakeEngine) countPrefix(p string) int {
	n := 0
	for _, c := range f.Calls() {
		if len(c) >= len(p) && c[:len(p)] == p {
			n++
		}
	}
	return n
}

func (f *fakeEngine) Lessons() []*engine.Lesson { return f.cat.Walkthroughs() }
func (f *fakeEngine) Done(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.done[id]
}
func (f *fakeEngine) ScopeName() string { return cmp.Or(f.scopeName, netops.DefaultScope) }

// Tasks are the lessons, then the scenarios, as the session lists them.
func (f *fakeEngine) Tasks() []*engine.Lesson {
	out := f.cat.Walkthroughs()
	for _, l := range f.cat.Lessons {
		if l.Scenario() {
			out = append(out, l)
		}
	}
	return out
}

func (f *fakeEngine) Symptom(l *engine.Lesson) string { return l.Text(f.scope, l.Symptom) }

// Texts renders the texts for the default scope, as the session would: in
// scope "lab" a lesson namespace keeps its plain name, so a text without
// a template comes back as it is. The call is recorded: rendering must
// never ask for it.
func (f *fakeEngine) Texts(l *engine.Lesson) engine.Texts {
	f.mu.Lock()
	f.texts++
	f.mu.Unlock()
	return l.Texts(f.scope)
}

func (f *fakeEngine) textsCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.texts
}

func (f *fakeEngine) Setup(_ context.Context, l *engine.Lesson, _ func(engine.Event)) ([]string, error) {
	f.record("setup %s", l.ID)
	f.mu.Lock()
	delete(f.hints, l.ID) // a fresh stage starts the hints and the gate over
	delete(f.attempted, l.ID)
	f.mu.Unlock()
	return nil, f.setupErr
}

func (f *fakeEngine) Step(_ context.Context, l *engine.Lesson, i int) (engine.StepResult, error) {
	f.record("step %s %d", l.ID, i)
	st := l.Steps[i]
	var res engine.StepResult
	for _, op := range st.Do {
		res.Commands = append(res.Commands, op.Op.Commands(f.scope)...)
	}
	if err := f.stepErr[i]; err != nil {
		return res, fmt.Errorf("step %d %q: %w", i+1, st.Title, err)
	}
	for _, op := range st.Do {
		res.Diff.Changes = append(res.Diff.Changes, f.changes(op.Op)...)
	}
	// Grouped by namespace in the lesson's order, as snapshot.Compare does.
	order := map[string]int{}
	for k, n := range l.AllNetns() {
		order[f.scope.Netns(n)] = k
	}
	slices.SortStableFunc(res.Diff.Changes, func(a, b snapshot.Change) int {
		return cmp.Compare(order[a.Netns], order[b.Netns])
	})
	for k, c := range st.Check {
		r := f.checkResult(l, c)
		if k == 0 && f.failCheck[i] {
			r.Passed = false
			r.Detail = "100% packet loss"
			r.Hint = "run: ip netns exec client ip link set veth-client up"
		}
		res.Checks = append(res.Checks, r)
	}
	return res, nil
}

func (f *fakeEngine) Verify(l *engine.Lesson) (engine.Report, error) {
	f.record("verify %s", l.ID)
	if f.verifyErr != nil {
		return engine.Report{}, f.verifyErr
	}
	rep := engine.Report{Lesson: l.ID, Passed: true}
	for k, c := range l.Verify {
		r := f.checkResult(l, c)
		if k == 0 && f.verifyFail {
			r.Passed = false
			r.Detail = "100% packet loss; look at: veth-client in client is DOWN"
			r.Hint = "run: ip netns exec client ip link set veth-client up"
			rep.Passed = false
		}
		rep.Checks = append(rep.Checks, r)
	}
	// Recorded, as the session does: a pass as progress, a failure as the
	// attempt that opens the solution's gate.
	f.mu.Lock()
	if rep.Passed {
		f.done[l.ID] = true
	} else {
		f.attempted[l.ID] = true
	}
	f.mu.Unlock()
	return rep, nil
}

func (f *fakeEngine) Topology(l *engine.Lesson) (snapshot.Snapshot, error) {
	f.record("topology %s", l.ID)
	if f.topoErr != nil {
		return snapshot.Snapshot{}, f.topoErr
	}
	// As engine.Session does: the lesson's namespaces before host and world.
	snap := vethEndState()
	byName := map[string]snapshot.Netns{}
	var names []string
	for _, n := range snap.Namespaces {
		byName[n.Name] = n
		names = append(names, n.Name)
	}
	scope, _ := netops.NewScope("lab")
	var ordered snapshot.Snapshot
	for _, n := range scope.LessonFirst(names) {
		ordered.Namespaces = append(ordered.Namespaces, byName[n])
	}
	return ordered, nil
}

func (f *fakeEngine) Reset() ([]string, error) {
	f.record("reset")
	if f.resetErr != nil {
		return nil, f.resetErr
	}
	return []string{"lab-host", "client", "server", "lab-world"}, nil
}

// checkResult is a passed check as the engine reports it: the lesson's
// title or the check's own, a ping's round trip or a short detail.
func (f *fakeEngine) checkResult(l *engine.Lesson, c engine.CheckSpec) engine.CheckResult {
	r := engine.CheckResult{ID: c.ID, Title: l.Text(f.scope, c.Title), Passed: true}
	if r.Title == "" {
		r.Title = c.Check.Describe(f.scope)
	}
	switch ch := c.Check.(type) {
	case *engine.ReachCheck:
		r.Detail = map[string]string{"icmp": "reply in 0.050ms (ttl 64)", "tcp": "connected in 0.050ms"}[ch.Proto()]
		if ch.Expect == "fail" {
			r.Detail = cmp.Or(ch.Reason, "no reply")
		}
	case *engine.AddrCheck:
		r.Detail = "inet " + ch.Addr + " dev " + ch.Dev
	case *engine.SysctlCheck:
		r.Detail = ch.Key + " = " + ch.Value
	default:
		r.Detail = r.Title // the detail repeats the title: the view hides it
	}
	return r
}

func orHostNetns(n string) string { return cmp.Or(n, netops.HostNetns) }

// changes are the diff lines an op would produce, in ip's shapes.
func (f *fakeEngine) changes(op netops.Op) []snapshot.Change {
	ns := func(logical string) string { return f.scope.Netns(orHostNetns(logical)) }
	add := func(netns, kind, line string) snapshot.Change {
		return snapshot.Change{Netns: netns, Sign: '+', Kind: kind, Line: line}
	}
	del := func(netns, kind, line string) snapshot.Change {
		return snapshot.Change{Netns: netns, Sign: '-', Kind: kind, Line: line}
	}
	lo := snapshot.Link{Name: "lo", Kind: "device", MTU: 65536, Flags: []string{"LOOPBACK"}, State: "DOWN"}
	veth := func(name, peer, peerNetns string, up bool) snapshot.Link {
		l := snapshot.Link{Name: name, Kind: "veth", MTU: 1500, Peer: peer, PeerNetns: peerNetns, State: "DOWN"}
		if up {
			l.Flags, l.State = []string{"UP", "LOWER_UP"}, "UP"
		}
		return l
	}
	switch o := op.(type) {
	case *netops.NetnsAdd:
		n := ns(o.Name)
		return []snapshot.Change{add(n, "netns", "netns "+n), add(n, "link", lo.Line())}
	case *netops.VethAdd:
		a, b := ns(o.Netns), ns(o.PeerNetns)
		if a == b {
			return []snapshot.Change{add(a, "link", veth(o.Name, o.Peer, "", false).Line()), add(a, "link", veth(o.Peer, o.Name, "", false).Line())}
		}
		return []snapshot.Change{add(a, "link", veth(o.Name, o.Peer, b, false).Line()), add(b, "link", veth(o.Peer, o.Name, a, false).Line())}
	case *netops.BridgeAdd:
		n := ns("")
		return []snapshot.Change{add(n, "link", snapshot.Link{Name: o.Name, Kind: "bridge", MTU: 1500, State: "DOWN"}.Line())}
	case *netops.LinkSet:
		n := ns(o.Netns)
		before := snapshot.Link{Name: o.Name, Kind: "veth", MTU: 1500, State: "DOWN"}
		after := before
		if o.Master != "" {
			after.Master = o.Master
		}
		if o.Up != nil && *o.Up {
			after.Flags, after.State = []string{"UP", "LOWER_UP"}, "UP"
		}
		return []snapshot.Change{del(n, "link", before.Line()), add(n, "link", after.Line())}
	case *netops.AddrAdd:
		return []snapshot.Change{add(ns(o.Netns), "addr", snapshot.Addr{Dev: o.Dev, Prefix: o.Addr}.Line())}
	case *netops.RouteAdd:
		return []snapshot.Change{add(ns(o.Netns), "route", snapshot.Route{Dst: o.Dst, Via: o.Via, Dev: o.Dev}.Line())}
	}
	return nil // sysctl, nat: nothing a snapshot shows
}

// vethEndState is the veth lesson's end state as the kernel would report it.
func vethEndState() snapshot.Snapshot {
	up := []string{"UP", "LOWER_UP"}
	return snapshot.Snapshot{Namespaces: []snapshot.Netns{
		{
			Name: "lab-host",
			Links: []snapshot.Link{
				{Name: "lo", Kind: "device", MTU: 65536, Flags: []string{"LOOPBACK", "UP", "LOWER_UP"}, State: "UNKNOWN"},
				{Name: "eth0", Kind: "veth", MTU: 1500, Flags: up, State: "UP", Peer: "eth0", PeerNetns: "lab-world"},
			},
			Addrs: []snapshot.Addr{{Dev: "lo", Prefix: "127.0.0.1/8"}, {Dev: "eth0", Prefix: "172.17.0.33/24"}},
			Routes: []snapshot.Route{
				{Dst: "default", Via: "172.17.0.1", Dev: "eth0", Proto: "boot"},
				{Dst: "172.17.0.0/24", Dev: "eth0", Proto: "kernel", Scope: "link", Src: "172.17.0.33"},
			},
		},
		{
			Name: "client",
			Links: []snapshot.Link{
				{Name: "lo", Kind: "device", MTU: 65536, Flags: []string{"LOOPBACK"}, State: "DOWN"},
				{Name: "veth-client", Kind: "veth", MTU: 1500, Flags: up, State: "UP", Peer: "veth-server", PeerNetns: "server"},
			},
			Addrs:  []snapshot.Addr{{Dev: "veth-client", Prefix: "10.0.0.11/24"}},
			Routes: []snapshot.Route{{Dst: "10.0.0.0/24", Dev: "veth-client", Proto: "kernel", Scope: "link", Src: "10.0.0.11"}},
		},
		{
			Name: "server",
			Links: []snapshot.Link{
				{Name: "lo", Kind: "device", MTU: 65536, Flags: []string{"LOOPBACK"}, State: "DOWN"},
				{Name: "veth-server", Kind: "veth", MTU: 1500, Flags: up, State: "UP", Peer: "veth-client", PeerNetns: "client"},
			},
			Addrs:  []snapshot.Addr{{Dev: "veth-server", Prefix: "10.0.0.12/24"}},
			Routes: []snapshot.Route{{Dst: "10.0.0.0/24", Dev: "veth-server", Proto: "kernel", Scope: "link", Src: "10.0.0.12"}},
		},
		{
			Name: "lab-world",
			Links: []snapshot.Link{
				{Name: "lo", Kind: "device", MTU: 65536, Flags: []string{"LOOPBACK", "UP", "LOWER_UP"}, State: "UNKNOWN"},
				{Name: "eth0", Kind: "veth", MTU: 1500, Flags: up, State: "UP", Peer: "eth0", PeerNetns: "lab-host"},
			},
			Addrs:  []snapshot.Addr{{Dev: "lo", Prefix: "127.0.0.1/8"}, {Dev: "eth0", Prefix: "172.17.0.1/24"}},
			Routes: []snapshot.Route{{Dst: "172.17.0.0/24", Dev: "eth0", Proto: "kernel", Scope: "link", Src: "172.17.0.1"}},
		},
	}}
}

var errFake = errors.New("fake engine failure")

// The fake is an Engine, and so is the session it stands in for.
var (
	_ Engine = (*fakeEngine)(nil)
	_ Engine = (*engine.Session)(nil)
)

// Check grades step i as the engine would after the learner's commands: the
// first failLive gradings fail their first check.
func (f *fakeEngine) Check(l *engine.Lesson, i int) ([]engine.CheckResult, error) {
	f.mu.Lock()
	f.checks++
	n := f.checks
	f.mu.Unlock()
	f.record("check %s %d", l.ID, i)
	var out []engine.CheckResult
	for k, c := range l.Steps[i].Check {
		r := f.checkResult(l, c)
		if k == 0 && n <= f.failLive {
			r.Passed, r.Detail, r.Hint = false, "netns client does not exist", "run: ip netns add client"
		}
		out = append(out, r)
	}
	return out, nil
}

// Watch reports liveChanges changes, as many kernel changes, then ends.
func (f *fakeEngine) Watch(ctx context.Context, l *engine.Lesson) <-chan struct{} {
	f.mu.Lock()
	f.watches = append(f.watches, ctx)
	f.mu.Unlock()
	ch := make(chan struct{}, f.liveChanges)
	for range f.liveChanges {
		ch <- struct{}{}
	}
	close(ch)
	return ch
}

// Grade grades the end state as Verify does, recording no attempt: its
// first failGrade gradings fail their first check, with a hint.
func (f *fakeEngine) Grade(l *engine.Lesson) (engine.Report, error) {
	f.mu.Lock()
	f.grades++
	n := f.grades
	f.mu.Unlock()
	f.record("grade %s", l.ID)
	rep := engine.Report{Lesson: l.ID, Passed: true}
	for k, c := range l.Verify {
		r := f.checkResult(l, c)
		if k == 0 && n <= f.failGrade {
			r.Passed, r.Detail, r.Hint = false, "no reply", "look at the default route of client1"
			rep.Passed = false
		}
		rep.Checks = append(rep.Checks, r)
	}
	return rep, nil
}

// Hint returns a scenario's hints one more each call, the last one
// repeating; a lesson has one, as if one check failed.
func (f *fakeEngine) Hint(l *engine.Lesson) (string, int, int, error) {
	f.record("hint %s", l.ID)
	hints := l.Hints
	if len(hints) == 0 {
		hints = []string{"veth-client in client is up: run: ip netns exec client ip link set veth-client up"}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.hints[l.ID] < len(hints) {
		f.hints[l.ID]++
	}
	n := f.hints[l.ID]
	return l.Text(f.scope, hints[n-1]), n, len(hints), nil
}

// Solution refuses a lesson, and a scenario before a failed Verify,
// with the session's errors.
func (f *fakeEngine) Solution(l *engine.Lesson) (string, error) {
	f.record("solution %s", l.ID)
	if !l.Scenario() {
		return "", fmt.Errorf("%s is a lesson: its steps are its solution (lab script %s)", l.ID, l.ID)
	}
	f.mu.Lock()
	tried := f.attempted[l.ID]
	f.mu.Unlock()
	if !tried {
		return "", fmt.Errorf("%w: try first, then lab verify %s", engine.ErrNoAttempt, l.ID)
	}
	return l.Text(f.scope, l.Solution), nil
}

// watchCtx is the context of the i-th Watch.
func (f *fakeEngine) watchCtx(i int) context.Context {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i >= len(f.watches) {
		return nil
	}
	return f.watches[i]
}
