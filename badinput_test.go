package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// More input lab cannot work with: each exit 2, a message naming the
// offending thing, nothing created.
func TestCLIBadInputMore(t *testing.T) {
	t.Parallel()

	t.Run("missing plugin", func(t *testing.T) {
		s := newScope(t, "bi1")
		r := labEnv(t, []string{"CNILAB_CNI_PATH=" + t.TempDir()}, "run", "cni", "--scope", s)
		want(t, r, 2)
		wantContains(t, "stderr", r.stderr, "CNI plugin bridge is missing", "make build")
		wantNothing(t, s)
	})

	t.Run("plugin not executable", func(t *testing.T) {
		s := newScope(t, "bi2")
		dir := t.TempDir()
		for _, p := range []string{"bridge", "host-local"} {
			os.WriteFile(filepath.Join(dir, p), []byte("#!/bin/sh\n"), 0o644)
		}
		r := labEnv(t, []string{"CNILAB_CNI_PATH=" + dir}, "task", "cni", "--scope", s)
		want(t, r, 2)
		wantContains(t, "stderr", r.stderr, "CNI plugin bridge is not executable")
		wantNothing(t, s)
	})

	t.Run("missing kernel feature", func(t *testing.T) {
		s := newScope(t, "bi4")
		r := labEnv(t, []string{"CNILAB_TEST_MISSING_FEATURE=nftables"}, "run", "route", "--scope", s)
		want(t, r, 2)
		wantContains(t, "stderr", r.stderr, "this kernel lacks nftables")
		wantNothing(t, s)
	})

	for _, c := range []struct{ name, old, new, want string }{
		{"gateway outside the subnet", "      - route: {netns: client1, dst: default, via: 172.30.0.1}",
			"      - route: {netns: client1, dst: default, via: 172.31.0.1}", "172.31.0.1 is outside every subnet"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newScope(t, "bi3")
			dir := t.TempDir()
			src, err := os.ReadFile("lessons/03-route.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(src), c.old) {
				t.Fatalf("03-route.yaml has no line %q", c.old)
			}
			os.WriteFile(filepath.Join(dir, "03-route.yaml"), []byte(strings.Replace(string(src), c.old, c.new, 1)), 0o644)
			r := lab(t, "run", "route", "--scope", s, "--lessons", dir)
			want(t, r, 2)
			wantContains(t, "stderr", r.stderr, filepath.Join(dir, "03-route.yaml")+":", c.want)
			wantNothing(t, s)
		})
	}
}

// labEnv runs lab with extra environment.
func labEnv(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(labBin, args...)
	cmd.Env = append(os.Environ(), env...)
	code, stdout, stderr := run(t, cmd)
	return result{code: code, stdout: stdout, stderr: stderr}
}

// lab doctor on this machine: every required part is there, the CNI
// plugins with their versions, and a foreign namespace with a lesson's name
// in the scope is reported with the fix.
func TestCLIDoctor(t *testing.T) {
	t.Parallel()
	s := newScope(t, "dr1")
	exec.Command("ip", "netns", "add", s+"-client").Run()
	t.Cleanup(func() { exec.Command("ip", "netns", "del", s+"-client").Run() })
	r := labEnv(t, []string{"CNILAB_CNI_PATH=" + filepath.Join(filepath.Dir(labBin), "cni")}, "doctor", "--json", "--scope", s)
	want(t, r, 0)
	wantContains(t, "doctor --json", r.stdout, `"ok": true`, `"what": "CNI plugin bridge"`, `"what": "kernel: nftables"`,
		s+"-client exist and were not made by lab", "ip netns del NAME")
}
