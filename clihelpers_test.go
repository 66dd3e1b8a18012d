package main

// Helpers of the end-to-end tests in cli_test.go: they build the lab binary
// once, run it as a learner would (as root, or as nobody), and make sure
// every test's scope is gone when the test ends.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cnilab/lab/netops/machine"
	"github.com/cnilab/lab/netops/ns"
	"gopkg.in/yaml.v3"
)

var (
	// labBin is the lab binary built once by TestMain.
	labBin string
	// progressDir is $CNILAB_STATE of every lab the tests run.
	progressDir string
)

func TestMain(m *testing.M) { os.Exit(testMain(m)) }

// cniPlugins are the reference plugins the CNI lessons run (go.mod's tools).
var cniPlugins = []string{
	"github.com/containernetworking/plugins/plugins/main/bridge",
	"github.com/containernetworking/plugins/plugins/ipam/host-local",
	"github.com/containernetworking/plugins/plugins/main/loopback",
	"github.com/containernetworking/plugins/plugins/meta/portmap",
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "cnilab-cli-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	// The not-root tests run the binary as nobody: it must reach it.
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "chmod temp dir:", err)
		return 1
	}
	labBin = filepath.Join(dir, "lab")
	// lab looks for the CNI plugins in the cni folder next to itself.
	for _, b := range [][]string{{"-o", labBin, "."}, append([]string{"-o", filepath.Join(dir, "cni") + "/"}, cniPlugins...)} {
		build := exec.Command("go", append([]string{"build"}, b...)...)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "go build", b, ":", err)
			return 1
		}
	}
	progressDir = filepath.Join(dir, "state")
	os.Setenv("CNILAB_STATE", progressDir)
	os.Setenv("NO_COLOR", "1")

	check := machine.Guard()
	code := m.Run()
	if err := check(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	// Progress is the learner's: a test scope never writes it.
	if _, err := os.Stat(filepath.Join(progressDir, "progress.json")); err == nil {
		fmt.Fprintln(os.Stderr, "a test scope wrote the progress file", filepath.Join(progressDir, "progress.json"))
		code = 1
	}
	return code
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: the lab makes network namespaces")
	}
}

// result is what one lab process did.
type result struct {
	args           []string
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("lab %s: exit %d\n--- stdout:\n%s--- stderr:\n%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// cmdLimit only keeps a hung command from hanging the suite; no test
// asserts on time.
const cmdLimit = 2 * time.Minute

func run(t *testing.T, cmd *exec.Cmd) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	var ex *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ex) && ex.Exited():
		code = ex.ExitCode()
	default:
		t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(cmd.Args, " "), err, out.String(), errb.String())
	}
	return code, out.String(), errb.String()
}

// labRun runs the lab binary with stdin (may be empty) and, when cred is
// not nil, as that user.
func labRun(t *testing.T, stdin string, cred *syscall.Credential, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, labBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		cmd.Dir = "/"
	}
	r := result{args: args}
	r.code, r.stdout, r.stderr = run(t, cmd)
	return r
}

// lab runs `lab ARGS...` as root.
func lab(t *testing.T, args ...string) result {
	t.Helper()
	return labRun(t, "", nil, args...)
}

// labIn runs `lab ARGS...` with a script on stdin, as a pipe.
func labIn(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return labRun(t, stdin, nil, args...)
}

// nobody is the user the not-root tests run lab as.
var nobody = &syscall.Credential{Uid: 65534, Gid: 65534}

// want fails the test unless lab exited with code.
func want(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit %d, got\n%s", code, r)
	}
}

// wantContains fails the test unless s holds every part.
func wantContains(t *testing.T, what, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("%s does not contain %q:\n%s", what, p, s)
		}
	}
}

// shell runs a script in `lab shell --scope S` (the sandbox host), stopping
// at the first command that fails, as a learner's typing would be noticed.
func shell(t *testing.T, scope, script string) result {
	t.Helper()
	return labIn(t, "set -e\n"+script, "shell", "--scope", scope)
}

// checkJSON and reportJSON are `lab verify --json`, decoded strictly.
type checkJSON struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail"`
	Hint   string `json:"hint"`
}

type reportJSON struct {
	Lesson string      `json:"lesson"`
	Passed bool        `json:"passed"`
	Checks []checkJSON `json:"checks"`
}

