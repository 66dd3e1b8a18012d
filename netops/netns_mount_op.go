package netops

import (
	"fmt"

	"github.com/cnilab/lab/netops/ns"
)

// NetnsMount gives a process's network namespace a name: a bind mount of
// /proc/PID/ns/net at /var/run/netns/NAME, as article 004 does for a pause
// container, after which `ip netns` and CNI_NETNS can use it.
//
// Equivalent to: `touch /var/run/netns/pause_demo && mount -o bind /proc/$PAUSE_PID/ns/net /var/run/netns/pause_demo`
type NetnsMount struct {
	Name string `yaml:"name"` // the lesson's netns name
	Job  string `yaml:"job"`  // the process whose namespace it is
	// Container is, instead of a job, a container of the scope's
	// containerd whose init process holds the namespace.
	Container string `yaml:"container"`
}

func (o NetnsMount) Commands(r Resolver) []string {
	real := r.Netns(o.Name)
	var cmds []string
	pid := "$" + envName(o.Job)
	if o.Container != "" {
		cmds, pid = []string{"target_pid=" + ContainerPidCommand(o.Container)}, "$target_pid"
	}
	return append(cmds, "mkdir -p /var/run/netns",
		"touch /var/run/netns/"+real,
		"mount -o bind /proc/"+pid+"/ns/net /var/run/netns/"+real)
}

func (o NetnsMount) Namespaces() []string { return []string{o.Name} }

func (o NetnsMount) Validate() error {
	if (o.Job == "") == (o.Container == "") {
		return fmt.Errorf("netns_mount %q: give a job or a container", o.Name)
	}
	return checkNetnsName("netns_mount", o.Name)
}

func (o NetnsMount) Apply(s *Scope) ([]Note, error) {
	real := s.Netns(o.Name)
	pid, what := s.jobPid(o.Job), "process "+o.Job
	if o.Container != "" {
		pid, what = s.ContainerPid(o.Container), "container "+o.Container
	}
	if pid == 0 {
		return nil, fmt.Errorf("name netns %q: %s is not running", real, what)
	}
	src := fmt.Sprintf("/proc/%d/ns/net", pid)
	if ns.Exists(real) {
		a, _ := ns.Inode(ns.Path(real))
		b, _ := ns.Inode(src)
		if a == b {
			return nil, nil
		}
		return nil, foreignNetns(real)
	}
	if err := s.Claim([]string{o.Name}); err != nil {
		return nil, err
	}
	if err := ns.Mount(src, real); err != nil {
		return nil, err
	}
	if o.Container != "" {
		// runc made this namespace, with the kernel's defaults: lab's
		// own runs show what every namespace lab makes shows.
		return nil, setDefaults(real)
	}
	return nil, nil
}

// envName is the shell variable holding a job's pid: pause -> PAUSE_PID.
func envName(job string) string {
	b := []byte(job)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = c - 32
		case c == '-':
			b[i] = '_'
		}
	}
	return string(b) + "_PID"
}
