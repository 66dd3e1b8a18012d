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
	// AddrOf ("pause_demo:eth0") replaces the URL's host with that link's
	// address: a pod's IP is whatever its IPAM handed out.
	AddrOf string `yaml:"addr_of"`
}

func (c HTTPCheck) Namespaces() []string {
	out := []string{orHost(c.From)}
	if ns, _, ok := strings.Cut(c.AddrOf, ":"); ok {
		out = append(out, ns)
	}
	return out
}

// url is the URL to fetch, with the host taken from the snapshot when the
// check names a link instead of an address.
func (c HTTPCheck) url(e *Eval) (string, error) {
	if c.AddrOf == "" {
		return c.URL, nil
	}
	netns, dev, _ := strings.Cut(c.AddrOf, ":")
	n, real, ok := e.netns(netns)
	if !ok {
		return "", fmt.Errorf("netns %s does not exist", real)
	}
	addrs := n.AddrsOf(dev)
	if len(addrs) == 0 {
		return "", fmt.Errorf("%s in netns %s has no address to connect to", dev, real)
	}
	u, _ := url.Parse(c.URL)
	ip := strings.Split(addrs[0], "/")[0]
	if u.Port() != "" {
		u.Host = ip + ":" + u.Port()
	} else {
		u.Host = ip
	}
	return u.String(), nil
}
func (c HTTPCheck) Behaviour() bool { return true }

// target is the address the GET goes to ("" when it is a link's, whose
// namespace Namespaces already names).
func (c HTTPCheck) target() string {
	if c.AddrOf != "" {
		return ""
	}
	u, err := url.Parse(c.URL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

func (c HTTPCheck) Validate() error {
	u, err := url.Parse(c.URL)
	if err != nil || u.Scheme != "http" {
		return fmt.Errorf("http check: url %q, want http://IP[:port]/path", c.URL)
	}
	if c.AddrOf != "" {
		if ns, dev, ok := strings.Cut(c.AddrOf, ":"); !ok || ns == "" || dev == "" {
			return fmt.Errorf("http check: addr_of %q, want NETNS:LINK like pause_demo:eth0", c.AddrOf)
		}
	} else if _, err := netip.ParseAddr(u.Hostname()); err != nil {
		return fmt.Errorf("http check: url %q: the host must be an IP address (lab probes use no DNS)", c.URL)
	}
	return checkExpect("http", c.Expect, "ok", c.Reason)
}

func (c HTTPCheck) Describe(r netops.Resolver) string {
	from, where := r.Netns(orHost(c.From)), c.URL
	if c.AddrOf != "" {
		ns, dev, _ := strings.Cut(c.AddrOf, ":")
		where = fmt.Sprintf("the address of %s in %s", dev, r.Netns(ns))
	}
	if c.Expect == "fail" {
		return fmt.Sprintf("%s gets no page from %s", from, where)
	}
	return fmt.Sprintf("%s gets the page at %s", from, where)
}

func (c HTTPCheck) Evaluate(e *Eval) Outcome {
	timeout := time.Second
	if c.Expect == "fail" {
		timeout = failTimeout * 4
	}
	u, err := c.url(e)
	if err != nil {
		return expectOutcome(c.Expect == "fail", false, err.Error(), c.Reason, "")
	}
	res := probe.HTTP(probe.HTTPRequest{Netns: e.Scope.Netns(orHost(c.From)), URL: u, WantStatus: c.Status, WantBody: c.Body, Timeout: timeout})
	return expectOutcome(c.Expect == "fail", res.OK, res.Reason, c.Reason,
		fmt.Sprintf("%s: status %d in %s", u, res.Status, fmtRTT(res.RTT)))
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
