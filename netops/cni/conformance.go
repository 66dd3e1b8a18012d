package cni

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os/exec"
	"slices"
	"strings"

	types100 "github.com/containernetworking/cni/pkg/types/100"
	"github.com/containernetworking/cni/pkg/version"
	"github.com/vishvananda/netlink"

	"github.com/cnilab/lab/netops/ns"
)

// Verdict is one item of the conformance battery.
type Verdict struct {
	ID     string
	Title  string
	Passed bool
	Detail string
}

// conformanceContainer is the container id the battery uses.
const conformanceContainer = "cnilab-conformance"

// Conformance runs a CNI conformance battery against plugin, as named by a
// config (its "type"), with the pod being podNetns (a scratch namespace the
// caller made and removes): VERSION; for the config's cniVersion and the
// newest the plugin supports, ADD (the result must match what is really
// configured), CHECK (from 0.4.0 on), DEL (gone and released) and DEL again;
// and a malformed config, which must get an error JSON, not a crash.
func (r *Runtime) Conformance(conf []byte, podNetns string) []Verdict {
	var out []Verdict
	add := func(id, title string, ok bool, format string, args ...any) {
		out = append(out, Verdict{ID: id, Title: title, Passed: ok, Detail: fmt.Sprintf(format, args...)})
	}
	var nc struct {
		CNIVersion string `json:"cniVersion"`
		Type       string `json:"type"`
	}
	if err := json.Unmarshal(conf, &nc); err != nil || nc.Type == "" {
		add("version", "the config names a plugin", false, "the config is not a network config with a type: %v", err)
		return out
	}
	var supported []string
	for _, p := range r.Plugins() {
		if p.Name == nc.Type {
			if p.Err != "" {
				add("version", "VERSION lists the supported versions", false, "%s: %s", nc.Type, p.Err)
				return out
			}
			supported = p.Versions
		}
	}
	add("version", "VERSION lists the supported versions", len(supported) > 0 && slices.Contains(supported, nc.CNIVersion),
		"%s supports %s (the config asks for %s)", nc.Type, orNothing(strings.Join(supported, ", ")), nc.CNIVersion)
	if len(supported) == 0 {
		return out
	}
	versions := []string{nc.CNIVersion}
	if newest := supported[len(supported)-1]; newest != nc.CNIVersion {
		versions = append(versions, newest)
	}
	for _, v := range versions {
		out = append(out, r.cycle(confWithVersion(conf, v), v, podNetns)...)
	}
	out = append(out, r.malformed(nc.Type))
	return out
}

// cycle is ADD, CHECK, DEL, DEL at one cniVersion.
func (r *Runtime) cycle(conf []byte, v, podNetns string) []Verdict {
	var out []Verdict
	call := Call{ContainerID: conformanceContainer, Netns: ns.Path(podNetns), IfName: "eth0", Config: conf}
	verdict := func(id, title string, ok bool, detail string) {
		out = append(out, Verdict{ID: id + "-" + v, Title: title + " (cniVersion " + v + ")", Passed: ok, Detail: detail})
	}
	call.Command = "ADD"
	o, err := r.Run(call)
	if err != nil || o.Err != nil {
		verdict("add", "ADD succeeds", false, runErr(err, o))
		return out
	}
	verdict("add", "ADD succeeds", true, strings.Join(o.ParsedIPs, ", "))
	ok, detail := matchesResult(o.Result, v, podNetns)
	verdict("add-result", "ADD's result is what was configured", ok, detail)
	if ok, _ := version.GreaterThanOrEqualTo(v, "0.4.0"); ok {
		call.Command = "CHECK"
		o, err = r.Run(call)
		verdict("check", "CHECK passes after ADD", err == nil && o.Err == nil, orNothing(runErr(err, o)))
	}
	call.Command = "DEL"
	o, err = r.Run(call)
	gone, where := goneFrom(podNetns)
	verdict("del", "DEL removes the interface and its address", err == nil && o.Err == nil && gone, orNothing(runErr(err, o)+where))
	o, err = r.Run(call)
	verdict("del-again", "a second DEL succeeds", err == nil && o.Err == nil, orNothing(runErr(err, o)))
	return out
}

