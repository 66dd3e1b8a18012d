package lessons_test

import (
	"context"
	"os"
	"testing"

	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/netops"
)

func benchLesson(b *testing.B, id, scope string) (*engine.Lesson, *netops.Scope) {
	if os.Geteuid() != 0 || testing.Short() {
		b.Skip("needs root")
	}
	cat, err := engine.LoadCatalog("")
	if err != nil {
		b.Fatal(err)
	}
	l, err := cat.Get(id)
	if err != nil {
		b.Fatal(err)
	}
	s, _ := netops.NewScope(scope)
	b.Cleanup(func() { s.Reset(); os.Remove(s.StateDir + "/lock"); os.Remove(s.StateDir) })
	return l, s
}

// BenchmarkStepBridge measures one non-CNI step with its snapshots, diff and
// checks: the bridge lesson's last step (an address and two pings). The
// budget is 50ms.
func BenchmarkStepBridge(b *testing.B) {
	l, s := benchLesson(b, "bridge", "bstep")
	r := &engine.Runner{Scope: s}
	last := len(l.Steps) - 1
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s.Reset()
		if err := r.Setup(context.Background(), l); err != nil {
			b.Fatal(err)
		}
		for k := 0; k < last; k++ {
			r.Step(context.Background(), l, k)
		}
		b.StartTimer()
		if res, err := r.Step(context.Background(), l, last); err != nil || !res.Passed() {
			b.Fatalf("step: %v %+v", err, res.Checks)
		}
	}
}

// BenchmarkRunResetVeth measures a whole lesson built and torn down in process.
func BenchmarkRunResetVeth(b *testing.B) {
	l, s := benchLesson(b, "veth", "brun")
	for i := 0; i < b.N; i++ {
		if ok, err := run(s, l); err != nil || !ok {
			b.Fatal(err)
		}
		if _, err := s.Reset(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyRoute measures grading the route lesson's end state.
func BenchmarkVerifyRoute(b *testing.B) {
	l, s := benchLesson(b, "route", "bver")
	if ok, err := run(s, l); err != nil || !ok {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if rep, err := engine.Verify(l, s); err != nil || !rep.Passed {
			b.Fatal(err)
		}
	}
}
