package e2e

// Foreign objects bearing the lessons' names, made before lab runs: lab
// refuses with exit 2 naming them, and reset leaves each exactly as it was.

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func sh(t *testing.T, cmd string) string {
	t.Helper()
	out, err := exec.Command("bash", "-c", cmd).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	return strings.TrimSpace(string(out))
}

// A namespace with the sandbox host's name, holding a bridge, a link that
// wears lab's own alias and an nftables table named like lab's.
func TestForeignHostNetns(t *testing.T) {
	t.Parallel()
	s := newScope(t, "fo1")
	host := s + "-host"
	sh(t, "ip netns add "+host)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", host).Run() })
	sh(t, "ip -n "+host+" link add bridge1 type bridge && ip -n "+host+" link add fake0 type veth peer name fake1 && ip -n "+host+" link set fake0 alias cnilab:"+s)
	sh(t, "ip netns exec "+host+" nft add table ip cnilab")
	before := sh(t, "stat -L -c %i /run/netns/"+host+"; ip -n "+host+" -o link show | sort; ip netns exec "+host+" nft list tables")
	for _, cmd := range [][]string{{"run", "bridge"}, {"task", "route"}} {
		r := lab(t, append(cmd, "--scope", s)...)
		want(t, r, 2)
		wantContains(t, "lab "+cmd[0], r.stderr, host, "not made by lab")
	}
	want(t, lab(t, "reset", "--scope", s), 0)
	after := sh(t, "stat -L -c %i /run/netns/"+host+"; ip -n "+host+" -o link show | sort; ip netns exec "+host+" nft list tables")
	if after != before {
		t.Errorf("reset changed the foreign netns:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// host-local's folder of the cni lesson's network, in use by someone else.
// Not parallel: it is the machine's one folder of that name.
func TestForeignIPAMFolder(t *testing.T) {
	s := newScope(t, "fo2")
	dir := "/var/lib/cni/networks/demo_br"
	if _, err := os.Stat(dir); err == nil {
		t.Skip(dir + " exists on this machine")
	}
	_, err := os.Stat("/var/lib/cni")
	hadVarLibCNI := err == nil
	sh(t, "mkdir -p "+dir+" && echo 'somebody else' > "+dir+"/10.0.10.9")
	t.Cleanup(func() {
		os.RemoveAll(dir)
		if !hadVarLibCNI {
			os.Remove("/var/lib/cni/networks")
			os.Remove("/var/lib/cni")
		}
	})
	before := sh(t, "stat -c %i "+dir+"; cat "+dir+"/10.0.10.9")
	r := lab(t, "run", "cni", "--scope", s)
	want(t, r, 2)
	wantContains(t, "lab run cni", r.stderr, dir, "not made by lab")
	want(t, lab(t, "reset", "--scope", s), 0)
	if after := sh(t, "stat -c %i "+dir+"; cat "+dir+"/10.0.10.9"); after != before {
		t.Errorf("reset changed the foreign folder: %q -> %q", before, after)
	}
}

// A process that wears lab's marks for the scope and the lesson's job name,
// but not the token lab journals: reset leaves it running.
func TestForeignProcess(t *testing.T) {
	t.Parallel()
	s := newScope(t, "fo3")
	p := exec.Command("sleep", "300")
	p.Env = append(os.Environ(), "CNILAB_SCOPE="+s, "CNILAB_JOB=web", "CNILAB_TOKEN=0000000000000000")
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Process.Kill(); p.Wait() })
	// Field 22 of /proc/PID/stat, its start time: the same process, not a
	// new one with a reused pid.
	stat := func() string {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(p.Process.Pid) + "/stat")
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) < 20 {
			return ""
		}
		return f[19]
	}
	before := stat()
	want(t, lab(t, "run", "dnat", "--scope", s), 0)
	reset := lab(t, "reset", "--scope", s)
	want(t, reset, 0)
	wantContains(t, "lab reset", reset.stdout, "removed process web")
	time.Sleep(50 * time.Millisecond)
	if err := p.Process.Signal(syscall.Signal(0)); err != nil || stat() != before {
		t.Errorf("reset stopped or changed a process that only looked like lab's (pid %d): %v", p.Process.Pid, err)
	}
}
