// Command lab is a terminal lab that teaches Linux container networking and
// CNI by doing it for real. main wires the commands; the work is in engine
// and netops.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cnilab/lab/engine"
	"github.com/spf13/cobra"
)

func main() {
	// Installed as my-cni-demo in a CNI_PATH, lab is the project's own CNI
	// plugin (article 000's bash plugin, in Go).
	if filepath.Base(os.Args[0]) == engine.PluginName {
		engine.PluginMain()
		return
	}
	engine.RootlessStarted()
	mayJoin = true
	os.Exit(execute(os.Args[1:]))
}

// mayJoin is set by main: only the lab process itself may join a rootless
// lab, which replaces the process; in-process tests of the commands run
// execute() without it.
var mayJoin bool

// app is what every command shares: the global flags.
type app struct {
	scope   string
	lessons string
}

func newRoot() *cobra.Command {
	a := &app{}
	root := &cobra.Command{
		Use:   "lab",
		Short: "Learn Linux container networking and CNI by doing it for real",
		Long: `lab teaches container networking on the real kernel, in network namespaces of
its own: veth cables, bridges, routes, NAT, CNI plugins, pods.

  lab                  the walkthrough: pick a lesson, step through it
  lab learn LESSON     the walkthrough of one lesson
  lab demo LESSON      play a lesson by itself (for a projector)
  lab list             the lessons
  lab run LESSON       apply a lesson, step by step, showing commands and diffs
  lab task LESSON      set up an exercise; build it by hand in "lab shell"
  lab verify LESSON    grade what is there now
  lab practice         practise by hand with live checks: lessons and broken labs
  lab practice list    break-fix scenarios: lab task ID, find the fault, lab verify ID
  lab hint ID          one more hint; lab solution ID: the fix, after an attempt
  lab exam             several tasks under a clock; lab exam grade scores them
  lab reset            remove everything the lab made`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE:          a.walkthrough,
	}
	root.PersistentFlags().StringVar(&a.scope, "scope", "lab", "sandbox name: lets several labs (and tests) run side by side")
	root.PersistentFlags().StringVar(&a.lessons, "lessons", "", "a directory of extra lesson files (YAML) to load")
	root.AddCommand(a.learnCmd(), a.demoCmd(), a.listCmd(), a.runCmd(), a.taskCmd(), a.verifyCmd(),
		a.resetCmd(), a.scriptCmd(), a.shellCmd(), a.topoCmd(), a.captureCmd(), a.serveCmd(), a.pauseCmd(), a.doctorCmd(),
		a.practiceCmd(), a.hintCmd(), a.solutionCmd(), a.examCmd(), a.progressCmd(), a.nodeHoldCmd(), a.podCmd(), a.podCNICmd(), a.inventoryCmd(),
		a.stopCmd(), a.usernsHoldCmd(), a.usernsEnterCmd(), a.apparmorCmd(), a.ctrdHoldCmd())
	return root
}

func execute(args []string) int {
	root := newRoot()
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ex *exitError
	if errors.As(err, &ex) {
		if ex.msg != "" {
			fmt.Fprintln(os.Stderr, "lab: "+ex.msg)
		}
		return ex.code
	}
	// Everything else prevented the command from doing its job: usage,
	// environment, a lesson file with an error, an object lab did not make.
	fmt.Fprintln(os.Stderr, "lab: "+err.Error())
	return 2
}

// exitError carries an exit code: 1 when a check failed, 2 when the command
// could not do its job.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// exitWith is lab's exit with a command's status (and error, said on
// stderr): lab stands for a command it ran.
func exitWith(code int, err error) error {
	if err != nil {
		return &exitError{code: code, msg: err.Error()}
	}
	if code != 0 {
		return &exitError{code: code}
	}
	return nil
}

// checksFailed is the quiet exit 1 of run and verify: the report said it all.
var checksFailed = &exitError{code: 1}
