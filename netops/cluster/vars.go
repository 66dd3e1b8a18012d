// Package cluster is the nodes of a simulated cluster, from article 000's
// vars.yaml: the one file the article's Ansible playbook reads to deploy the
// CNI plugin my-cni-demo to every node of a three-node cluster.
//
//	name: my-cni-demo
//	podcidr: 10.240.0.0/16
//	interface: ens32
//	bridge: cni0
//	nodeinfo:
//	- name: cni-master01
//	  ip: 192.168.100.100
//	  podcidr: 10.240.0.0/24
//	...
//
// The package is pure data: it reads and checks such a file, and renders what
// the playbook's template renders from it. It touches no kernel and no file,
// so its tests run without root.
package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/cnilab/lab/netops/ipv4"
	"gopkg.in/yaml.v3"
)

// Vars is article 000's vars.yaml: the CNI network's name (also the plugin's
// type), the cluster's pod range, the underlay interface every node has, the
// bridge the plugin makes on each node, and the nodes.
type Vars struct {
	Name      string `yaml:"name"`
	PodCIDR   string `yaml:"podcidr"`
	Interface string `yaml:"interface"`
	Bridge    string `yaml:"bridge"`
	NodeInfo  []Node `yaml:"nodeinfo"`
}

// Node is one entry of nodeinfo: the node's hostname (in the lab, also its
// network namespace), its address on the underlay, and its pod range.
type Node struct {
	Name    string `yaml:"name"`
	IP      string `yaml:"ip"`
	PodCIDR string `yaml:"podcidr"`
}

// MaxNodes is the most nodes a cluster may have: the nodes share one /24
// underlay, and every node is namespaces on this one machine, so 64 keeps
// building and resetting a cluster within the lab's performance budget.
const MaxNodes = 64

// world is the lab's world side (the host's uplink, 172.17.0.0/24 and the
// addresses beyond it): no underlay or pod range may overlap it.
var world = netip.MustParsePrefix("172.17.0.0/16")

// Prefix lengths a node's podcidr may have, as my-cni-demo accepts them: a
// /30 leaves one address for a pod next to the network, the bridge's gateway
// and the broadcast address; a /8 is as large as a node's range gets.
const (
	minPodBits = 8
	maxPodBits = 30
)

// reservedNames are the lab's own namespaces a node may not be named after:
// the logical host and world, and their real names in the default scope.
var reservedNames = map[string]bool{"host": true, "world": true, "lab-host": true, "lab-world": true}

// Default is the article's own vars.yaml: my-cni-demo on cni-master01,
// cni-worker01 and cni-worker02.
func Default() Vars {
	return Vars{
		Name:      "my-cni-demo",
		PodCIDR:   "10.240.0.0/16",
		Interface: "ens32",
		Bridge:    "cni0",
		NodeInfo: []Node{
			{Name: "cni-master01", IP: "192.168.100.100", PodCIDR: "10.240.0.0/24"},
			{Name: "cni-worker01", IP: "192.168.100.101", PodCIDR: "10.240.1.0/24"},
			{Name: "cni-worker02", IP: "192.168.100.102", PodCIDR: "10.240.2.0/24"},
		},
	}
}

// DefaultYAML is Default in the article's layout, byte for byte the vars.yaml
// of article 000: what `lab task nodes` writes for the learner.
func DefaultYAML() []byte { return Default().YAML() }

// YAML renders v in the article's layout (nodeinfo's entries at the left
// margin, keys in the article's order). Parse reads it back as v.
func (v Vars) YAML() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "name: %s\npodcidr: %s\ninterface: %s\nbridge: %s\n",
		scalar(v.Name), scalar(v.PodCIDR), scalar(v.Interface), scalar(v.Bridge))
	if len(v.NodeInfo) == 0 {
		b.WriteString("nodeinfo: []\n")
		return b.Bytes()
	}
	b.WriteString("nodeinfo:\n")
	for _, n := range v.NodeInfo {
		fmt.Fprintf(&b, "- name: %s\n  ip: %s\n  podcidr: %s\n", scalar(n.Name), scalar(n.IP), scalar(n.PodCIDR))
	}
	return b.Bytes()
}

