package engine

import (
	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/snapshot"
)

// Note is something an operation showed besides its command and its diff:
// a CNI plugin's environment, stdin, result and IPAM files.
type Note = netops.Note

// RunReport is what `lab run --json` prints: each step with its commands,
// what its operations printed, its diff and its checks.
type RunReport struct {
	Lesson string       `json:"lesson"`
	Scope  string       `json:"scope"`
	Passed bool         `json:"passed"`
	Steps  []StepReport `json:"steps"`
}

// StepReport is one step of a RunReport.
type StepReport struct {
	Title    string        `json:"title"`
	Commands []string      `json:"commands"`
	Notes    []Note        `json:"output,omitempty"`
	Diff     []DiffLine    `json:"diff"`
	Checks   []CheckResult `json:"checks"`
	Error    string        `json:"error,omitempty"`
}

// DiffLine is one line of a step's diff: in which namespace, added ("+")
// or removed ("-"), what kind of object, and the line as `ip` prints it.
type DiffLine struct {
	Netns string `json:"netns"`
	Sign  string `json:"sign"`
	Kind  string `json:"kind"`
	Line  string `json:"line"`
}

// NewRunReport starts the report of a run.
func NewRunReport(lesson, scope string) *RunReport {
	return &RunReport{Lesson: lesson, Scope: scope, Steps: []StepReport{}}
}

// Add takes one event of the run: a sink for Session.Setup and Steps.
func (r *RunReport) Add(e Event) {
	switch e.Type {
	case StepStarted:
		r.Steps = append(r.Steps, StepReport{Title: e.Title, Commands: []string{}, Diff: []DiffLine{}, Checks: []CheckResult{}})
	case StepApplied:
		st := &r.Steps[len(r.Steps)-1]
		st.Commands = append(st.Commands, e.Commands...)
		st.Notes = e.Notes
		st.Diff = diffLines(e.Diff)
		if e.Err != nil {
			st.Error = e.Err.Error()
		}
	case CheckDone:
		st := &r.Steps[len(r.Steps)-1]
		st.Checks = append(st.Checks, e.Check)
	}
}

func diffLines(d snapshot.Diff) []DiffLine {
	out := []DiffLine{}
	for _, c := range d.Changes {
		out = append(out, DiffLine{Netns: c.Netns, Sign: string(c.Sign), Kind: c.Kind, Line: c.Line})
	}
	return out
}
