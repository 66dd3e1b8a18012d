package netops

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/cnilab/lab/netops/ns"
	"github.com/cnilab/lab/netops/oci"
	"github.com/cnilab/lab/netops/procfs"
)

// ContainerdJob is the job name of a scope's containerd (CtrdHold).
const ContainerdJob = "containerd"

// ContainerdNamespace is containerd's namespace of the lesson's
// containers: the one the article's runc path shows (k8s.io).
const ContainerdNamespace = "k8s.io"

// The images the containerd lesson loads, made of the lab binary.
const (
	pauseImage = "docker.io/kubernetes/pause:latest" // lab pause
	webImage   = "docker.io/library/nginx:latest"    // lab serve --port 80
)

// containerdReadyLimit bounds the wait for containerd's socket.
const containerdReadyLimit = 5 * time.Second

// Containerd starts the scope's own containerd in the host (CtrdHold: its
// root in the scope's state folder, its state and socket at the article's
// /run/containerd, in a mount namespace of its own) and imports the
// lesson's images, built offline from the lab binary. Nothing goes under
// the machine's /run/containerd or /var/lib/containerd: a /run/containerd
// the machine lacks is made as a mount point only, journaled and removed
// by reset.
//
// Equivalent to: `unshare --mount --propagation unchanged lab ctrd-hold
// DIR &` then `ctr image import images.tar`
type Containerd struct{}

func (o Containerd) Commands(r Resolver) []string {
	dir := "/run/cnilab/SCOPE/containerd"
	if s, ok := r.(*Scope); ok {
		dir = s.ContainerdDir()
	}
	return []string{
		"ip netns exec " + r.Netns(HostNetns) + " unshare --mount --propagation unchanged lab ctrd-hold " + dir + " &  # containerd, its root in " + dir,
		"ctr image import images.tar  # " + pauseImage + ", " + webImage + " (lab's pause and web server)",
	}
}

func (o Containerd) Namespaces() []string { return []string{HostNetns} }
func (o Containerd) Validate() error      { return nil }

// ContainerdDir is the scope's containerd folder.
func (s *Scope) ContainerdDir() string { return filepath.Join(s.StateDir, "containerd") }

func (o Containerd) Apply(s *Scope) ([]Note, error) {
	if ns.InUserNS() {
		return nil, errors.New(ContainerdRootlessWhy)
	}
	for _, bin := range []string{"containerd", "containerd-shim-runc-v2", "runc", "ctr"} {
		if _, err := exec.LookPath(bin); err != nil {
			return nil, fmt.Errorf("%s is not installed: apt-get install -y containerd runc", bin)
		}
	}
	if s.ContainerdPid() > 0 {
		return nil, nil
	}
	dir := s.ContainerdDir()
	if err := claimContainerdRun(s, dir); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(ContainerdConfig(dir)), 0o644); err != nil {
		return nil, err
	}
	if err := s.makeCgroups(); err != nil {
		return nil, err
	}
	p := Process{Name: ContainerdJob, Run: "lab ctrd-hold " + dir}
	if _, err := p.start(s, syscall.CLONE_NEWNS); err != nil {
		return nil, err
	}
	pid := s.ContainerdPid()
	if err := waitContainerd(pid); err != nil {
		return nil, err
	}
	archive := filepath.Join(dir, "images.tar")
	if err := writeImages(archive); err != nil {
		return nil, err
	}
	if out, err := s.Ctr("image", "import", archive); err != nil {
		return nil, fmt.Errorf("import the lesson's images into the scope's containerd: %v: %s", err, out)
	}
	return nil, os.Remove(archive)
}

// ContainerdRootlessWhy is why the containerd lesson needs root. Tried:
// containerd, its image import and its overlay snapshots work in a
// rootless lab, but runc must write each container's cgroup.procs, and
// even in its rootless mode it does not skip that when the spec asks for
// device rules, as every container spec ctr makes does.
const ContainerdRootlessWhy = "the containerd lesson needs root (sudo lab ...): runc puts every container in a cgroup " +
	"(it writes cgroup.procs under /sys/fs/cgroup), and the root of a lab without sudo, a user namespace's, " +
	"may not write the machine's cgroups"

