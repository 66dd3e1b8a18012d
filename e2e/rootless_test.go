package e2e

// Rootless labs: lab run by users who are not root, each in a user
// namespace of their own. The users here have no account (uids 5432x), as
// any uid would do; each has a home of its own. The machine guard of
// TestMain is around all of it.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/internal/machine"
	"github.com/cnilab/lab/netops/ns"
	"github.com/cnilab/lab/netops/procfs"
	"github.com/cnilab/lab/netops/rootless"
)

// inUserNS reports whether the tests run in a user namespace (the suites
// TestRootlessSuites runs as an unprivileged user).
func inUserNS() bool { return ns.InUserNS() }

// singleIDMapping reports whether the tests run in a user namespace that
// maps one id only: no user but root exists there.
func singleIDMapping() bool { return ns.InUserNS() && !rootless.Mapping().Subordinate }

// needRootless skips a test that runs lab as other users: only root can
// switch to them, and not from inside a rootless lab.
func needRootless(t *testing.T) {
	t.Helper()
	needRoot(t)
	if inUserNS() {
		t.Skip("runs lab as other users: not from inside a rootless lab")
	}
}

// user is a uid with no account that runs lab as a learner would, rootless.
type user struct {
	uid  int
	home string
}

// newUser makes uid's home. At the end it stops uid's rootless lab and
// checks that no process of uid is left and that its meeting point holds
// no running holder.
func newUser(t *testing.T, uid int) *user {
	t.Helper()
	// Not t.TempDir(): its parent is root's alone, and the user must reach it.
	home, err := os.MkdirTemp("", fmt.Sprintf("cnilab-home-%d-", uid))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	if err := os.Chown(home, uid, uid); err != nil {
		t.Fatal(err)
	}
	u := &user{uid: uid, home: home}
	t.Cleanup(func() {
		u.lab(t, "", "stop")
		if left := noProcessesOf(uid); len(left) > 0 {
			t.Errorf("uid %d: processes left after lab stop: %v", uid, left)
			for _, pid := range left {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		os.RemoveAll(fmt.Sprintf("/tmp/cnilab-%d", uid))
	})
	return u
}

// lab runs `lab ARGS...` as the user, from its home, with stdin.
func (u *user) lab(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, labBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Dir = u.home
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(u.uid), Gid: uint32(u.uid)}}
	cmd.Env = u.env()
	r := result{args: args}
	r.code, r.stdout, r.stderr = run(t, cmd)
	return r
}

// env is a login-less environment: no XDG_RUNTIME_DIR, the user's home.
func (u *user) env() []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + u.home, "NO_COLOR=1",
		"CNILAB_STATE=" + filepath.Join(u.home, "state"), "TMUX_TMPDIR=" + u.home}
}

// processesOf are the pids of uid's processes, zombies aside.
func processesOf(uid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		var st syscall.Stat_t
		if syscall.Stat("/proc/"+e.Name(), &st) != nil || int(st.Uid) != uid || !procfs.Alive(pid) {
			continue
		}
		out = append(out, pid)
	}
	return out
}

// noProcessesOf waits, bounded, until uid has no process left, and
// returns those left: unshare, the holder's parent outside its
// namespaces, ends a moment after the holder.
func noProcessesOf(uid int) []int {
	deadline := time.Now().Add(5 * time.Second)
	for len(processesOf(uid)) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	return processesOf(uid)
}

// machineNetns are the machine's named namespaces that a rootless scope
// of these tests (rl*, rs*, the default scope's lab-*) would make: other
// tests run beside them.
func machineNetns(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("/run/netns")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, "rl") || strings.HasPrefix(n, "rs") || strings.HasPrefix(n, "lab-") {
			out = append(out, n)
		}
	}
	return out
}

