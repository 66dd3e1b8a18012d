package engine

import (
	"fmt"
	"os/exec"
	"strings"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/cni"
)

// Finding is one line of `lab doctor`: what was looked at, whether it is
// there, and the fix when it is not. A finding that is not Required is a
// warning: lessons run without it, a learner's hand commands may not.
type Finding struct {
	What     string `json:"what"`
	OK       bool   `json:"ok"`
	Detail   string `json:"detail,omitempty"`
	Fix      string `json:"fix,omitempty"`
	Required bool   `json:"required"`
}

// tools are the commands lessons and learners use, with their Debian
// package and what needs them.
var tools = []struct {
	bin, pkg, why string
	required      bool
}{
	{"ip", "iproute2", "the commands of every lesson", true},
	{"bash", "bash", "lab shell", true},
	{"nft", "nftables", "NAT rules typed by hand", false},
	{"iptables", "iptables", "the articles' NAT rules typed by hand", false},
	{"iptables-legacy", "iptables", "the legacy iptables backend", false},
	{"ping", "iputils-ping", "pinging by hand in lab shell", false},
	{"jq", "jq", "CNI CHECK by hand: the result of ADD as prevResult", false},
	{"tcpdump", "tcpdump", "capturing by hand, as the articles do", false},
	{"nsenter", "util-linux", "lab shell NODE and lab pod on a cluster node", false},
	{"ansible-playbook", "ansible", "article 000's play against the nodes (lab inventory)", false},
	{"containerd", "containerd", "the containerd lesson: the scope's own containerd", false},
	{"ctr", "containerd", "the containerd lesson: ctr run, ctr task ls", false},
	{"containerd-shim-runc-v2", "containerd", "the containerd lesson: containerd's runc shim", false},
	{"runc", "runc", "the containerd lesson: runc runs the containers", false},
}

// Doctor reports what this machine has and lacks for the lab, each with the
// fix. missingCaps are the capabilities the process lacks (the command
// boundary reads them); without them nothing that needs the kernel is tried.
func Doctor(opt Options, missingCaps []string) []Finding {
	var out []Finding
	priv := Finding{What: "privileges (CAP_NET_ADMIN, CAP_SYS_ADMIN)", OK: len(missingCaps) == 0, Required: true}
	if !priv.OK {
		priv.Detail = strings.Join(missingCaps, ", ") + " missing, and no rootless lab: user namespaces are not allowed here (below)"
		priv.Fix = "run lab with sudo, or allow user namespaces"
	}
	out = append(out, priv)
	out = append(out, rootlessFindings()...)
	if priv.OK {
		for _, f := range netops.ProbeFeatures() {
			out = append(out, Finding{What: "kernel: " + f.Name, OK: f.OK, Detail: f.Err, Fix: f.Fix, Required: f.Name != "vxlan" && f.Name != "br_netfilter"})
		}
	}
	for _, t := range tools {
		f := Finding{What: "command " + t.bin + " (" + t.why + ")", OK: true, Required: t.required}
		if p, err := exec.LookPath(t.bin); err != nil {
			f.OK, f.Detail, f.Fix = false, "not found", "apt-get install -y "+t.pkg
		} else {
			f.Detail = p
		}
		out = append(out, f)
	}
	sess, err := Open(Options{Scope: opt.Scope, Lessons: opt.Lessons})
	if err != nil {
		return append(out, Finding{What: "scope " + opt.Scope, Detail: err.Error(), Fix: "give --scope 1 to 12 lowercase letters or digits", Required: true})
	}
	defer sess.Close()
	out = append(out, sess.pluginFindings()...)
	cat, err := sess.Catalog()
	if err != nil {
		return append(out, Finding{What: "lessons", Detail: err.Error(), Fix: "fix the lesson file named above", Required: true})
	}
	out = append(out, Finding{What: fmt.Sprintf("lessons (%d)", len(cat.Lessons)), OK: true, Required: true})
	if priv.OK {
		out = append(out, sess.scopeFindings(cat)...)
	}
	return out
}

// pluginFindings runs VERSION of each plugin in lab's folder; a plugin only
// prints JSON then, and runs in the scope's sandbox host when it has one.
func (s *Session) pluginFindings() []Finding {
	var out []Finding
	rt := &cni.Runtime{PluginDir: netops.CNIPluginDir(), HostNetns: s.scope.Netns(netops.HostNetns)}
	for _, p := range rt.Plugins() {
		f := Finding{What: "CNI plugin " + p.Name, OK: p.Err == "", Required: true}
		if p.Err != "" {
			f.Detail, f.Fix = p.Err, "make build (builds the reference plugins into bin/cni)"
		} else {
			f.Detail = p.Path + " (" + strings.Join(p.Versions, ", ") + ")"
		}
		out = append(out, f)
	}
	return out
}

// scopeFindings says whether the scope is free and whether each lesson can
// claim its names there.
func (s *Session) scopeFindings(cat *Catalog) []Finding {
	busy := Finding{What: "scope " + s.scope.Name + " is free", OK: true}
	if who := s.scope.Busy(); who != "" {
		busy = Finding{What: "scope " + s.scope.Name + " is free", Detail: "held by " + who, Fix: "wait for it, or use another --scope"}
	}
	out := []Finding{busy}
	for _, l := range cat.Lessons {
		if taken := s.scope.Foreign(l.Namespaces, l.IPAMNetworks); len(taken) > 0 {
			out = append(out, Finding{What: "lesson " + l.ID + " can claim its names in scope " + s.scope.Name,
				Detail: strings.Join(taken, ", ") + " exist and were not made by lab",
				Fix:    "remove them if nothing uses them (ip netns del NAME, rm -r FOLDER), or use another --scope"})
		}
	}
	return out
}
