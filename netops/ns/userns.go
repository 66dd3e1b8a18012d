package ns

import (
	"os"
	"strings"
)

// InUserNS reports whether this process runs in a user namespace other
// than the machine's: a rootless lab's "root", which owns its network and
// mount namespaces but not the machine's. The machine's maps every id to
// itself (`0 0 4294967295`).
func InUserNS() bool {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	return !(len(f) == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295")
}
