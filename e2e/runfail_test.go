package e2e

// `lab run` when a step's operation fails: the run stops there, says so,
// exits 2, and what was applied stays until reset.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCLIRunStepFails(t *testing.T) {
	t.Parallel()
	s := newScope(t, "rf1")
	src, err := os.ReadFile(filepath.Join(lessonsDir, "01-veth.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	old := "      - addr: {netns: client, dev: veth-client, addr: 10.0.0.11/24}\n"
	if !strings.Contains(string(src), old) {
		t.Fatalf("01-veth.yaml has no line %q", old)
	}
	dir := t.TempDir()
	broken := strings.Replace(string(src), old, strings.Replace(old, "dev: veth-client", "dev: nosuch", 1), 1)
	if err := os.WriteFile(filepath.Join(dir, "01-veth.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}

	r := lab(t, "run", "veth", "--scope", s, "--lessons", dir)
	want(t, r, 2)
	wantContains(t, "stdout", r.stdout, `error: step 3 "`, `"nosuch"`, "stopped after", "lab reset --scope "+s)
	wantContains(t, "stderr", r.stderr, "lab: the lesson could not run to its end: step 3")
	if strings.Contains(r.stdout, "[4/4]") {
		t.Errorf("the run went on after the failed step:\n%s", r.stdout)
	}
	// The first two steps stay applied, to look at.
	if left := strings.Join(leftovers(s), "\n"); !strings.Contains(left, `"`+s+`-client" still exists`) {
		t.Errorf("after the failed run, the scope holds:\n%s\nwant %s-client kept", left, s)
	}

	js := lab(t, "run", "veth", "--scope", s, "--lessons", dir, "--json")
	want(t, js, 2)
	wantContains(t, "run --json", js.stdout, `"passed": false`, `"error": "step 3 `)
}
