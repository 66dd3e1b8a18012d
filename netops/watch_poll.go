package netops

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/cnilab/lab/netops/snapshot"
)

// fingerprint is what the watch's once-a-second look reads of the state
// that sends no notification: the namespaces' nftables rules (without
// counters) and the sysctls a diff shows (snapshot.Sysctls), and the
// name, size and time of every file under dirs. Two equal fingerprints
// mean nothing of that changed.
//
// Equivalent to: `nft list ruleset; sysctl KEYS` in each namespace, `ls -lR DIRS`
func fingerprint(names, dirs []string) string {
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "netns %s\n%s\n", n, strings.Join(snapshot.Rules(n), "\n"))
		for _, sc := range snapshot.ReadSysctls(n) {
			b.WriteString(sc.Line() + "\n")
		}
	}
	for _, d := range dirs {
		filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return nil // a folder not made yet is a state too
			}
			if info, err := e.Info(); err == nil {
				fmt.Fprintf(&b, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
			}
			return nil
		})
	}
	return b.String()
}
