package capture

import (
	"testing"

	"github.com/cnilab/lab/netops/machine"
)

// TestMain fails the package when its tests changed the machine's own namespace.
func TestMain(m *testing.M) { machine.Main(m) }
