package e2e

// `lab topo`: the live lab drawn as text, JSON and Graphviz.

import (
	"encoding/json"
	"testing"
)

// lab topo draws the live lab: text boxes and cables, the snapshot as JSON,
// a Graphviz graph; and says so when the scope is not set up.
func TestCLITopo(t *testing.T) {
	t.Parallel()
	s := newScope(t, "tp2")
	r := lab(t, "topo", "--scope", s)
	want(t, r, 2)
	wantContains(t, "topo before setup", r.stderr, "not set up")
	want(t, lab(t, "run", "bridge", "--scope", s), 0)
	txt := lab(t, "topo", "--scope", s)
	want(t, txt, 0)
	wantContains(t, "topo", txt.stdout, "┌ "+s+"-client1", "bridge1", "├ client1-veth-br", "172.30.0.11/24", s+"-host:eth0 ═══ "+s+"-world:eth0")
	js := lab(t, "topo", "--json", "--scope", s)
	want(t, js, 0)
	var snap struct {
		Namespaces []struct{ Name string } `json:"namespaces"`
	}
	if err := json.Unmarshal([]byte(js.stdout), &snap); err != nil || len(snap.Namespaces) != 4 {
		t.Errorf("topo --json: %v, %d namespaces\n%s", err, len(snap.Namespaces), js.stdout)
	}
	dot := lab(t, "topo", "--dot", "--scope", s)
	want(t, dot, 0)
	wantContains(t, "topo --dot", dot.stdout, "graph lab {", `"`+s+`-client1/client1-veth" -- "`+s+`-host/client1-veth-br"`)
}
