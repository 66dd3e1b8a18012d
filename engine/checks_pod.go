package engine

import (
	"fmt"
	"strings"

	"github.com/cnilab/lab/netops"
)

// SameNetnsCheck asserts what makes a pod: the named namespace is the pause
// process's own (one inode behind /var/run/netns/NAME and /proc/PID/ns/net),
// and other processes (the containers) live in it too.
type SameNetnsCheck struct {
	Netns        string `yaml:"netns"`
	Job          string `yaml:"job"`           // the pause process
	MinProcesses int    `yaml:"min_processes"` // how many processes share it, the pause one included
}

func (c SameNetnsCheck) Namespaces() []string { return []string{c.Netns} }
func (c SameNetnsCheck) Behaviour() bool      { return false }

func (c SameNetnsCheck) Validate() error {
	if c.Netns == "" || c.Job == "" {
		return fmt.Errorf("same_netns check: netns and job are required")
	}
	return nil
}

func (c SameNetnsCheck) Describe(r netops.Resolver) string {
	s := fmt.Sprintf("%s is the %s process's netns", r.Netns(c.Netns), c.Job)
	if c.MinProcesses > 1 {
		s += fmt.Sprintf(", shared by %d processes", c.MinProcesses)
	}
	return s
}

func (c SameNetnsCheck) Evaluate(e *Eval) Outcome {
	o := e.Scope.NetnsOwnerOf(c.Netns, c.Job)
	path := "/var/run/netns/" + e.Scope.Netns(c.Netns) // as the articles write it
	switch {
	case o.Inode == 0:
		return fail(fmt.Sprintf("%s does not exist: name the pause process's netns first", path))
	case o.PID == 0:
		return fail(fmt.Sprintf("the %s process is not running (lab task sets it up again)", c.Job))
	case o.PIDInode != o.Inode:
		return fail(fmt.Sprintf("%s (inode %d) is not the netns of the %s process %d (inode %d)", path, o.Inode, c.Job, o.PID, o.PIDInode),
			fmt.Sprintf("mount -o bind /proc/%d/ns/net %s", o.PID, path))
	case len(o.Processes) < c.MinProcesses:
		return fail(fmt.Sprintf("only %d process(es) in netns inode %d (%s); want %d", len(o.Processes), o.Inode, strings.Join(o.Processes, ", "), c.MinProcesses))
	}
	return pass(fmt.Sprintf("inode %d: %s", o.Inode, strings.Join(o.Processes, ", ")))
}
