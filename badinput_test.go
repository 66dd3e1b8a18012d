package main

import (
	"encoding/json"
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

// lab topo draws the live lab: text boxes and cables, the snapshot as JSON,
// a Graphviz graph; and says so when the scope is not set up.
func TestCLITopo(t *testing.T) {
	t.Parallel()
	s := newScope(t, "tp2")
	r := lab(t, "topo", "--scope", s)
	want(t, r, 2)
	wantContains(t, "topo before setup", r.stderr, "not set up")
	want(t, lab(t, "run", "bridge", "--scope", s), 0)
	txt := lab(t, "topo", "--scope", s)
	want(t, txt, 0)
	wantContains(t, "topo", txt.stdout, "┌ "+s+"-client1", "bridge1", "├ client1-veth-br", "172.30.0.11/24", s+"-host:eth0 ═══ "+s+"-world:eth0")
	js := lab(t, "topo", "--json", "--scope", s)
	want(t, js, 0)
	var snap struct {
		Namespaces []struct{ Name string } `json:"namespaces"`
	}
	if err := json.Unmarshal([]byte(js.stdout), &snap); err != nil || len(snap.Namespaces) != 4 {
		t.Errorf("topo --json: %v, %d namespaces\n%s", err, len(snap.Namespaces), js.stdout)
	}
	dot := lab(t, "topo", "--dot", "--scope", s)
	want(t, dot, 0)
	wantContains(t, "topo --dot", dot.stdout, "graph lab {", `"`+s+`-client1/client1-veth" -- "`+s+`-host/client1-veth-br"`)
}
