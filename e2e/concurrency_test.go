package e2e

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// Two `lab run` of one lesson in one scope at once: the second exits 2 and
// says the scope is busy and who holds it; the first goes on untouched.
func TestConcurrentRunsOneScope(t *testing.T) {
	t.Parallel()
	s := newScope(t, "cc1")
	first := pausedRun(t, "veth", s, "2.1:before")
	second := lab(t, "run", "veth", "--scope", s)
	want(t, second, 2)
	wantContains(t, "the second run", second.stderr, "busy", fmt.Sprintf("pid %d", first.Process.Pid), "lab run veth")
	first.Process.Signal(syscall.SIGTERM) // the first finishes its step and stops
	first.Wait()
	want(t, lab(t, "reset", "--scope", s), 0)
}

// Eight runs in eight scopes at once, with a binary built with -race: every
// one passes its checks and verify, and none disturbs another.
func TestEightScopesAtOnce(t *testing.T) {
	t.Parallel()
	needRoot(t)
	race, err := waitRace()
	if err != nil {
		t.Fatal(err)
	}
	// The race build looks for the plugins next to itself: point it at the
	// ones built for the suite.
	cniPath := filepath.Join(filepath.Dir(labBin), "cni")
	lessons := []string{"route", "dnat", "bridge", "veth", "route", "dnat", "cni", "pod"}
	var wg sync.WaitGroup
	for i, l := range lessons {
		s := newScope(t, fmt.Sprintf("cc8s%d", i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, args := range [][]string{{"run", l}, {"verify", l}} {
				cmd := exec.Command(race, append(args, "--scope", s)...)
				cmd.Env = append(cmd.Environ(), "CNILAB_CNI_PATH="+cniPath, "CNILAB_BIN="+race)
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Errorf("%s %s in scope %s: %v\n%s", args[0], l, s, err, out)
					return
				}
				if strings.Contains(string(out), "WARNING: DATA RACE") {
					t.Errorf("%s %s in scope %s: data race\n%s", args[0], l, s, out)
				}
			}
		}()
	}
	wg.Wait()
}
