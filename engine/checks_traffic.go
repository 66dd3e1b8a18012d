package engine

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/probe"
)

// HTTPCheck sends an HTTP GET from inside a namespace: the page through the
// DNAT, the web container from the host. With expect "fail" it passes when
// no page comes back (and, with reason, when the failure says so).
type HTTPCheck struct {
	From   string `yaml:"from"`
	URL    string `yaml:"url"`
	Status int    `yaml:"status"` // 0: 200
	Body   string `yaml:"body"`   // a substring the page must contain
	Expect string `yaml:"expect"` // "ok" (default) or "fail"
	Reason string `yaml:"reason"`
}

func (c HTTPCheck) Namespaces() []string { return []string{orHost(c.From)} }
func (c HTTPCheck) Behaviour() bool      { return true }

func (c HTTPCheck) Validate() error {
	u, err := url.Parse(c.URL)
	if err != nil || u.Scheme != "http" {
		return fmt.Errorf("http check: url %q, want http://IP[:port]/path", c.URL)
	}
	if _, err := netip.ParseAddr(u.Hostname()); err != nil {
		return fmt.Errorf("http check: url %q: the host must be an IP address (lab probes use no DNS)", c.URL)
	}
	return checkExpect("http", c.Expect, "ok", c.Reason)
}

func (c HTTPCheck) Describe(r netops.Resolver) string {
	from := r.Netns(orHost(c.From))
	if c.Expect == "fail" {
		return fmt.Sprintf("%s gets no page from %s", from, c.URL)
	}
	return fmt.Sprintf("%s gets the page at %s", from, c.URL)
}

func (c HTTPCheck) Evaluate(e *Eval) Outcome {
	timeout := time.Second
	if c.Expect == "fail" {
		timeout = failTimeout * 4
	}
	res := probe.HTTP(probe.HTTPRequest{Netns: e.Scope.Netns(orHost(c.From)), URL: c.URL, WantStatus: c.Status, WantBody: c.Body, Timeout: timeout})
	return expectOutcome(c.Expect == "fail", res.OK, res.Reason, c.Reason,
		fmt.Sprintf("status %d in %s", res.Status, fmtRTT(res.RTT.Seconds()*1000)))
}

// TCPCheck opens a TCP connection from inside a namespace.
type TCPCheck struct {
	From   string `yaml:"from"`
	To     string `yaml:"to"`     // "172.17.0.33:80"
	Expect string `yaml:"expect"` // "connect" (default) or "fail"
	Reason string `yaml:"reason"` // e.g. "connection refused"
}

func (c TCPCheck) Namespaces() []string { return []string{orHost(c.From)} }
func (c TCPCheck) Behaviour() bool      { return true }

func (c TCPCheck) Validate() error {
	if ap, err := netip.ParseAddrPort(c.To); err != nil || !ap.Addr().Is4() {
		return fmt.Errorf("tcp check: to %q, want IPv4:port like 172.17.0.33:80", c.To)
	}
	return checkExpect("tcp", c.Expect, "connect", c.Reason)
}

func (c TCPCheck) Describe(r netops.Resolver) string {
	from := r.Netns(orHost(c.From))
	if c.Expect == "fail" {
		s := fmt.Sprintf("%s cannot connect to %s", from, c.To)
		if c.Reason != "" {
			s += " (" + c.Reason + ")"
		}
		return s
	}
	return fmt.Sprintf("%s connects to %s", from, c.To)
}

func (c TCPCheck) Evaluate(e *Eval) Outcome {
	timeout := probe.DefaultTimeout
	if c.Expect == "fail" {
		timeout = failTimeout
	}
	res := probe.TCP(e.Scope.Netns(orHost(c.From)), netip.MustParseAddrPort(c.To), timeout)
	return expectOutcome(c.Expect == "fail", res.OK, res.Reason, c.Reason,
		fmt.Sprintf("connected in %s", fmtRTT(res.RTT.Seconds()*1000)))
}

func checkExpect(kind, expect, good, reason string) error {
	if expect != "" && expect != good && expect != "fail" {
		return fmt.Errorf("%s check: expect %q, want %s or fail", kind, expect, good)
	}
	if reason != "" && expect != "fail" {
		return fmt.Errorf("%s check: a reason goes with expect: fail", kind)
	}
	return nil
}

// expectOutcome grades a probe against what the step expects of it.
func expectOutcome(wantFail, ok bool, got, wantReason, okDetail string) Outcome {
	if wantFail {
		switch {
		case ok:
			return fail("it worked, but it should not yet")
		case wantReason != "" && !strings.Contains(got, wantReason):
			return fail(fmt.Sprintf("failed with %q, expected %q", got, wantReason))
		}
		return pass(got)
	}
	if !ok {
		return fail(got)
	}
	return pass(okDetail)
}
