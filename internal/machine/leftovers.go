package machine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/cnilab/lab/netops/ns"
)

// Leftovers lists what a scope left behind on the machine, one readable
// line each: the named namespaces under /run/netns whose name is one of
// netnsNames (exact names, no patterns: a pattern could claim another
// scope's namespace), and stateDir if it still exists. It is empty when
// the scope cleaned up.
func Leftovers(netnsNames []string, stateDir string) []string {
	var out []string
	for _, name := range netnsNames {
		// Such a name cannot have been created under /run/netns, and
		// joining it would look outside.
		if name == "" || name == "." || name == ".." || strings.Contains(name, "/") {
			continue
		}
		p := ns.Path(name)
		_, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			out = append(out, fmt.Sprintf("netns %q: cannot check %s: %v", name, p, err))
		case ns.Exists(name):
			out = append(out, fmt.Sprintf("netns %q still exists (%s)", name, p))
		default:
			// The namespace is unmounted but its mount point file stays:
			// `ip netns list` still shows the name.
			out = append(out, fmt.Sprintf("netns %q: mount point %s still exists (not mounted)", name, p))
		}
	}
	if stateDir != "" {
		_, err := os.Lstat(stateDir)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			out = append(out, fmt.Sprintf("state dir %s: cannot check: %v", stateDir, err))
		default:
			out = append(out, fmt.Sprintf("state dir %s still exists", stateDir))
		}
	}
	return out
}
