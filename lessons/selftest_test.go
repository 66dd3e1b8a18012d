package lessons_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/internal/machine"
	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/ns"
	"github.com/cnilab/lab/netops/snapshot"
)

// TestMain fails the package when anything it did shows in the machine's
// own network namespace.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run()) // make unit: no kernel, no binary to build
	}
	// Lessons start `lab serve` and friends: build the lab binary for them,
	// unless it is given (CNILAB_TEST_BIN_DIR, with the plugins in cni/):
	// a suite run as an unprivileged user in a rootless lab cannot build.
	if d := os.Getenv("CNILAB_TEST_BIN_DIR"); d != "" {
		os.Setenv("CNILAB_BIN", filepath.Join(d, "lab"))
		os.Exit(machine.Run(m))
	}
	dir, err := os.MkdirTemp("", "cnilab-selftest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	bin := filepath.Join(dir, "lab")
	// lab looks for the CNI plugins in the cni folder next to itself.
	for _, args := range [][]string{{"-o", bin, "github.com/cnilab/lab"}, {"-o", filepath.Join(dir, "cni") + "/",
		"github.com/containernetworking/plugins/plugins/main/bridge",
		"github.com/containernetworking/plugins/plugins/ipam/host-local",
		"github.com/containernetworking/plugins/plugins/main/loopback",
		"github.com/containernetworking/plugins/plugins/meta/portmap"}} {
		build := exec.Command("go", append([]string{"build"}, args...)...)
		build.Env = append(os.Environ(), "CGO_ENABLED=0") // as make build ships it
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build %v: %v\n%s", args, err, out)
			os.RemoveAll(dir)
			os.Exit(2)
		}
	}
	os.Setenv("CNILAB_BIN", bin)
	code := machine.Run(m)
	os.RemoveAll(dir) // not deferred: os.Exit skips deferred calls
	os.Exit(code)
}

// TestSelfTest is the self-test DESIGN.md asks of every lesson, like
// rustlings' check that every exercise starts unsolved and every solution
// passes: verify fails on a fresh scope; run passes and verify then passes;
// for each step that changes something, running every step but that one
// leaves verify failing (no check is vacuous, no step is idle); reset leaves
// nothing and a second reset does nothing.
func TestSelfTest(t *testing.T) {
	if os.Geteuid() != 0 || testing.Short() {
		t.Skip("the lesson self-test needs root: it builds every lesson on the kernel")
	}
	cat, err := engine.LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range cat.Lessons {
		t.Run(l.ID, func(t *testing.T) {
			t.Parallel()
			if why := l.NeedsRealRoot(); why != "" && ns.InUserNS() {
				t.Skip(why) // the rootless suite: TestRootlessEveryLesson checks the refusal
			}
			s, err := netops.NewScope(fmt.Sprintf("self%d", i+1))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { resetClean(t, s, l) })

			rep := verify(t, l, s)
			if rep.Passed || len(rep.Checks) == 0 || rep.Checks[0].ID != "setup" {
				t.Fatalf("verify on a fresh scope: passed=%v, checks %+v; want a failed setup check first", rep.Passed, rep.Checks)
			}
			if l.Scenario() {
				scenarioSelfTest(t, s, l)
				if len(l.Vary) > 0 {
					// The same with values drawn from a seed: the fault,
					// the hints and the solution all move with them.
					v, err := l.Varied(int64(1000 + i))
					if err != nil {
						t.Fatal(err)
					}
					scenarioSelfTest(t, s, v)
				}
				return
			}

			var failedChecks []string
			ok, err := runWith(s, l, func(e engine.Event) {
				if e.Type == engine.CheckDone && !e.Check.Passed {
					failedChecks = append(failedChecks, fmt.Sprintf("step %d: %s: %s", e.Step+1, e.Check.Title, e.Check.Detail))
				}
			})
			if err != nil || !ok {
				t.Fatalf("run: ok=%v err=%v; failed checks: %v", ok, err, failedChecks)
			}
			if rep := verify(t, l, s); !rep.Passed {
				t.Fatalf("verify after run failed: %+v", failed(rep))
			}
			explicitSysctls(t, l, s)
			if len(l.Cleanup) > 0 {
				// The article's cleanup, after the end state: its checks pass.
				if ok, err := (&engine.Runner{Scope: s}).Cleanup(context.Background(), l); err != nil || !ok {
					t.Fatalf("cleanup steps: ok=%v err=%v", ok, err)
				}
			}
			resetClean(t, s, l)

			for _, k := range opSteps(l) {
				r := &engine.Runner{Scope: s}
				if err := r.Setup(context.Background(), l); err != nil {
					t.Fatalf("setup: %v", err)
				}
				for i, st := range l.Steps {
					// A step that keeps the state it found (DEL, then the
					// same ADD) only illustrates; run without k it would
					// make what k should have made.
					if i != k && !st.KeepsState {
						// A step may fail when it needs the omitted one:
						// that is the point; verify must still fail.
						_, _ = r.Step(context.Background(), l, i)
					}
				}
				if rep := verify(t, l, s); rep.Passed {
					t.Errorf("verify passed without step %d %q: its checks are vacuous or the step is idle", k+1, l.Steps[k].Title)
				} else {
					t.Logf("without step %d %q: %s", k+1, l.Steps[k].Title, first(failed(rep)).Detail)
				}
				resetClean(t, s, l)
			}
		})
	}
}

