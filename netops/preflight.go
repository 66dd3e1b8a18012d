package netops

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cnilab/lab/assets"
)

// NeedPlugins checks, before a lesson creates anything, that the CNI
// plugins its configs name are in lab's plugin folder and executable. A
// learner's own plugin (installed during the lesson) is not among them.
func NeedPlugins(confFiles []string) error {
	dir := CNIPluginDir()
	seen := map[string]bool{}
	for _, f := range confFiles {
		b, err := assets.CNIConf(f)
		if err != nil {
			continue
		}
		var c struct {
			Type string `json:"type"`
			IPAM struct {
				Type string `json:"type"`
			} `json:"ipam"`
		}
		json.Unmarshal(b, &c)
		for _, p := range []string{c.Type, c.IPAM.Type} {
			if p == "" || p == "my-cni-demo" || seen[p] {
				continue
			}
			seen[p] = true
			path := filepath.Join(dir, p)
			st, err := os.Stat(path)
			switch {
			case err != nil:
				return fmt.Errorf("CNI plugin %s is missing (no %s): run `make build`, which builds the reference plugins into bin/cni", p, path)
			case st.Mode()&0o111 == 0:
				return fmt.Errorf("CNI plugin %s is not executable (%s): chmod +x it or run `make build`", p, path)
			}
		}
	}
	return nil
}
