package engine

import (
	"fmt"
	"strings"
	"time"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/capture"
)

// CaptureCheck captures on a link while a probe runs and looks for a packet
// whose one-line summary contains Match, where * stands for any run of
// characters ("IP 172.17.0.1.* > 172.18.0.3.80: Flags [S]"): the source
// rewritten to 172.17.0.33 on eth0, the destination rewritten to 172.18.0.3
// on docker0, ARP on a bridge. It proves on the wire what the other checks
// infer. Other checks run at the same time, so a match should name both
// ends of the packet it looks for. NoMatch is a packet that must not cross
// meanwhile: the reply that never comes, the unicast a bridge does not
// flood. The capture is not promiscuous, as `tcpdump -p`: a bridge device
// sees what the bridge floods or sends to the host, not every frame.
type CaptureCheck struct {
	Netns   string      `yaml:"netns"`
	Dev     string      `yaml:"dev"`
	Match   string      `yaml:"match"`
	NoMatch string      `yaml:"no_match"`
	Ping    *ReachCheck `yaml:"ping"`
	HTTP    *HTTPCheck  `yaml:"http"`
	TCP     *ReachCheck `yaml:"tcp"`
}

// captureBound limits a capture that sees no end of packets.
const captureBound = 3 * time.Second

func (c CaptureCheck) probe() Check {
	switch {
	case c.Ping != nil:
		p := *c.Ping
		p.proto = "icmp"
		return p
	case c.HTTP != nil:
		return c.HTTP
	case c.TCP != nil:
		p := *c.TCP
		p.proto = "tcp"
		return p
	}
	return nil
}

func (c CaptureCheck) Namespaces() []string {
	out := []string{orHost(c.Netns)}
	if p := c.probe(); p != nil {
		out = append(out, p.Namespaces()...)
	}
	return out
}

func (c CaptureCheck) Behaviour() bool { return true }

func (c CaptureCheck) Validate() error {
	if c.Dev == "" || c.Match == "" {
		return fmt.Errorf("capture check: dev and match are required")
	}
	n := 0
	for _, p := range []bool{c.Ping != nil, c.HTTP != nil, c.TCP != nil} {
		if p {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("capture check on %s: give one probe to run while capturing (ping, http or tcp)", c.Dev)
	}
	return c.probe().Validate()
}

// target is the address of the probe run while capturing.
func (c CaptureCheck) target() string {
	if t, ok := c.probe().(interface{ target() string }); ok {
		return t.target()
	}
	return ""
}

func (c CaptureCheck) Describe(r netops.Resolver) string {
	d := fmt.Sprintf("on %s in %s, while %s: %q", c.Dev, r.Netns(orHost(c.Netns)), c.probe().Describe(r), c.Match)
	if c.NoMatch != "" {
		d += fmt.Sprintf(" and no %q", c.NoMatch)
	}
	return d
}

func (c CaptureCheck) Evaluate(e *Eval) Outcome { return c.listen(e).Evaluate(e) }

// listening is a capture check whose capture has started.
type listening struct {
	CaptureCheck
	sess *capture.Session
	err  error
}

// listen starts the capture: grade starts every capture of a batch before
// any probe of the batch runs.
func (c CaptureCheck) listen(e *Eval) Check {
	real := e.Scope.Netns(orHost(c.Netns))
	sess, err := capture.Start(capture.Options{Netns: real, Iface: c.Dev, Timeout: captureBound})
	return listening{CaptureCheck: c, sess: sess, err: err}
}

func (c listening) Evaluate(e *Eval) Outcome {
	if c.err != nil {
		return fail(c.err.Error())
	}
	real, sess := e.Scope.Netns(orHost(c.Netns)), c.sess
	probed := c.probe().Evaluate(e)
	// No wait: Stop drains every frame the kernel queued before it, and the
	// probe's packets were queued to the capture socket as they crossed the
	// link, before the probe could see its answer.
	lines, hit, unwanted := matchPackets(sess.Stop(), c.Match, c.NoMatch)
	o := Outcome{Lines: lines}
	switch {
	case hit != "" && unwanted != "":
		o.Detail = fmt.Sprintf("%s; but also %s, which should not cross %s in %s", hit, unwanted, c.Dev, real)
	case hit != "":
		o.Passed, o.Detail = true, hit
	case len(lines) == 0:
		o.Detail = fmt.Sprintf("nothing crossed %s in %s (the probe: %s)", c.Dev, real, probed.Detail)
	default:
		o.Detail = fmt.Sprintf("no packet on %s in %s matches %q; saw %d, first: %s", c.Dev, real, c.Match, len(lines), lines[0])
	}
	return o
}

// matchPackets reads a capture: its lines, the first that matches match,
// and the first that matches noMatch ("" when noMatch is "").
func matchPackets(pkts []capture.Packet, match, noMatch string) (lines []string, hit, unwanted string) {
	for _, p := range pkts {
		lines = append(lines, p.Line)
		if hit == "" && globMatch(p.Line, match) {
			hit = p.Line
		}
		if unwanted == "" && noMatch != "" && globMatch(p.Line, noMatch) {
			unwanted = p.Line
		}
	}
	return lines, hit, unwanted
}

// globMatch reports whether line contains pattern, where * in the pattern
// matches any run of characters.
func globMatch(line, pattern string) bool {
	parts := strings.Split(pattern, "*")
	i := strings.Index(line, parts[0])
	if i < 0 {
		return false
	}
	line = line[i+len(parts[0]):]
	for _, p := range parts[1:] {
		j := strings.Index(line, p)
		if j < 0 {
			return false
		}
		line = line[j+len(p):]
	}
	return true
}
