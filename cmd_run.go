package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/snapshot"
	"github.com/spf13/cobra"
)

// runReport is what `lab run --json` prints.
type runReport struct {
	Lesson string       `json:"lesson"`
	Scope  string       `json:"scope"`
	Passed bool         `json:"passed"`
	Steps  []stepReport `json:"steps"`
}

type stepReport struct {
	Title    string               `json:"title"`
	Commands []string             `json:"commands"`
	Notes    []netops.Note        `json:"output,omitempty"`
	Diff     []diffLine           `json:"diff"`
	Checks   []engine.CheckResult `json:"checks"`
	Error    string               `json:"error,omitempty"`
}

type diffLine struct {
	Netns string `json:"netns"`
	Sign  string `json:"sign"`
	Kind  string `json:"kind"`
	Line  string `json:"line"`
}

func diffLines(d snapshot.Diff) []diffLine {
	out := []diffLine{}
	for _, c := range d.Changes {
		out = append(out, diffLine{Netns: c.Netns, Sign: string(c.Sign), Kind: c.Kind, Line: c.Line})
	}
	return out
}

func (a *app) runCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "run LESSON",
		Short: "Set up a lesson and apply every step: commands, diffs and checks",
		Long: `Set up the lesson and apply every step (the reference solution), printing per step
its title, the equivalent commands, the diff of links, addresses and routes, and each
check. The result stays in place to explore (lab shell) until lab reset.
Exit status: 0 every check passed, 1 a check failed, 2 the lesson could not run.`,
		Args: a.oneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, s, lock, err := a.prepare("run", args[0])
			if err != nil {
				return err
			}
			defer lock.Release()
			defer s.Close()
			start := time.Now()
			rep := runReport{Lesson: l.ID, Scope: s.Name, Steps: []stepReport{}}
			p := newPrinter(os.Stdout, len(l.Steps))
			r := &engine.Runner{Scope: s}
			if asJSON {
				r.Sink = func(e engine.Event) { collect(&rep, e) }
			} else {
				r.Sink = p.event
				fmt.Printf("%s — %s (scope %s)\n", p.paint("1", l.ID), l.Title, s.Name)
			}
			if removed, err := freshSetup(r, l); err != nil {
				return err
			} else if len(removed) > 0 && !asJSON {
				fmt.Printf("reset scope %s first: removed %d namespaces\n", s.Name, len(removed))
			}
			// SIGINT and SIGTERM end the run between steps, never inside one.
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
			defer signal.Stop(sig)
			go func() {
				if _, ok := <-sig; ok {
					engine.Interrupted.Store(true)
				}
			}()
			// A step whose operation failed was reported as an event and
			// counts as a failed check; an interrupt could not finish.
			ok, err := r.Steps(l)
			var stopped engine.ErrInterrupted
			if errors.As(err, &stopped) {
				return &exitError{code: 2, msg: stopped.Error()}
			}
			rep.Passed = ok
			if asJSON {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				enc.Encode(rep)
			} else {
				summary(p, ok, time.Since(start), s.Name)
			}
			if !ok {
				return checksFailed
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object instead of text")
	return c
}

// collect builds the JSON report from the event stream.
func collect(rep *runReport, e engine.Event) {
	switch e.Type {
	case engine.StepStarted:
		rep.Steps = append(rep.Steps, stepReport{Title: e.Title, Commands: []string{}, Diff: []diffLine{}, Checks: []engine.CheckResult{}})
	case engine.StepApplied:
		st := &rep.Steps[len(rep.Steps)-1]
		st.Commands = append(st.Commands, e.Commands...)
		st.Notes = e.Notes
		st.Diff = diffLines(e.Diff)
		if e.Err != nil {
			st.Error = e.Err.Error()
		}
	case engine.CheckDone:
		st := &rep.Steps[len(rep.Steps)-1]
		st.Checks = append(st.Checks, e.Check)
	}
}

func summary(p *printer, ok bool, took time.Duration, scope string) {
	flag := ""
	if scope != "lab" {
		flag = " --scope " + scope
	}
	if ok {
		fmt.Fprintf(p.w, "\n%s all %d checks passed in %s. Explore with `lab shell%s`; remove it all with `lab reset%s`.\n",
			p.paint("32", "✓"), p.checks, took.Round(time.Millisecond), flag, flag)
		return
	}
	fmt.Fprintf(p.w, "\n%s %d of %d checks failed (%s). The state stays for you to look at: `lab shell%s`; `lab reset%s` removes it.\n",
		p.paint("31", "✗"), p.failed, p.checks, took.Round(time.Millisecond), flag, flag)
}
