package engine

import (
	"fmt"
	"os"
	"sync/atomic"
	"time"
)

// PauseEnv names a point where a run stops and waits, for the fault tests:
// "setup.J:before", "setup.J:after", "K.J:before" or "K.J:after" (step K,
// operation J, both from 1), around that operation's kernel change. The run
// writes "CNILAB_PAUSED <point>" to stderr and waits to be killed, or, after
// an interrupt, goes on to the end of its step.
const PauseEnv = "CNILAB_TEST_PAUSE"

// Interrupted is set by `lab run` when SIGINT or SIGTERM arrives: the
// runner finishes the step it is in and stops, so a step is never half done.
var Interrupted atomic.Bool

// hook pauses at the named point when the test asked for it.
func hook(point string) {
	if os.Getenv(PauseEnv) != point {
		return
	}
	fmt.Fprintf(os.Stderr, "CNILAB_PAUSED %s\n", point)
	for !Interrupted.Load() {
		time.Sleep(5 * time.Millisecond)
	}
}
