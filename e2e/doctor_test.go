package e2e

// `lab doctor`: what the machine has and lacks, with the fix.

import (
	"os/exec"
	"path/filepath"
	"testing"
)

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
		`"what": "command jq (`, `"what": "command tcpdump (`,
		s+"-client exist and were not made by lab", "ip netns del NAME")
}
