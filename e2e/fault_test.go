package e2e

// Fault tests: lab killed at every point around every kernel change of
// every lesson, then `lab reset` twice must leave nothing; an interrupt in
// the middle of a step lets the step finish.

import (
	"bufio"
	"fmt"
	"math/rand"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/netops"
)

// killPoints are the hook points of a lesson: before and after each
// operation of its setup and of its steps.
func killPoints(l *engine.Lesson) []string {
	var out []string
	for j := range l.Setup {
		out = append(out, fmt.Sprintf("setup.%d:before", j+1), fmt.Sprintf("setup.%d:after", j+1))
	}
	for k, st := range l.Steps {
		for j := range st.Do {
			out = append(out, fmt.Sprintf("%d.%d:before", k+1, j+1), fmt.Sprintf("%d.%d:after", k+1, j+1))
		}
	}
	return out
}

// lab run killed with SIGKILL at every hook point of every lesson: the
// first reset removes what was made, the second finds nothing to remove.
func TestKillAtEveryPoint(t *testing.T) {
	t.Parallel()
	needRoot(t)
	cat, err := engine.LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	// The scenarios' setups are their lessons' operations and a few that
	// take something away: the lessons' kill points cover what is created.
	lessons := cat.Walkthroughs()
	for i, l := range lessons {
		if l.NeedsRealRoot() != "" {
			continue // alone, before the parallel tests: TestKillContainerd
		}
		points := killPoints(l)
		total += len(points)
		t.Run(l.ID, func(t *testing.T) {
			t.Parallel()
			killAtPoints(t, l.ID, newScope(t, fmt.Sprintf("k%d%s", i, l.ID[:min(len(l.ID), 6)])), points)
		})
	}
	t.Logf("%d kill points in %d lessons", total, len(lessons))
}

// killAtPoints kills lab run at each point, then resets twice: the second
// reset finds nothing, and nothing of the scope is left.
func killAtPoints(t *testing.T, lesson, s string, points []string) {
	t.Helper()
	for _, p := range points {
		cmd := pausedRun(t, lesson, s, p)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		resetTwice(t, s, "killed at "+p)
	}
}

// resetTwice: the first reset removes what was made, the second finds
// nothing, and nothing of the scope is left.
func resetTwice(t *testing.T, s, when string) {
	t.Helper()
	want(t, lab(t, "reset", "--scope", s), 0)
	again := lab(t, "reset", "--scope", s)
	want(t, again, 0)
	if again.stdout != "scope "+s+": nothing to remove\n" {
		t.Fatalf("%s: the second reset still did something:\n%s", when, again)
	}
	if left := leftovers(s); len(left) > 0 {
		t.Fatalf("%s, reset twice, left:\n\t%s", when, strings.Join(left, "\n\t"))
	}
}

// The containerd lesson killed at every point and at random moments, alone
// before the parallel tests: each run starts a containerd and unpacks its
// images, and a dozen of them beside the cluster tests on two cores
// stretched those tests' pings past their bounded waits.
func TestKillContainerd(t *testing.T) {
	needRoot(t)
	if inUserNS() {
		t.Skip(netops.ContainerdRootlessWhy)
	}
	cat, err := engine.LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	l, err := cat.Get("containerd")
	if err != nil {
		t.Fatal(err)
	}
	s := newScope(t, "kctrd")
	killAtPoints(t, l.ID, s, killPoints(l))
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	randomKills(t, l.ID, s, rand.New(rand.NewSource(seed)), 6, 1200*time.Millisecond)
}

// randomKills kills lab run n times after a random moment within window,
// resetting twice after each.
func randomKills(t *testing.T, lesson, s string, rng *rand.Rand, n int, window time.Duration) {
	t.Helper()
	for range n {
		cmd := exec.Command(labBin, "run", lesson, "--scope", s)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		after := time.Duration(rng.Int63n(int64(window)))
		time.Sleep(after)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		resetTwice(t, s, fmt.Sprintf("killed after %s", after.Round(time.Millisecond)))
	}
}

// An interrupt in the middle of a step lets the step finish, then the run
// stops with exit 2 and says where; nothing of the next step is done.
func TestInterruptFinishesTheStep(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			s := newScope(t, "ki"+strings.ToLower(strings.TrimPrefix(sig.String(), "")[:4]))
			cmd := exec.Command(labBin, "run", "bridge", "--scope", s)
			cmd.Env = append(cmd.Environ(), engine.PauseEnv+"=2.1:after")
			var out strings.Builder
			cmd.Stdout = &out
			stderr, _ := cmd.StderrPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(stderr)
			var errText strings.Builder
			for sc.Scan() {
				errText.WriteString(sc.Text() + "\n")
				if strings.HasPrefix(sc.Text(), "CNILAB_PAUSED") {
					cmd.Process.Signal(sig)
				}
			}
			err := cmd.Wait()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			if code != 2 || !strings.Contains(errText.String(), "stopped after step 2, which is complete") {
				t.Fatalf("exit %d, stderr:\n%s", code, errText.String())
			}
			// Step 2's second veth was made and checked; step 3 never began.
			wantContains(t, "lab run", out.String(), "[2/6]", "server1-veth in "+s+"-server1 is a veth")
			if strings.Contains(out.String(), "[3/6]") {
				t.Errorf("step 3 began after the interrupt:\n%s", out.String())
			}
		})
	}
}

// Random kills: kill -9 at random moments of `lab run` (inside operations,
// not only between them), then reset twice leaves nothing. The seed is
// logged so a failure can be replayed.
func TestRandomKills(t *testing.T) {
	t.Parallel()
	needRoot(t)
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	for i, l := range []string{"route", "dnat", "cni", "pod", "nodes"} {
		t.Run(l, func(t *testing.T) {
			t.Parallel()
			randomKills(t, l, newScope(t, "kr"+l), rand.New(rand.NewSource(seed+int64(i))), 12, 250*time.Millisecond)
		})
	}
}
