package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDefaultValidates(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
}

func TestParseArticleIsDefault(t *testing.T) {
	got, err := Parse("article.yaml", readTestdata(t, "article.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, Default()) {
		t.Fatalf("Parse(article.yaml) =\n%+v\nwant Default() =\n%+v", got, Default())
	}
}

func TestDefaultYAMLIsArticle(t *testing.T) {
	want := readTestdata(t, "article.yaml")
	if got := DefaultYAML(); !bytes.Equal(got, want) {
		t.Fatalf("DefaultYAML() =\n%s\nwant the article's vars.yaml =\n%s", got, want)
	}
}

func TestParseFive(t *testing.T) {
	v, err := Parse("five.yaml", readTestdata(t, "five.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.NodeInfo) != 5 {
		t.Fatalf("%d nodes, want 5", len(v.NodeInfo))
	}
	want := Node{Name: "cni-worker04", IP: "192.168.100.104", PodCIDR: "10.240.4.0/24"}
	if got := v.NodeInfo[4]; got != want {
		t.Errorf("nodeinfo[4] = %+v, want %+v", got, want)
	}
	if !bytes.Equal(v.YAML(), readTestdata(t, "five.yaml")) {
		t.Errorf("YAML() of five.yaml is not five.yaml:\n%s", v.YAML())
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	for _, v := range []Vars{Default(), Generate(1), Generate(10), Generate(MaxNodes)} {
		got, err := Parse("gen.yaml", v.YAML())
		if err != nil {
			t.Fatalf("Parse(YAML()) of %d nodes: %v", len(v.NodeInfo), err)
		}
		if !reflect.DeepEqual(got, v) {
			t.Fatalf("Parse(YAML()) of %d nodes = %+v, want %+v", len(v.NodeInfo), got, v)
		}
	}
}

func TestYAMLQuotesWhatIsNotPlain(t *testing.T) {
	for _, s := range []string{"", "null", "~", "true", "a b", "x: y", "#c", "- z", `q"uote`} {
		if got := scalar(s); got[0] != '"' {
			t.Errorf("scalar(%q) = %s, want it quoted", s, got)
		}
	}
	v := Default()
	v.Name = "null"
	v.NodeInfo[0].Name = "a: b"
	got, err := decodeOnly(v.YAML())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, v) {
		t.Fatalf("decode(YAML()) = %+v, want %+v", got, v)
	}
}

func decodeOnly(data []byte) (Vars, error) {
	v, _, e := decode(data)
	if e != nil {
		return v, e
	}
	return v, nil
}

func TestGenerate(t *testing.T) {
	v := Generate(MaxNodes)
	if err := v.Validate(); err != nil {
		t.Fatalf("Generate(%d).Validate() = %v", MaxNodes, err)
	}
	if len(v.NodeInfo) != MaxNodes {
		t.Fatalf("Generate(%d) has %d nodes", MaxNodes, len(v.NodeInfo))
	}
	first := Node{Name: "cni-node01", IP: "192.168.100.101", PodCIDR: "10.240.1.0/24"}
	last := Node{Name: "cni-node64", IP: "192.168.100.164", PodCIDR: "10.240.64.0/24"}
	if v.NodeInfo[0] != first || v.NodeInfo[63] != last {
		t.Errorf("Generate(64) nodes %+v .. %+v, want %+v .. %+v", v.NodeInfo[0], v.NodeInfo[63], first, last)
	}
	if v.Name != "my-cni-demo" || v.PodCIDR != "10.240.0.0/16" || v.Interface != "ens32" || v.Bridge != "cni0" {
		t.Errorf("Generate(64) = %+v, want the article's name, podcidr, interface and bridge", v)
	}
	for _, n := range []int{1, 5} {
		if err := Generate(n).Validate(); err != nil {
			t.Errorf("Generate(%d).Validate() = %v", n, err)
		}
	}

	err := Generate(MaxNodes + 1).Validate()
	fe := asFieldError(t, err)
	if fe.Field != "nodeinfo" || !strings.Contains(err.Error(), "at most 64") || !strings.Contains(err.Error(), "/24") ||
		!strings.Contains(err.Error(), "performance budget") {
		t.Fatalf("Generate(65).Validate() = %v, want a refusal of nodeinfo saying why (one /24, the performance budget)", err)
	}
	if err := Generate(0).Validate(); err == nil {
		t.Fatal("Generate(0).Validate() = nil, want no nodes refused")
	}
}

func TestUnderlay(t *testing.T) {
	subnet, gw := Default().Underlay()
	if subnet != netip.MustParsePrefix("192.168.100.0/24") || gw != netip.MustParseAddr("192.168.100.1") {
		t.Fatalf("Underlay() = %v, %v", subnet, gw)
	}
	if subnet, gw := (Vars{}).Underlay(); subnet.IsValid() || gw.IsValid() {
		t.Fatalf("Underlay() of no nodes = %v, %v, want invalid", subnet, gw)
	}
}

func TestNodeAndOthers(t *testing.T) {
	v := Default()
	n, ok := v.Node("cni-worker01")
	if !ok || n.IP != "192.168.100.101" {
		t.Fatalf("Node(cni-worker01) = %+v, %v", n, ok)
	}
	if _, ok := v.Node("cni-worker09"); ok {
		t.Fatal("Node(cni-worker09) found")
	}
	others := v.Others("cni-master01")
	if len(others) != 2 || others[0].Name != "cni-worker01" || others[1].Name != "cni-worker02" {
		t.Fatalf("Others(cni-master01) = %+v", others)
	}
	others[0].Name = "changed"
	if v.NodeInfo[1].Name != "cni-worker01" {
		t.Fatal("Others shares its slice with Vars")
	}
	if got := v.Others("nobody"); len(got) != 3 {
		t.Fatalf("Others(nobody) = %+v, want every node", got)
	}
}

func asFieldError(t *testing.T, err error) *FieldError {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FieldError", err, err)
	}
	return fe
}

// Each refusal names the field, the node when it is a node's, and the value.
func TestValidateRefusals(t *testing.T) {
	tests := []struct {
		name   string
		change func(v *Vars)
		field  string
		node   string
		want   []string // in the message
	}{
		{"no name", func(v *Vars) { v.Name = "" }, "name", "", []string{"missing", "plugin's type"}},
		{"name with slash", func(v *Vars) { v.Name = "my/cni" }, "name", "", []string{`"my/cni"`}},
		{"name starting with dot", func(v *Vars) { v.Name = ".cni" }, "name", "", []string{`".cni"`}},
		{"name too long", func(v *Vars) { v.Name = strings.Repeat("a", 248) }, "name", "", []string{"too long"}},
		{"no interface", func(v *Vars) { v.Interface = "" }, "interface", "", []string{"missing", "ens32"}},
		{"interface too long", func(v *Vars) { v.Interface = "ens32-underlay-1" }, "interface", "", []string{`"ens32-underlay-1"`, "15 bytes"}},
		{"interface with colon", func(v *Vars) { v.Interface = "ens32:0" }, "interface", "", []string{`"ens32:0"`}},
		{"interface with space", func(v *Vars) { v.Interface = "ens 32" }, "interface", "", []string{`"ens 32"`}},
		{"interface lo", func(v *Vars) { v.Interface = "lo" }, "interface", "", []string{"loopback"}},
		{"bridge with slash", func(v *Vars) { v.Bridge = "cni/0" }, "bridge", "", []string{`"cni/0"`}},
		{"bridge dotdot", func(v *Vars) { v.Bridge = ".." }, "bridge", "", []string{`".."`}},
		{"bridge is interface", func(v *Vars) { v.Bridge = "ens32" }, "bridge", "", []string{`"ens32"`, "also the interface"}},
		{"no podcidr", func(v *Vars) { v.PodCIDR = "" }, "podcidr", "", []string{"missing"}},
		{"podcidr not a prefix", func(v *Vars) { v.PodCIDR = "10.240.0.0" }, "podcidr", "", []string{`"10.240.0.0"`}},
		{"podcidr ipv6", func(v *Vars) { v.PodCIDR = "fd00::/64" }, "podcidr", "", []string{"fd00::/64", "not IPv4"}},
		{"podcidr not masked", func(v *Vars) { v.PodCIDR = "10.240.3.0/16" }, "podcidr", "", []string{"did you mean 10.240.0.0/16"}},
		{"podcidr in world", func(v *Vars) { v.PodCIDR = "172.16.0.0/12" }, "podcidr", "", []string{"172.17.0.0/16", "world"}},
		{"podcidr over underlay", func(v *Vars) { v.PodCIDR = "192.168.0.0/16"; setPods(v, "192.168.%d.0/24") }, "podcidr", "",
			[]string{"192.168.0.0/16", "underlay 192.168.100.0/24"}},
		{"no nodes", func(v *Vars) { v.NodeInfo = nil }, "nodeinfo", "", []string{"no nodes"}},

		{"node without name", func(v *Vars) { v.NodeInfo[1].Name = "" }, "nodeinfo[1].name", "", []string{"missing"}},
		{"node name uppercase", func(v *Vars) { v.NodeInfo[1].Name = "Worker01" }, "nodeinfo[1].name", "Worker01", []string{`"Worker01"`, "lowercase"}},
		{"node name underscore", func(v *Vars) { v.NodeInfo[1].Name = "cni_worker01" }, "nodeinfo[1].name", "cni_worker01", []string{`"cni_worker01"`}},
		{"node name dash end", func(v *Vars) { v.NodeInfo[1].Name = "worker-" }, "nodeinfo[1].name", "worker-", []string{"starts or ends"}},
		{"node name too long", func(v *Vars) { v.NodeInfo[1].Name = strings.Repeat("w", 64) }, "nodeinfo[1].name", strings.Repeat("w", 64), []string{"63"}},
		{"node name slash", func(v *Vars) { v.NodeInfo[1].Name = "a/b" }, "nodeinfo[1].name", "a/b", []string{`"a/b"`}},
		{"node named host", func(v *Vars) { v.NodeInfo[1].Name = "host" }, "nodeinfo[1].name", "host", []string{"lab's own namespaces"}},
		{"node named lab-world", func(v *Vars) { v.NodeInfo[2].Name = "lab-world" }, "nodeinfo[2].name", "lab-world", []string{"lab's own namespaces"}},
		{"duplicate node name", func(v *Vars) { v.NodeInfo[2].Name = "cni-worker01" }, "nodeinfo[2].name", "cni-worker01", []string{"nodeinfo[1]", "unique"}},

		{"node without ip", func(v *Vars) { v.NodeInfo[1].IP = "" }, "nodeinfo[1].ip", "cni-worker01", []string{"missing"}},
		{"node ip not an address", func(v *Vars) { v.NodeInfo[1].IP = "192.168.100" }, "nodeinfo[1].ip", "cni-worker01", []string{`"192.168.100"`}},
		{"node ip with prefix", func(v *Vars) { v.NodeInfo[1].IP = "192.168.100.101/24" }, "nodeinfo[1].ip", "cni-worker01", []string{`"192.168.100.101/24"`}},
		{"node ip ipv6", func(v *Vars) { v.NodeInfo[1].IP = "fd00::1" }, "nodeinfo[1].ip", "cni-worker01", []string{"fd00::1", "not IPv4"}},
		{"node ip 4in6", func(v *Vars) { v.NodeInfo[0].IP = "::ffff:192.168.100.100" }, "nodeinfo[0].ip", "cni-master01", []string{"not IPv4"}},
		{"node ip loopback", func(v *Vars) { setIPs(v, "127.0.0.%d") }, "nodeinfo[0].ip", "cni-master01", []string{"127.0.0.100", "loopback"}},
		{"node ip multicast", func(v *Vars) { setIPs(v, "224.0.0.%d") }, "nodeinfo[0].ip", "cni-master01", []string{"224.0.0.100"}},
		{"underlay in world", func(v *Vars) { setIPs(v, "172.17.5.%d") }, "nodeinfo[0].ip", "cni-master01", []string{"172.17.5.0/24", "172.17.0.0/16", "world"}},
		{"node outside the /24", func(v *Vars) { v.NodeInfo[2].IP = "192.168.101.102" }, "nodeinfo[2].ip", "cni-worker02",
			[]string{"192.168.101.102", "outside the underlay 192.168.100.0/24", "cni-master01"}},
		{"node ip is the gateway", func(v *Vars) { v.NodeInfo[1].IP = "192.168.100.1" }, "nodeinfo[1].ip", "cni-worker01", []string{"192.168.100.1", "gateway"}},
		{"node ip is the network", func(v *Vars) { v.NodeInfo[1].IP = "192.168.100.0" }, "nodeinfo[1].ip", "cni-worker01", []string{"network address"}},
		{"node ip is the broadcast", func(v *Vars) { v.NodeInfo[1].IP = "192.168.100.255" }, "nodeinfo[1].ip", "cni-worker01", []string{"broadcast"}},
		{"duplicate node ip", func(v *Vars) { v.NodeInfo[2].IP = "192.168.100.100" }, "nodeinfo[2].ip", "cni-worker02", []string{"192.168.100.100", "cni-master01", "unique"}},

		{"node without podcidr", func(v *Vars) { v.NodeInfo[1].PodCIDR = "" }, "nodeinfo[1].podcidr", "cni-worker01", []string{"missing", "10.240.0.0/16"}},
		{"node podcidr bad", func(v *Vars) { v.NodeInfo[1].PodCIDR = "10.240.1.0/33" }, "nodeinfo[1].podcidr", "cni-worker01", []string{`"10.240.1.0/33"`}},
		{"node podcidr ipv6", func(v *Vars) { v.NodeInfo[1].PodCIDR = "fd00:1::/64" }, "nodeinfo[1].podcidr", "cni-worker01", []string{"not IPv4"}},
		{"node podcidr not masked", func(v *Vars) { v.NodeInfo[1].PodCIDR = "10.240.1.1/24" }, "nodeinfo[1].podcidr", "cni-worker01", []string{"did you mean 10.240.1.0/24"}},
		{"node podcidr too small", func(v *Vars) { v.NodeInfo[1].PodCIDR = "10.240.1.0/31" }, "nodeinfo[1].podcidr", "cni-worker01", []string{"too small"}},
		{"node podcidr too large", func(v *Vars) { v.PodCIDR = "10.0.0.0/7"; v.NodeInfo[1].PodCIDR = "10.0.0.0/7" }, "nodeinfo[1].podcidr", "cni-worker01", []string{"too large"}},
		{"node podcidr outside cluster", func(v *Vars) { v.NodeInfo[1].PodCIDR = "10.241.1.0/24" }, "nodeinfo[1].podcidr", "cni-worker01",
			[]string{"10.241.1.0/24", "not inside", "10.240.0.0/16"}},
		{"node podcidr larger than cluster", func(v *Vars) { v.NodeInfo[1].PodCIDR = "10.240.0.0/15" }, "nodeinfo[1].podcidr", "cni-worker01", []string{"not inside"}},
		{"node podcidr over underlay", func(v *Vars) { v.NodeInfo[1].PodCIDR = "192.168.100.0/25" }, "nodeinfo[1].podcidr", "cni-worker01",
			[]string{"192.168.100.0/25", "underlay 192.168.100.0/24"}},
		{"node podcidrs overlap", func(v *Vars) { v.NodeInfo[2].PodCIDR = "10.240.0.128/25" }, "nodeinfo[2].podcidr", "cni-worker02",
			[]string{"10.240.0.128/25", "10.240.0.0/24", "cni-master01"}},
		{"node podcidrs equal", func(v *Vars) { v.NodeInfo[2].PodCIDR = "10.240.1.0/24" }, "nodeinfo[2].podcidr", "cni-worker02", []string{"cni-worker01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Default()
			tt.change(&v)
			err := v.Validate()
			if err == nil {
				t.Fatal("Validate() = nil, want a refusal")
			}
			fe := asFieldError(t, err)
			if fe.Field != tt.field || fe.Node != tt.node {
				t.Errorf("Validate() = %v: field %q node %q, want field %q node %q", err, fe.Field, fe.Node, tt.field, tt.node)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tt.field) {
				t.Errorf("Validate() = %q, want it to start with the field %q", msg, tt.field)
			}
			if tt.node != "" && !strings.Contains(msg, fmt.Sprintf("(node %q)", tt.node)) {
				t.Errorf("Validate() = %q, want it to name node %q", msg, tt.node)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("Validate() = %q, want it to contain %q", msg, w)
				}
			}
			if msg[0] >= 'A' && msg[0] <= 'Z' || fe.Err.Error()[0] >= 'A' && fe.Err.Error()[0] <= 'Z' {
				t.Errorf("Validate() = %q: errors start lowercase", msg)
			}
		})
	}
}

