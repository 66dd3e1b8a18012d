package e2e

// End-to-end tests of the walkthrough: `lab learn` and `lab demo` run in a
// real terminal (a detached tmux session on a tmux server of the test's
// own), on the real kernel, driven by keys and read back from the screen.
// Root only, like every kernel test; they skip without tmux.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxLimit bounds a whole walkthrough test: every wait polls the screen
// until it shows what it should, and gives up at this deadline.
const tmuxLimit = 30 * time.Second

// tmuxTerm is one detached tmux session running a shell command.
type tmuxTerm struct {
	t        *testing.T
	socket   string // -L: a tmux server of this test alone
	name     string // the session, matched exactly
	deadline time.Time
	last     string // the last screen read
}

// newTmux starts `sh -c cmd` in a detached w x h session. The session is
// killed, by its exact name, when the test ends.
func newTmux(t *testing.T, name string, w, h int, cmd string) *tmuxTerm {
	t.Helper()
	needRoot(t)
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("needs tmux (apt-get install tmux)")
	}
	tm := &tmuxTerm{t: t, socket: fmt.Sprintf("cnilab-test-%d-%s", os.Getpid(), name), name: name,
		deadline: time.Now().Add(tmuxLimit)}
	// -u: the screen is UTF-8 (✓, box drawing) whatever the locale says.
	tm.tmux("-u", "new-session", "-d", "-s", name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), cmd)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last screen of tmux session %s:\n%s", name, tm.capture())
		}
		// The server ends with its last session.
		_ = exec.Command("tmux", "-L", tm.socket, "kill-session", "-t", "="+name).Run()
	})
	return tm
}

