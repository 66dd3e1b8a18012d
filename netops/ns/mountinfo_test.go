package ns

import "testing"

// mountinfo escapes a space as \040 and a backslash as \134.
func TestUnescapeMountPathUnit(t *testing.T) {
	for in, want := range map[string]string{
		"/sys/fs/cgroup/cpu":         "/sys/fs/cgroup/cpu",
		`/run/my\040dir\134x`:        `/run/my dir\x`,
		`/sys/fs/cgroup/cpu,cpuacct`: "/sys/fs/cgroup/cpu,cpuacct",
		`/a\011b\012c`:               "/a\tb\nc",
	} {
		if got := UnescapeMountPath(in); got != want {
			t.Errorf("UnescapeMountPath(%q) = %q, want %q", in, got, want)
		}
	}
}
