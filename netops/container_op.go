package netops

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/cnilab/lab/netops/procfs"
)

// CtrRun starts a container in the scope's containerd, detached, as
// article 004's `nerdctl run -d` did: with a network namespace of its own
// (only lo in it: nobody ran CNI for it), or with Netns, in the namespace
// bind-mounted at /var/run/netns/NAME (a pod's second container).
//
// Equivalent to: `ctr run -d [--with-ns network:/var/run/netns/pause_demo] IMAGE ID`
type CtrRun struct {
	ID    string `yaml:"id"`
	Image string `yaml:"image"`
	Netns string `yaml:"netns"` // a lesson namespace to join, or none
	// WaitPort, with Netns: wait until the container listens on this TCP
	// port, so the checks after the step do not race its start.
	WaitPort int `yaml:"wait_port"`
}

func (o CtrRun) argv(r Resolver) []string {
	args := []string{"run", "-d"}
	if o.Netns != "" {
		args = append(args, "--with-ns", "network:/var/run/netns/"+r.Netns(o.Netns))
	}
	return append(args, o.Image, o.ID)
}

func (o CtrRun) Commands(r Resolver) []string {
	// ctr run reads its stdin even with -d: pasted or piped, it would
	// take the commands after it.
	cmds := []string{"ctr " + strings.Join(o.argv(r), " ") + " </dev/null", "ctr task ls"}
	if o.Netns == "" {
		// The article's way without nerdctl: runc's own record of it.
		cmds = append(cmds, "jq .namespace_paths.NEWNET "+runcStatePath(o.ID))
	}
	if o.WaitPort > 0 && o.Netns != "" {
		cmds = append(cmds, fmt.Sprintf("ip netns exec %s bash -c 'until </dev/tcp/127.0.0.1/%d; do sleep 0.05; done' 2>/dev/null", r.Netns(o.Netns), o.WaitPort))
	}
	return cmds
}

func (o CtrRun) Namespaces() []string {
	if o.Netns == "" {
		return nil
	}
	return []string{o.Netns}
}

func (o CtrRun) Validate() error {
	if o.ID == "" || o.Image == "" {
		return fmt.Errorf("ctr_run: id and image are required")
	}
	if o.WaitPort < 0 || o.WaitPort > 65535 || (o.WaitPort > 0 && o.Netns == "") {
		return fmt.Errorf("ctr_run %q: wait_port %d needs a netns and a port", o.ID, o.WaitPort)
	}
	if o.Netns != "" {
		return checkNetnsName("ctr_run", o.Netns)
	}
	return nil
}

func (o CtrRun) Apply(s *Scope) ([]Note, error) {
	tasks, err := s.Tasks()
	if err != nil {
		return nil, err
	}
	if tasks[o.ID].Status != "RUNNING" {
		if out, err := s.Ctr(o.argv(s)...); err != nil {
			return nil, fmt.Errorf("ctr run %s: %v: %s", o.ID, err, strings.TrimSpace(string(out)))
		}
		if tasks, err = s.Tasks(); err != nil {
			return nil, err
		}
	}
	if o.WaitPort > 0 {
		if err := waitListening(s.Netns(o.Netns), o.ID, s.ContainerPid(o.ID), o.WaitPort); err != nil {
			return nil, err
		}
	}
	notes := []Note{{Title: "ctr task ls", Body: tasks.String()}}
	if st, err := s.ContainerState(o.ID); err == nil && o.Netns == "" {
		notes = append(notes, Note{Title: "runc's " + runcStatePath(o.ID), Body: `"namespace_paths": {"NEWNET": "` + st.Namespaces["NEWNET"] + `", ...}`})
	}
	return notes, nil
}

// CtrRm stops and removes a container, as article 004's cleanup script
// does with nerdctl stop and nerdctl rm.
//
// Equivalent to: `ctr task rm -f ID; ctr container rm ID`
type CtrRm struct {
	ID string `yaml:"id"`
}

func (o CtrRm) Commands(Resolver) []string {
	return []string{"ctr task rm -f " + o.ID, "ctr container rm " + o.ID}
}

func (o CtrRm) Namespaces() []string { return nil }