// scalar writes s plain when YAML reads it back as this very string (every
// value of a valid Vars), double-quoted otherwise.
func scalar(s string) string {
	plain := s != ""
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			i > 0 && (r == '.' || r == '-' || r == '_' || r == '/')) {
			plain = false
			break
		}
	}
	if plain {
		var back map[string]any
		if err := yaml.Unmarshal([]byte("v: "+s), &back); err == nil && back["v"] == s {
			return s
		}
	}
	return strconv.Quote(s)
}

// Generate is a cluster of n nodes in the article's style, for tests and the
// scale benchmark: cni-node01 .. cni-nodeNN at 192.168.100.101 .., pod ranges
// 10.240.1.0/24 .., the article's name, podcidr, interface and bridge. It
// validates for 1 <= n <= MaxNodes; any other n gives a Vars Validate refuses.
func Generate(n int) Vars {
	v := Default()
	v.NodeInfo = make([]Node, 0, max(n, 0))
	ip := ipv4.Uint32(netip.MustParseAddr("192.168.100.100"))
	pods := ipv4.Uint32(netip.MustParseAddr("10.240.0.0"))
	for i := 1; i <= n; i++ {
		v.NodeInfo = append(v.NodeInfo, Node{
			Name:    fmt.Sprintf("cni-node%02d", i),
			IP:      ipv4.FromUint32(ip + uint32(i)).String(),
			PodCIDR: netip.PrefixFrom(ipv4.FromUint32(pods+uint32(i)<<8), 24).String(),
		})
	}
	return v
}

// Node returns the node of that name.
func (v Vars) Node(name string) (Node, bool) {
	for _, n := range v.NodeInfo {
		if n.Name == name {
			return n, true
		}
	}
	return Node{}, false
}

// Others returns every node but the one of that name, in file order: the
// nodes whose pod ranges the named node routes to (the article's
// `when: ansible_hostname != item.name`).
func (v Vars) Others(name string) []Node {
	out := make([]Node, 0, len(v.NodeInfo))
	for _, n := range v.NodeInfo {
		if n.Name != name {
			out = append(out, n)
		}
	}
	return out
}

// Underlay is the segment the nodes share, the /24 of the first node's ip
// (192.168.100.0/24 for the article's), and its gateway, the .1 of that /24:
// the lab's router towards the world side. Both are invalid (zero) when v has
// no node or the first node's ip is not IPv4.
func (v Vars) Underlay() (subnet netip.Prefix, gateway netip.Addr) {
	if len(v.NodeInfo) == 0 {
		return netip.Prefix{}, netip.Addr{}
	}
	ip, err := netip.ParseAddr(v.NodeInfo[0].IP)
	if err != nil || !ip.Is4() {
		return netip.Prefix{}, netip.Addr{}
	}
	subnet = netip.PrefixFrom(ip, 24).Masked()
	return subnet, subnet.Addr().Next()
}

// FieldError is a problem with one field of a vars file: what a learner must
// fix, and where.
type FieldError struct {
	File  string // the vars file; "" for Vars not read from a file
	Line  int    // the field's line in File; 0 when unknown
	Field string // the field as written in the file: "podcidr", "nodeinfo[1].ip"; "" for the whole file
	Node  string // the node's name when Field is a node's and the node has one
	Err   error
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		if e.Node != "" {
			fmt.Fprintf(&b, " (node %q)", e.Node)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field string, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Err: fmt.Errorf(format, args...)}
}

func nodeErr(i int, n Node, field string, format string, args ...any) *FieldError {
	e := fieldErr(fmt.Sprintf("nodeinfo[%d].%s", i, field), format, args...)
	e.Node = n.Name
	return e
}

