package engine

import (
	"fmt"
	"strings"

	"github.com/cnilab/lab/netops"
)

// IPAMCheck reads host-local's bookkeeping for a network: one file per
// address, named after it, holding the container id and interface. It looks
// in the lab's own dataDir and in host-local's default, so a plugin run by
// hand with the article's config counts as much as lab's own run.
type IPAMCheck struct {
	Network   string `yaml:"network"`   // "demo_br"
	Container string `yaml:"container"` // CNI_CONTAINERID
	IfName    string `yaml:"ifname"`
	Released  bool   `yaml:"released"` // no address is held for container+ifname
}

func (c IPAMCheck) Namespaces() []string { return nil }
func (c IPAMCheck) Behaviour() bool      { return false }

func (c IPAMCheck) Validate() error {
	if c.Network == "" || c.Container == "" || c.IfName == "" {
		return fmt.Errorf("ipam check: network, container and ifname are required")
	}
	return nil
}

func (c IPAMCheck) Describe(r netops.Resolver) string {
	if c.Released {
		return fmt.Sprintf("%s holds no address for %s %s", c.Network, c.Container, c.IfName)
	}
	return fmt.Sprintf("%s holds an address for %s %s", c.Network, c.Container, c.IfName)
}

func (c IPAMCheck) Evaluate(e *Eval) Outcome {
	held, looked := e.Scope.IPAMHeld(c.Network, c.Container, c.IfName)
	switch {
	case c.Released && len(held) > 0:
		return fail(fmt.Sprintf("still held: %s", strings.Join(held, ", ")))
	case c.Released:
		return pass("no address held")
	case len(held) == 0:
		return fail(fmt.Sprintf("no IPAM file in %s names %s %s", strings.Join(looked, " or "), c.Container, c.IfName))
	}
	return pass(held[0])
}
