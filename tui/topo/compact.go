package topo

import (
	"github.com/cnilab/lab/netops/snapshot"
)

// compact lists the namespaces one under the other, without frames, for
// panes too narrow for boxes. Cables cannot be drawn there, so each cabled
// link names its far end on a line under it ("═ server:veth-server").
func compact(snap snapshot.Snapshot, width int) []line {
	cs := findCables(snap)
	isCabled := cabled(cs)
	var out []line
	for _, n := range snap.Namespaces {
		out = append(out, line{s(n.Name, kNetns)})
		o := options{notes: peerNotes(cs, n.Name)}
		if r, ok := n.DefaultRoute(); ok && routeLines(r, false)[0].width() > width-2 {
			// Putting the gateway on its own line keeps it whole
			// instead of cutting it.
			o.squeeze = true
		}
		lines, _ := content(n, isCabled, o)
		for _, b := range lines {
			out = append(out, append(line{spaces(2)}, b.text...).fit(width))
		}
	}
	return out
}
