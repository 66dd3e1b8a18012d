package e2e

// `lab task --env`: the stage set up once and its names as shell variables.

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// task --env prints KEY=VALUE lines bash can eval.
func TestCLITaskEnv(t *testing.T) {
	t.Parallel()
	s := newScope(t, "c5env")
	r := lab(t, "task", "veth", "--env", "--scope", s)
	want(t, r, 0)
	if r.stderr != "" {
		t.Errorf("task --env wrote on stderr:\n%s", r)
	}
	line := regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=[^\s]+$`)
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		if !line.MatchString(l) {
			t.Errorf("task --env: %q is not KEY=VALUE", l)
			continue
		}
		k, v, _ := strings.Cut(l, "=")
		got[k] = v
	}
	wantVars := map[string]string{
		"HOST_IP":   "172.17.0.33",
		"LAB_SCOPE": s,
		"LAB_HOST":  s + "-host",
		"LAB_WORLD": s + "-world",
	}
	for k, v := range wantVars {
		if got[k] != v {
			t.Errorf("task --env: %s=%q, want %q\n%s", k, got[k], v, r.stdout)
		}
	}

	// bash evals it as it is.
	bash := exec.Command("bash", "-c", `set -eu; eval "$(cat)"; printf '%s|%s|%s|%s\n' "$HOST_IP" "$LAB_SCOPE" "$LAB_HOST" "$LAB_WORLD"`)
	bash.Env = []string{"PATH=" + os.Getenv("PATH")}
	bash.Stdin = strings.NewReader(r.stdout)
	code, out, errs := run(t, bash)
	if wantOut := fmt.Sprintf("172.17.0.33|%s|%s-host|%s-world\n", s, s, s); code != 0 || out != wantOut {
		t.Errorf("eval of task --env: exit %d, %q, want %q (stderr %s)", code, out, wantOut, errs)
	}

	// --env sets the stage up once: asked again, it keeps the one in place.
	ino := netnsInode(t, s+"-host")
	again := lab(t, "task", "veth", "--env", "--scope", s)
	want(t, again, 0)
	if again.stdout != r.stdout {
		t.Errorf("task --env twice: %q, then %q", r.stdout, again.stdout)
	}
	if netnsInode(t, s+"-host") != ino {
		t.Errorf("task --env on a scope that holds the lesson rebuilt %s-host", s)
	}
}
