package e2e

// Running the lab binary as a learner would (as root, as nobody, with a
// script on stdin, with extra environment, paused at a hook point), and what
// one run did.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cnilab/lab/engine"
)

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

// labEnv runs lab with extra environment.
func labEnv(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(labBin, args...)
	cmd.Env = append(os.Environ(), env...)
	code, stdout, stderr := run(t, cmd)
	return result{args: args, code: code, stdout: stdout, stderr: stderr}
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

// pausedRun starts `lab run` with the test hook set and returns once it
// reports the pause, with the process still there.
func pausedRun(t *testing.T, lesson, scope, point string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(labBin, "run", lesson, "--scope", scope)
	cmd.Env = append(cmd.Environ(), engine.PauseEnv+"="+point)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	paused := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if sc.Text() == "CNILAB_PAUSED "+point {
				paused <- true
				for sc.Scan() { // keep draining so the process never blocks on stderr
				}
				return
			}
		}
		paused <- false
	}()
	select {
	case ok := <-paused:
		if !ok {
			cmd.Wait()
			t.Fatalf("lab run %s ended before pausing at %s", lesson, point)
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("lab run %s never reached %s", lesson, point)
	}
	return cmd
}
