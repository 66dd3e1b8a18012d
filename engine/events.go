package engine

import (
	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/snapshot"
)

// EventType says what happened in a run.
type EventType int

const (
	SetupDone   EventType = iota // the given state is in place
	StepStarted                  // a step is about to be applied
	StepApplied                  // its operations ran: Commands and Diff are set
	CheckDone                    // one check of the step: Check is set
	StepDone                     // every check of the step ran
	LessonDone                   // the last step is done
)

// Event is one thing the runner reports. `lab run` prints them; the TUI
// renders them.
type Event struct {
	Type     EventType
	Lesson   string
	Step     int // index into Lesson.Steps
	Title    string
	Commands []string
	Notes    []netops.Note
	Diff     snapshot.Diff
	Check    CheckResult
	Err      error // a step whose operation failed
}

// CheckResult is the graded outcome of one check, as `lab verify --json`
// prints it.
type CheckResult struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail"`
	Hint   string `json:"hint"`
	// Captured is what a capture check saw, for `lab run` and the TUI's
	// capture pane; verify's JSON keeps the contract's shape without it.
	Captured []string `json:"-"`
}
