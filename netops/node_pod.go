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
	"sync"

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

// PodCNI is `lab pod-cni CMD NODE-NETNS POD=NETNS-PATH...`, run inside a
// node (nsenter into its holder): what the node's container runtime does
// for its pods, with the node's own files. The first config of
// /etc/cni/net.d runs through libcni with CNI_PATH=/opt/cni/bin, each
// pod's name as container id and eth0 as interface; libcni's cache and the
// plugins' IPAM files go to the node's /var/lib/cni. It prints one JSON
// outcome a line, in the pods' order. Several pods in one process: a node
// starting ten pods pays for one process, not ten.
//
// Equivalent to: `CNI_COMMAND=ADD CNI_CONTAINERID=POD CNI_NETNS=NETNS CNI_IFNAME=eth0 CNI_PATH=/opt/cni/bin /opt/cni/bin/TYPE < /etc/cni/net.d/FIRST`
func PodCNI(cmd, nodeNetns string, pods []string) error {
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
	enc := json.NewEncoder(os.Stdout)
	for _, p := range pods {
		pod, path, ok := strings.Cut(p, "=")
		if !ok {
			return fmt.Errorf("pod %q: want NAME=NETNS-PATH", p)
		}
		out, err := rt.Run(cni.Call{Command: cmd, ContainerID: pod, Netns: path, IfName: PodIfName, Config: raw, ConfigFile: files[0]})
		if err != nil {
			return err
		}
		if err := enc.Encode(podOutcome{Pod: pod, Config: files[0], Outcome: out}); err != nil {
			return err
		}
	}
	return nil
}

// podOutcome is what PodCNI prints for one pod: the config the runtime
// picked and the call's outcome.
type podOutcome struct {
	Pod     string      `json:"pod"`
	Config  string      `json:"config"`
	Outcome cni.Outcome `json:"outcome"`
}

// PodResult is what a pod's ADD or DEL did, as `lab pod` prints it.
type PodResult struct {
	Node, Pod, Netns string
	Config           string // the node's config the runtime picked
	Outcome          cni.Outcome
}

// PodReq names a pod on a node.
type PodReq struct{ Node, Pod string }

// runPodCNI runs PodCNI inside the node through nsenter, for all its pods
// at once, and reads what it printed.
func (s *Scope) runPodCNI(cmd, node string, pods []string) ([]PodResult, error) {
	res := make([]PodResult, len(pods))
	args := []string{"pod-cni", cmd, s.Netns(node)}
	for i, pod := range pods {
		res[i] = PodResult{Node: node, Pod: pod, Netns: s.Netns(pod)}
		args = append(args, pod+"="+ns.Path(s.Netns(pod)))
	}
	pid := s.NodePid(node)
	if pid <= 0 {
		return res, fmt.Errorf("node %q does not exist in scope %q (its holder is not running)", node, s.Name)
	}
	bin, err := LabBinary()
	if err != nil {
		return res, err
	}
	argv, err := NodeArgv(pid, append([]string{bin}, args...))
	if err != nil {
		return res, err
	}
	var stdout, stderr bytes.Buffer
	c := exec.Command(argv[0], argv[1:]...)
	c.Stdout, c.Stderr = &stdout, &stderr
	runErr := c.Run()
	dec := json.NewDecoder(&stdout)
	for i := range res {
		var po podOutcome
		if dec.Decode(&po) != nil {
			break
		}
		res[i].Config, res[i].Outcome = po.Config, po.Outcome
	}
	if runErr != nil {
		msg := strings.TrimPrefix(strings.TrimSpace(stderr.String()), "lab: ")
		if msg == "" {
			msg = runErr.Error()
		}
		what := "pod"
		if len(pods) > 1 {
			what = "pods"
		}
		return res, fmt.Errorf("cni %s of %s %s on node %s: %s", cmd, what, strings.Join(pods, ", "), node, msg)
	}
	return res, nil
}

