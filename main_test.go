package main

// In-process unit tests of what package main owns: argument checks and
// their exit codes, the root check's message, the printer of `lab run`, and
// the commands that need no kernel (list, script). The built binary is
// tested end to end in e2e/.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/cnilab/lab/engine"
)

// runLab runs lab in process with args and returns its exit code and what
// it wrote to stdout and stderr.
func runLab(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runLabIn(t, t.TempDir(), args...)
}

// runLabIn is runLab with the progress file in state.
func runLabIn(t *testing.T, state string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("CNILAB_STATE", state)
	t.Setenv("NO_COLOR", "1")
	outR, outW, _ := os.Pipe()
	errR, errW, _ := os.Pipe()
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = outW, errW
	outC, errC := make(chan string), make(chan string)
	go func() { b, _ := io.ReadAll(outR); outC <- string(b) }()
	go func() { b, _ := io.ReadAll(errR); errC <- string(b) }()
	code = execute(args)
	os.Stdout, os.Stderr = oldOut, oldErr
	outW.Close()
	errW.Close()
	return code, <-outC, <-errC
}

// Arguments lab cannot work with stop before any session is opened, with
// exit 2 and a message that says what to give instead.
func TestArgumentsUnit(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run"}, "lab run needs a LESSON (one of: veth, bridge, route"},
		{[]string{"verify", "veth", "route"}, "lab verify takes one LESSON, got 2 arguments: veth route"},
		{[]string{"script", "nosuch"}, `unknown lesson "nosuch" (lessons: veth, bridge`},
		{[]string{"demo", "veth", "--pace", "100ms"}, "--pace 100ms is too fast to follow; give 200ms or more"},
		{[]string{"topo", "--json", "--dot"}, "lab topo: give --json or --dot, not both"},
		{[]string{"shell", "client", "ip", "addr"}, "lab shell: put the command after --, as in: lab shell client -- ip addr"},
		{[]string{"shell", "client", "server", "--", "true"}, "lab shell takes at most one namespace before --"},
		{[]string{"list", "--scope", "Bad_Scope"}, ""}, // list ignores the scope
		{[]string{"nosuch"}, `unknown command "nosuch"`},
		{[]string{"run", "veth", "--bogus"}, "unknown flag: --bogus"},
	} {
		code, _, stderr := runLab(t, tc.args...)
		if tc.want == "" {
			if code != 0 {
				t.Errorf("lab %s: exit %d, want 0; stderr %q", strings.Join(tc.args, " "), code, stderr)
			}
			continue
		}
		if code != 2 || !strings.HasPrefix(stderr, "lab: ") || !strings.Contains(stderr, tc.want) {
			t.Errorf("lab %s: exit %d, stderr %q; want exit 2 and %q", strings.Join(tc.args, " "), code, stderr, tc.want)
		}
	}
}

// The root check names the command and every capability missing.
func TestPrivilegesErrorUnit(t *testing.T) {
	if err := privilegesError("lab run", nil); err != nil {
		t.Fatalf("nothing missing: %v", err)
	}
	for _, tc := range []struct {
		cmd     string
		missing []string
		want    string
	}{
		{"lab run", []string{"CAP_NET_ADMIN", "CAP_SYS_ADMIN"}, "lab run needs root: CAP_NET_ADMIN and CAP_SYS_ADMIN are missing (run it with sudo)"},
		{"lab", []string{"CAP_SYS_ADMIN"}, "lab needs root: CAP_SYS_ADMIN is missing (run it with sudo)"},
		{"lab learn", []string{"CAP_NET_ADMIN"}, "lab learn needs root: CAP_NET_ADMIN is missing"},
	} {
		err := privilegesError(tc.cmd, tc.missing)
		var ex *exitError
		if !errors.As(err, &ex) || ex.code != 2 || !strings.HasPrefix(ex.msg, tc.want) {
			t.Errorf("privilegesError(%q, %v) = %v, want exit 2 %q", tc.cmd, tc.missing, err, tc.want)
		}
	}
}