// nodeRef names a node in a message about another one.
func nodeRef(i int, n Node) string {
	if n.Name == "" {
		return fmt.Sprintf("nodeinfo[%d]", i)
	}
	return fmt.Sprintf("nodeinfo[%d] (node %q)", i, n.Name)
}

// Validate checks v as the lab needs it to build the cluster, and returns the
// first problem as a *FieldError naming the field (and node) to fix.
//
//   - name: the CNI network's name and the plugin's type (a file in CNI_PATH):
//     letters, digits, _ . -, not starting with _ . -
//   - interface, bridge: Linux interface names (1..15 bytes, no / : or
//     white space), not lo, not the same
//   - podcidr: the cluster's IPv4 pod range, a network address, clear of the
//     lab's world side 172.17.0.0/16 and of the underlay
//   - nodeinfo: 1..MaxNodes nodes, each with a hostname that is also a network
//     namespace name (1..63 lowercase letters, digits, -, not starting or
//     ending with -, unique), an IPv4 address on the one /24 underlay the nodes
//     share (unique, not its network, gateway .1 or broadcast address, the /24
//     clear of 172.17.0.0/16) and a pod range inside podcidr that no other
//     node's overlaps
func (v Vars) Validate() error {
	if e := v.validate(); e != nil {
		return e
	}
	return nil
}

