package rootless

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cnilab/lab/netops/procfs"
)

// The meeting point is $XDG_RUNTIME_DIR/cnilab when that folder is the
// user's; a folder someone else could use is refused, not used.
func TestDirUnit(t *testing.T) {
	x := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", x)
	d, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	if d != filepath.Join(x, "cnilab") {
		t.Errorf("Dir() = %s, want %s/cnilab", d, x)
	}
	if err := os.Chmod(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Dir(); err == nil {
		t.Errorf("Dir() accepted %s, mode 0755", d)
	}
	os.Remove(d)
	if err := os.Symlink(t.TempDir(), d); err != nil {
		t.Fatal(err)
	}
	if _, err := Dir(); err == nil {
		t.Errorf("Dir() accepted %s, a symlink", d)
	}
}

// Running trusts the holder file only while its pid runs with the start
// time written: a pid is reused.
func TestRunningUnit(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, holderFile), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	self := os.Getpid()
	for _, tc := range []struct {
		file string
		want int
	}{
		{fmt.Sprintf("%d %d\n", self, procfs.StartTime(self)), self},
		{fmt.Sprintf("%d 1\n", self), 0}, // another process had this pid
		{"garbage", 0},
		{"", 0},
	} {
		write(tc.file)
		if got := Running(dir); got != tc.want {
			t.Errorf("Running with %q = %d, want %d", tc.file, got, tc.want)
		}
	}
	os.Remove(filepath.Join(dir, holderFile))
	if got := Running(dir); got != 0 {
		t.Errorf("Running without a holder file = %d", got)
	}
}

// A user's subordinate range is found by name or by uid, and a range of
// size 0 or a malformed line is no range.
func TestFindRangeUnit(t *testing.T) {
	f := filepath.Join(t.TempDir(), "subuid")
	os.WriteFile(f, []byte("alice:100000:65536\nbob:165536:0\n1234:300000:1000\nbad line\n"), 0o644)
	for _, tc := range []struct {
		names []string
		want  idRange
		ok    bool
	}{
		{[]string{"1000", "alice"}, idRange{"100000", "65536"}, true},
		{[]string{"2000", "bob"}, idRange{}, false},
		{[]string{strconv.Itoa(1234)}, idRange{"300000", "1000"}, true},
		{[]string{"carol"}, idRange{}, false},
	} {
		got, ok := findRange(f, tc.names)
		if got != tc.want || ok != tc.ok {
			t.Errorf("findRange(%v) = %v %v, want %v %v", tc.names, got, ok, tc.want, tc.ok)
		}
	}
}
