package probe

import (
	"testing"

	"github.com/cnilab/lab/internal/machine"
)

// TestMain fails the package when its tests changed the machine's own namespace.
func TestMain(m *testing.M) { machine.Main(m) }
