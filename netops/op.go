package netops

import (
	"fmt"
	"net/netip"
	"strings"
)

// Resolver maps a lesson's logical namespace names to real ones.
type Resolver interface {
	Netns(logical string) string
}

// Op is one kernel change a lesson step makes. Apply is idempotent: applying
// an op whose result is already in place succeeds and changes nothing.
type Op interface {
	// Apply makes the change in the scope and returns what it observed that
	// the learner should see besides the command and the diff (a CNI
	// plugin's environment, stdin, result and IPAM files); most ops have none.
	Apply(s *Scope) ([]Note, error)
	// Commands are the equivalent shell commands, as a learner would type
	// them in `lab shell` (which runs in the scope's host namespace).
	Commands(r Resolver) []string
	// Namespaces lists the logical namespaces the op touches.
	Namespaces() []string
	// Validate checks the op's own values (names, addresses) without the kernel.
	Validate() error
}

// orHost defaults an empty namespace to the host.
func orHost(n string) string {
	if n == "" {
		return HostNetns
	}
	return n
}

// in prefixes a command with `ip netns exec NAME` unless it runs in the host,
// where `lab shell` already is.
func in(r Resolver, logical, cmd string) string {
	if orHost(logical) == HostNetns {
		return cmd
	}
	return "ip netns exec " + r.Netns(logical) + " " + cmd
}

// MaxLinkName is IFNAMSIZ-1: the kernel refuses longer interface names.
const MaxLinkName = 15

func checkLinkName(what, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%s: a link name is required", what)
	case len(name) > MaxLinkName:
		return fmt.Errorf("%s: link name %q is %d characters, the kernel allows at most %d", what, name, len(name), MaxLinkName)
	case strings.ContainsAny(name, "/ \t\n:"):
		return fmt.Errorf("%s: link name %q has a character the kernel refuses", what, name)
	}
	return nil
}

func checkNetnsName(what, name string) error {
	if name == "" || strings.ContainsAny(name, "/ \t\n") || name == "." || name == ".." {
		return fmt.Errorf("%s: bad namespace name %q", what, name)
	}
	return nil
}

// parsePrefix accepts an interface address with its prefix length
// ("10.0.0.11/24"), keeping the host bits as `ip addr add` does.
func parsePrefix(what, s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("%s: %q is not an IPv4 address with a prefix length (like 10.0.0.11/24)", what, s)
	}
	return p, nil
}

func parseAddr(what, s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, fmt.Errorf("%s: %q is not an IPv4 address", what, s)
	}
	return a, nil
}