// Every lesson and scenario as a user who is not root, through the real
// join (a holder started by the first command, each command nsentered):
// lab run and lab verify pass and lab reset removes it; a scenario's task
// fails verify, its solution typed into lab shell passes it. Nothing
// appears in the machine's /run/netns, and lab stop leaves no process.
func TestRootlessEveryLesson(t *testing.T) {
	needRootless(t)
	t.Parallel()
	u := newUser(t, 54322)
	before := machineNetns(t)
	var ids, scenarios []string
	for _, l := range readLessons(t) {
		ids = append(ids, l.ID)
	}
	cat, err := engine.LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range readScenarios(t) {
		scenarios = append(scenarios, s.ID)
	}
	t.Run("lessons", func(t *testing.T) {
		for i, id := range ids {
			t.Run(id, func(t *testing.T) {
				t.Parallel()
				scope := fmt.Sprintf("rl%d", i)
				if l, _ := cat.Get(id); l != nil && l.NeedsRealRoot() != "" {
					// Refused before anything is made, saying why.
					r := u.lab(t, "", "run", id, "--scope", scope)
					want(t, r, 2)
					wantContains(t, "lab run "+id, r.stderr, "needs root", "cgroup")
					want(t, u.lab(t, "", "reset", "--scope", scope), 0)
					return
				}
				want(t, u.lab(t, "", "run", id, "--scope", scope), 0)
				want(t, u.lab(t, "", "verify", id, "--scope", scope), 0)
				r := u.lab(t, "", "reset", "--scope", scope)
				want(t, r, 0)
				wantContains(t, "lab reset", r.stdout, "removed netns")
			})
		}
	})
	t.Run("scenarios", func(t *testing.T) {
		for i, id := range scenarios {
			t.Run(id, func(t *testing.T) {
				t.Parallel()
				scope := fmt.Sprintf("rs%d", i)
				want(t, u.lab(t, "", "task", id, "--scope", scope), 0)
				want(t, u.lab(t, "", "verify", id, "--scope", scope), 1)
				sol := u.lab(t, "", "solution", id, "--scope", scope)
				want(t, sol, 0)
				sh := u.lab(t, sol.stdout, "shell", "--scope", scope)
				want(t, sh, 0)
				want(t, u.lab(t, "", "verify", id, "--scope", scope), 0)
				want(t, u.lab(t, "", "reset", "--scope", scope), 0)
			})
		}
	})
	if after := machineNetns(t); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Errorf("the machine's /run/netns changed: %v, was %v", after, before)
	}
	r := u.lab(t, "", "stop")
	want(t, r, 0)
	wantContains(t, "lab stop", r.stdout, "stopped the rootless lab")
	if left := noProcessesOf(u.uid); len(left) > 0 {
		t.Errorf("processes of uid %d after lab stop: %v", u.uid, left)
	}
	if r := u.lab(t, "", "stop"); !strings.Contains(r.stdout, "no rootless lab is running") {
		t.Errorf("a second lab stop:\n%s", r)
	}
}

// What a user's root does in lab shell stays in the user's lab: a link,
// flushed rules, a sysctl, files under /etc/cni and /var/lib/cni, even
// from the holder's own namespace (nsenter to its pid 1). The machine's
// fingerprint is the same after.
func TestRootlessContainment(t *testing.T) {
	needRootless(t)
	t.Parallel()
	u := newUser(t, 54323)
	fp, err := machine.Take()
	if err != nil {
		t.Fatal(err)
	}
	want(t, u.lab(t, "", "task", "route", "--scope", "rc1"), 0)
	script := `set -e
id -u
ip link add contained0 type bridge
nft flush ruleset
iptables -F
sysctl -qw net.ipv4.ip_forward=1
mkdir -p /etc/cni/net.d /var/lib/cni
echo '{}' > /etc/cni/net.d/99-contained.conf
echo x > /var/lib/cni/contained
nsenter --target 1 --net -- ip link add contained1 type bridge
nsenter --target 1 --net -- sysctl -qw net.ipv4.ip_forward=1
echo done
`
	r := u.lab(t, script, "shell", "--scope", "rc1")
	want(t, r, 0)
	wantContains(t, "lab shell", r.stdout, "0\n", "done")
	for _, p := range []string{"/etc/cni/net.d/99-contained.conf", "/var/lib/cni/contained"} {
		if _, err := os.Stat(p); err == nil {
			os.Remove(p)
			t.Errorf("%s, written in the rootless lab, appeared in the machine", p)
		}
	}
	after, err := machine.Take()
	if err != nil {
		t.Fatal(err)
	}
	var changed []string
	for _, l := range fp.Diff(after) {
		// Other tests' scopes come and go meanwhile.
		if (strings.Contains(l, "/run/cnilab/") || strings.Contains(l, "/run/netns/")) && !strings.Contains(l, "rc1") {
			continue
		}
		changed = append(changed, l)
	}
	if len(changed) > 0 {
		t.Errorf("the machine changed:\n%s", strings.Join(changed, "\n"))
	}
	// Inside, it all happened.
	in := u.lab(t, "", "shell", "--scope", "rc1", "--", "sh", "-c", "cat /etc/cni/net.d/99-contained.conf; ip -br link show contained0")
	want(t, in, 0)
	wantContains(t, "inside", in.stdout, "{}", "contained0")
}