func (v Vars) validate() *FieldError {
	if e := checkName(v.Name); e != nil {
		return e
	}
	if msg := badIfName(v.Interface); msg != "" {
		return fieldErr("interface", "%s; it is the node's interface on the underlay, like ens32", msg)
	}
	if msg := badIfName(v.Bridge); msg != "" {
		return fieldErr("bridge", "%s; it is the bridge my-cni-demo makes for the pods of each node, like cni0", msg)
	}
	if v.Bridge == v.Interface {
		return fieldErr("bridge", "%q is also the interface; the pods' bridge needs a name of its own", v.Bridge)
	}
	cluster, e := checkPrefix("podcidr", v.PodCIDR, "10.240.0.0/16", "the cluster's pod range")
	if e != nil {
		return e
	}
	if cluster.Overlaps(world) {
		return fieldErr("podcidr", "%s overlaps %s, the lab's world side (the host's uplink); choose a range such as 10.240.0.0/16", cluster, world)
	}
	switch {
	case len(v.NodeInfo) == 0:
		return fieldErr("nodeinfo", "no nodes; list at least one (- name: ..., ip: ..., podcidr: ...)")
	case len(v.NodeInfo) > MaxNodes:
		return fieldErr("nodeinfo", "%d nodes, at most %d: the nodes share one /24 underlay, and the lab builds every node as namespaces on this machine, within its performance budget",
			len(v.NodeInfo), MaxNodes)
	}
	underlay, gateway := v.Underlay()
	names := make(map[string]int, len(v.NodeInfo))
	ips := make(map[netip.Addr]int, len(v.NodeInfo))
	pods := make([]netip.Prefix, 0, len(v.NodeInfo))
	for i, n := range v.NodeInfo {
		// The name.
		if msg := badNodeName(n.Name); msg != "" {
			return nodeErr(i, n, "name", "%s", msg)
		}
		if j, dup := names[n.Name]; dup {
			return nodeErr(i, n, "name", "%q is also the name of nodeinfo[%d]; node names must be unique", n.Name, j)
		}
		names[n.Name] = i

		// The address on the underlay.
		if n.IP == "" {
			return nodeErr(i, n, "ip", "missing; the node's address on the underlay, like 192.168.100.101")
		}
		ip, err := netip.ParseAddr(n.IP)
		if err != nil {
			return nodeErr(i, n, "ip", "%q is not an IPv4 address like 192.168.100.101: %w", n.IP, err)
		}
		if !ip.Is4() {
			return nodeErr(i, n, "ip", "%s is not IPv4; the underlay is an IPv4 /24 like 192.168.100.0/24", n.IP)
		}
		if b := ip.As4(); ip.IsLoopback() || ip.IsMulticast() || ip.IsLinkLocalUnicast() || b[0] == 0 || b[0] >= 240 {
			return nodeErr(i, n, "ip", "%s is not an address a host can have on a network (loopback, link-local, multicast or reserved); use one like 192.168.100.101", ip)
		}
		if i == 0 && underlay.Overlaps(world) {
			return nodeErr(i, n, "ip", "%s puts the underlay %s inside %s, the lab's world side (the host's uplink); choose another segment, like 192.168.100.0/24", ip, underlay, world)
		}
		if !underlay.Contains(ip) {
			return nodeErr(i, n, "ip", "%s is outside the underlay %s, set by the ip of %s; all nodes share one /24 segment", ip, underlay, nodeRef(0, v.NodeInfo[0]))
		}
		switch ip {
		case underlay.Addr():
			return nodeErr(i, n, "ip", "%s is the network address of the underlay %s; give the node another address", ip, underlay)
		case gateway:
			return nodeErr(i, n, "ip", "%s is the underlay's gateway (the .1 of %s, the lab's router to the world side); give the node another address", ip, underlay)
		case ipv4.Last(underlay):
			return nodeErr(i, n, "ip", "%s is the broadcast address of the underlay %s; give the node another address", ip, underlay)
		}
		if j, dup := ips[ip]; dup {
			return nodeErr(i, n, "ip", "%s is also the ip of %s; node addresses must be unique", ip, nodeRef(j, v.NodeInfo[j]))
		}
		ips[ip] = i

		// The pod range.
		pod, e := checkPrefix(fmt.Sprintf("nodeinfo[%d].podcidr", i), n.PodCIDR, "10.240.1.0/24", "the node's pod range inside podcidr "+cluster.String())
		if e != nil {
			e.Node = n.Name
			return e
		}
		switch {
		case pod.Bits() > maxPodBits:
			return nodeErr(i, n, "podcidr", "%s is too small: the bridge takes the first address and a pod needs one more, next to the network and broadcast addresses (at most /%d)", pod, maxPodBits)
		case pod.Bits() < minPodBits:
			return nodeErr(i, n, "podcidr", "%s is too large for one node's pods (at least /%d)", pod, minPodBits)
		case pod.Overlaps(underlay):
			return nodeErr(i, n, "podcidr", "%s overlaps the underlay %s of the nodes' ips; pods and nodes need separate ranges", pod, underlay)
		case pod.Bits() < cluster.Bits() || !cluster.Contains(pod.Addr()):
			return nodeErr(i, n, "podcidr", "%s is not inside the cluster's podcidr %s", pod, cluster)
		}
		for j, other := range pods {
			if pod.Overlaps(other) {
				return nodeErr(i, n, "podcidr", "%s overlaps %s, the podcidr of %s; each node needs a pod range of its own", pod, other, nodeRef(j, v.NodeInfo[j]))
			}
		}
		pods = append(pods, pod)
	}
	if cluster.Overlaps(underlay) {
		return fieldErr("podcidr", "%s overlaps the underlay %s of the nodes' ips; pods and nodes need separate ranges", cluster, underlay)
	}
	return nil
}

// checkName checks the network's name: CNI's rule for network names, and a
// file name (the plugin's type and 10-<name>.conf).
func checkName(name string) *FieldError {
	const why = "it is the CNI network's name and the plugin's type, like my-cni-demo"
	if name == "" {
		return fieldErr("name", "missing; %s", why)
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case i > 0 && (r == '_' || r == '.' || r == '-'):
		default:
			return fieldErr("name", "%q has characters other than letters, digits, _ . - (or starts with one of _ . -); %s", name, why)
		}
	}
	if len("10-"+name+".conf") > 255 {
		return fieldErr("name", "%q is too long for the file name 10-<name>.conf (at most %d bytes)", name, 255-len("10-.conf"))
	}
	return nil
}

