package engine

import (
	"strings"
	"testing"
)

// The AppArmor profile names the binary it is printed for and allows
// user namespaces, and nothing is left of its template.
func TestAppArmorProfileUnit(t *testing.T) {
	p := AppArmorProfile("/usr/local/bin/lab")
	for _, want := range []string{"profile cnilab /usr/local/bin/lab flags=(unconfined) {", "  userns,", "abi <abi/4.0>,"} {
		if !strings.Contains(p, want) {
			t.Errorf("profile lacks %q:\n%s", want, p)
		}
	}
	if strings.Contains(p, "@LAB@") {
		t.Errorf("profile still holds @LAB@:\n%s", p)
	}
}