// A holder killed with SIGKILL at any moment takes the whole lab with it:
// the lesson's processes end (they are in its pid namespace), the next
// command starts a fresh one, lab reset finds nothing to remove.
func TestRootlessKillHolder(t *testing.T) {
	needRootless(t)
	t.Parallel()
	u := newUser(t, 54324)
	for round, lesson := range []string{"dnat", "nodes"} {
		want(t, u.lab(t, "", "run", lesson, "--scope", "rk"), 0)
		pid := holderPid(t, u)
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if left := noProcessesOf(u.uid); len(left) > 0 {
			t.Fatalf("round %d: processes of uid %d after the holder's SIGKILL: %v", round, u.uid, left)
		}
		r := u.lab(t, "", "reset", "--scope", "rk")
		want(t, r, 0)
		wantContains(t, "lab reset after the kill", r.stdout, "scope rk: nothing to remove")
		if pid2 := holderPid(t, u); pid2 == pid {
			t.Errorf("round %d: the same holder %d after its kill", round, pid)
		}
	}
	// And in the middle of a run: the run fails, nothing is left.
	run := exec.Command(labBin, "run", "nodes", "--scope", "rk")
	run.Dir, run.Env = u.home, u.env()
	run.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(u.uid), Gid: uint32(u.uid)}}
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	pid := holderPid(t, u) // the one the reset above started, which the run joins
	time.Sleep(time.Duration(100+time.Now().UnixNano()%400) * time.Millisecond)
	syscall.Kill(pid, syscall.SIGKILL)
	if err := run.Wait(); err == nil {
		t.Errorf("lab run nodes passed although its holder was killed during it")
	}
	if left := noProcessesOf(u.uid); len(left) > 0 {
		t.Fatalf("processes of uid %d after the holder's SIGKILL during a run: %v", u.uid, left)
	}
	r := u.lab(t, "", "reset", "--scope", "rk")
	want(t, r, 0)
	wantContains(t, "lab reset after the kill during a run", r.stdout, "scope rk: nothing to remove")
}

// holderPid is the user's running holder, as its meeting point says.
func holderPid(t *testing.T, u *user) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/tmp/cnilab-%d/holder", u.uid))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.Fields(string(b))[0])
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// Two users, each with a lab in the default scope "lab", at once: both
// pass, and neither sees the other's namespaces.
func TestRootlessTwoUsers(t *testing.T) {
	needRootless(t)
	t.Parallel()
	a, b := newUser(t, 54325), newUser(t, 54326)
	var wg sync.WaitGroup
	res := make([]result, 2)
	for i, u := range []*user{a, b} {
		wg.Go(func() { res[i] = u.lab(t, "", "run", []string{"veth", "bridge"}[i]) })
	}
	wg.Wait()
	want(t, res[0], 0)
	want(t, res[1], 0)
	la := a.lab(t, "", "shell", "--", "ip", "netns")
	lb := b.lab(t, "", "shell", "--", "ip", "netns")
	want(t, la, 0)
	want(t, lb, 0)
	if !strings.Contains(la.stdout, "client") || strings.Contains(la.stdout, "client1") {
		t.Errorf("uid %d sees:\n%s", a.uid, la.stdout)
	}
	if !strings.Contains(lb.stdout, "client1") || strings.Contains(lb.stdout, "client ") || strings.Contains(lb.stdout, "server\n") {
		t.Errorf("uid %d sees:\n%s", b.uid, lb.stdout)
	}
	// A pass in the default scope is the user's own, in the user's files.
	want(t, a.lab(t, "", "verify", "veth"), 0)
	var st syscall.Stat_t
	if err := syscall.Stat(filepath.Join(a.home, "state", "progress.json"), &st); err != nil || int(st.Uid) != a.uid {
		t.Errorf("uid %d's progress: %v, owner %d", a.uid, err, st.Uid)
	}
}

