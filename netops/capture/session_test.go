package capture

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cnilab/lab/netops/probe"
)

// find returns the first packet whose line contains s.
func find(pkts []Packet, s string) (Packet, bool) {
	for _, p := range pkts {
		if strings.Contains(p.Line, s) {
			return p, true
		}
	}
	return Packet{}, false
}

func logLines(t *testing.T, pkts []Packet) {
	t.Helper()
	for _, p := range pkts {
		t.Logf("%s %-3s %s", p.Time.Format("15:04:05.000000"), p.Dir, p.Line)
	}
}

func TestCapturePing(t *testing.T) {
	needRoot(t)
	a, b := pair(t, "ping")
	s, err := Start(Options{Netns: b, Iface: "veth-b", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ip", "netns", "exec", a, "ping", "-n", "-c", "2", "-i", "0.2", "-W", "1", "10.0.0.12").CombinedOutput()
	pkts := s.Stop()
	if err != nil {
		t.Fatalf("ping from %s: %v\n%s", a, err, out)
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	logLines(t, pkts)

	if _, ok := find(pkts, "ARP, Request who-has 10.0.0.12 tell 10.0.0.11"); !ok {
		if _, ok := find(pkts, "ARP, Reply 10.0.0.12 is-at"); !ok {
			t.Error("no ARP request or reply for 10.0.0.12")
		}
	}
	if p, ok := find(pkts, "IP 10.0.0.11 > 10.0.0.12: ICMP echo request"); !ok {
		t.Error("no echo request")
	} else if p.Dir != "In" || p.Iface != "veth-b" {
		t.Errorf("echo request: dir %q iface %q, want In on veth-b", p.Dir, p.Iface)
	}
	if p, ok := find(pkts, "IP 10.0.0.12 > 10.0.0.11: ICMP echo reply"); !ok {
		t.Error("no echo reply")
	} else if p.Dir != "Out" {
		t.Errorf("echo reply: dir %q, want Out", p.Dir)
	}

	// tcpdump reads the file back: same packets, same words.
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("tcpdump not installed")
	}
	file := filepath.Join(t.TempDir(), "ping.pcap")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := WritePcap(f, pkts); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	read, err := exec.Command("tcpdump", "-n", "-r", file).Output()
	if err != nil {
		t.Fatalf("tcpdump -r: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(read)), "\n")
	if len(lines) != len(pkts) {
		t.Errorf("tcpdump read %d packets, captured %d:\n%s", len(lines), len(pkts), read)
	}
	if !strings.Contains(string(read), "ICMP echo request") {
		t.Errorf("tcpdump shows no echo request:\n%s", read)
	}
	// Same timestamps, to the microsecond tcpdump prints by default.
	if len(lines) > 0 && len(pkts) > 0 {
		if want := pkts[0].Time.Format("15:04:05.000000"); !strings.HasPrefix(lines[0], want) {
			t.Errorf("tcpdump's first line %q, want time %s", lines[0], want)
		}
	}
}

// pingUntilDone sends an echo request every 20ms until the capture ends by
// itself (Count or Timeout), and returns what Wait returns. It keeps
// pinging rather than count on the frames (ARP, request, reply) a single
// echo request brings.
func pingUntilDone(t *testing.T, p *pinger, s *Session) []Packet {
	t.Helper()
	done := make(chan []Packet, 1)
	go func() { done <- s.Wait() }()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case pkts := <-done:
			if err := s.Err(); err != nil {
				t.Fatal(err)
			}
			return pkts
		case <-tick.C:
			p.send(t)
		}
	}
}

// TestCaptureCount checks that a capture ends once Count packets were
// kept, long before its timeout.
func TestCaptureCount(t *testing.T) {
	needRoot(t)
	a, b := pair(t, "count")
	p := newPinger(t, a, "10.0.0.12")
	s, err := Start(Options{Netns: b, Iface: "veth-b", Count: 2, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	pkts := pingUntilDone(t, p, s)
	logLines(t, pkts)
	if len(pkts) != 2 {
		t.Fatalf("capture with Count 2 returned %d packets", len(pkts))
	}
}

func TestFilter(t *testing.T) {
	needRoot(t)
	a, b := pair(t, "filter")
	p := newPinger(t, a, "10.0.0.12")
	replies := func(p Packet) bool { return p.Dir == "Out" && strings.Contains(p.Line, "ICMP echo reply") }
	s, err := Start(Options{Netns: b, Iface: "veth-b", Count: 2, Timeout: 30 * time.Second, Filter: replies})
	if err != nil {
		t.Fatal(err)
	}
	// Count counts kept packets only: ARP and the requests do not end it.
	for range 3 {
		p.send(t)
		time.Sleep(50 * time.Millisecond)
	}
	pkts := s.Wait()
	logLines(t, pkts)
	if len(pkts) != 2 {
		t.Fatalf("got %d packets, want the 2 first replies", len(pkts))
	}
	for _, p := range pkts {
		if !replies(p) {
			t.Errorf("filter let through %s %q", p.Dir, p.Line)
		}
	}
}

// TestStream checks that StartStream calls each for every kept packet and
// ends by itself at Count.
func TestStream(t *testing.T) {
	needRoot(t)
	a, b := pair(t, "stream")
	p := newPinger(t, a, "10.0.0.12")
	got := make(chan string, 100)
	s, err := StartStream(Options{Netns: b, Iface: "veth-b", Count: 3, Timeout: 30 * time.Second,
		Filter: func(p Packet) bool { return strings.Contains(p.Line, "ICMP echo") }},
		func(p Packet) { got <- p.Line })
	if err != nil {
		t.Fatal(err)
	}
	if pkts := pingUntilDone(t, p, s); len(pkts) != 0 {
		t.Errorf("Wait after StartStream returned %d packets, want none", len(pkts))
	}
	// each is not called once Wait returned.
	close(got)
	var lines []string
	for l := range got {
		lines = append(lines, l)
	}
	t.Logf("streamed:\n%s", strings.Join(lines, "\n"))
	if len(lines) != 3 {
		t.Fatalf("streamed %d packets, want 3", len(lines))
	}
}

// TestStartStream stops a live stream from outside, as ctrl-c does.
func TestStartStream(t *testing.T) {
	needRoot(t)
	a, b := pair(t, "live")
	p := newPinger(t, a, "10.0.0.12")
	first := make(chan string, 1)
	s, err := StartStream(Options{Netns: b, Iface: "veth-b", Timeout: time.Minute}, func(p Packet) {
		select {
		case first <- p.Line:
		default:
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	p.send(t)
	t.Logf("first: %s", <-first)
	if pkts := s.Stop(); len(pkts) != 0 {
		t.Errorf("Stop after StartStream returned %d packets, want none", len(pkts))
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestStopPrompt checks that Stop ends a capture long before its timeout,
// on a quiet interface, and that Stop and Wait can both be called.
func TestStopPrompt(t *testing.T) {
	needRoot(t)
	_, b := pair(t, "stop")
	s, err := Start(Options{Netns: b, Iface: "veth-b", Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	stopped := make(chan struct{})
	go func() {
		s.Stop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Stop did not return")
	}
	s.Wait()
	s.Stop()
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestMissingNetns(t *testing.T) {
	name := fmt.Sprintf("captest-missing-%d", os.Getpid())
	_, err := Start(Options{Netns: name, Iface: "eth0", Timeout: time.Second})
	want := fmt.Sprintf(`capture on "eth0" in netns %q: no such netns`, name)
	if err == nil || err.Error() != want || !errors.Is(err, ErrNoNetns) {
		t.Fatalf("err = %v, want %s", err, want)
	}
}

func TestMissingIface(t *testing.T) {
	needRoot(t)
	name := scratchNS(t, "noif")
	_, err := Start(Options{Netns: name, Iface: "eth9", Timeout: time.Second})
	want := fmt.Sprintf(`capture on "eth9" in netns %q: no such interface`, name)
	if err == nil || err.Error() != want || !errors.Is(err, ErrNoInterface) {
		t.Fatalf("err = %v, want %s", err, want)
	}
}

func TestTimeoutRequired(t *testing.T) {
	_, err := Start(Options{Netns: "lab-host", Iface: "eth0"})
	want := `capture on "eth0" in netns "lab-host": timeout must be positive`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
}

// A probe's packets are in the capture when Stop is called right after the
// probe returns, with no wait: they were queued to the capture socket as
// they crossed the link. (The kernel may stamp them only when they are
// read, later than the stop, so the drain must not judge them by stamp.)
func TestStopRightAfterProbe(t *testing.T) {
	needRoot(t)
	a, b := pair(t, "stop")
	for i := range 50 {
		s, err := Start(Options{Netns: b, Iface: "veth-b", Timeout: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		// A second: the first ARP request on a link just up may be lost.
		r := probe.Ping(a, netip.MustParseAddr("10.0.0.12"), 2*time.Second)
		pkts := s.Stop()
		if !r.OK {
			t.Fatalf("ping %d: %s", i, r.Reason)
		}
		if _, ok := find(pkts, "IP 10.0.0.11 > 10.0.0.12: ICMP echo request"); !ok {
			t.Fatalf("round %d: the echo request is not in the capture (%d packets)", i, len(pkts))
		}
	}
}
