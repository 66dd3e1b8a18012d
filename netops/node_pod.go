package netops

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	"strings"

	"github.com/cnilab/lab/netops/cni"
	"github.com/cnilab/lab/netops/ns"
)

// PodIfName is the interface a runtime asks the plugin for in a pod.
const PodIfName = "eth0"

// nodeConfigs are the node's network configs in the order a runtime reads
// them (containerd and the kubelet use libcni's: file names sorted, .conf,
// .conflist and .json); the first one is the pod network.
//
// Equivalent to: `ls /etc/cni/net.d/*.conf /etc/cni/net.d/*.conflist /etc/cni/net.d/*.json | sort | head -1`
func nodeConfigs() ([]string, error) {
	entries, err := os.ReadDir(NodeConfDir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".conf", ".conflist", ".json":
			if !e.IsDir() {
				out = append(out, filepath.Join(NodeConfDir, e.Name()))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// PodCNI is `lab pod-cni CMD NODE-NETNS POD NETNS-PATH`, run inside a node
// (nsenter into its holder): what the node's container runtime does for a
// pod, with the node's own files. The first config of /etc/cni/net.d runs
// through libcni with CNI_PATH=/opt/cni/bin, the pod's name as container
// id and eth0 as interface; libcni's cache and the plugins' IPAM files go
// to the node's /var/lib/cni. It prints the outcome as JSON.
//
// Equivalent to: `CNI_COMMAND=ADD CNI_CONTAINERID=POD CNI_NETNS=NETNS CNI_IFNAME=eth0 CNI_PATH=/opt/cni/bin /opt/cni/bin/TYPE < /etc/cni/net.d/FIRST`
func PodCNI(cmd, nodeNetns, pod, netnsPath string) error {
	files, err := nodeConfigs()
	if err != nil {
		return fmt.Errorf("read the node's %s: %w", NodeConfDir, err)
	}
	if len(files) == 0 {
		return fmt.Errorf("no network config in the node's %s: the runtime has no pod network (write one, e.g. %s)", NodeConfDir, "10-my-cni-demo.conf")
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		return err
	}
	rt := cni.Runtime{HostNetns: nodeNetns, PluginDir: "/opt/cni/bin", CacheDir: "/var/lib/cni", AsConfigured: true}
	out, err := rt.Run(cni.Call{Command: cmd, ContainerID: pod, Netns: netnsPath, IfName: PodIfName, Config: raw, ConfigFile: files[0]})
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(podOutcome{Config: files[0], Outcome: out})
}

// podOutcome is what PodCNI prints: the config the runtime picked and the
// call's outcome.
type podOutcome struct {
	Config  string      `json:"config"`
	Outcome cni.Outcome `json:"outcome"`
}

// PodResult is what a pod's ADD or DEL did, as `lab pod` prints it.
type PodResult struct {
	Node, Pod, Netns string
	Config           string // the node's config the runtime picked
	Outcome          cni.Outcome
}

// runPodCNI runs PodCNI inside the node through nsenter and reads what it
// printed.
func (s *Scope) runPodCNI(cmd, node, pod string) (PodResult, error) {
	res := PodResult{Node: node, Pod: pod, Netns: s.Netns(pod)}
	pid := s.NodePid(node)
	if pid <= 0 {
		return res, fmt.Errorf("node %q does not exist in scope %q (its holder is not running)", node, s.Name)
	}
	bin, err := LabBinary()
	if err != nil {
		return res, err
	}
	argv, err := NodeArgv(pid, []string{bin, "pod-cni", cmd, s.Netns(node), pod, ns.Path(s.Netns(pod))})
	if err != nil {
		return res, err
	}
	var stdout, stderr bytes.Buffer
	c := exec.Command(argv[0], argv[1:]...)
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		msg = strings.TrimPrefix(msg, "lab: ")
		if msg == "" {
			msg = err.Error()
		}
		return res, fmt.Errorf("cni %s of pod %s on node %s: %s", cmd, pod, node, msg)
	}
	var po podOutcome
	if err := json.Unmarshal(stdout.Bytes(), &po); err != nil {
		return res, fmt.Errorf("cni %s of pod %s on node %s: read its outcome: %w", cmd, pod, node, err)
	}
	res.Config, res.Outcome = po.Config, po.Outcome
	return res, nil
}

// PodAdd does what a node's kubelet and runtime do for a new pod: a network
// namespace for it (lo up), then ADD with the node's first config. A
// failed ADD removes the namespace again and returns the plugin's error.
//
// Equivalent to: `ip netns add POD; ip -n POD link set lo up; CNI_COMMAND=ADD ... < /etc/cni/net.d/FIRST` on the node
func (s *Scope) PodAdd(node, pod string) (PodResult, error) {
	if err := checkNetnsName("pod", pod); err != nil {
		return PodResult{}, err
	}
	if s.NodePid(node) <= 0 {
		return PodResult{}, fmt.Errorf("node %q does not exist in scope %q", node, s.Name)
	}
	up := true
	for _, op := range []Op{NetnsAdd{Name: pod}, LinkSet{Netns: pod, Name: "lo", Up: &up}} {
		if _, err := op.Apply(s); err != nil {
			return PodResult{}, err
		}
	}
	res, err := s.runPodCNI("ADD", node, pod)
	if err == nil && res.Outcome.Err != nil {
		err = fmt.Errorf("cni ADD of pod %s on node %s (%s): %w", pod, node, res.Config, res.Outcome.Err)
	}
	if err != nil {
		NetnsDel{Name: pod}.Apply(s)
	}
	return res, err
}

// PodDel does what the runtime does when a pod goes: DEL with the node's
// first config, then its namespace goes. A DEL error is returned after the
// namespace is removed, as a runtime would retry it.
//
// Equivalent to: `CNI_COMMAND=DEL ... < /etc/cni/net.d/FIRST` on the node, then `ip netns del POD`
func (s *Scope) PodDel(node, pod string) (PodResult, error) {
	if !ns.Exists(s.Netns(pod)) {
		return PodResult{}, fmt.Errorf("pod %q has no netns %s in scope %q", pod, s.Netns(pod), s.Name)
	}
	res, err := s.runPodCNI("DEL", node, pod)
	if err == nil && res.Outcome.Err != nil {
		err = fmt.Errorf("cni DEL of pod %s on node %s (%s): %w", pod, node, res.Config, res.Outcome.Err)
	}
	_, derr := NetnsDel{Name: pod}.Apply(s)
	return res, errors.Join(err, derr)
}

// IP is the first address the ADD result gave, without its prefix.
func (r PodResult) IP() string {
	if len(r.Outcome.ParsedIPs) == 0 {
		return ""
	}
	ip, _, _ := strings.Cut(r.Outcome.ParsedIPs[0], "/")
	return ip
}
