// Package engine runs lessons: the lesson model and its strict loader, the
// runner (snapshot, apply, snapshot, diff, checks) with its stream of events,
// the verifier and the progress store. It has no terminal code: `lab run`
// prints its events and the TUI renders them.
package engine

import (
	"sort"
	"strconv"
	"strings"

	"github.com/cnilab/lab/netops"
)

// Lesson is one lesson file, validated.
type Lesson struct {
	ID         string
	Title      string
	Summary    string
	Article    string
	Extends    string   // a lesson whose setup and steps are this one's given state
	Namespaces []string // logical names the lesson claims
	// IPAMNetworks are CNI networks whose host-local folder under
	// /var/lib/cni/networks the lesson claims (a plugin run by hand writes there).
	IPAMNetworks []string
	Env          map[string]string
	Setup        []OpSpec
	Steps        []Step
	Cleanup      []Step // after the end state (an article's cleanup script): `lab run --cleanup`
	Task         string
	Verify       []CheckSpec
	File         string // where it was loaded from, for messages

	// A break-fix scenario's: its setup leaves a fault on top of the lesson
	// it extends, and its verify is the healthy end state.
	Symptom  string   // what the learner sees
	Hints    []string // from "where to look" to "what is wrong"
	Solution string   // the fix, as bash typed in `lab shell`
	// OmitSteps are steps of the extended lesson (from 1) the scenario's
	// given state leaves out.
	OmitSteps []int
	// Vary are the values a seed may change (vary.go); Seed is the seed
	// this lesson was varied with, 0 for the canonical values.
	Vary map[string]varySpec
	Seed int64

	source []byte            // the file as read, for Varied to read again
	base   *Lesson           // the lesson it extends, resolved
	varied map[string]string // the values the seed drew, by vary name
	canon  *Lesson           // a varied lesson's canonical one
}

// Scenario reports whether the lesson is a break-fix scenario.
func (l *Lesson) Scenario() bool { return l.Symptom != "" }

// Step is one step of the walkthrough.
type Step struct {
	Title string
	Prose string // markdown; may use {{ns "client"}} and {{env "HOST_IP"}}
	Do    []OpSpec
	Check []CheckSpec
	Line  int
	// KeepsState marks a step that ends where it started (a DEL followed by
	// the same ADD): leaving it out changes nothing verify can see.
	KeepsState bool
}

// OpSpec is an operation with the place it was written.
type OpSpec struct {
	Kind string // the YAML key: "veth", "addr", ...
	Op   netops.Op
	Line int
}

// CheckSpec is a check with its presentation and the place it was written.
type CheckSpec struct {
	ID    string
	Title string
	Hint  string
	Kind  string
	Check Check
	Line  int
}

// EnvVars are the values the task names, sorted, with the scope's own.
func (l *Lesson) EnvVars(s *netops.Scope) [][2]string {
	vars := map[string]string{
		"HOST_IP":   netops.HostIP,
		"LAB_SCOPE": s.Name,
		"LAB_HOST":  s.Netns(netops.HostNetns),
		"LAB_WORLD": s.Netns(netops.WorldNetns),
	}
	for k, v := range l.Env {
		vars[k] = v
	}
	// The pids of the lesson's running processes: PAUSE_PID=...
	for job, pid := range s.Jobs() {
		vars[strings.ToUpper(strings.ReplaceAll(job, "-", "_"))+"_PID"] = strconv.Itoa(pid)
	}
	// The values a seed drew: a swapped name as the scope calls it.
	for k, val := range l.varied {
		if spec := l.Vary[k]; len(spec.Swap) > 0 {
			val = s.Netns(val)
		}
		vars[k] = val
	}
	if l.Cluster() {
		vars["LAB_VARS"] = s.VarsPath() // the nodes' vars.yaml, article 000's shape
	}
	vars["CNI_PATH"] = s.PluginDir()
	vars["LAB_NETD"] = s.ConfDir()
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([][2]string, len(keys))
	for i, k := range keys {
		out[i] = [2]string{k, vars[k]}
	}
	return out
}

// AllNetns is every namespace the lesson runs in, host first, world last:
// the order in which diffs and snapshots show them.
func (l *Lesson) AllNetns() []string {
	out := []string{netops.HostNetns}
	out = append(out, l.Namespaces...)
	return append(out, netops.WorldNetns)
}

// CNIConfs are the network configs the lesson writes, for the preflight
// check of the plugins they name.
func (l *Lesson) CNIConfs() []string {
	var out []string
	add := func(ops []OpSpec) {
		for _, o := range ops {
			if c, ok := o.Op.(*netops.CNIConf); ok {
				out = append(out, c.Source())
			}
		}
	}
	add(l.Setup)
	for _, st := range l.Steps {
		add(st.Do)
	}
	return out
}

// allOps are the lesson's operations in the order they are applied.
func (l *Lesson) allOps() []OpSpec {
	ops := append([]OpSpec(nil), l.Setup...)
	for _, st := range l.Steps {
		ops = append(ops, st.Do...)
	}
	return ops
}

// Cluster reports whether the lesson builds cluster nodes (the cluster
// operation): its namespaces then come from the scope's vars as well.
func (l *Lesson) Cluster() bool {
	for _, o := range l.allOps() {
		if _, ok := o.Op.(*netops.Cluster); ok {
			return true
		}
	}
	return false
}

// Features are the kernel features the lesson's operations need, for the
// preflight probe: namespaces and veth always (the scope's uplink), a
// bridge and nftables when an operation or a CNI config uses them,
// br_netfilter when one sets a net.bridge sysctl (the hairpin scenario),
// vxlan for the overlay.
func (l *Lesson) Features() []string {
	need := []string{"network namespaces", "veth"}
	has := map[string]bool{}
	for _, o := range l.allOps() {
		switch op := o.Op.(type) {
		case *netops.BridgeAdd, *netops.CNI:
			has["bridge"] = true
		case *netops.Masquerade, *netops.DNAT, *netops.ForwardAccept, *netops.ForwardPolicy, *netops.ICMPDrop:
			has["nftables"] = true
		case *netops.Sysctl:
			if strings.HasPrefix(op.Key, "net.bridge.") {
				has["br_netfilter"] = true
			}
		case *netops.Cluster:
			has["bridge"], has["nftables"] = true, true // the underlay, the nodes' FORWARD policy
		case *netops.NodeVXLAN:
			has["vxlan"] = true
		}
	}
	for _, f := range []string{"bridge", "nftables", "br_netfilter", "vxlan"} {
		if has[f] {
			need = append(need, f)
		}
	}
	return need
}

// NeedsRealRoot says why the lesson cannot run in a rootless lab (a user
// namespace), "" when it can: its setup starts containerd and runc, which
// need the machine's cgroups.
func (l *Lesson) NeedsRealRoot() string {
	for _, op := range l.Setup {
		if _, ok := op.Op.(*netops.Containerd); ok {
			return netops.ContainerdRootlessWhy
		}
	}
	return ""
}