// scenarioSelfTest: after setup the fault is there (verify fails, with a
// hint on every failed check); the solution typed in `lab shell` mends it
// (verify passes); reset leaves nothing.
func scenarioSelfTest(t *testing.T, s *netops.Scope, l *engine.Lesson) {
	t.Helper()
	if err := (&engine.Runner{Scope: s}).Setup(context.Background(), l); err != nil {
		t.Fatalf("setup: %v", err)
	}
	rep := verify(t, l, s)
	if rep.Passed {
		t.Fatal("verify passed right after setup: the scenario leaves no fault")
	}
	for _, c := range failed(rep) {
		if c.Hint == "" {
			t.Errorf("failed check %s (%s: %s) has no hint", c.ID, c.Title, c.Detail)
		}
	}
	shell := exec.Command(os.Getenv("CNILAB_BIN"), "shell", "--scope", s.Name)
	shell.Stdin = strings.NewReader(l.Text(s, l.Solution))
	if out, err := shell.CombinedOutput(); err != nil {
		t.Fatalf("the solution in lab shell: %v\n%s", err, out)
	}
	if rep := verify(t, l, s); !rep.Passed {
		t.Fatalf("verify after the solution failed: %+v", failed(rep))
	}
	resetClean(t, s, l)
}

// run sets the lesson up and applies every step, as `lab run` does.
func run(s *netops.Scope, l *engine.Lesson) (bool, error) { return runWith(s, l, nil) }

// runWith is run with the runner's events sent to sink.
func runWith(s *netops.Scope, l *engine.Lesson, sink func(engine.Event)) (bool, error) {
	r := &engine.Runner{Scope: s, Sink: sink}
	if err := r.Setup(context.Background(), l); err != nil {
		return false, err
	}
	return r.Steps(context.Background(), l)
}

func verify(t *testing.T, l *engine.Lesson, s *netops.Scope) engine.Report {
	t.Helper()
	rep, err := engine.Verify(l, s)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

// resetClean resets twice and asserts nothing of the scope is left.
func resetClean(t *testing.T, s *netops.Scope, l *engine.Lesson) {
	t.Helper()
	if _, err := s.Reset(); err != nil {
		t.Fatalf("reset: %v", err)
	}
	removed, err := s.Reset()
	if err != nil || len(removed) > 0 {
		t.Fatalf("second reset: removed %v, err %v; want nothing", removed, err)
	}
	os.Remove(s.StateDir + "/lock")
	os.Remove(s.StateDir)
	var names []string
	for _, n := range l.AllNetns() {
		names = append(names, s.Netns(n))
	}
	if left := machine.Leftovers(names, s.StateDir); len(left) > 0 {
		t.Fatalf("reset left: %v", left)
	}
}

func failed(rep engine.Report) []engine.CheckResult {
	var out []engine.CheckResult
	for _, c := range rep.Checks {
		if !c.Passed {
			out = append(out, c)
		}
	}
	return out
}

func first(cs []engine.CheckResult) engine.CheckResult {
	if len(cs) == 0 {
		return engine.CheckResult{}
	}
	return cs[0]
}

// explicitSysctls reads back, in every namespace of the lesson, the kernel
// parameters lab sets explicitly (new namespaces take them from the machine
// or the kernel, not from their creator): rp_filter off for all, default
// and each device, accept_ra off, forwarding off except in the host, where
// lessons and CNI plugins turn it on.
func explicitSysctls(t *testing.T, l *engine.Lesson, s *netops.Scope) {
	t.Helper()
	for _, logical := range l.AllNetns() {
		real := s.Netns(logical)
		if !ns.Exists(real) {
			continue
		}
		want := map[string]string{
			"net.ipv4.conf.all.rp_filter":     "0",
			"net.ipv4.conf.default.rp_filter": "0",
			"net.ipv6.conf.all.accept_ra":     "0",
			"net.ipv6.conf.default.accept_ra": "0",
		}
		if logical != netops.HostNetns {
			want["net.ipv4.ip_forward"] = "0"
		}
		snap, err := snapshot.Take(real)
		if err != nil {
			t.Fatal(err)
		}
		for _, link := range snap.Links {
			want["net.ipv4.conf."+link.Name+".rp_filter"] = "0"
		}
		for key, v := range want {
			got, err := netops.ReadSysctl(real, key)
			if err != nil {
				t.Errorf("netns %s: %v", real, err)
			} else if got != v {
				t.Errorf("netns %s: %s = %s, want %s set explicitly", real, key, got, v)
			}
		}
	}
}
