package mycni_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cnilab/lab/internal/machine"
	"github.com/cnilab/lab/netops/mycni"
)

// TestMain makes the test binary the plugin when it runs under the name
// my-cni-demo (the kernel tests symlink it so, and run it inside a scratch
// host netns with ip netns exec), as the lab binary is. Otherwise it runs the
// tests and fails them when the machine's own namespace changed.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == mycni.Name {
		mycni.Main()
		os.Exit(0)
	}
	machine.Main(m)
}