// tmux runs a tmux command on the test's server.
func (tm *tmuxTerm) tmux(args ...string) string {
	tm.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "tmux", append([]string{"-L", tm.socket}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		tm.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// capture is the screen as text, or "" once the session is gone.
func (tm *tmuxTerm) capture() string {
	out, err := exec.Command("tmux", "-L", tm.socket, "capture-pane", "-p", "-t", "="+tm.name+":").Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// send types keys (tmux key names: "n", "q", "Space").
func (tm *tmuxTerm) send(keys ...string) {
	tm.t.Helper()
	tm.tmux(append([]string{"send-keys", "-t", "=" + tm.name + ":"}, keys...)...)
}

// waitFor polls the screen until it shows every part, and returns it.
func (tm *tmuxTerm) waitFor(what string, parts ...string) string {
	tm.t.Helper()
	for {
		tm.last = tm.capture()
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(tm.last, p)
		}
		if ok {
			return tm.last
		}
		if time.Now().After(tm.deadline) {
			tm.t.Fatalf("%s: the screen does not show %q within %s:\n%s", what, parts, tmuxLimit, tm.last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// labCmd is the session's command: lab, then its exit code, then a pause
// that keeps the screen for the test to read.
func labCmd(args ...string) string {
	return fmt.Sprintf("%s %s; echo EXITED $?; sleep 60", labBin, strings.Join(args, " "))
}

// waitGone waits until no lab process of the scope runs: it holds the
// scope's lock, and `lab reset` would find it busy.
func waitGone(t *testing.T, scope string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		busy := ""
		procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, p := range procs {
			b, err := os.ReadFile(p)
			if err == nil && bytes.HasPrefix(b, []byte(labBin+"\x00")) && bytes.Contains(b, []byte("\x00--scope\x00"+scope+"\x00")) {
				busy = p
			}
		}
		if busy == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a lab of scope %s still runs: %s", scope, busy)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// quitKeeping leaves the walkthrough with q, k and checks lab exited 0.
func quitKeeping(t *testing.T, tm *tmuxTerm, scope string) {
	t.Helper()
	tm.send("q")
	tm.waitFor("q", "Leave the walkthrough?", "keep the lab in place")
	tm.send("k")
	screen := tm.waitFor("q k", "EXITED ")
	if !strings.Contains(screen, "EXITED 0") {
		t.Fatalf("lab did not exit 0:\n%s", screen)
	}
	waitGone(t, scope)
}

// wantLessonKept checks the lab the walkthrough built: verify passes, and
// reset removes all of it.
func wantLessonKept(t *testing.T, scope string) {
	t.Helper()
	if r := lab(t, "verify", "veth", "--scope", scope); r.code != 0 {
		t.Fatalf("verify after the walkthrough, keeping the lab: want exit 0\n%s", r)
	}
	want(t, lab(t, "reset", "--scope", scope), 0)
	wantNothing(t, scope)
}

func TestTmuxLearn(t *testing.T) {
	t.Parallel()
	s := newScope(t, "tuilearn")
	tm := newTmux(t, "learn-"+s, 100, 30, labCmd("learn", "veth", "--scope", s))

	sawCommand, sawCheck := false, false
	for i := 1; i <= 4; i++ {
		head := fmt.Sprintf("step %d/4", i)
		tm.waitFor(head, head, "press n to apply this step")
		tm.send("n")
		screen := tm.waitFor(head+" applied", head, "applied in")
		if strings.Contains(screen, "✗") {
			t.Errorf("step %d failed:\n%s", i, screen)
		}
		if i == 1 {
			sawCommand = strings.Contains(screen, "ip netns add "+s+"-client")
		}
		sawCheck = sawCheck || strings.Contains(screen, "✓ ")
		tm.send("n")
	}
	tm.waitFor("after the last step", "Lesson complete", "done  scope "+s)
	if !sawCommand {
		t.Error("step 1 did not show the command ip netns add " + s + "-client")
	}
	if !sawCheck {
		t.Error("no step showed a passed check (✓)")
	}
	quitKeeping(t, tm, s)
	wantLessonKept(t, s)
}

func TestTmuxDemo(t *testing.T) {
	t.Parallel()
	s := newScope(t, "tuidemo")
	tm := newTmux(t, "demo-"+s, 100, 30, labCmd("demo", "veth", "--pace", "300ms", "--scope", s))
	tm.waitFor("the demo starts", "demo", "step 1/4")
	// No key: the demo plays by itself.
	screen := tm.waitFor("the demo plays to the end", "Lesson complete", "done")
	if strings.Contains(screen, "✗") {
		t.Errorf("the demo shows a failure:\n%s", screen)
	}
	quitKeeping(t, tm, s)
	wantLessonKept(t, s)
}

// The walkthrough's by-hand mode: y on step 1, the learner types the step's
// commands in lab shell in another terminal, and the step's checks tick
// green on their own (no key press) as the kernel changes.
func TestTmuxByHand(t *testing.T) {
	t.Parallel()
	s := newScope(t, "tuihand")
	tm := newTmux(t, "hand-"+s, 100, 30, labCmd("learn", "veth", "--scope", s))
	tm.waitFor("step 1", "step 1/4", "press n to apply this step")
	tm.send("y")
	tm.waitFor("y", "You do it", "sudo lab shell --scope "+s, "ip netns add "+s+"-client", "✗")

	sh := newTmux(t, "handshell-"+s, 100, 30, labBin+" shell --scope "+s+"; sleep 60")
	sh.waitFor("lab shell", "lab shell: you are in netns "+s+"-host")
	typed := time.Now()
	sh.send("ip netns add "+s+"-client; ip netns add "+s+"-server", "Enter")
	screen := tm.waitFor("the checks pass by themselves", "done by hand", "press n for the next step")
	t.Logf("done by hand %s after the command was typed (no key pressed in the walkthrough)", time.Since(typed).Round(time.Millisecond))
	if strings.Contains(screen, "✗") {
		t.Errorf("a check still fails after it passed:\n%s", screen)
	}
	sh.send("exit", "Enter")
	// The lab goes on from the learner's own state: step 2 applies on it.
	tm.send("n")
	tm.waitFor("step 2", "step 2/4", "press n to apply this step")
	tm.send("n")
	if screen := tm.waitFor("step 2 applied", "applied in"); strings.Contains(screen, "✗") {
		t.Errorf("step 2 on the namespaces typed by hand failed:\n%s", screen)
	}
	quitKeeping(t, tm, s)
	want(t, lab(t, "reset", "--scope", s), 0)
}

// lab practice: a scenario opens with its live checks failing, h gives a
// hint, s waits for an attempt, v is that attempt, and the fix typed in
// lab shell turns the task solved on screen without a key press.
func TestTmuxPractice(t *testing.T) {
	t.Parallel()
	s := newScope(t, "tuiprac")
	tm := newTmux(t, "prac-"+s, 110, 40, labCmd("practice", "no-default-route", "--scope", s))
	tm.waitFor("the task opens", "no-default-route", "Symptom", "sudo lab shell --scope "+s, "✗")
	tm.send("s")
	tm.waitFor("s before an attempt", "try first: press v to verify")
	tm.send("h")
	tm.waitFor("h", "hint 1/3")
	tm.send("v")
	// A key pressed while verify runs is not taken: wait for its answer.
	tm.waitFor("v", "s shows the solution now")
	tm.send("s")
	tm.waitFor("s after a failed verify", "Solution", "ip route add default via 172.30.0.1")
	typed := time.Now()
	want(t, shell(t, s, "ip netns exec "+s+"-client1 ip route add default via 172.30.0.1"), 0)
	screen := tm.waitFor("the checks pass by themselves", "✓ Solved")
	t.Logf("solved on screen %s after the fix was typed (no key pressed)", time.Since(typed).Round(time.Millisecond))
	if strings.Contains(screen, "✗") {
		t.Errorf("a check still fails once solved:\n%s", screen)
	}
	tm.send("q")
	if screen := tm.waitFor("q", "EXITED "); !strings.Contains(screen, "EXITED 0") {
		t.Fatalf("lab practice did not exit 0:\n%s", screen)
	}
	waitGone(t, s)
	want(t, lab(t, "verify", "no-default-route", "--scope", s), 0) // the lab stayed
	want(t, lab(t, "reset", "--scope", s), 0)
}
