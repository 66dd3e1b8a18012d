package cluster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ConfigFile is the article's CNI configuration file, Default().ConfigFile():
// the playbook writes it to /etc/cni/net.d on every node. Vars of another
// name have their own, v.ConfigFile().
const ConfigFile = "10-my-cni-demo.conf"

// cniVersion is the version the article's template writes.
const cniVersion = "0.3.1"

// ErrUnknownNode is wrapped by the errors about a node name that is not in
// nodeinfo.
var ErrUnknownNode = errors.New("no such node in nodeinfo")

// ConfigFile is the name of the CNI configuration file of v's network,
// 10-<name>.conf, as the article's template task names it
// (dest: /etc/cni/net.d/10-my-cni-demo.conf).
func (v Vars) ConfigFile() string { return "10-" + v.Name + ".conf" }

// PluginConfig is the CNI configuration of the named node, byte for byte what
// the article's template 10-my-cni-demo.conf.j2 renders on that node:
//
//	{
//	    "cniVersion": "0.3.1",
//	    "name": "{{ name }}",
//	    "type": "{{ name }}",
//	    "podcidr": "{{ node.podcidr }}"
//	}
//
// It renders v as it is, as the template does: Vars from Parse, Default and
// Generate are valid; call Validate on Vars made another way. The values are
// JSON-escaped, so the output is JSON whatever v holds. The only error is a
// node not in nodeinfo (wrapping ErrUnknownNode).
func (v Vars) PluginConfig(node string) ([]byte, error) {
	n, ok := v.Node(node)
	if !ok {
		return nil, fmt.Errorf("cni config for node %q: %w (nodes: %s)", node, ErrUnknownNode, v.nodeList())
	}
	var b bytes.Buffer
	b.WriteString("{\n")
	fmt.Fprintf(&b, "    \"cniVersion\": %s,\n", jsonString(cniVersion))
	fmt.Fprintf(&b, "    \"name\": %s,\n", jsonString(v.Name))
	fmt.Fprintf(&b, "    \"type\": %s,\n", jsonString(v.Name))
	fmt.Fprintf(&b, "    \"podcidr\": %s\n", jsonString(n.PodCIDR))
	b.WriteString("}\n")
	return b.Bytes(), nil
}

// nodeList names the nodes for an error, the first few of a large cluster.
func (v Vars) nodeList() string {
	const most = 8
	if len(v.NodeInfo) == 0 {
		return "none"
	}
	names := make([]string, 0, most+1)
	for i, n := range v.NodeInfo {
		if i == most {
			names = append(names, fmt.Sprintf("and %d more", len(v.NodeInfo)-most))
			break
		}
		names = append(names, n.Name)
	}
	return strings.Join(names, ", ")
}

// jsonString is s as a JSON string.
func jsonString(s string) string {
	out, _ := json.Marshal(s) // a string always marshals (bad UTF-8 becomes U+FFFD)
	return string(out)
}