// checkPrefix parses an IPv4 network address with its length.
func checkPrefix(field, s, example, what string) (netip.Prefix, *FieldError) {
	if s == "" {
		return netip.Prefix{}, fieldErr(field, "missing; %s, like %s", what, example)
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fieldErr(field, "%q is not an IPv4 prefix like %s: %w", s, example, err)
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, fieldErr(field, "%s is not IPv4; %s is an IPv4 prefix like %s", s, what, example)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fieldErr(field, "%s is not a network address (did you mean %s?)", s, p.Masked())
	}
	return p, nil
}

// badNodeName says what is wrong with a node's name, "" when nothing. The
// name is a hostname and a network namespace's name.
func badNodeName(name string) string {
	const rule = "a node name is 1 to 63 lowercase letters, digits and -, not starting or ending with - (it is the node's hostname and network namespace)"
	switch {
	case name == "":
		return "missing; " + rule
	case len(name) > 63:
		return fmt.Sprintf("%q is longer than 63 characters; %s", name, rule)
	case name[0] == '-' || name[len(name)-1] == '-':
		return fmt.Sprintf("%q starts or ends with -; %s", name, rule)
	case strings.ContainsFunc(name, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') }):
		return fmt.Sprintf("%q has characters other than lowercase letters, digits and -; %s", name, rule)
	case reservedNames[name]:
		return fmt.Sprintf("%q is the name of one of the lab's own namespaces; choose another, like cni-worker01", name)
	}
	return ""
}

// badIfName says what is wrong with a Linux interface name, "" when nothing.
func badIfName(name string) string {
	switch {
	case name == "":
		return "missing"
	case len(name) > 15:
		return fmt.Sprintf("%q is longer than 15 bytes, the most a Linux interface name has", name)
	case name == "." || name == "..":
		return fmt.Sprintf("%q is not an interface name", name)
	case strings.ContainsFunc(name, func(r rune) bool { return r == '/' || r == ':' || unicode.IsSpace(r) }):
		return fmt.Sprintf("%q contains / or : or white space, which Linux interface names cannot", name)
	case name == "lo":
		return `"lo" is the loopback interface every node already has`
	}
	return ""
}

// Parse reads a vars file of article 000's shape and validates it (see
// Validate). It is strict: a key the article's file does not have, a
// duplicate key, or a list where a value belongs is an error. Every error is
// a *FieldError naming the file, the line and the field to fix
// ("vars.yaml:9: nodeinfo[1].ip (node "cni-worker01"): ...").
func Parse(file string, data []byte) (Vars, error) {
	v, lines, e := decode(data)
	if e == nil {
		if e = v.validate(); e != nil {
			e.Line = lines.of(e.Field)
		}
	}
	if e != nil {
		e.File = file
		return Vars{}, e
	}
	return v, nil
}

// lines maps the fields of a decoded file to their lines.
type lines map[string]int

// of is the line of a field, or of the closest enclosing one the file has
// (the node's entry for a missing ip).
func (l lines) of(field string) int {
	for {
		if n, ok := l[field]; ok {
			return n
		}
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			return l[""]
		}
		field = field[:i]
	}
}

var (
	varsKeys = []string{"name", "podcidr", "interface", "bridge", "nodeinfo"}
	nodeKeys = []string{"name", "ip", "podcidr"}
)

