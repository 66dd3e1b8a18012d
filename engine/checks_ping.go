package engine

import (
	"fmt"
	"net/netip"
	"strings"
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
	if c.Expect != "" && c.Expect != "reply" && c.Expect != "fail" {
		return fmt.Errorf("ping check: expect %q, want reply or fail", c.Expect)
	}
	if c.Reason != "" && c.Expect != "fail" {
		return fmt.Errorf("ping check: a reason goes with expect: fail")
	}
	return nil
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
	if c.Expect == "fail" {
		switch {
		case res.OK:
			return fail(fmt.Sprintf("got a reply from %s, but it should not be reachable yet", c.To))
		case c.Reason != "" && !strings.Contains(res.Reason, c.Reason):
			return fail(fmt.Sprintf("failed with %q, expected %q", res.Reason, c.Reason))
		}
		return pass(res.Reason)
	}
	if !res.OK {
		return fail(res.Reason)
	}
	return pass(fmt.Sprintf("reply in %s (ttl %d)", fmtRTT(res.RTT.Seconds()*1000), res.TTL))
}

// failTimeout bounds a ping that is expected to get no reply.
const failTimeout = 50 * time.Millisecond

func fmtRTT(ms float64) string {
	if ms < 1 {
		return fmt.Sprintf("%.3fms", ms)
	}
	return fmt.Sprintf("%.1fms", ms)
}
