package engine

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// CNILAB_TRACE=1 makes a run print where its time goes, on stderr: each
// operation, snapshot and grading of setup and of every step, with its
// duration and the time since the first mark. It measures, as
// docs/performance.md reports; nothing reads it.
var tracing = sync.OnceValue(func() *tracer {
	if os.Getenv("CNILAB_TRACE") == "" {
		return nil
	}
	now := time.Now()
	return &tracer{start: now, last: now}
})

type tracer struct {
	mu          sync.Mutex
	start, last time.Time
}

// trace marks the end of what, which began at the previous mark.
func trace(format string, args ...any) {
	t := tracing()
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	fmt.Fprintf(os.Stderr, "trace %8.1f ms %8.1f ms  %s\n",
		ms(now.Sub(t.last)), ms(now.Sub(t.start)), fmt.Sprintf(format, args...))
	t.last = now
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// opName is an operation's YAML key, found in the registry by its Go type.
func opName(op any) string {
	t := fmt.Sprintf("%T", op)
	for key, ctor := range opKinds {
		if fmt.Sprintf("%T", ctor()) == t {
			return key // the YAML key the lesson wrote: cni_conf, ctr_run
		}
	}
	return t[strings.LastIndex(t, ".")+1:]
}
