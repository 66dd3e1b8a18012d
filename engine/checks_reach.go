package engine

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/probe"
)

// ReachCheck sends one probe from inside a namespace: an ICMP echo (YAML
// key `ping`, To an address) or a TCP connect (key `tcp`, To an
// address:port). With expect "fail" it passes when the probe fails and,
// when reason is given, when the failure says so ("network is
// unreachable", "connection refused"): the articles show those errors on
// purpose before the fix.
type ReachCheck struct {
	From   string `yaml:"from"`
	To     string `yaml:"to"`
	Expect string `yaml:"expect"` // "reply" or "connect" (default), or "fail"
	Reason string `yaml:"reason"`
	proto  string // "icmp" or "tcp": set by the key the check is written under
}

// Proto says what the check sends: "icmp" or "tcp".
func (c ReachCheck) Proto() string { return c.proto }

// failTimeout bounds a probe that is expected to fail: inside the lab a
// reply takes microseconds, and waiting the full time for one that should
// not come only slows the step down.
const failTimeout = 50 * time.Millisecond

// replyTimeout bounds a probe that should get its answer. An answer comes
// in microseconds, but a neighbour whose first ARP request was lost (a
// bridge port plugged in a moment ago) asks again only after a second, as
// `ping -W 1` would wait: a fix just typed must not fail for that.
const replyTimeout = 1200 * time.Millisecond

func (c ReachCheck) Namespaces() []string { return []string{orHost(c.From)} }
func (c ReachCheck) Behaviour() bool      { return true }

func (c ReachCheck) Validate() error {
	if c.proto == "tcp" {
		if ap, err := netip.ParseAddrPort(c.To); err != nil || !ap.Addr().Is4() {
			return fmt.Errorf("tcp check: to %q, want IPv4:port like 172.17.0.33:80", c.To)
		}
		return checkExpect("tcp", c.Expect, "connect", c.Reason)
	}
	if _, err := netip.ParseAddr(c.To); err != nil {
		return fmt.Errorf("ping check: to %q is not an IP address", c.To)
	}
	return checkExpect("ping", c.Expect, "reply", c.Reason)
}

func (c ReachCheck) Describe(r netops.Resolver) string {
	from := r.Netns(orHost(c.From))
	verb, never := "pings", "cannot reach"
	if c.proto == "tcp" {
		verb, never = "connects to", "cannot connect to"
	}
	if c.Expect != "fail" {
		return fmt.Sprintf("%s %s %s", from, verb, c.To)
	}
	s := fmt.Sprintf("%s %s %s", from, never, c.To)
	if c.Reason != "" {
		s += " (" + c.Reason + ")"
	}
	return s
}

func (c ReachCheck) Evaluate(e *Eval) Outcome {
	timeout := replyTimeout
	if c.Expect == "fail" {
		timeout = failTimeout
	}
	from := e.Scope.Netns(orHost(c.From))
	if c.proto == "tcp" {
		res := probe.TCP(from, netip.MustParseAddrPort(c.To), timeout)
		return expectOutcome(c.Expect == "fail", res.OK, res.Reason, c.Reason,
			fmt.Sprintf("connected in %s", fmtRTT(res.RTT)))
	}
	res := probe.Ping(from, netip.MustParseAddr(c.To), timeout)
	return expectOutcome(c.Expect == "fail", res.OK, res.Reason, c.Reason,
		fmt.Sprintf("reply in %s (ttl %d)", fmtRTT(res.RTT), res.TTL))
}

// target is the address the probe goes to, for the verifier's path.
func (c ReachCheck) target() string {
	if ap, err := netip.ParseAddrPort(c.To); err == nil {
		return ap.Addr().String()
	}
	return c.To
}

// handCommand is what a learner types to run the same probe.
func (c ReachCheck) handCommand(r netops.Resolver) string {
	if c.proto == "tcp" {
		ap := netip.MustParseAddrPort(c.To)
		return inNetns(r, c.From, fmt.Sprintf("timeout 1 bash -c '</dev/tcp/%s/%d'", ap.Addr(), ap.Port()))
	}
	return inNetns(r, c.From, "ping -c 1 -W 1 "+c.To)
}

func fmtRTT(d time.Duration) string {
	ms := d.Seconds() * 1000
	if ms < 1 {
		return fmt.Sprintf("%.3fms", ms)
	}
	return fmt.Sprintf("%.1fms", ms)
}
