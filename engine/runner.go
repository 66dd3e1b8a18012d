package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/snapshot"
)

// Runner applies a lesson in a scope and reports what happens as events.
type Runner struct {
	Scope *netops.Scope
	Sink  func(Event) // may be nil

	// closing is the last step's closing snapshot while Steps runs them
	// back to back: nothing else changes the lab in between, so it is the
	// next step's opening one (a cluster's snapshot of a hundred pods costs
	// as much as the step). A step applied on its own takes a fresh one:
	// the learner may have changed the lab since.
	closing *snapshot.Snapshot
	last    *snapshot.Snapshot // the closing snapshot of the step just applied
}

func (r *Runner) emit(e Event) {
	if r.Sink != nil {
		r.Sink(e)
	}
}

// Setup claims the lesson's names, builds the scope's host and world and
// applies the lesson's given state. It is what `lab task` and `lab run` do
// first. The scope must be empty or hold this lesson already.
func (r *Runner) Setup(ctx context.Context, l *Lesson) error {
	s := r.Scope
	if cur := s.Lesson(); cur != "" && cur != l.ID {
		return fmt.Errorf("scope %q holds lesson %q: run `lab reset` first", s.Name, cur)
	}
	if err := netops.NeedPlugins(l.CNIConfs()); err != nil {
		return err
	}
	if err := netops.NeedFeatures(l.Features()); err != nil {
		return err
	}
	if err := s.Claim(l.Namespaces); err != nil {
		return err
	}
	if err := s.ClaimIPAM(l.IPAMNetworks); err != nil {
		return err
	}
	if err := s.EnsureBase(); err != nil {
		return err
	}
	if err := s.SetLesson(l.ID); err != nil {
		return err
	}
	trace("setup: claims and base")
	for j, op := range l.Setup {
		hook(ctx, fmt.Sprintf("setup.%d:before", j+1))
		if _, err := op.Op.Apply(s); err != nil {
			return fmt.Errorf("%s:%d: setup: %w", l.File, op.Line, err)
		}
		hook(ctx, fmt.Sprintf("setup.%d:after", j+1))
		trace("setup: %s", opName(op.Op))
	}
	_, _ = snapshot.TakeSettled(realNames(l, s))
	trace("setup: settled snapshot")
	r.emit(Event{Type: SetupDone, Lesson: l.ID, Title: l.Title})
	return nil
}

// StepResult is what applying one step produced.
type StepResult struct {
	Commands []string
	Notes    []netops.Note // what the operations printed (a CNI result, IPAM files)
	Diff     snapshot.Diff
	Checks   []CheckResult
}

// Passed reports whether every check of the step passed.
func (sr StepResult) Passed() bool {
	for _, c := range sr.Checks {
		if !c.Passed {
			return false
		}
	}
	return true
}

