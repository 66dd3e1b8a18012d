package machine

import (
	"fmt"
	"slices"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// policyLines lists the routing policy rules (`ip rule`) of both families:
// "family prio N {selectors and action}".
func policyLines() ([]string, error) {
	var lines []string
	for _, family := range []int{unix.AF_INET, unix.AF_INET6} {
		rules, err := dump(familyName(family)+" policy rules", func() ([]netlink.Rule, error) {
			return netlink.RuleList(family)
		})
		if err != nil {
			return nil, err
		}
		for _, r := range rules {
			prio := r.Priority
			// Family and priority lead the line; render the rest whole so
			// any selector a lab could set shows up.
			r.Family, r.Priority = 0, 0
			lines = append(lines, fmt.Sprintf("%s prio %d %s", familyName(family), prio, render(r)))
		}
	}
	slices.Sort(lines)
	return lines, nil
}