// claimContainerdRun makes the scope's containerd folder and, when the
// machine has none, the mount point /run/containerd (journaled; the
// scope's containerd binds its own state there, in its mount namespace).
// Scopes share a /run/containerd lab made: it is listed machine-wide
// (madeDirs) and the last scope with a containerd removes it
// (releaseContainerdRun).
func claimContainerdRun(s *Scope, dir string) error {
	// Journaled first, whoever makes it, and before the scope's containerd
	// folder exists (others' resets keep /run/containerd while one does):
	// reset removes it only when the machine-wide list says lab made it (a
	// machine's own is never there).
	if err := s.Record(Entry{Kind: KindMadeDir, Name: ContainerdRun}); err != nil {
		return err
	}
	if err := mkdirAll(dir); err != nil {
		return err
	}
	made, err := claimParents([]string{ContainerdRun})
	if err != nil || len(made) == 0 {
		return err
	}
	if err := os.Mkdir(ContainerdRun, 0o711); err != nil && !os.IsExist(err) {
		return fmt.Errorf("make the mount point %s: %w", ContainerdRun, err)
	}
	return nil
}

// releaseContainerdRun removes a /run/containerd that lab made once no
// other scope has a containerd: rmdir of a folder another mount namespace
// mounts on would take that mount away.
func releaseContainerdRun() bool {
	removed := false
	editMade(func(have []string) []string {
		if !slices.Contains(have, ContainerdRun) {
			return have
		}
		if others, _ := filepath.Glob(filepath.Join(StateRoot, "*", "containerd")); len(others) > 0 {
			return have // called once this scope's state is gone
		}
		if err := os.Remove(ContainerdRun); err == nil {
			removed = true
		} else if !os.IsNotExist(err) {
			return have // not empty: someone else's
		}
		return slices.DeleteFunc(have, func(d string) bool { return d == ContainerdRun })
	})
	return removed
}

// waitContainerd waits, bounded, until the containerd of holder pid
// accepts connections on its socket.
func waitContainerd(pid int) error {
	if pid <= 0 {
		return errors.New("the scope's containerd did not start")
	}
	sock := fmt.Sprintf("/proc/%d/root%s", pid, containerdSocket)
	deadline := time.Now().Add(containerdReadyLimit)
	for {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			return nil
		}
		if !procfs.Alive(pid) {
			return errors.New("the scope's containerd exited at once (see containerd.log in the scope's state folder)")
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the scope's containerd does not answer on %s", sock)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// writeImages writes the lesson's images, made of the lab binary.
func writeImages(path string) error {
	bin, err := LabBinary()
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	lab := map[string]oci.File{"/lab": {Path: bin, Mode: 0o755}}
	return oci.Write(f, []oci.Image{
		{Name: pauseImage, Entrypoint: []string{"/lab", "pause"}, Files: lab},
		{Name: webImage, Entrypoint: []string{"/lab", "serve", "--port", "80"}, Files: lab},
	})
}

// Ctr runs ctr against the scope's containerd, in its mount namespace
// (ctr's own fifos go under /run/containerd), and returns what it printed.
//
// Equivalent to: `nsenter --target HOLDER --mount -- ctr --address
// /run/containerd/containerd.sock --namespace k8s.io ARGS`
func (s *Scope) Ctr(args ...string) ([]byte, error) {
	pid := s.ContainerdPid()
	if pid == 0 {
		return nil, errors.New("the scope's containerd is not running (lab task containerd starts it)")
	}
	argv, err := MountArgv(pid, append([]string{"ctr", "--address", containerdSocket, "--namespace", ContainerdNamespace}, args...))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	// A kill -9 of lab must not leave ctr behind (seen: an image import
	// waiting for good after reset ended its containerd). nsenter execs
	// ctr, which keeps the death signal. It is the forking thread's death:
	// this goroutine keeps that thread until ctr ends. The scope's mark
	// lets the tests' leftover check see a stray all the same.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Env = append(os.Environ(), envScope+"="+s.Name)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return cmd.CombinedOutput()
}

// ContainerdEnv is what `lab shell` adds for ctr, as the article types it.
func ContainerdEnv() []string {
	return []string{"CONTAINERD_ADDRESS=" + containerdSocket, "CONTAINERD_NAMESPACE=" + ContainerdNamespace}
}

// killContainers kills the init process of every container runc knows in
// the scope's containerd (its state survives in the state folder), the
// pid namespace of each with it; a reused pid is spared by its start time.
func (s *Scope) killContainers() []string {
	files, _ := filepath.Glob(filepath.Join(s.ContainerdDir(), "run", "runc", "*", "*", "state.json"))
	var out []string
	for _, f := range files {
		st, err := readRuncState(f)
		if err != nil || !st.running() {
			continue
		}
		if syscall.Kill(st.Pid, syscall.SIGKILL) == nil {
			out = append(out, fmt.Sprintf("container %s (pid %d)", st.ID, st.Pid))
		}
	}
	return out
}

// ContainerdPid is the pid of the scope's containerd holder, 0 when it has
// none.
func (s *Scope) ContainerdPid() int { return s.jobPid(ContainerdJob) }
