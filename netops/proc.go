package netops

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cnilab/lab/netops/ns"
	"github.com/cnilab/lab/netops/probe"
	"github.com/cnilab/lab/netops/procfs"
)

// Process starts a long-lived program inside a namespace: the web server of
// the dnat lesson, later the pause process and the containers of a pod. It
// runs on after lab exits and is stopped by reset. "lab" as the program is
// the lab binary itself (`lab serve` is the articles' nginx).
//
// Equivalent to: `ip netns exec web lab serve --port 80 &`
type Process struct {
	Name     string `yaml:"name"` // job name, unique in the scope
	Netns    string `yaml:"netns"`
	Run      string `yaml:"run"`       // the command line, split on spaces
	WaitPort int    `yaml:"wait_port"` // wait until something listens on this TCP port
	// NewNetns starts it in a network namespace of its own, with no name,
	// as `docker run --network none` does for a pause container.
	NewNetns bool `yaml:"new_netns"`
}

// Marks in a process's environment: reset finds lab's processes by them even
// when lab crashed between starting one and writing its pid down.
const (
	envScope = "CNILAB_SCOPE"
	envJob   = "CNILAB_JOB"
	envToken = "CNILAB_TOKEN"
)

func (o Process) Commands(r Resolver) []string {
	// Output goes away from the terminal: a server left running must not
	// hold the shell's output open.
	if o.NewNetns {
		return []string{"unshare --net " + o.Run + " >/dev/null 2>&1 &"}
	}
	cmds := []string{in(r, o.Netns, o.Run+" >/dev/null 2>&1 &")}
	if o.WaitPort > 0 {
		// Wait until it listens, as the lab does, before anything uses it.
		cmds = append(cmds, in(r, o.Netns, fmt.Sprintf("bash -c 'until </dev/tcp/127.0.0.1/%d; do sleep 0.05; done' 2>/dev/null", o.WaitPort)))
	}
	return cmds
}

func (o Process) Namespaces() []string {
	if o.NewNetns {
		return nil
	}
	return []string{orHost(o.Netns)}
}

func (o Process) Validate() error {
	if o.Name == "" || strings.ContainsAny(o.Name, " /=\x00") {
		return fmt.Errorf("process: a job name without spaces is required, got %q", o.Name)
	}
	if len(strings.Fields(o.Run)) == 0 {
		return fmt.Errorf("process %q: run is required", o.Name)
	}
	if o.NewNetns && o.Netns != "" {
		return fmt.Errorf("process %q: new_netns and netns exclude each other", o.Name)
	}
	if o.WaitPort < 0 || o.WaitPort > 65535 {
		return fmt.Errorf("process %q: wait_port %d is not a port", o.Name, o.WaitPort)
	}
	return nil
}

func (o Process) Apply(s *Scope) ([]Note, error) { return o.start(s, 0) }