func decode(data []byte) (Vars, lines, *FieldError) {
	var v Vars
	at := lines{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return v, at, &FieldError{Err: errors.New("empty; want article 000's vars.yaml (name, podcidr, interface, bridge, nodeinfo)")}
		}
		return v, at, syntaxError(err)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return v, at, &FieldError{Line: next.Line, Err: errors.New("a second YAML document; a vars file holds one")}
	} else if !errors.Is(err, io.EOF) {
		return v, at, syntaxError(err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	root = deAlias(root)
	at[""] = root.Line
	if root.Kind != yaml.MappingNode {
		if isNull(root) {
			return v, at, &FieldError{Line: root.Line, Err: errors.New("empty; want article 000's vars.yaml (name, podcidr, interface, bridge, nodeinfo)")}
		}
		return v, at, &FieldError{Line: root.Line, Err: errors.New("want a mapping of name, podcidr, interface, bridge and nodeinfo, as in article 000's vars.yaml")}
	}
	err := eachPair(root, "", varsKeys, func(key string, val *yaml.Node) *FieldError {
		at[key] = val.Line
		var e *FieldError
		switch key {
		case "name":
			v.Name, e = str(val, key)
		case "podcidr":
			v.PodCIDR, e = str(val, key)
		case "interface":
			v.Interface, e = str(val, key)
		case "bridge":
			v.Bridge, e = str(val, key)
		case "nodeinfo":
			v.NodeInfo, e = decodeNodes(val, at)
		}
		return e
	})
	return v, at, err
}

func decodeNodes(seq *yaml.Node, at lines) ([]Node, *FieldError) {
	if isNull(seq) {
		return nil, nil
	}
	if seq.Kind != yaml.SequenceNode {
		return nil, &FieldError{Line: seq.Line, Field: "nodeinfo", Err: errors.New("want a list of nodes (- name: ..., ip: ..., podcidr: ...)")}
	}
	nodes := make([]Node, 0, len(seq.Content))
	for i, item := range seq.Content {
		item = deAlias(item)
		path := fmt.Sprintf("nodeinfo[%d]", i)
		at[path] = item.Line
		if item.Kind != yaml.MappingNode {
			return nil, &FieldError{Line: item.Line, Field: path, Err: errors.New("want a node's name, ip and podcidr (- name: cni-worker01 ...)")}
		}
		var n Node
		err := eachPair(item, path, nodeKeys, func(key string, val *yaml.Node) *FieldError {
			field := path + "." + key
			at[field] = val.Line
			var e *FieldError
			switch key {
			case "name":
				n.Name, e = str(val, field)
			case "ip":
				n.IP, e = str(val, field)
			case "podcidr":
				n.PodCIDR, e = str(val, field)
			}
			return e
		})
		if err != nil {
			err.Node = n.Name
			return nil, err
		}
		nodes = append(nodes, n)
	}
	return nodes, nil
}

// eachPair calls f for each key and value of a mapping, refusing keys not in
// known and keys given twice.
func eachPair(m *yaml.Node, path string, known []string, f func(key string, val *yaml.Node) *FieldError) *FieldError {
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, val := deAlias(m.Content[i]), deAlias(m.Content[i+1])
		if k.Kind != yaml.ScalarNode || !slices.Contains(known, k.Value) {
			what := strconv.Quote(k.Value)
			if k.Kind != yaml.ScalarNode {
				what = "that is not a plain word"
			}
			return &FieldError{Line: k.Line, Field: path, Err: fmt.Errorf("unknown key %s (known: %s)", what, strings.Join(known, ", "))}
		}
		if line, dup := seen[k.Value]; dup {
			return &FieldError{Line: k.Line, Field: path, Err: fmt.Errorf("key %q given twice (first at line %d)", k.Value, line)}
		}
		seen[k.Value] = k.Line
		if e := f(k.Value, val); e != nil {
			return e
		}
	}
	return nil
}

// str is a scalar's text; an empty value (key:, ~, null) is "".
func str(n *yaml.Node, field string) (string, *FieldError) {
	if n.Kind != yaml.ScalarNode {
		return "", &FieldError{Line: n.Line, Field: field, Err: errors.New("want one value, not a list or mapping")}
	}
	if isNull(n) {
		return "", nil
	}
	return n.Value, nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func deAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// syntaxError turns yaml.v3's "yaml: line 3: ..." into a line and a message.
func syntaxError(err error) *FieldError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	return &FieldError{Line: line, Err: fmt.Errorf("not YAML: %s", msg)}
}
