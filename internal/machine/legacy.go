package machine

import (
	"os"
	"runtime"
	"sort"
	"strings"
)

// legacyTables lists the iptables-legacy tables of the caller's namespace,
// as "family table". Reading these files instantiates nothing (running
// `iptables-legacy -L` would). /proc/net shows the namespace of the
// process's main thread; /proc/thread-self/net that of this locked thread.
func legacyTables() []string {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var out []string
	for fam, file := range map[string]string{"ip": "ip_tables_names", "ip6": "ip6_tables_names", "arp": "arp_tables_names"} {
		b, err := os.ReadFile("/proc/thread-self/net/" + file)
		if err != nil {
			continue
		}
		for _, t := range strings.Fields(string(b)) {
			out = append(out, fam+" "+t)
		}
	}
	sort.Strings(out)
	return out
}
