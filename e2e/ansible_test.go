package e2e

// Article 000's own play (tasks 2 to 8) run by ansible-playbook against the
// lab's nodes, through lab inventory's nsenter connection: lab verify nodes
// passes, and the machine's /etc/cni and /opt/cni stay as they were. It
// runs where ansible is installed (Debian's ansible package ships the
// community.docker collection and its nsenter connection).

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestAnsiblePlaybookOnNodes(t *testing.T) {
	t.Parallel()
	needRoot(t)
	playbook, err := exec.LookPath("ansible-playbook")
	if err != nil {
		if os.Getenv("CNILAB_TEST_DEPS") != "" {
			t.Fatal("ansible-playbook is missing although make test installed the tests' packages (scripts/deps.sh --test)")
		}
		t.Skip("needs ansible-playbook (apt-get install ansible; make test installs it)")
	}
	if inUserNS() {
		t.Skip("ansible's nsenter connection cannot make its temporary folder on a node of a rootless lab (the play runs as root)")
	}
	s := newScope(t, "ansible")
	var machineHad []string
	for _, d := range []string{"/etc/cni", "/opt/cni"} {
		if _, err := os.Stat(d); err == nil {
			machineHad = append(machineHad, d)
		}
	}
	want(t, lab(t, "task", "nodes", "--scope", s), 0)
	dir := t.TempDir()
	for _, f := range []string{"playbook.yaml", "10-my-cni-demo.conf.j2"} {
		b, err := os.ReadFile(filepath.Join("testdata/ansible", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := lab(t, "task", "nodes", "--scope", s, "--env")
	want(t, env, 0)
	varsPath := ""
	for _, l := range strings.Split(env.stdout, "\n") {
		if v, ok := strings.CutPrefix(l, "LAB_VARS="); ok {
			varsPath = v
		}
	}
	vars, err := os.ReadFile(varsPath)
	if err != nil {
		t.Fatalf("LAB_VARS %q: %v", varsPath, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "vars.yaml"), vars, 0o644); err != nil {
		t.Fatal(err)
	}
	inv := lab(t, "inventory", "--scope", s)
	want(t, inv, 0)
	if err := os.WriteFile(filepath.Join(dir, "inventory.ini"), []byte(inv.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(playbook, "-i", "inventory.ini", "playbook.yaml", "-e", "lab_binary="+labBin)
	cmd.Dir = dir
	// Ansible's own files go to the test's folder, not to root's home.
	tmp := t.TempDir()
	cmd.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1", "ANSIBLE_HOME="+tmp,
		"ANSIBLE_LOCAL_TEMP="+filepath.Join(tmp, "local"), "ANSIBLE_REMOTE_TEMP="+filepath.Join(tmp, "remote"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ansible-playbook: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "failed=0") {
		t.Fatalf("ansible-playbook reports failures:\n%s", out)
	}
	wantVerify(t, "nodes", s, 0)
	for _, d := range []string{"/etc/cni", "/opt/cni"} {
		if _, err := os.Stat(d); err == nil && !contains(machineHad, d) {
			t.Errorf("the play made %s on the machine: it must land in the nodes", d)
		}
	}
	want(t, lab(t, "reset", "--scope", s), 0)
	wantNothing(t, s)
}
