package engine

import (
	"fmt"
	"strings"

	"github.com/cnilab/lab/netops"
)

// SameNetnsCheck asserts what makes a pod: the named namespace is the pause
// process's own (one inode behind /var/run/netns/NAME and /proc/PID/ns/net),
// and other processes (the containers) live in it too. The pause process is
// a job of the lesson, or the init process of a container of the scope's
// containerd; Containers are other containers that must share it.
type SameNetnsCheck struct {
	Netns        string   `yaml:"netns"`
	Job          string   `yaml:"job"`           // the pause process
	Container    string   `yaml:"container"`     // or the pause container
	Containers   []string `yaml:"containers"`    // containers that must live in it too
	MinProcesses int      `yaml:"min_processes"` // how many processes share it, the pause one included
}

func (c SameNetnsCheck) Namespaces() []string { return []string{c.Netns} }
func (c SameNetnsCheck) Behaviour() bool      { return false }

func (c SameNetnsCheck) Validate() error {
	if c.Netns == "" || (c.Job == "") == (c.Container == "") {
		return fmt.Errorf("same_netns check: netns and one of job or container are required")
	}
	return nil
}

// owner names the pause process for messages.
func (c SameNetnsCheck) owner() string {
	if c.Container != "" {
		return "container " + c.Container
	}
	return c.Job + " process"
}

func (c SameNetnsCheck) Describe(r netops.Resolver) string {
	s := fmt.Sprintf("%s is the %s's netns", r.Netns(c.Netns), c.owner())
	if len(c.Containers) > 0 {
		s += ", shared by container " + strings.Join(c.Containers, ", ")
	}
	if c.MinProcesses > 1 {
		s += fmt.Sprintf(", shared by %d processes", c.MinProcesses)
	}
	return s
}

func (c SameNetnsCheck) Evaluate(e *Eval) Outcome {
	pid := e.Scope.Jobs()[c.Job]
	if c.Container != "" {
		pid = e.Scope.ContainerPid(c.Container)
	}
	o := e.Scope.NetnsOwnerOf(c.Netns, pid)
	path := "/var/run/netns/" + e.Scope.Netns(c.Netns) // as the articles write it
	switch {
	case o.Inode == 0:
		return fail(fmt.Sprintf("%s does not exist: name the pause %s's netns first", path, strings.TrimSuffix(c.owner(), " process")))
	case o.PID == 0:
		return fail(fmt.Sprintf("the %s is not running (lab task sets it up again)", c.owner()))
	case o.PIDInode != o.Inode:
		return fail(fmt.Sprintf("%s (inode %d) is not the netns of the %s, pid %d (inode %d)", path, o.Inode, c.owner(), o.PID, o.PIDInode),
			fmt.Sprintf("mount -o bind /proc/%d/ns/net %s", o.PID, path))
	case len(o.Processes) < c.MinProcesses:
		return fail(fmt.Sprintf("only %d process(es) in netns inode %d (%s); want %d", len(o.Processes), o.Inode, strings.Join(o.Processes, ", "), c.MinProcesses))
	}
	for _, id := range c.Containers {
		p := e.Scope.ContainerPid(id)
		if p == 0 {
			return fail(fmt.Sprintf("container %s is not running", id))
		}
		ino, _ := netops.NetnsInodeOf(p)
		if ino != o.Inode {
			return fail(fmt.Sprintf("container %s (pid %d) has a network namespace of its own (inode %d), not %s's (inode %d)", id, p, ino, path, o.Inode),
				fmt.Sprintf("ctr run -d --with-ns network:%s IMAGE %s", path, id))
		}
	}
	return pass(fmt.Sprintf("inode %d: %s", o.Inode, strings.Join(o.Processes, ", ")))
}
