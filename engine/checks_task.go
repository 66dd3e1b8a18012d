package engine

import (
	"fmt"

	"github.com/cnilab/lab/netops"
)

// TaskCheck asserts that the scope's containerd runs a container's task,
// as `ctr task ls` shows it (STATUS RUNNING).
type TaskCheck struct {
	ID string `yaml:"id"`
}

func (c TaskCheck) Namespaces() []string { return nil }
func (c TaskCheck) Behaviour() bool      { return false }

func (c TaskCheck) Validate() error {
	if c.ID == "" {
		return fmt.Errorf("task check: id is required")
	}
	return nil
}

func (c TaskCheck) Describe(netops.Resolver) string {
	return fmt.Sprintf("task %s is RUNNING (ctr task ls)", c.ID)
}

func (c TaskCheck) Evaluate(e *Eval) Outcome {
	tasks, err := e.Scope.Tasks()
	if err != nil {
		return fail(err.Error())
	}
	t, ok := tasks[c.ID]
	switch {
	case !ok:
		return fail(fmt.Sprintf("containerd has no task %s (ctr task ls)", c.ID))
	case t.Status != "RUNNING":
		return fail(fmt.Sprintf("task %s is %s, not RUNNING", c.ID, t.Status))
	}
	return pass(fmt.Sprintf("pid %d", t.Pid))
}
