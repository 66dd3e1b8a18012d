package engine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/ns"
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
	real := e.Scope.Netns(c.Netns)
	named, err := ns.Inode(ns.Path(real))
	if err != nil {
		return fail(fmt.Sprintf("/var/run/netns/%s does not exist: name the pause process's netns first", real))
	}
	pid := e.Scope.Jobs()[c.Job]
	if pid == 0 {
		return fail(fmt.Sprintf("the %s process is not running (lab task sets it up again)", c.Job))
	}
	held, err := ns.Inode(fmt.Sprintf("/proc/%d/ns/net", pid))
	if err != nil || held != named {
		return fail(fmt.Sprintf("/var/run/netns/%s (inode %d) is not the netns of the %s process %d (inode %d)", real, named, c.Job, pid, held),
			fmt.Sprintf("mount -o bind /proc/%d/ns/net /var/run/netns/%s", pid, real))
	}
	procs := processesIn(named)
	if len(procs) < c.MinProcesses {
		return fail(fmt.Sprintf("only %d process(es) in netns inode %d (%s); want %d", len(procs), named, strings.Join(procs, ", "), c.MinProcesses))
	}
	return pass(fmt.Sprintf("inode %d: %s", named, strings.Join(procs, ", ")))
}

// processesIn lists "pid command" of the processes in a network namespace.
func processesIn(inode uint64) []string {
	var out []string
	for pid := range netops.ProcessesInNetns(map[uint64]bool{inode: true}) {
		out = append(out, fmt.Sprintf("%d %s", pid, netops.Cmdline(pid)))
	}
	sort.Strings(out)
	return out
}
