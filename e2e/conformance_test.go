package e2e

// The mycni lesson's conformance battery, run by `lab verify mycni`.

import (
	"os"
	"path/filepath"
	"testing"
)

// The conformance battery grades whatever is installed as my-cni-demo: the
// lab's own plugin passes; a learner's lazy bash plugin (a result that was
// never configured, no error handling) fails, and verify says where.
func TestCLIConformanceBattery(t *testing.T) {
	t.Parallel()
	s := newScope(t, "c10conf")
	want(t, lab(t, "run", "mycni", "--scope", s), 0)
	rep := wantVerify(t, "mycni", s, 0)
	wantPassed(t, rep, "version", "add", "add-result", "check", "del", "del-again", "malformed")
	wantContains(t, "check", rep.check(t, "check").Detail, "cniVersion 1.1.0")

	lazy, err := filepath.Abs("testdata/my-cni-demo-lazy.sh")
	if err != nil {
		t.Fatal(err)
	}
	plugin := filepath.Join("/run/cnilab", s, "cni-bin", "my-cni-demo")
	os.Remove(plugin)
	if err := os.Symlink(lazy, plugin); err != nil {
		t.Fatal(err)
	}
	rep = wantVerify(t, "mycni", s, 1)
	wantFailed(t, rep, "add-result", []string{"the pod does not have"}, []string{"configured in CNI_NETNS"})
	wantFailed(t, rep, "malformed", []string{"exited 0"}, []string{`"code": 6`})
	wantPassed(t, rep, "version", "add", "del-again")
}
