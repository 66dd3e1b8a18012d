package engine

import (
	"strings"
	"testing"
)

// An exam never holds two tasks that claim the same machine-wide CNI
// network: a draw skips them, a list naming two is refused with both ids.
func TestExamTasksShareNoCNINetwork(t *testing.T) {
	cat, err := LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	for seed := int64(1); seed <= 30; seed++ {
		ids, err := drawTasks(cat, 8, seed)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(ids) != 8 {
			t.Fatalf("seed %d: drew %d tasks, want 8", seed, len(ids))
		}
		if err := checkClaims(cat, ids); err != nil {
			t.Fatalf("seed %d drew %v: %v", seed, ids, err)
		}
		if again, _ := drawTasks(cat, 8, seed); strings.Join(again, ",") != strings.Join(ids, ",") {
			t.Fatalf("seed %d: %v, then %v", seed, ids, again)
		}
	}
	err = checkClaims(cat, []string{"route", "cni", "ipam-exhausted"})
	if err == nil || !strings.Contains(err.Error(), "tasks cni and ipam-exhausted both use the machine-wide CNI network demo_br") {
		t.Errorf("cni with ipam-exhausted: %v", err)
	}
	if _, err := drawTasks(cat, len(cat.Lessons), 1); err == nil || !strings.Contains(err.Error(), "side by side") {
		t.Errorf("drawing every task: %v, want a refusal", err)
	}
}