// The lesson self-test and this whole suite again, as an unprivileged
// user in a one-shot rootless lab (lab userns-hold --run, the holder's
// own set-up): every lesson, scenario, fault and CLI test on the kernel,
// with no privilege but the user's own user namespace.
func TestRootlessSuites(t *testing.T) {
	needRootless(t)
	if os.Getenv("CNILAB_TEST_BIN_DIR") != "" {
		t.Skip("this is the rootless run")
	}
	// Not parallel: the suites run alone, before the parallel tests start.
	// Two suites at once on two cores stretch their probes and captures
	// past the bounded waits they are graded with.
	race, err := waitRace()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(labBin)
	u := newUser(t, 54321)
	// The suites read lesson files and test data from their folders, which
	// the user may not reach (a clone under a folder of root's alone): they
	// run in a copy beside the binaries.
	src := filepath.Join(dir, "src")
	for _, d := range []string{"lessons", "e2e/testdata", "netops/cluster/testdata"} {
		if err := os.CopyFS(filepath.Join(src, d), os.DirFS(filepath.Join("..", d))); err != nil {
			t.Fatal(err)
		}
	}
	if err := exec.Command("chmod", "-R", "a+rX", src).Run(); err != nil {
		t.Fatal(err)
	}
	for _, suite := range []struct{ pkg, dir string }{{"../lessons", filepath.Join(src, "lessons")}, {".", filepath.Join(src, "e2e")}} {
		bin := filepath.Join(dir, filepath.Base(filepath.Clean(suite.pkg))+".test")
		if suite.pkg == "." {
			bin = filepath.Join(dir, "e2e.test")
		}
		if out, err := exec.Command("go", "test", "-c", "-o", bin, suite.pkg).CombinedOutput(); err != nil {
			t.Fatalf("go test -c %s: %v\n%s", suite.pkg, err, out)
		}
		cmd := exec.Command("setpriv", fmt.Sprintf("--reuid=%d", u.uid), fmt.Sprintf("--regid=%d", u.uid), "--clear-groups",
			"unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc",
			"--propagation", "private", "--", labBin, "userns-hold", "--run", "--",
			bin, "-test.count=1", "-test.parallel=6", "-test.timeout=10m")
		cmd.Dir = suite.dir
		cmd.Env = append(u.env(), "CNILAB_TEST_BIN_DIR="+dir, "CNILAB_TEST_RACE_BIN="+race)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Errorf("the %s suite as uid %d in a rootless lab: %v\n%s", suite.pkg, u.uid, err, tail(out.String(), 80))
		} else {
			t.Logf("the %s suite as uid %d in a rootless lab: %s", suite.pkg, u.uid, strings.TrimSpace(tail(out.String(), 1)))
		}
	}
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// The holder ends by itself once no scope remains and no command runs:
// after the last lab reset, it is gone within its idle poll (a second),
// bounded here by five.
func TestRootlessHolderEndsByItself(t *testing.T) {
	needRootless(t)
	t.Parallel()
	u := newUser(t, 54327)
	want(t, u.lab(t, "", "run", "veth", "--scope", "re"), 0)
	pid := holderPid(t, u)
	start := procfs.StartTime(pid)
	running := func() bool { return procfs.Alive(pid) && procfs.StartTime(pid) == start }
	want(t, u.lab(t, "", "reset", "--scope", "re"), 0)
	deadline := time.Now().Add(5 * time.Second)
	for running() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if running() {
		t.Fatalf("the holder %d still runs 5 s after the last scope was reset", pid)
	}
	if left := noProcessesOf(u.uid); len(left) > 0 {
		t.Errorf("processes of uid %d after the holder ended: %v", u.uid, left)
	}
	r := u.lab(t, "", "stop")
	want(t, r, 0)
	wantContains(t, "lab stop", r.stdout, "no rootless lab is running")
}
