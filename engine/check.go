package engine

import (
	"sync"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/snapshot"
)

// Check is one thing a step or verify asserts about the live state.
type Check interface {
	// Namespaces lists the logical namespaces the check reads.
	Namespaces() []string
	// Validate checks the check's own values without the kernel.
	Validate() error
	// Describe is the default title, with real names.
	Describe(r netops.Resolver) string
	// Evaluate grades the live state. Structural checks read the snapshot;
	// behaviour checks (ping) send packets.
	Evaluate(e *Eval) Outcome
	// Behaviour is true for checks that prove something works end to end;
	// the verifier lists them first and explains their failures with the
	// structural checks that failed.
	Behaviour() bool
}

// Eval is what checks read: the scope and one snapshot of its namespaces,
// taken once for all the checks of a step or a verify.
type Eval struct {
	Scope *netops.Scope
	Snap  snapshot.Snapshot

	mu   sync.Mutex
	once map[string]*sync.Once // work shared by checks of one grading
	memo map[string]any
}

// shared runs fn once per key for all the checks of one grading (one
// conformance battery for its many items) and returns its value.
func (e *Eval) shared(key string, fn func() any) any {
	e.mu.Lock()
	if e.once == nil {
		e.once, e.memo = map[string]*sync.Once{}, map[string]any{}
	}
	o, ok := e.once[key]
	if !ok {
		o = &sync.Once{}
		e.once[key] = o
	}
	e.mu.Unlock()
	o.Do(func() {
		v := fn()
		e.mu.Lock()
		e.memo[key] = v
		e.mu.Unlock()
	})
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.memo[key]
}

// Outcome is a check's result. Fix holds the commands that would mend what
// the check found wrong; the hint shows them.
type Outcome struct {
	Passed bool
	Detail string
	Fix    []string
	Lines  []string // what a capture saw, one tcpdump-like line a packet
}

func pass(detail string) Outcome { return Outcome{Passed: true, Detail: detail} }

func fail(detail string, fix ...string) Outcome {
	return Outcome{Detail: detail, Fix: fix}
}

// netns finds a namespace of the snapshot by logical name.
func (e *Eval) netns(logical string) (snapshot.Netns, string, bool) {
	real := e.Scope.Netns(logical)
	n, ok := e.Snap.Find(real)
	return n, real, ok
}
