package engine

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/probe"
)

// PingCheck sends ICMP echo from inside a namespace. With expect "fail" it
// passes when no reply comes, and, when reason is given, when the failure
// says so ("network is unreachable"): the article shows that error on
// purpose before the default route is added.
type PingCheck struct {
	From   string `yaml:"from"`
	To     string `yaml:"to"`
	Expect string `yaml:"expect"` // "reply" (default) or "fail"
	Reason string `yaml:"reason"`
}

func (c PingCheck) Namespaces() []string { return []string{orHost(c.From)} }
func (c PingCheck) Behaviour() bool      { return true }

func (c PingCheck) Validate() error {
	if _, err := netip.ParseAddr(c.To); err != nil {
		return fmt.Errorf("ping check: to %q is not an IP address", c.To)
	}
	return checkExpect("ping", c.Expect, "reply", c.Reason)
}

func (c PingCheck) Describe(r netops.Resolver) string {
	from := r.Netns(orHost(c.From))
	if c.Expect == "fail" {
		s := fmt.Sprintf("%s cannot reach %s", from, c.To)
		if c.Reason != "" {
			s += " (" + c.Reason + ")"
		}
		return s
	}
	return fmt.Sprintf("%s pings %s", from, c.To)
}

func (c PingCheck) Evaluate(e *Eval) Outcome {
	timeout := probe.DefaultTimeout
	if c.Expect == "fail" {
		// Inside the lab a reply takes microseconds; waiting the full time
		// for one that should not come only slows the step down.
		timeout = failTimeout
	}
	res := probe.Ping(e.Scope.Netns(orHost(c.From)), netip.MustParseAddr(c.To), timeout)
	return expectOutcome(c.Expect == "fail", res.OK, res.Reason, c.Reason,
		fmt.Sprintf("reply in %s (ttl %d)", fmtRTT(res.RTT.Seconds()*1000), res.TTL))
}

// failTimeout bounds a ping that is expected to get no reply.
const failTimeout = 50 * time.Millisecond

func fmtRTT(ms float64) string {
	if ms < 1 {
		return fmt.Sprintf("%.3fms", ms)
	}
	return fmt.Sprintf("%.1fms", ms)
}
