package e2e

// `lab capture`: packets seen on a namespace's link, printed and written as
// pcap.

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The capture of issue 4's acceptance: while client1 pings the world, the
// host's eth0 shows the masqueraded source, and the pcap file lab writes is
// one tcpdump reads.
func TestCLICapturePcap(t *testing.T) {
	t.Parallel()
	s := newScope(t, "c8cap")
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("tcpdump is not installed (make deps)")
	}
	run := lab(t, "run", "route", "--scope", s)
	want(t, run, 0)
	// The masquerade step's diff shows the rule it added, as nft words it.
	wantContains(t, "lab run route", run.stdout, `+ table ip cnilab chain postrouting: ip saddr 172.30.0.0/24 oifname "eth0" masquerade`)
	pcap := filepath.Join(t.TempDir(), "f.pcap")
	capture := exec.Command(labBin, "capture", s+"-host", "eth0", "--scope", s, "--timeout", "3s", "--pcap", pcap)
	var out, errOut strings.Builder
	capture.Stdout, capture.Stderr = &out, &errOut
	if err := capture.Start(); err != nil {
		t.Fatal(err)
	}
	// Ping until the capture has started and seen the pings, bounded.
	for i := 0; i < 20 && !strings.Contains(out.String(), "ICMP echo reply"); i++ {
		exec.Command("ip", "netns", "exec", s+"-client1", "ping", "-c", "1", "-W", "1", "172.17.0.1").Run()
	}
	if err := capture.Wait(); err != nil {
		t.Fatalf("lab capture: %v\n%s", err, errOut.String())
	}
	wantContains(t, "lab capture", out.String(), "eth0 Out IP 172.17.0.33 > 172.17.0.1: ICMP echo request", "eth0 In  IP 172.17.0.1 > 172.17.0.33: ICMP echo reply")
	if strings.Contains(out.String(), "172.30.0.11 >") {
		t.Errorf("client1's own address left eth0 unmasqueraded:\n%s", out.String())
	}
	if singleIDMapping() {
		// tcpdump drops root for its own user even to read a file, and a
		// user namespace that maps one id has no other user to drop to.
		t.Log("a rootless lab with one id mapped: tcpdump -r cannot run here, the pcap is not read back")
	} else {
		read, err := exec.Command("tcpdump", "-n", "-r", pcap).CombinedOutput()
		if err != nil {
			t.Fatalf("tcpdump -r: %v\n%s", err, read)
		}
		wantContains(t, "tcpdump -r", string(read), "IP 172.17.0.33 > 172.17.0.1: ICMP echo request")
	}

	// Another scope's namespace is not this scope's to capture on.
	other := lab(t, "capture", s+"-host", "eth0", "--scope", "c8other", "--count", "1", "--timeout", "1s")
	want(t, other, 2)
	wantContains(t, "capture in another scope", other.stderr, `does not exist in scope "c8other"`)
}