// PodsAdd adds pods as PodAdd does, the nodes side by side: each node
// makes its pods' namespaces, then runs their ADDs in one process, while
// the other nodes do the same. A pod whose namespace or ADD failed loses
// its namespace again; every error is returned.
func (s *Scope) PodsAdd(reqs []PodReq) ([]PodResult, error) {
	checked := map[string]bool{} // a node's holder is looked up once, not once a pod
	for _, r := range reqs {
		if err := checkNetnsName("pod", r.Pod); err != nil {
			return nil, err
		}
		if !checked[r.Node] && s.NodePid(r.Node) <= 0 {
			return nil, fmt.Errorf("node %q does not exist in scope %q", r.Node, s.Name)
		}
		checked[r.Node] = true
	}
	up := true
	res, errs := s.perNode("ADD", reqs, func(i int) error {
		for _, op := range []Op{NetnsAdd{Name: reqs[i].Pod}, LinkSet{Netns: reqs[i].Pod, Name: "lo", Up: &up}} {
			if _, err := op.Apply(s); err != nil {
				return err
			}
		}
		return nil
	})
	for i, r := range res {
		if errs[i] == nil && r.Outcome.Err != nil {
			errs[i] = fmt.Errorf("cni ADD of pod %s on node %s (%s): %w", r.Pod, r.Node, r.Config, r.Outcome.Err)
		}
		if errs[i] != nil {
			NetnsDel{Name: reqs[i].Pod}.Apply(s)
		}
	}
	return res, errors.Join(errs...)
}

// perNode runs one command for the requests, grouped by node, the nodes
// side by side: for each node, prepare (when not nil) for each of its
// requests, then one process for those prepared. Results and errors come
// back in the requests' order.
func (s *Scope) perNode(cmd string, reqs []PodReq, prepare func(i int) error) ([]PodResult, []error) {
	res := make([]PodResult, len(reqs))
	errs := make([]error, len(reqs))
	byNode := map[string][]int{}
	var order []string
	for i, r := range reqs {
		if _, ok := byNode[r.Node]; !ok {
			order = append(order, r.Node)
		}
		byNode[r.Node] = append(byNode[r.Node], i)
	}
	var wg sync.WaitGroup
	for _, node := range order {
		wg.Go(func() {
			var pods []string
			var idx []int
			for _, i := range byNode[node] {
				res[i] = PodResult{Node: node, Pod: reqs[i].Pod, Netns: s.Netns(reqs[i].Pod)}
				if prepare != nil {
					if errs[i] = prepare(i); errs[i] != nil {
						continue
					}
				}
				pods, idx = append(pods, reqs[i].Pod), append(idx, i)
			}
			if len(pods) == 0 {
				return
			}
			out, err := s.runPodCNI(cmd, node, pods)
			for k, i := range idx {
				res[i], errs[i] = out[k], err
			}
		})
	}
	wg.Wait()
	return res, errs
}

// PodAdd does what a node's kubelet and runtime do for a new pod: a network
// namespace for it (lo up), then ADD with the node's first config. A
// failed ADD removes the namespace again and returns the plugin's error.
//
// Equivalent to: `ip netns add POD; ip -n POD link set lo up; CNI_COMMAND=ADD ... < /etc/cni/net.d/FIRST` on the node
func (s *Scope) PodAdd(node, pod string) (PodResult, error) {
	res, err := s.PodsAdd([]PodReq{{node, pod}})
	if len(res) == 0 {
		return PodResult{}, err
	}
	return res[0], err
}

// PodDel does what the runtime does when a pod goes: DEL with the node's
// first config, then its namespace goes. A DEL error is returned after the
// namespace is removed, as a runtime would retry it.
//
// Equivalent to: `CNI_COMMAND=DEL ... < /etc/cni/net.d/FIRST` on the node, then `ip netns del POD`
func (s *Scope) PodDel(node, pod string) (PodResult, error) {
	res, err := s.PodsDel([]PodReq{{node, pod}})
	if len(res) == 0 {
		return PodResult{}, err
	}
	return res[0], err
}

// PodsDel removes pods as PodDel does, each node's in one process.
func (s *Scope) PodsDel(reqs []PodReq) ([]PodResult, error) {
	for _, r := range reqs {
		if !ns.Exists(s.Netns(r.Pod)) {
			return nil, fmt.Errorf("pod %q has no netns %s in scope %q", r.Pod, s.Netns(r.Pod), s.Name)
		}
	}
	res, errs := s.perNode("DEL", reqs, nil)
	for i, r := range res {
		if errs[i] == nil && r.Outcome.Err != nil {
			errs[i] = fmt.Errorf("cni DEL of pod %s on node %s (%s): %w", r.Pod, r.Node, r.Config, r.Outcome.Err)
		}
		if _, err := (NetnsDel{Name: reqs[i].Pod}).Apply(s); err != nil {
			errs[i] = errors.Join(errs[i], err)
		}
	}
	return res, errors.Join(errs...)
}

// IP is the first address the ADD result gave, without its prefix.
func (r PodResult) IP() string {
	if len(r.Outcome.ParsedIPs) == 0 {
		return ""
	}
	ip, _, _ := strings.Cut(r.Outcome.ParsedIPs[0], "/")
	return ip
}
