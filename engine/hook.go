package engine

import (
	"context"
	"fmt"
	"os"
)

// PauseEnv names a point where a run stops and waits, for the fault tests:
// "setup.J:before", "setup.J:after", "K.J:before" or "K.J:after" (step K,
// operation J, both from 1), around that operation's kernel change. The run
// writes "CNILAB_PAUSED <point>" to stderr and waits to be killed, or, once
// its context is cancelled (SIGINT, SIGTERM), goes on to the end of its step.
const PauseEnv = "CNILAB_TEST_PAUSE"

// hook pauses at the named point when the test asked for it.
func hook(ctx context.Context, point string) {
	if os.Getenv(PauseEnv) != point {
		return
	}
	fmt.Fprintf(os.Stderr, "CNILAB_PAUSED %s\n", point)
	<-ctx.Done()
}
