package engine

import (
	"strings"
	"testing"

	"github.com/cnilab/lab/netops"
)

// Helpers shared by the engine's pure tests: nothing here creates a
// namespace, reads the kernel or needs root.

// mustScope returns a scope by name; NewScope creates nothing.
func mustScope(t testing.TB, name string) *netops.Scope {
	t.Helper()
	s, err := netops.NewScope(name)
	if err != nil {
		t.Fatalf("NewScope(%q): %v", name, err)
	}
	return s
}

// lineMarker ends the line of a lesson text that an error must point at.
// It is a YAML comment, so the text parses the same with it.
const lineMarker = "#<"

// markedLine returns the 1-based line of src that carries lineMarker, or 0
// when no line does.
func markedLine(t testing.TB, src string) int {
	t.Helper()
	line := 0
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, lineMarker) {
			if line != 0 {
				t.Fatalf("two lines carry %q in:\n%s", lineMarker, src)
			}
			line = i + 1
		}
	}
	return line
}

// sameStrings fails unless got and want hold the same strings in order.
func sameStrings(t testing.TB, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d lines, want %d\ngot:\n  %s\nwant:\n  %s", what, len(got), len(want),
			strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s[%d]:\ngot  %s\nwant %s", what, i, got[i], want[i])
		}
	}
}

// regression fails a test that guards a defect fixed before.
func regression(t testing.TB, format string, args ...any) {
	t.Helper()
	t.Errorf("regression: "+format, args...)
}