func (r reportJSON) check(t *testing.T, id string) checkJSON {
	t.Helper()
	for _, c := range r.Checks {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("verify %s has no check %q: %+v", r.Lesson, id, r.Checks)
	return checkJSON{}
}

// firstFailed is the first check that failed, or nil.
func (r reportJSON) firstFailed() *checkJSON {
	for i := range r.Checks {
		if !r.Checks[i].Passed {
			return &r.Checks[i]
		}
	}
	return nil
}

func (r reportJSON) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "verify %s: passed %v\n", r.Lesson, r.Passed)
	for _, c := range r.Checks {
		mark := "ok  "
		if !c.Passed {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "  %s %s: %s | %s", mark, c.ID, c.Title, c.Detail)
		if c.Hint != "" {
			fmt.Fprintf(&b, " | hint: %s", c.Hint)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// verify runs `lab verify LESSON --json --scope S`, checks the exit code
// against the report and returns both.
func verify(t *testing.T, lesson, scope string) (result, reportJSON) {
	t.Helper()
	r := lab(t, "verify", lesson, "--json", "--scope", scope)
	if r.code != 0 && r.code != 1 {
		t.Fatalf("verify could not check:\n%s", r)
	}
	var rep reportJSON
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("verify --json: %v\n%s", err, r)
	}
	if rep.Lesson != lesson {
		t.Errorf("verify --json: lesson %q, want %q", rep.Lesson, lesson)
	}
	if len(rep.Checks) == 0 {
		t.Errorf("verify --json: no checks\n%s", r)
	}
	all := true
	for _, c := range rep.Checks {
		all = all && c.Passed
		if c.ID == "" || c.Title == "" || c.Detail == "" {
			t.Errorf("verify --json: check without id, title or detail: %+v", c)
		}
	}
	if rep.Passed != all {
		t.Errorf("verify --json: passed %v, but the checks say %v\n%s", rep.Passed, all, rep)
	}
	if (r.code == 0) != rep.Passed {
		t.Errorf("verify: exit %d with passed %v\n%s", r.code, rep.Passed, rep)
	}
	return r, rep
}

// wantVerify runs verify and fails the test unless it exited with code.
func wantVerify(t *testing.T, lesson, scope string, code int) reportJSON {
	t.Helper()
	r, rep := verify(t, lesson, scope)
	if r.code != code {
		t.Fatalf("verify %s: want exit %d, got %d\n%s%s", lesson, code, r.code, rep, r.stderr)
	}
	return rep
}

// wantFailed fails the test unless check id failed and its detail and
// hint hold the given parts.
func wantFailed(t *testing.T, rep reportJSON, id string, detail, hint []string) checkJSON {
	t.Helper()
	c := rep.check(t, id)
	if c.Passed {
		t.Errorf("check %s passed, want it failed\n%s", id, rep)
		return c
	}
	wantContains(t, "detail of check "+id, c.Detail, detail...)
	wantContains(t, "hint of check "+id, c.Hint, hint...)
	return c
}

func wantPassed(t *testing.T, rep reportJSON, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if c := rep.check(t, id); !c.Passed {
			t.Errorf("check %s failed, want it passed\n%s", id, rep)
		}
	}
}

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
	sort.Strings(out)
	return out
}

// markedProcesses lists running processes that lab started for the scope
// (its web servers): reset must stop every one.
func markedProcesses(scope string) []string {
	var out []string
	mark := []byte("CNILAB_SCOPE=" + scope + "\x00")
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
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

// lessonFacts are what the lesson files say, read with yaml directly, to
// hold the CLI's output against.
type lessonFacts struct {
	ID     string      `yaml:"id"`
	Steps  []yaml.Node `yaml:"steps"`
	Verify []yaml.Node `yaml:"verify"`
}

func readLessons(t *testing.T) []lessonFacts {
	t.Helper()
	files, err := filepath.Glob("lessons/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("lesson files: %v %v", files, err)
	}
	sort.Strings(files)
	var out []lessonFacts
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var l lessonFacts
		if err := yaml.Unmarshal(b, &l); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, l)
	}
	return out
}

func lessonFile(t *testing.T, id string) lessonFacts {
	t.Helper()
	for _, l := range readLessons(t) {
		if l.ID == id {
			return l
		}
	}
	t.Fatalf("no lesson file with id %q", id)
	return lessonFacts{}
}

// edit replaces old with new in a script, failing the test when old is not
// there: a wrong variant must differ from the right one.
func edit(t *testing.T, script, old, new string) string {
	t.Helper()
	if !strings.Contains(script, old) {
		t.Fatalf("script has no %q:\n%s", old, script)
	}
	return strings.Replace(script, old, new, 1)
}

// dropLines removes the lines that contain part, failing the test when
// there is none.
func dropLines(t *testing.T, script, part string) string {
	t.Helper()
	var keep []string
	dropped := 0
	for _, l := range strings.SplitAfter(script, "\n") {
		if strings.Contains(l, part) {
			dropped++
			continue
		}
		keep = append(keep, l)
	}
	if dropped == 0 {
		t.Fatalf("script has no line with %q:\n%s", part, script)
	}
	return strings.Join(keep, "")
}

// forwarding reads the machine's own net.ipv4.ip_forward (the test
// process never leaves the machine's namespace).
func forwarding(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
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
