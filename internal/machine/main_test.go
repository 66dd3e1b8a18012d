package machine

import (
	"fmt"
	"os"
	"testing"
)

// The package guards itself: its tests create namespaces and change them,
// and must leave the machine's own namespace as they found it.
func TestMain(m *testing.M) {
	check := Guard()
	code := m.Run()
	if err := check(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 || testing.Short() {
		t.Skip("needs root to read the kernel's network state")
	}
}
