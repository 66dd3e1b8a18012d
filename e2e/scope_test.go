package e2e

// Test scopes: each test gets a scope of its own, checked empty at the start
// and, after `lab reset`, at the end; leftovers lists what of a scope exists.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cnilab/lab/internal/machine"
	"github.com/cnilab/lab/netops/ns"
)

// logicalNetns is every namespace name a lesson of this suite makes, as
// the scope prefixes it.
var logicalNetns = []string{"host", "world", "client", "server", "client1", "server1", "web", "pause_demo"}

func netnsNames(scope string) []string {
	out := make([]string, len(logicalNetns))
	for i, l := range logicalNetns {
		out[i] = scope + "-" + l
	}
	return out
}

func stateDir(scope string) string { return filepath.Join("/run/cnilab", scope) }

// leftovers lists what of the scope exists: its namespaces (the known
// names, and anything else under /run/netns named SCOPE-*; a scope name has
// no dash, so no other scope's name starts so) and its state directory.
func leftovers(scope string) []string {
	out := machine.Leftovers(netnsNames(scope), stateDir(scope))
	known := map[string]bool{}
	for _, n := range netnsNames(scope) {
		known[n] = true
	}
	entries, _ := os.ReadDir(ns.RunDir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), scope+"-") && !known[e.Name()] {
			out = append(out, fmt.Sprintf("%s/%s exists", ns.RunDir, e.Name()))
		}
	}
	out = append(out, markedProcesses(scope)...)
	// The containerd lesson's cgroup folders of the scope.
	for _, pattern := range []string{"/sys/fs/cgroup/*/cnilab-" + scope, "/sys/fs/cgroup/cnilab-" + scope} {
		left, _ := filepath.Glob(pattern)
		for _, p := range left {
			out = append(out, "cgroup "+p+" exists")
		}
	}
	sort.Strings(out)
	return out
}

// markedProcesses lists running processes that lab started for the scope
// (its web servers): reset must stop every one. A rootless lab's processes
// (another user namespace) are not this scope's, whatever their mark: the
// rootless suites run the same scope names meanwhile.
func markedProcesses(scope string) []string {
	var out []string
	mark := []byte("CNILAB_SCOPE=" + scope + "\x00")
	self, _ := os.Readlink("/proc/self/ns/user")
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		if userns, err := os.Readlink(filepath.Join("/proc", d.Name(), "ns", "user")); err != nil || userns != self {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", d.Name(), "environ"))
		if err == nil && bytes.Contains(env, mark) {
			if stat, err := os.ReadFile(filepath.Join("/proc", d.Name(), "stat")); err == nil && !bytes.Contains(stat, []byte(") Z ")) {
				out = append(out, "process "+d.Name()+" of scope "+scope+" still runs")
			}
		}
	}
	return out
}

// wantNothing fails the test when anything of the scope exists.
func wantNothing(t *testing.T, scope string) {
	t.Helper()
	if left := leftovers(scope); len(left) > 0 {
		t.Errorf("scope %s left:\n\t%s", scope, strings.Join(left, "\n\t"))
	}
}

var (
	scopeRe    = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)
	scopesMu   sync.Mutex
	scopesUsed = map[string]string{}
)

// newScope gives a test its own scope: root only, a name no other test
// uses, nothing of it in place at the start, and, when the test ends,
// `lab reset` and nothing of it left.
func newScope(t *testing.T, name string) string {
	t.Helper()
	needRoot(t)
	if !scopeRe.MatchString(name) || name == "lab" {
		t.Fatalf("bad test scope name %q", name)
	}
	scopesMu.Lock()
	other, dup := scopesUsed[name]
	scopesUsed[name] = t.Name()
	scopesMu.Unlock()
	if dup {
		t.Fatalf("scope %q is also used by %s", name, other)
	}
	if left := leftovers(name); len(left) > 0 {
		// A run that was killed: lab reset removes what the scope's journal
		// names, and nothing else.
		t.Logf("scope %s exists before the test (%s): lab reset --scope %s", name, strings.Join(left, "; "), name)
		lab(t, "reset", "--scope", name)
		if left := leftovers(name); len(left) > 0 {
			t.Fatalf("scope %s is in use and lab reset does not remove it:\n\t%s", name, strings.Join(left, "\n\t"))
		}
	}
	t.Cleanup(func() {
		if r := lab(t, "reset", "--scope", name); r.code != 0 {
			t.Errorf("cleanup: %s", r)
		}
		wantNothing(t, name)
	})
	return name
}

// netnsInode identifies the namespace mounted at /run/netns/NAME.
func netnsInode(t *testing.T, name string) uint64 {
	t.Helper()
	ino, err := ns.Inode(ns.Path(name))
	if err != nil {
		t.Fatalf("netns %s: %v", name, err)
	}
	return ino
}
