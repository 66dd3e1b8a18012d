package nft

import (
	"fmt"
	"os"
	"testing"

	"github.com/cnilab/lab/netops/machine"
)

// TestMain fails the package when anything its tests did shows in the
// machine's own network namespace.
func TestMain(m *testing.M) {
	check := machine.Guard()
	code := m.Run()
	if err := check(); err != nil {
		fmt.Fprintln(os.Stderr, "the machine's own namespace changed:", err)
		code = 1
	}
	os.Exit(code)
}