// list and script need neither root nor a kernel.
func TestListAndScriptUnit(t *testing.T) {
	code, out, stderr := runLab(t, "list", "--json")
	if code != 0 {
		t.Fatalf("lab list --json: exit %d: %s", code, stderr)
	}
	var items []struct {
		ID    string `json:"id"`
		Steps int    `json:"steps"`
		Done  bool   `json:"done"`
	}
	if err := json.Unmarshal([]byte(out), &items); err != nil || len(items) < 8 || items[0].ID != "veth" || items[0].Steps == 0 || items[0].Done {
		t.Fatalf("lab list --json = %v (%v), want veth first with steps, not done", items, err)
	}
	code, out, _ = runLab(t, "list")
	if code != 0 || !strings.Contains(out, "LESSON") || !strings.Contains(out, "veth") {
		t.Errorf("lab list: exit %d\n%s", code, out)
	}
	code, out, stderr = runLab(t, "script", "veth", "--scope", "t1")
	if code != 0 {
		t.Fatalf("lab script veth: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"#!/usr/bin/env bash", "after `lab task veth --scope t1`", "ip netns add t1-client",
		"ip netns exec t1-client ping -c 1 -W 1 10.0.0.12"} {
		if !strings.Contains(out, want) {
			t.Errorf("lab script veth --scope t1 lacks %q:\n%s", want, out)
		}
	}
}

func TestShellQuoteUnit(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.1":      "10.0.0.1",
		"/run/cnilab/x": "/run/cnilab/x",
		"":              "''",
		"a b":           "'a b'",
		"it's":          `'it'\''s'`,
		"$(reboot)":     "'$(reboot)'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

// The printer of `lab run` shows each stage of a step as a learner reads it.
func TestPrinterUnit(t *testing.T) {
	var b bytes.Buffer
	p := &printer{w: &b, steps: 2}
	p.event(engine.Event{Type: engine.StepStarted, Step: 0, Title: "Add the veth"})
	p.event(engine.Event{Type: engine.StepApplied, Commands: []string{"ip link add veth-client type veth peer name veth-server"},
		Notes: []engine.Note{{Title: "Result", Body: "{\n  \"ips\": []\n}\n"}}})
	p.event(engine.Event{Type: engine.CheckDone, Check: engine.CheckResult{Title: "client pings 10.0.0.12", Passed: true, Detail: "reply in 0.050ms (ttl 64)"}})
	lines := []string{"l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8"}
	p.event(engine.Event{Type: engine.CheckDone, Check: engine.CheckResult{Title: "capture", Detail: "no match", Hint: "run: ip link set eth0 up", Captured: lines}})
	p.event(engine.Event{Type: engine.StepStarted, Step: 1, Title: "Broken"})
	p.event(engine.Event{Type: engine.StepApplied, Commands: []string{"ip addr add 10.0.0.11/24 dev nosuch"}, Err: errors.New(`find link "nosuch" in netns "client": link not found`)})
	want := `
[1/2] Add the veth
  $ ip link add veth-client type veth peer name veth-server
  Result
    {
      "ips": []
    }
  ✓ client pings 10.0.0.12: reply in 0.050ms (ttl 64)
  ✗ capture: no match
      hint: run: ip link set eth0 up
      l1
      l2
      l3
      l4
      l5
      l6
      … 2 more

[2/2] Broken
  $ ip addr add 10.0.0.11/24 dev nosuch
  error: find link "nosuch" in netns "client": link not found
`
	if b.String() != want {
		t.Errorf("printer wrote:\n%s\nwant:\n%s", b.String(), want)
	}
	if p.checks != 2 || p.failed != 1 {
		t.Errorf("counted %d checks, %d failed; want 2, 1", p.checks, p.failed)
	}
}

// The indent writer shifts every line, also across writes that split lines.
func TestIndentUnit(t *testing.T) {
	var b bytes.Buffer
	w := &indent{w: &b}
	if n, err := io.WriteString(w, "a\nb"); n != 3 || err != nil {
		t.Fatalf("write returned %d, %v; want 3, nil", n, err)
	}
	io.WriteString(w, "c\n")
	if got, want := b.String(), "  a\n  bc\n"; got != want {
		t.Errorf("indent wrote %q, want %q", got, want)
	}
}

// lab progress sums up the progress file and --reset clears it.
func TestProgressUnit(t *testing.T) {
	state := t.TempDir()
	file := state + "/progress.json"
	if err := os.WriteFile(file, []byte(`{"done": {"veth": "2026-11-30T10:00:00Z", "no-forwarding": "2026-11-30T11:00:00Z"},
		"hints": {"no-forwarding": 2, "forward-drop": 1}, "solutions": {"forward-drop": 1},
		"exams": [{"graded": "2026-11-30T12:00:00Z", "score": 66.7, "tasks": ["veth", "dnat"], "late": true}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runLabIn(t, state, "progress")
	if code != 0 {
		t.Fatalf("lab progress: exit %d: %s", code, stderr)
	}
	entries, err := engine.Entries("")
	if err != nil {
		t.Fatal(err)
	}
	lessons := 0
	for _, e := range entries {
		if !e.Scenario() {
			lessons++
		}
	}
	of := fmt.Sprintf(" of %d", lessons)
	for _, want := range []string{"lessons passed    1" + of, "scenarios fixed   1 of ", "hints shown       3", "solutions shown   1", "66.7%", "(late)"} {
		if !strings.Contains(out, want) {
			t.Errorf("lab progress lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := runLabIn(t, state, "progress", "--reset"); code != 0 {
		t.Fatal("lab progress --reset failed")
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("after --reset the progress file is still there: %v", err)
	}
	if _, out, _ := runLabIn(t, state, "progress"); !strings.Contains(out, "lessons passed    0"+of) {
		t.Errorf("after --reset:\n%s", out)
	}
}