// Step applies step i: snapshot, apply, checks, snapshot, diff. The closing
// snapshot comes after the checks, so the diff shows what their probes made
// happen too: neighbours and learned MACs after the first ping, the NAT
// translations in conntrack. A step is never left half done: ctx only
// releases a test's pause point.
func (r *Runner) Step(ctx context.Context, l *Lesson, i int) (StepResult, error) {
	s, st := r.Scope, l.Steps[i]
	r.emit(Event{Type: StepStarted, Lesson: l.ID, Step: i, Title: st.Title})
	names := realNames(l, s)
	var before snapshot.Snapshot
	if r.closing != nil {
		before, r.closing = *r.closing, nil
		// Connections are heard per step: each step shows the ones its
		// own probes made, as a fresh opening snapshot (which has none) does.
		for i := range before.Namespaces {
			before.Namespaces[i].Conntrack = nil
		}
	} else {
		var err error
		if before, err = snapshot.TakeFull(names); err != nil {
			return StepResult{}, err
		}
	}
	trace("step %d: opening snapshot", i+1)
	nat := snapshot.WatchNAT(names)
	defer nat.Close()
	var res StepResult
	for j, op := range st.Do {
		res.Commands = append(res.Commands, op.Op.Commands(s)...)
		hook(ctx, fmt.Sprintf("%d.%d:before", i+1, j+1))
		notes, err := op.Op.Apply(s)
		hook(ctx, fmt.Sprintf("%d.%d:after", i+1, j+1))
		trace("step %d: %s", i+1, opName(op.Op))
		res.Notes = append(res.Notes, notes...)
		if err != nil {
			err = fmt.Errorf("step %d %q: %w", i+1, st.Title, err)
			r.emit(Event{Type: StepApplied, Lesson: l.ID, Step: i, Title: st.Title, Commands: res.Commands, Notes: res.Notes, Err: err})
			return res, err
		}
	}
	// A cluster's step may have made namespaces (pods): look again.
	names = realNames(l, s)
	after, err := snapshot.TakeSettled(names)
	if err != nil {
		return res, err
	}
	trace("step %d: settled snapshot", i+1)
	if len(st.Check) > 0 {
		if res.Checks, err = grade(l, s, st.Check, &after); err != nil {
			return res, err
		}
		trace("step %d: %d checks", i+1, len(st.Check))
	}
	// What the probes changed too (neighbours learnt, fdb): the namespaces
	// that said nothing since after are not read again (snapshot's cache).
	closing, err := snapshot.TakeFull(names)
	if err != nil {
		return res, err
	}
	trace("step %d: closing snapshot", i+1)
	heard := nat.Close()
	for i := range closing.Namespaces {
		closing.Namespaces[i].Conntrack = heard[closing.Namespaces[i].Name]
	}
	res.Diff = snapshot.Compare(before, closing)
	r.last = &closing
	r.emit(Event{Type: StepApplied, Lesson: l.ID, Step: i, Title: st.Title, Commands: res.Commands, Notes: res.Notes, Diff: res.Diff})
	for _, c := range res.Checks {
		r.emit(Event{Type: CheckDone, Lesson: l.ID, Step: i, Title: st.Title, Check: c})
	}
	r.emit(Event{Type: StepDone, Lesson: l.ID, Step: i, Title: st.Title})
	return res, nil
}

// Steps applies every step of a lesson already set up and reports whether
// every check passed. It stops at the first step whose operation failed
// (that error), and between steps once ctx is cancelled (ErrInterrupted):
// a step is never left half done.
func (r *Runner) Steps(ctx context.Context, l *Lesson) (bool, error) {
	return r.stepsFrom(ctx, l, 0)
}

// Cleanup applies the lesson's cleanup steps, numbered on from its steps,
// as Steps does.
func (r *Runner) Cleanup(ctx context.Context, l *Lesson) (bool, error) {
	full := *l
	full.Steps = append(slices.Clip(l.Steps), l.Cleanup...)
	return r.stepsFrom(ctx, &full, len(l.Steps))
}

// stepsFrom applies the steps of l from step from on, as Steps does.
func (r *Runner) stepsFrom(ctx context.Context, l *Lesson, from int) (bool, error) {
	ok := true
	for i := from; i < len(l.Steps); i++ {
		if ctx.Err() != nil {
			return false, ErrInterrupted{Done: i}
		}
		res, err := r.Step(ctx, l, i)
		r.closing, r.last = r.last, nil
		if err != nil {
			return false, err
		}
		ok = ok && res.Passed()
	}
	if ctx.Err() != nil {
		return false, ErrInterrupted{Done: len(l.Steps)}
	}
	r.emit(Event{Type: LessonDone, Lesson: l.ID, Title: l.Title})
	return ok, nil
}

// ErrInterrupted says a run stopped on SIGINT or SIGTERM after Done steps,
// each of them whole.
type ErrInterrupted struct{ Done int }

func (e ErrInterrupted) Error() string {
	return fmt.Sprintf("interrupted: stopped after step %d, which is complete; lab reset removes it all", e.Done)
}