func setIPs(v *Vars, format string) {
	for i := range v.NodeInfo {
		v.NodeInfo[i].IP = fmt.Sprintf(format, 100+i)
	}
}

func setPods(v *Vars, format string) {
	for i := range v.NodeInfo {
		v.NodeInfo[i].PodCIDR = fmt.Sprintf(format, i)
	}
}

func TestValidateWrapsParseErrors(t *testing.T) {
	v := Default()
	v.NodeInfo[1].IP = "192.168.100.x"
	err := v.Validate()
	if fe := asFieldError(t, err); errors.Unwrap(fe.Err) == nil {
		t.Fatalf("Validate() = %v: want the address parser's error wrapped", err)
	}
}

// Parse names the file and the line of what a learner must fix.
func TestParseRefusals(t *testing.T) {
	article := string(readTestdata(t, "article.yaml"))
	tests := []struct {
		name string
		data string
		want string // the whole message
	}{
		{"empty", "", `vars.yaml: empty; want article 000's vars.yaml (name, podcidr, interface, bridge, nodeinfo)`},
		{"comments only", "# nothing\n", `vars.yaml: empty; want article 000's vars.yaml (name, podcidr, interface, bridge, nodeinfo)`},
		{"a list", "- a\n- b\n", `vars.yaml:1: want a mapping of name, podcidr, interface, bridge and nodeinfo, as in article 000's vars.yaml`},
		{"not yaml", "name: [my-cni-demo\n", ""},
		{"tab indentation", "name: x\n\tpodcidr: y\n", ""},
		{"unknown key", strings.Replace(article, "bridge: cni0", "bridges: cni0", 1),
			`vars.yaml:4: unknown key "bridges" (known: name, podcidr, interface, bridge, nodeinfo)`},
		{"unknown node key", strings.Replace(article, "  ip: 192.168.100.101", "  address: 192.168.100.101", 1),
			`vars.yaml:10: nodeinfo[1] (node "cni-worker01"): unknown key "address" (known: name, ip, podcidr)`},
		{"duplicate key", article + "name: other\n", `vars.yaml:15: key "name" given twice (first at line 1)`},
		{"duplicate node key", strings.Replace(article, "  ip: 192.168.100.102\n", "  ip: 192.168.100.102\n  ip: 192.168.100.103\n", 1),
			`vars.yaml:14: nodeinfo[2] (node "cni-worker02"): key "ip" given twice (first at line 13)`},
		{"name is a list", strings.Replace(article, "name: my-cni-demo", "name: [my-cni-demo]", 1),
			`vars.yaml:1: name: want one value, not a list or mapping`},
		{"nodeinfo is a mapping", "name: my-cni-demo\nnodeinfo:\n  cni-master01: 192.168.100.100\n",
			`vars.yaml:3: nodeinfo: want a list of nodes (- name: ..., ip: ..., podcidr: ...)`},
		{"node is a string", strings.Replace(article, "- name: cni-worker02", "- cni-worker02\n- name: cni-worker03", 1),
			`vars.yaml:12: nodeinfo[2]: want a node's name, ip and podcidr (- name: cni-worker01 ...)`},
		{"second document", article + "---\nname: x\n", `vars.yaml:15: a second YAML document; a vars file holds one`},
		{"gateway ip", strings.Replace(article, "ip: 192.168.100.101", "ip: 192.168.100.1", 1),
			`vars.yaml:10: nodeinfo[1].ip (node "cni-worker01"): 192.168.100.1 is the underlay's gateway (the .1 of 192.168.100.0/24, the lab's router to the world side); give the node another address`},
		{"missing node ip", strings.Replace(article, "  ip: 192.168.100.102\n", "", 1),
			`vars.yaml:12: nodeinfo[2].ip (node "cni-worker02"): missing; the node's address on the underlay, like 192.168.100.101`},
		{"empty bridge", strings.Replace(article, "bridge: cni0", "bridge:", 1),
			`vars.yaml:4: bridge: missing; it is the bridge my-cni-demo makes for the pods of each node, like cni0`},
		{"missing interface", strings.Replace(article, "interface: ens32\n", "", 1),
			`vars.yaml:1: interface: missing; it is the node's interface on the underlay, like ens32`},
		{"no nodes", strings.SplitAfter(article, "nodeinfo:")[0] + "\n", `vars.yaml:5: nodeinfo: no nodes; list at least one (- name: ..., ip: ..., podcidr: ...)`},
		{"overlapping pod ranges", strings.Replace(article, "podcidr: 10.240.2.0/24", "podcidr: 10.240.0.0/23", 1),
			`vars.yaml:14: nodeinfo[2].podcidr (node "cni-worker02"): 10.240.0.0/23 overlaps 10.240.0.0/24, the podcidr of nodeinfo[0] (node "cni-master01"); each node needs a pod range of its own`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Parse("vars.yaml", []byte(tt.data))
			if err == nil {
				t.Fatalf("Parse() = %+v, want an error", v)
			}
			fe := asFieldError(t, err)
			if fe.File != "vars.yaml" {
				t.Errorf("Parse() = %v: file %q, want vars.yaml", err, fe.File)
			}
			if tt.want == "" {
				if fe.Line == 0 || !strings.HasPrefix(err.Error(), fmt.Sprintf("vars.yaml:%d: not YAML: ", fe.Line)) {
					t.Errorf("Parse() = %q, want vars.yaml:LINE: not YAML: ...", err)
				}
				return
			}
			if err.Error() != tt.want {
				t.Errorf("Parse() =\n%q\nwant\n%q", err, tt.want)
			}
			if !reflect.DeepEqual(v, Vars{}) {
				t.Errorf("Parse() returned %+v with its error, want the zero Vars", v)
			}
		})
	}
}