func (o CtrRm) Validate() error {
	if o.ID == "" {
		return fmt.Errorf("ctr_rm: id is required")
	}
	return nil
}

func (o CtrRm) Apply(s *Scope) ([]Note, error) {
	tasks, err := s.Tasks()
	if err != nil {
		return nil, err
	}
	if _, ok := tasks[o.ID]; ok {
		if out, err := s.Ctr("task", "rm", "-f", o.ID); err != nil {
			return nil, fmt.Errorf("ctr task rm %s: %v: %s", o.ID, err, strings.TrimSpace(string(out)))
		}
	}
	out, err := s.Ctr("container", "rm", o.ID)
	if err != nil && !strings.Contains(string(out), "not found") {
		return nil, fmt.Errorf("ctr container rm %s: %v: %s", o.ID, err, strings.TrimSpace(string(out)))
	}
	return nil, nil
}

// Task is a row of `ctr task ls`.
type Task struct {
	ID     string
	Pid    int
	Status string // RUNNING, STOPPED, CREATED, ...
}

// TaskList is `ctr task ls` by task id.
type TaskList map[string]Task

func (t TaskList) String() string {
	ids := make([]string, 0, len(t))
	for id := range t {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s %-8s %s", "TASK", "PID", "STATUS")
	for _, id := range ids {
		fmt.Fprintf(&b, "\n%-12s %-8d %s", id, t[id].Pid, t[id].Status)
	}
	return b.String()
}

// Tasks asks the scope's containerd for its tasks.
//
// Equivalent to: `ctr task ls`
func (s *Scope) Tasks() (TaskList, error) {
	out, err := s.Ctr("task", "ls")
	if err != nil {
		return nil, fmt.Errorf("ctr task ls in the scope's containerd: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return parseTasks(string(out)), nil
}

// parseTasks reads ctr task ls: a header, then "ID PID STATUS" rows.
func parseTasks(out string) TaskList {
	tasks := TaskList{}
	for i, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) < 3 {
			continue
		}
		pid, _ := strconv.Atoi(f[1])
		tasks[f[0]] = Task{ID: f[0], Pid: pid, Status: f[2]}
	}
	return tasks
}

// runcStatePath is runc's state of a container as the article reads it
// (the scope's containerd keeps it there, in its mount namespace).
func runcStatePath(id string) string {
	return filepath.Join(ContainerdRun, "runc", ContainerdNamespace, id, "state.json")
}

// RuncState is what lab reads of runc's state.json of a container.
type RuncState struct {
	ID         string            `json:"id"`
	Pid        int               `json:"init_process_pid"`
	Start      uint64            `json:"init_process_start"`
	Namespaces map[string]string `json:"namespace_paths"`
}

// ContainerState reads runc's state.json of a container of the scope's
// containerd, from the scope's state folder (the same file as
// /run/containerd/runc/k8s.io/ID/state.json in lab shell).
func (s *Scope) ContainerState(id string) (RuncState, error) {
	st, err := readRuncState(filepath.Join(s.ContainerdDir(), "run", "runc", ContainerdNamespace, id, "state.json"))
	if err != nil {
		return st, fmt.Errorf("container %s: %w", id, err)
	}
	return st, nil
}

// readRuncState reads one runc state.json.
func readRuncState(path string) (RuncState, error) {
	var st RuncState
	b, err := os.ReadFile(path)
	if err != nil {
		return st, fmt.Errorf("runc has no state of it: %w", err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("runc's state.json: %w", err)
	}
	return st, nil
}

// running: the container's init process is the very one runc started (a
// reused pid has another start time).
func (st RuncState) running() bool {
	return st.Pid > 0 && procfs.Alive(st.Pid) && procfs.StartTime(st.Pid) == st.Start
}

// ContainerPidCommand is the shell's way to a container's pid, from the
// scope's containerd: `ctr task ls` and its PID column.
func ContainerPidCommand(id string) string {
	return `$(ctr task ls | awk '$1 == "` + id + `" {print $2}')`
}

// ContainerPid is the pid of a container's init process (its first
// process, as `ctr task ls` shows it), 0 when it does not run.
func (s *Scope) ContainerPid(id string) int {
	if st, err := s.ContainerState(id); err == nil && st.running() {
		return st.Pid
	}
	return 0
}
