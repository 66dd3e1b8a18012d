package netops_test

import (
	"os"
	"testing"

	"github.com/cnilab/lab/internal/machine"
	"github.com/cnilab/lab/netops"
)

func TestMain(m *testing.M) { machine.Main(m) }

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 || testing.Short() {
		t.Skip("kernel test: needs root")
	}
}

// newScope returns a scope for one test, reset and checked for leftovers
// when the test ends.
func newScope(t *testing.T, name string, lessonNetns ...string) *netops.Scope {
	t.Helper()
	s, err := netops.NewScope(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := s.Reset(); err != nil {
			t.Errorf("reset: %v", err)
		}
		s.Close()
		os.Remove(s.StateDir + "/lock")
		os.Remove(s.StateDir)
		names := []string{s.Netns(netops.HostNetns), s.Netns(netops.WorldNetns)}
		for _, n := range lessonNetns {
			names = append(names, s.Netns(n))
		}
		if left := machine.Leftovers(names, s.StateDir); len(left) > 0 {
			t.Errorf("left behind: %v", left)
		}
	})
	return s
}