// matchesResult compares a result with the pod: its interface in the pod,
// each address on it, each route in the pod's main table.
func matchesResult(result, v, podNetns string) (bool, string) {
	res, err := version.NewResult(v, []byte(result))
	if err != nil {
		return false, fmt.Sprintf("the result does not parse as cniVersion %s: %v", v, err)
	}
	cur, err := types100.GetResult(res)
	if err != nil {
		return false, fmt.Sprintf("the result does not convert: %v", err)
	}
	h, err := ns.Handle(podNetns)
	if err != nil {
		return false, err.Error()
	}
	defer h.Close()
	var problems []string
	for _, ip := range cur.IPs {
		link := "eth0"
		if ip.Interface != nil && *ip.Interface < len(cur.Interfaces) {
			link = cur.Interfaces[*ip.Interface].Name
		}
		l, err := h.LinkByName(link)
		if err != nil {
			problems = append(problems, fmt.Sprintf("the result names %s, which the pod does not have", link))
			continue
		}
		addrs, _ := h.AddrList(l, netlink.FAMILY_V4)
		if !addrOnLink(addrs, ip.Address) {
			problems = append(problems, fmt.Sprintf("%s is in the result but not on %s", ip.Address.String(), link))
		}
	}
	routes, _ := h.RouteList(nil, netlink.FAMILY_V4)
	for _, rt := range cur.Routes {
		if !routeInTable(routes, rt.Dst) {
			problems = append(problems, fmt.Sprintf("route %s is in the result but not in the pod", rt.Dst.String()))
		}
	}
	if len(cur.IPs) == 0 {
		problems = append(problems, "the result has no address")
	}
	if len(problems) > 0 {
		return false, strings.Join(problems, "; ")
	}
	return true, fmt.Sprintf("%d address(es), %d route(s) as configured", len(cur.IPs), len(cur.Routes))
}

func addrOnLink(addrs []netlink.Addr, want net.IPNet) bool {
	for _, a := range addrs {
		if a.IPNet.IP.Equal(want.IP) && a.IPNet.Mask.String() == want.Mask.String() {
			return true
		}
	}
	return false
}

func routeInTable(routes []netlink.Route, dst net.IPNet) bool {
	for _, r := range routes {
		if r.Dst == nil {
			if ones, _ := dst.Mask.Size(); ones == 0 {
				return true
			}
			continue
		}
		if r.Dst.String() == dst.String() {
			return true
		}
	}
	return false
}

// goneFrom reports whether the pod holds nothing but lo after DEL.
func goneFrom(podNetns string) (bool, string) {
	h, err := ns.Handle(podNetns)
	if err != nil {
		return false, err.Error()
	}
	defer h.Close()
	links, _ := h.LinkList()
	for _, l := range links {
		if l.Attrs().Name != "lo" {
			return false, fmt.Sprintf("%s is still in the pod", l.Attrs().Name)
		}
	}
	return true, ""
}

// malformed feeds the plugin a config that is not JSON: the spec wants an
// error JSON with a code on stdout and a non-zero exit, not a crash.
func (r *Runtime) malformed(plugin string) Verdict {
	v := Verdict{ID: "malformed", Title: "a malformed config gets an error JSON"}
	path := PluginPath(r.PluginDir, plugin)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(path)
	cmd.Env = []string{"CNI_COMMAND=ADD", "CNI_CONTAINERID=" + conformanceContainer, "CNI_NETNS=/proc/self/ns/net",
		"CNI_IFNAME=eth0", "CNI_PATH=" + r.PluginDir, "PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	cmd.Stdin = strings.NewReader("{ this is not json")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := ns.Do(r.HostNetns, cmd.Run)
	var e struct {
		Code *uint  `json:"code"`
		Msg  string `json:"msg"`
	}
	switch {
	case err == nil:
		v.Detail = "the plugin exited 0 on a config that is not JSON"
	case json.Unmarshal(stdout.Bytes(), &e) != nil || e.Code == nil:
		v.Detail = fmt.Sprintf("no error JSON on stdout (got %q; stderr %q)", trim(stdout.String()), trim(stderr.String()))
	default:
		v.Passed, v.Detail = true, fmt.Sprintf("code %d: %s", *e.Code, e.Msg)
	}
	return v
}

// withVersion sets a config's cniVersion.
func confWithVersion(conf []byte, v string) []byte {
	var m map[string]any
	if json.Unmarshal(conf, &m) != nil {
		return conf
	}
	m["cniVersion"] = v
	b, _ := json.Marshal(m)
	return b
}

func runErr(err error, o Outcome) string {
	switch {
	case err != nil:
		return err.Error()
	case o.Err != nil:
		return fmt.Sprintf("code %d: %s %s", o.Err.Code, o.Err.Msg, o.Err.Details)
	}
	return ""
}

func orNothing(s string) string {
	if s == "" {
		return "ok"
	}
	return s
}

func trim(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