// start starts the process, in namespaces of its own too when clone names
// them (CLONE_NEWNS|CLONE_NEWUTS for a node's holder).
func (o Process) start(s *Scope, clone uintptr) ([]Note, error) {
	real := s.Netns(orHost(o.Netns))
	if pid := s.jobPid(o.Name); pid > 0 {
		return nil, nil // already running
	}
	argv := strings.Fields(o.Run)
	isLab := argv[0] == "lab"
	if isLab {
		bin, err := LabBinary()
		if err != nil {
			return nil, fmt.Errorf("process %q in netns %q: %w", o.Name, real, err)
		}
		argv[0] = bin
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return nil, fmt.Errorf("process %q in netns %q: %w", o.Name, real, err)
	}
	token := newToken()
	if err := s.Record(Entry{Kind: KindProcess, Netns: real, Name: o.Name, Token: token}); err != nil {
		return nil, err
	}
	logf, err := os.OpenFile(filepath.Join(s.StateDir, o.Name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("log of process %q: %w", o.Name, err)
	}
	defer logf.Close()
	cmd := &exec.Cmd{
		Path: path, Args: argv,
		Env:    append(os.Environ(), envScope+"="+s.Name, envJob+"="+o.Name, envToken+"="+token),
		Stdout: logf, Stderr: logf, // files: Start then needs no copying goroutines
		// Its own session: the learner's terminal closing does not stop it.
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	cmd.SysProcAttr.Cloneflags = clone
	start := func() error { return ns.Do(real, cmd.Start) }
	var ready *os.File
	if o.NewNetns {
		cmd.SysProcAttr.Cloneflags |= syscall.CLONE_NEWNET
		start = cmd.Start
		if isLab {
			// lab pause says when its namespace is set up (lo up, the
			// defaults): a snapshot taken before would see it change by
			// itself in the next step.
			r, w, err := os.Pipe()
			if err != nil {
				return nil, fmt.Errorf("process %q: %w", o.Name, err)
			}
			defer r.Close()
			defer w.Close()
			ready, cmd.ExtraFiles = r, []*os.File{w}
			cmd.Env = append(cmd.Env, EnvReadyFD+"=3")
		}
	}
	// The child inherits the namespace of the thread that forks it.
	if err := start(); err != nil {
		return nil, fmt.Errorf("start process %q (%s) in netns %q: %w", o.Name, o.Run, real, err)
	}
	if ready != nil {
		cmd.ExtraFiles[0].Close() // the child's end: EOF if it exits unready
	}
	pid := cmd.Process.Pid
	cmd.Process.Release()
	if err := s.Record(Entry{Kind: KindProcess, Netns: real, Name: o.Name, Pid: pid, Start: procfs.StartTime(pid), Token: token}); err != nil {
		return nil, err
	}
	if o.WaitPort > 0 && !o.NewNetns {
		return nil, waitListening(real, o.Name, pid, o.WaitPort)
	}
	if ready != nil {
		return nil, waitReady(ready, o.Name, filepath.Join(s.StateDir, o.Name+".log"))
	}
	return nil, nil
}

// EnvReadyFD names the fd on which a lab process started in a new
// namespace writes one byte once it is set up (lab pause), as a container
// runtime's shim reports its start.
const EnvReadyFD = "CNILAB_READY_FD"

// readyLimit bounds the wait for a process to say it is set up.
const readyLimit = 3 * time.Second

// waitReady waits, bounded, for the byte on r; EOF means the process
// exited first.
func waitReady(r *os.File, name, logPath string) error {
	_ = r.SetReadDeadline(time.Now().Add(readyLimit))
	var b [1]byte
	if n, err := r.Read(b[:]); n == 1 {
		return nil
	} else if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("process %q did not say it was set up within %s", name, readyLimit)
	}
	log, _ := os.ReadFile(logPath)
	return fmt.Errorf("process %q exited before it was set up: %s", name, strings.TrimSpace(string(log)))
}

// SignalReady tells the lab that started this process (EnvReadyFD) that
// it is set up; without the variable (started by hand) it does nothing.
func SignalReady() {
	fd, err := strconv.Atoi(os.Getenv(EnvReadyFD))
	if err != nil || fd < 3 {
		return
	}
	os.Unsetenv(EnvReadyFD)
	f := os.NewFile(uintptr(fd), "ready")
	f.Write([]byte{1})
	f.Close()
}

// Jobs are the running processes of the scope by job name: `lab task pod
// --env` prints them as PAUSE_PID=...
func (s *Scope) Jobs() map[string]int {
	out := map[string]int{}
	entries, _ := s.Journal()
	for _, e := range entries {
		if e.Kind == KindProcess {
			if pid := jobPidIn(entries, e.Name); pid > 0 {
				out[e.Name] = pid
			}
		}
	}
	return out
}

// waitListening waits, bounded, until the process accepts connections, so
// the checks after the step do not race its start.
func waitListening(real, name string, pid, port int) error {
	dst := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port))
	deadline := time.Now().Add(3 * time.Second)
	for {
		r := probe.TCP(real, dst, 100*time.Millisecond)
		if r.OK {
			return nil
		}
		if !procfs.Alive(pid) {
			return fmt.Errorf("process %q in netns %q exited before listening on port %d (see its log in the state dir)", name, real, port)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("process %q in netns %q does not listen on port %d: %s", name, real, port, r.Reason)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// jobPid is the pid of a running job of this scope, or 0.
func (s *Scope) jobPid(name string) int {
	entries, _ := s.Journal()
	return jobPidIn(entries, name)
}

// jobPidIn finds a running job's pid in journal entries already read: the
// newest start of that job, if that very process still runs.
func jobPidIn(entries []Entry, name string) int {
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.Kind == KindProcess && e.Name == name && e.Pid > 0 {
			if procfs.Alive(e.Pid) && procfs.StartTime(e.Pid) == e.Start {
				return e.Pid
			}
			return 0
		}
	}
	return 0
}

// stopProcesses ends every process that carries this scope's mark and whose
// job the journal knows: SIGTERM, then SIGKILL for what is still alive.
func (s *Scope) stopProcesses(tokens map[string]string) ([]string, error) {
	pids := s.markedProcesses(tokens)
	var stopped []string
	for pid, job := range pids {
		if err := syscall.Kill(pid, syscall.SIGTERM); err == nil {
			stopped = append(stopped, fmt.Sprintf("process %s (pid %d)", job, pid))
		}
	}
	deadline := time.Now().Add(time.Second)
	for pid := range pids {
		for procfs.Alive(pid) && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		if procfs.Alive(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return stopped, nil
}

// markedProcesses finds the processes whose environment carries the token
// of a job the journal knows: a process that only claims the scope and the
// job's name is not lab's and is left alone.
func (s *Scope) markedProcesses(tokens map[string]string) map[int]string {
	out := map[int]string{}
	if len(tokens) == 0 {
		return out
	}
	dirs, _ := os.ReadDir("/proc")
	scopeMark := []byte(envScope + "=" + s.Name + "\x00")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", d.Name(), "environ"))
		if err != nil || !bytes.Contains(env, scopeMark) {
			continue
		}
		for _, kv := range bytes.Split(env, []byte{0}) {
			if tok, ok := strings.CutPrefix(string(kv), envToken+"="); ok && tokens[tok] != "" {
				out[pid] = tokens[tok]
			}
		}
	}
	return out
}

// newToken is 16 random hex characters.
func newToken() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// LabBinary finds the lab executable to run `lab serve` and friends:
// $CNILAB_BIN, else this program when it is lab, else lab on PATH.
func LabBinary() (string, error) {
	if b := os.Getenv("CNILAB_BIN"); b != "" {
		return b, nil
	}
	if self, err := os.Executable(); err == nil && filepath.Base(self) == "lab" {
		return self, nil
	}
	if p, err := exec.LookPath("lab"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("cannot find the lab binary (set CNILAB_BIN)")
}

// stopProcessesIn ends every process whose network namespace is one of
// inodes: what a learner started by hand inside the lab's namespaces
// (`ip netns exec web lab serve &`) carries no mark, and would keep its
// namespace alive after reset. lab itself and its parents are spared: a
// learner may run `lab reset` from inside `lab shell`.
func stopProcessesIn(inodes map[uint64]string) []string {
	if len(inodes) == 0 {
		return nil
	}
	spare := map[int]bool{}
	for pid := os.Getpid(); pid > 1 && !spare[pid]; pid = procfs.Parent(pid) {
		spare[pid] = true
	}
	var out []string
	var pids []int
	for pid, ino := range ProcessesInNetns(inodes) {
		if spare[pid] {
			continue
		}
		if syscall.Kill(pid, syscall.SIGTERM) == nil {
			pids = append(pids, pid)
			out = append(out, fmt.Sprintf("process %d in netns %s", pid, inodes[ino]))
		}
	}
	deadline := time.Now().Add(time.Second)
	for _, pid := range pids {
		for procfs.Alive(pid) && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		if procfs.Alive(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return out
}

// ProcessesInNetns finds the processes whose network namespace is one of
// inodes: pid -> the namespace's inode.
func ProcessesInNetns[V any](inodes map[uint64]V) map[int]uint64 {
	out := map[int]uint64{}
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		ino, err := ns.Inode(filepath.Join("/proc", d.Name(), "ns/net"))
		if _, ok := inodes[ino]; err == nil && ok {
			out[pid] = ino
		}
	}
	return out
}

// Cmdline is a process's command line, its program by base name ("lab serve
// --port 80"), for the learner.
func Cmdline(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	if len(args) == 0 || args[0] == "" {
		return "?"
	}
	args[0] = filepath.Base(args[0])
	return strings.Join(args, " ")
}
