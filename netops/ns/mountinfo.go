package ns

import "strings"

// UnescapeMountPath undoes /proc/PID/mountinfo's octal escapes of space,
// tab, newline and backslash in a mount point or root.
func UnescapeMountPath(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return mountUnescaper.Replace(s)
}

var mountUnescaper = strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)
