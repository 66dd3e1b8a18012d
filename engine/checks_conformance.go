package engine

import (
	"fmt"
	"strings"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/cni"
)

// ConformanceCheck is one item of the CNI conformance battery run against
// the plugin a config of the scope names: version, add, add-result, check,
// del, del-again (each at the config's cniVersion and at the newest the
// plugin supports), malformed. The battery runs once per grading.
type ConformanceCheck struct {
	Conf string `yaml:"conf"` // a config file of the scope's config dir
	Item string `yaml:"item"`
}

var conformanceItems = []string{"version", "add", "add-result", "check", "del", "del-again", "malformed"}

func (c ConformanceCheck) Namespaces() []string { return nil }
func (c ConformanceCheck) Behaviour() bool      { return true }

func (c ConformanceCheck) Validate() error {
	for _, it := range conformanceItems {
		if c.Item == it {
			return nil
		}
	}
	return fmt.Errorf("cni_conformance: item %q, want one of %s", c.Item, strings.Join(conformanceItems, ", "))
}

func (c ConformanceCheck) Describe(r netops.Resolver) string {
	return "conformance: " + c.Item
}

type battery struct {
	verdicts []cni.Verdict
	err      error
}

func (c ConformanceCheck) Evaluate(e *Eval) Outcome {
	b := e.shared("conformance:"+c.Conf, func() any {
		v, err := e.Scope.Conformance(c.Conf)
		return battery{v, err}
	}).(battery)
	if b.err != nil {
		return fail(b.err.Error())
	}
	var details, failed []string
	for _, v := range b.verdicts {
		if v.ID != c.Item && !strings.HasPrefix(v.ID, c.Item+"-") || c.Item == "add" && strings.HasPrefix(v.ID, "add-result") || c.Item == "del" && strings.HasPrefix(v.ID, "del-again") {
			continue
		}
		details = append(details, v.Title+": "+v.Detail)
		if !v.Passed {
			failed = append(failed, v.Title+": "+v.Detail)
		}
	}
	switch {
	case len(failed) > 0:
		return fail(strings.Join(failed, "; "))
	case len(details) == 0 && c.Item == "check":
		return pass("CHECK is not defined for the versions tried (it exists from 0.4.0 on)")
	case len(details) == 0:
		return fail("the battery did not get this far (an earlier item failed)")
	}
	return pass(strings.Join(details, "; "))
}
