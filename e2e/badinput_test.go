package e2e

// Input lab cannot work with: exit 2, a message that says why, nothing
// created.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/cnilab/lab/netops/ns"
	"golang.org/x/sys/unix"
)

// Input lab cannot work with: exit 2, a message that says why, nothing
// created.
func TestCLIBadInput(t *testing.T) {
	t.Parallel()

	t.Run("unknown-lesson", func(t *testing.T) {
		t.Parallel()
		s := newScope(t, "c4unknown")
		for _, cmd := range []string{"run", "task", "verify", "script"} {
			r := lab(t, cmd, "nosuch", "--scope", s)
			want(t, r, 2)
			wantContains(t, "stderr of lab "+cmd, r.stderr, `unknown lesson "nosuch"`, "veth", "bridge", "route")
			if r.stdout != "" {
				t.Errorf("lab %s printed on stdout:\n%s", cmd, r)
			}
			wantNothing(t, s)
		}
	})

	// Not root where user namespaces are not allowed: no rootless lab, and
	// lab says why and how to fix it. The machine's limit is left alone: the
	// commands run in a user namespace of their own whose limit is 0.
	t.Run("not-root-no-userns", func(t *testing.T) {
		t.Parallel()
		if inUserNS() {
			t.Skip("already in a user namespace: the test makes one that maps the machine's ids")
		}
		s := newScope(t, "c4nouserns")
		const uid = 54329
		t.Cleanup(func() { os.RemoveAll(fmt.Sprintf("/tmp/cnilab-%d", uid)) })
		// labAs runs lab as uid in a user namespace that maps the machine's
		// ids and may make no other.
		labAs := func(args ...string) result {
			script := fmt.Sprintf("echo 0 > /proc/sys/user/max_user_namespaces && exec setpriv --reuid=%d --regid=%d --clear-groups env HOME=/ %s %s",
				uid, uid, labBin, strings.Join(args, " "))
			cmd := exec.Command("sh", "-c", script)
			cmd.Dir = "/"
			cmd.SysProcAttr = &syscall.SysProcAttr{
				Cloneflags:                 syscall.CLONE_NEWUSER,
				UidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 65536}},
				GidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 65536}},
				GidMappingsEnableSetgroups: true,
			}
			r := result{args: args}
			r.code, r.stdout, r.stderr = run(t, cmd)
			return r
		}
		for _, args := range [][]string{{"run", "veth"}, {"verify", "veth"}, {"shell", "--", "true"}} {
			r := labAs(append(args, "--scope", s)...)
			want(t, r, 2)
			wantContains(t, "stderr", r.stderr, "lab "+args[0]+": the rootless lab's holder did not start",
				"user.max_user_namespaces = 0", "sudo sysctl -w user.max_user_namespaces=", "or run lab as root")
			wantNothing(t, s)
		}
		// doctor says the same as findings, with the fixes.
		r := labAs("doctor")
		want(t, r, 1)
		wantContains(t, "lab doctor", r.stdout, "✗ privileges", "user namespaces are not allowed here",
			"✗ user.max_user_namespaces = 0", "fix: sudo sysctl -w user.max_user_namespaces=")
	})

	t.Run("lesson-file-error", func(t *testing.T) {
		t.Parallel()
		s := newScope(t, "c4badfile")
		src, err := os.ReadFile(filepath.Join(lessonsDir, "01-veth.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(src), "\n")
		line := 0
		for i, l := range lines {
			if l == "      - netns: {name: client}" {
				lines[i] = "      - netns: {name: client, colour: blue}"
				line = i + 1
				break
			}
		}
		if line == 0 {
			t.Fatal("01-veth.yaml has no `- netns: {name: client}` line")
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "01-veth.yaml"), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		where := fmt.Sprintf("%s:%d:", filepath.Join(dir, "01-veth.yaml"), line)
		for _, args := range [][]string{{"run", "veth"}, {"task", "route"}, {"list"}} {
			r := lab(t, append(args, "--lessons", dir, "--scope", s)...)
			want(t, r, 2)
			wantContains(t, "stderr", r.stderr, where, `"colour"`)
			wantNothing(t, s)
		}
	})

	t.Run("foreign-netns", func(t *testing.T) {
		t.Parallel()
		s := newScope(t, "c4foreign")
		mine := s + "-client"
		out, err := exec.Command("ip", "netns", "add", mine).CombinedOutput()
		if err != nil {
			t.Fatalf("ip netns add %s: %v %s", mine, err, out)
		}
		ino := netnsInode(t, mine)
		// Runs before the scope's cleanup: ours, so removed by exact name,
		// and only when it is still the one made here.
		t.Cleanup(func() {
			if got, err := ns.Inode(ns.Path(mine)); err == nil && got == ino {
				if out, err := exec.Command("ip", "netns", "del", mine).CombinedOutput(); err != nil {
					t.Errorf("ip netns del %s: %v %s", mine, err, out)
				}
			}
		})

		for _, cmd := range []string{"run", "task"} {
			r := lab(t, cmd, "veth", "--scope", s)
			want(t, r, 2)
			wantContains(t, "stderr", r.stderr, `"`+mine+`"`, "not made by lab")
			if got := netnsInode(t, mine); got != ino {
				t.Fatalf("lab %s replaced %s: inode %d, was %d", cmd, mine, got, ino)
			}
			left := leftovers(s)
			if len(left) != 1 || !strings.Contains(left[0], `"`+mine+`"`) {
				t.Errorf("after lab %s, want only %s, found:\n\t%s", cmd, mine, strings.Join(left, "\n\t"))
			}
		}
		// reset never touches what lab did not make.
		r := lab(t, "reset", "--scope", s)
		want(t, r, 0)
		wantContains(t, "lab reset", r.stdout, "nothing to remove")
		if got := netnsInode(t, mine); got != ino {
			t.Fatalf("lab reset replaced %s", mine)
		}

		if out, err := exec.Command("ip", "netns", "del", mine).CombinedOutput(); err != nil {
			t.Fatalf("ip netns del %s: %v %s", mine, err, out)
		}
		wantNothing(t, s)
	})

	t.Run("busy", func(t *testing.T) {
		t.Parallel()
		s := newScope(t, "c4busy")
		dir := stateDir(s)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		lockPath := filepath.Join(dir, "lock")
		f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		release := func() {
			if f == nil {
				return
			}
			unix.Flock(int(f.Fd()), unix.LOCK_UN)
			f.Close()
			f = nil
			os.Remove(lockPath)
			os.Remove(dir)
		}
		t.Cleanup(release) // before the scope's cleanup, which needs the lock
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			t.Fatalf("flock %s: %v", lockPath, err)
		}
		pid := os.Getpid()
		fmt.Fprintf(f, "pid %d (test)\n", pid)

		for _, args := range [][]string{{"run", "veth"}, {"task", "veth"}, {"reset"}} {
			r := lab(t, append(args, "--scope", s)...)
			want(t, r, 2)
			wantContains(t, "stderr", r.stderr, "busy", fmt.Sprintf("pid %d (test)", pid))
			for _, n := range netnsNames(s) {
				if ns.Exists(n) {
					t.Errorf("lab %s on a busy scope made %s", args[0], n)
				}
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("lab %s on a busy scope wrote to %s: %v", args[0], dir, entries)
			}
		}
		release()
		wantNothing(t, s)
	})
}

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
			src, err := os.ReadFile(filepath.Join(lessonsDir, "03-route.yaml"))
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
