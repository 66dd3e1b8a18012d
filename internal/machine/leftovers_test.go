package machine

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cnilab/lab/netops/ns"
)

func TestLeftoversNetns(t *testing.T) {
	needRoot(t)
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2's ip")
	}
	name := fmt.Sprintf("leftovertest-%d", os.Getpid())
	other := name + "-never-created"
	if got := Leftovers([]string{name, other}, ""); len(got) != 0 {
		t.Fatalf("before create: Leftovers = %q, want empty", got)
	}
	ipNetns(t, "add", name)
	t.Cleanup(func() {
		if ns.Exists(name) {
			exec.Command("ip", "netns", "del", name).Run()
		}
	})
	want := []string{fmt.Sprintf("netns %q still exists (%s)", name, ns.Path(name))}
	if got := Leftovers([]string{name, other}, ""); !slices.Equal(got, want) {
		t.Fatalf("after create: Leftovers = %q, want %q", got, want)
	}
	// Exact names only: a prefix of the name is not the name.
	if got := Leftovers([]string{"leftovertest"}, ""); len(got) != 0 {
		t.Fatalf("Leftovers(prefix) = %q, want empty", got)
	}
	ipNetns(t, "del", name)
	if got := Leftovers([]string{name, other}, ""); len(got) != 0 {
		t.Fatalf("after delete: Leftovers = %q, want empty", got)
	}
}

func ipNetns(t *testing.T, verb, name string) {
	t.Helper()
	if out, err := exec.Command("ip", "netns", verb, name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns %s %s: %v: %s", verb, name, err, out)
	}
}

func TestLeftoversStateDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	want := []string{"state dir " + dir + " still exists"}
	if got := Leftovers(nil, dir); !slices.Equal(got, want) {
		t.Fatalf("Leftovers with the dir present = %q, want %q", got, want)
	}
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if got := Leftovers(nil, dir); len(got) != 0 {
		t.Fatalf("Leftovers with the dir gone = %q, want empty", got)
	}
	if got := Leftovers(nil, ""); len(got) != 0 {
		t.Fatalf("Leftovers with no dir = %q, want empty", got)
	}
}
