package lessons_test

import (
	"slices"
	"testing"

	"github.com/cnilab/lab/engine"
)

// opSteps are the indexes of the steps the self-test leaves out one at a
// time: the steps that change something for good. Steps that only observe
// (a ping expected to fail, a CNI CHECK) and steps that keep the state they
// found (a DEL followed by the same ADD) are not among them.
func opSteps(l *engine.Lesson) []int {
	var out []int
	for i, s := range l.Steps {
		if s.KeepsState {
			continue
		}
		for _, op := range s.Do {
			if r, ok := op.Op.(interface{ ReadOnly() bool }); !ok || !r.ReadOnly() {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// The route lesson's first step only observes (network is unreachable), and
// so do its forwarding-less ping and its capture: the self-test leaves out
// steps 2, 4 and 5 only.
func TestOpStepsUnit(t *testing.T) {
	cat, err := engine.LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	route, err := cat.Get("route")
	if err != nil {
		t.Fatal(err)
	}
	if got := opSteps(route); !slices.Equal(got, []int{1, 3, 4}) {
		t.Errorf("route opSteps = %v, want [1 3 4]", got)
	}
	cni, err := cat.Get("cni")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range opSteps(cni) {
		if cni.Steps[k].KeepsState {
			t.Errorf("cni step %d keeps the state it found, yet it is left out", k+1)
		}
	}
}