func TestParseAcceptsYAMLForms(t *testing.T) {
	// Flow style, quotes, comments and anchors are still the article's shape.
	data := `# my cluster
name: "my-cni-demo"
podcidr: '10.240.0.0/16'
interface: ens32 # the underlay
bridge: &br cni0
nodeinfo: [{name: cni-master01, ip: 192.168.100.100, podcidr: 10.240.0.0/24}]
`
	v, err := Parse("flow.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.NodeInfo = want.NodeInfo[:1]
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("Parse() = %+v, want %+v", v, want)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(readTestdata(f, "article.yaml"))
	f.Add(readTestdata(f, "five.yaml"))
	f.Add([]byte("name: x\nnodeinfo: [&a {name: a}, *a]\n"))
	f.Add([]byte("nodeinfo: ~\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if err := v.Validate(); err != nil {
			t.Fatalf("Parse accepted what Validate refuses: %v", err)
		}
		back, err := Parse("back.yaml", v.YAML())
		if err != nil || !reflect.DeepEqual(back, v) {
			t.Fatalf("YAML() does not read back: %v\n%s", err, v.YAML())
		}
		for _, n := range v.NodeInfo {
			if _, err := v.PluginConfig(n.Name); err != nil {
				t.Fatal(err)
			}
		}
	})
}
