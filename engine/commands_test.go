package engine

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cnilab/lab/netops"
)

const (
	postroutingChainLine = `nft add chain ip cnilab postrouting '{ type nat hook postrouting priority srcnat; policy accept; }'`
	preroutingChainLine  = `nft add chain ip cnilab prerouting '{ type nat hook prerouting priority dstnat; policy accept; }'`
	forwardChainLine     = `nft add chain ip cnilab forward '{ type filter hook forward priority filter; policy accept; }'`
)

var (
	yes = true
	no  = false
)

// TestCommandsPerScope: the equivalent commands of every operation kind the
// loader knows, in the default scope (plain names) and in scope t1
// (prefixed names). Host operations never get an `ip netns exec` prefix:
// `lab shell` already runs in the scope's host.
func TestCommandsPerScope(t *testing.T) {
	type want struct{ lab, t1 []string }
	cases := []struct {
		name string
		kind string // the YAML key, as in opKinds
		op   netops.Op
		want want
	}{
		{"netns", "netns", &netops.NetnsAdd{Name: "client"}, want{
			[]string{"ip netns add client"},
			[]string{"ip netns add t1-client"}}},
		{"netns of the scope's host", "netns", &netops.NetnsAdd{Name: "host"}, want{
			[]string{"ip netns add lab-host"},
			[]string{"ip netns add t1-host"}}},
		{"netns_del", "netns_del", &netops.NetnsDel{Name: "client"}, want{
			[]string{"ip netns del client"},
			[]string{"ip netns del t1-client"}}},
		{"veth between two namespaces", "veth", &netops.VethAdd{Name: "veth-client", Netns: "client", Peer: "veth-server", PeerNetns: "server"}, want{
			[]string{"ip link add veth-client netns client type veth peer name veth-server netns server"},
			[]string{"ip link add veth-client netns t1-client type veth peer name veth-server netns t1-server"}}},
		{"veth with its peer in the host", "veth", &netops.VethAdd{Name: "client1-veth", Netns: "client1", Peer: "client1-veth-br"}, want{
			[]string{"ip link add client1-veth netns client1 type veth peer name client1-veth-br"},
			[]string{"ip link add client1-veth netns t1-client1 type veth peer name client1-veth-br"}}},
		{"veth with its peer in host by name", "veth", &netops.VethAdd{Name: "client1-veth", Netns: "client1", Peer: "client1-veth-br", PeerNetns: "host"}, want{
			[]string{"ip link add client1-veth netns client1 type veth peer name client1-veth-br"},
			[]string{"ip link add client1-veth netns t1-client1 type veth peer name client1-veth-br"}}},
		{"veth from the host into the world", "veth", &netops.VethAdd{Name: "eth0", Peer: "eth0", PeerNetns: "world"}, want{
			[]string{"ip link add eth0 type veth peer name eth0 netns lab-world"},
			[]string{"ip link add eth0 type veth peer name eth0 netns t1-world"}}},
		{"bridge in the host", "bridge", &netops.BridgeAdd{Name: "bridge1"}, want{
			[]string{"ip link add bridge1 type bridge"},
			[]string{"ip link add bridge1 type bridge"}}},
		{"bridge in a namespace", "bridge", &netops.BridgeAdd{Name: "br0", Netns: "server"}, want{
			[]string{"ip netns exec server ip link add br0 type bridge"},
			[]string{"ip netns exec t1-server ip link add br0 type bridge"}}},
		{"link master, mtu and up, in that order", "link", &netops.LinkSet{Name: "client1-veth-br", Master: "bridge1", MTU: 1400, Up: &yes}, want{
			[]string{"ip link set client1-veth-br master bridge1", "ip link set client1-veth-br mtu 1400", "ip link set client1-veth-br up"},
			[]string{"ip link set client1-veth-br master bridge1", "ip link set client1-veth-br mtu 1400", "ip link set client1-veth-br up"}}},
		{"link down in a namespace", "link", &netops.LinkSet{Netns: "client", Name: "veth-client", Up: &no}, want{
			[]string{"ip netns exec client ip link set veth-client down"},
			[]string{"ip netns exec t1-client ip link set veth-client down"}}},
		{"link up in a namespace", "link", &netops.LinkSet{Netns: "server", Name: "veth-server", Up: &yes}, want{
			[]string{"ip netns exec server ip link set veth-server up"},
			[]string{"ip netns exec t1-server ip link set veth-server up"}}},
		{"move from the host", "move", &netops.LinkMove{Name: "veth-server", To: "server"}, want{
			[]string{"ip link set veth-server netns server"},
			[]string{"ip link set veth-server netns t1-server"}}},
		{"move back to the host", "move", &netops.LinkMove{Name: "veth-server", Netns: "server", To: "host"}, want{
			[]string{"ip netns exec server ip link set veth-server netns lab-host"},
			[]string{"ip netns exec t1-server ip link set veth-server netns t1-host"}}},
		{"addr in a namespace", "addr", &netops.AddrAdd{Netns: "client", Dev: "veth-client", Addr: "10.0.0.11/24"}, want{
			[]string{"ip netns exec client ip addr add 10.0.0.11/24 dev veth-client"},
			[]string{"ip netns exec t1-client ip addr add 10.0.0.11/24 dev veth-client"}}},
		{"addr in the host", "addr", &netops.AddrAdd{Dev: "bridge1", Addr: "172.30.0.1/24"}, want{
			[]string{"ip addr add 172.30.0.1/24 dev bridge1"},
			[]string{"ip addr add 172.30.0.1/24 dev bridge1"}}},
		{"default route via", "route", &netops.RouteAdd{Netns: "client1", Dst: "default", Via: "172.30.0.1"}, want{
			[]string{"ip netns exec client1 ip route add default via 172.30.0.1"},
			[]string{"ip netns exec t1-client1 ip route add default via 172.30.0.1"}}},
		{"route dev in the host", "route", &netops.RouteAdd{Dst: "10.1.0.0/24", Dev: "bridge1"}, want{
			[]string{"ip route add 10.1.0.0/24 dev bridge1"},
			[]string{"ip route add 10.1.0.0/24 dev bridge1"}}},
		{"route via and dev", "route", &netops.RouteAdd{Netns: "world", Dst: "172.30.0.0/24", Via: "172.17.0.33", Dev: "eth0"}, want{
			[]string{"ip netns exec lab-world ip route add 172.30.0.0/24 via 172.17.0.33 dev eth0"},
			[]string{"ip netns exec t1-world ip route add 172.30.0.0/24 via 172.17.0.33 dev eth0"}}},
		{"sysctl in the host", "sysctl", &netops.Sysctl{Key: "net.ipv4.ip_forward", Value: "1"}, want{
			[]string{"sysctl -w net.ipv4.ip_forward=1"},
			[]string{"sysctl -w net.ipv4.ip_forward=1"}}},
		{"sysctl in a namespace", "sysctl", &netops.Sysctl{Netns: "client", Key: "net.ipv4.conf.all.rp_filter", Value: "0"}, want{
			[]string{"ip netns exec client sysctl -w net.ipv4.conf.all.rp_filter=0"},
			[]string{"ip netns exec t1-client sysctl -w net.ipv4.conf.all.rp_filter=0"}}},
		{"masquerade out eth0", "masquerade", &netops.Masquerade{Src: "172.30.0.0/24", Out: "eth0"}, want{
			[]string{"nft add table ip cnilab", postroutingChainLine,
				"nft add rule ip cnilab postrouting ip saddr 172.30.0.0/24 oifname eth0 masquerade"},
			[]string{"nft add table ip cnilab", postroutingChainLine,
				"nft add rule ip cnilab postrouting ip saddr 172.30.0.0/24 oifname eth0 masquerade"}}},
		{"masquerade not out cni0", "masquerade", &netops.Masquerade{Src: "10.240.0.0/24", NotOut: "cni0"}, want{
			[]string{"nft add table ip cnilab", postroutingChainLine,
				"nft add rule ip cnilab postrouting ip saddr 10.240.0.0/24 oifname '!=' cni0 masquerade"},
			[]string{"nft add table ip cnilab", postroutingChainLine,
				"nft add rule ip cnilab postrouting ip saddr 10.240.0.0/24 oifname '!=' cni0 masquerade"}}},
		{"masquerade in a namespace", "masquerade", &netops.Masquerade{Netns: "server", Src: "10.1.0.0/24", Out: "eth1"}, want{
			[]string{"ip netns exec server nft add table ip cnilab", "ip netns exec server " + postroutingChainLine,
				"ip netns exec server nft add rule ip cnilab postrouting ip saddr 10.1.0.0/24 oifname eth1 masquerade"},
			[]string{"ip netns exec t1-server nft add table ip cnilab", "ip netns exec t1-server " + postroutingChainLine,
				"ip netns exec t1-server nft add rule ip cnilab postrouting ip saddr 10.1.0.0/24 oifname eth1 masquerade"}}},
		{"forward_accept", "forward_accept", &netops.ForwardAccept{CIDR: "10.240.0.0/16"}, want{
			[]string{"nft add table ip cnilab", forwardChainLine,
				"nft add rule ip cnilab forward ip saddr 10.240.0.0/16 accept",
				"nft add rule ip cnilab forward ip daddr 10.240.0.0/16 accept"},
			[]string{"nft add table ip cnilab", forwardChainLine,
				"nft add rule ip cnilab forward ip saddr 10.240.0.0/16 accept",
				"nft add rule ip cnilab forward ip daddr 10.240.0.0/16 accept"}}},
		{"dnat", "dnat", &netops.DNAT{Proto: "tcp", Dport: 80, To: "172.18.0.3:80"}, want{
			[]string{"nft add table ip cnilab", preroutingChainLine,
				"nft add rule ip cnilab prerouting tcp dport 80 dnat to 172.18.0.3:80"},
			[]string{"nft add table ip cnilab", preroutingChainLine,
				"nft add rule ip cnilab prerouting tcp dport 80 dnat to 172.18.0.3:80"}}},
		{"process", "process", &netops.Process{Name: "web", Netns: "web", Run: "lab serve --port 80"}, want{
			[]string{"ip netns exec web lab serve --port 80 >/dev/null 2>&1 &"},
			[]string{"ip netns exec t1-web lab serve --port 80 >/dev/null 2>&1 &"}}},
		{"netns_mount", "netns_mount", &netops.NetnsMount{Name: "pause_demo", Job: "pause"}, want{
			[]string{"mkdir -p /var/run/netns", "touch /var/run/netns/pause_demo", "mount -o bind /proc/$PAUSE_PID/ns/net /var/run/netns/pause_demo"},
			[]string{"mkdir -p /var/run/netns", "touch /var/run/netns/t1-pause_demo", "mount -o bind /proc/$PAUSE_PID/ns/net /var/run/netns/t1-pause_demo"}}},
		{"netns_mount container", "netns_mount", &netops.NetnsMount{Name: "pause_demo", Container: "pause_demo"}, want{
			[]string{`target_pid=$(ctr task ls | awk '$1 == "pause_demo" {print $2}')`, "mkdir -p /var/run/netns", "touch /var/run/netns/pause_demo", "mount -o bind /proc/$target_pid/ns/net /var/run/netns/pause_demo"},
			[]string{`target_pid=$(ctr task ls | awk '$1 == "pause_demo" {print $2}')`, "mkdir -p /var/run/netns", "touch /var/run/netns/t1-pause_demo", "mount -o bind /proc/$target_pid/ns/net /var/run/netns/t1-pause_demo"}}},
		{"containerd", "containerd", &netops.Containerd{}, want{
			[]string{"ip netns exec lab-host unshare --mount --propagation unchanged lab ctrd-hold /run/cnilab/lab/containerd &  # containerd, its root in /run/cnilab/lab/containerd",
				"ctr image import images.tar  # docker.io/kubernetes/pause:latest, docker.io/library/nginx:latest (lab's pause and web server)"},
			[]string{"ip netns exec t1-host unshare --mount --propagation unchanged lab ctrd-hold /run/cnilab/t1/containerd &  # containerd, its root in /run/cnilab/t1/containerd",
				"ctr image import images.tar  # docker.io/kubernetes/pause:latest, docker.io/library/nginx:latest (lab's pause and web server)"}}},
		{"ctr_run", "ctr_run", &netops.CtrRun{ID: "pause_demo", Image: "docker.io/kubernetes/pause:latest"}, want{
			[]string{"ctr run -d docker.io/kubernetes/pause:latest pause_demo </dev/null", "ctr task ls", "jq .namespace_paths.NEWNET /run/containerd/runc/k8s.io/pause_demo/state.json"},
			[]string{"ctr run -d docker.io/kubernetes/pause:latest pause_demo </dev/null", "ctr task ls", "jq .namespace_paths.NEWNET /run/containerd/runc/k8s.io/pause_demo/state.json"}}},
		{"ctr_run with_ns", "ctr_run", &netops.CtrRun{ID: "nginx_test", Image: "docker.io/library/nginx:latest", Netns: "pause_demo", WaitPort: 80}, want{
			[]string{"ctr run -d --with-ns network:/var/run/netns/pause_demo docker.io/library/nginx:latest nginx_test </dev/null", "ctr task ls",
				"ip netns exec pause_demo bash -c 'until </dev/tcp/127.0.0.1/80; do sleep 0.05; done' 2>/dev/null"},
			[]string{"ctr run -d --with-ns network:/var/run/netns/t1-pause_demo docker.io/library/nginx:latest nginx_test </dev/null", "ctr task ls",
				"ip netns exec t1-pause_demo bash -c 'until </dev/tcp/127.0.0.1/80; do sleep 0.05; done' 2>/dev/null"}}},
		{"ctr_rm", "ctr_rm", &netops.CtrRm{ID: "nginx_test"}, want{
			[]string{"ctr task rm -f nginx_test", "ctr container rm nginx_test"},
			[]string{"ctr task rm -f nginx_test", "ctr container rm nginx_test"}}},
		{"link_del", "link_del", &netops.LinkDel{Name: "iksoon0"}, want{
			[]string{"ip link delete iksoon0"},
			[]string{"ip link delete iksoon0"}}},
		{"cni ADD", "cni", &netops.CNI{Command: "ADD", Conf: "00-demo.conf", Container: "pause_demo", Netns: "pause_demo", IfName: "eth10"}, want{
			[]string{"CNI_COMMAND=ADD CNI_CONTAINERID=pause_demo CNI_NETNS=/var/run/netns/pause_demo CNI_IFNAME=eth10 CNI_PATH=/run/cnilab/lab/cni-bin /run/cnilab/lab/cni-bin/bridge < /run/cnilab/lab/net.d/00-demo.conf | tee /run/cnilab/lab/net.d/result-pause_demo-eth10.json"},
			[]string{"CNI_COMMAND=ADD CNI_CONTAINERID=pause_demo CNI_NETNS=/var/run/netns/t1-pause_demo CNI_IFNAME=eth10 CNI_PATH=/run/cnilab/t1/cni-bin /run/cnilab/t1/cni-bin/bridge < /run/cnilab/t1/net.d/00-demo.conf | tee /run/cnilab/t1/net.d/result-pause_demo-eth10.json"}}},
		{"cni_conf", "cni_conf", &netops.CNIConf{File: "10-my-cni-demo.conf"}, want{
			[]string{"mkdir -p /run/cnilab/lab/net.d", "cat > /run/cnilab/lab/net.d/10-my-cni-demo.conf <<'EOF'\n{\n    \"cniVersion\": \"0.3.1\",\n    \"name\": \"my-cni-demo\",\n    \"type\": \"my-cni-demo\",\n    \"dataDir\": \"/run/cnilab/lab/ipam\",\n    \"podcidr\": \"10.240.0.0/24\"\n}\nEOF"},
			[]string{"mkdir -p /run/cnilab/t1/net.d", "cat > /run/cnilab/t1/net.d/10-my-cni-demo.conf <<'EOF'\n{\n    \"cniVersion\": \"0.3.1\",\n    \"name\": \"my-cni-demo\",\n    \"type\": \"my-cni-demo\",\n    \"dataDir\": \"/run/cnilab/t1/ipam\",\n    \"podcidr\": \"10.240.0.0/24\"\n}\nEOF"}}},
		{"route_del", "route_del", &netops.RouteDel{Netns: "client1", Dst: "default"}, want{
			[]string{"ip netns exec client1 ip route del default"},
			[]string{"ip netns exec t1-client1 ip route del default"}}},
		{"addr_del", "addr_del", &netops.AddrDel{Netns: "client1", Dev: "client1-veth", Addr: "172.30.0.11/24"}, want{
			[]string{"ip netns exec client1 ip addr del 172.30.0.11/24 dev client1-veth"},
			[]string{"ip netns exec t1-client1 ip addr del 172.30.0.11/24 dev client1-veth"}}},
		{"link nomaster", "link", &netops.LinkSet{Name: "server1-veth-br", Nomaster: true}, want{
			[]string{"ip link set server1-veth-br nomaster"},
			[]string{"ip link set server1-veth-br nomaster"}}},
		{"forward_policy in the host", "forward_policy", &netops.ForwardPolicy{Policy: "drop"}, want{
			[]string{"iptables -P FORWARD DROP"},
			[]string{"iptables -P FORWARD DROP"}}},
		{"icmp_drop in the host", "icmp_drop", &netops.ICMPDrop{}, want{
			[]string{"iptables -A OUTPUT -p icmp --icmp-type destination-unreachable -j DROP"},
			[]string{"iptables -A OUTPUT -p icmp --icmp-type destination-unreachable -j DROP"}}},
		{"remove_plugin", "remove_plugin", &netops.RemovePlugin{Name: "bridge"}, want{
			[]string{"rm -f /run/cnilab/lab/cni-bin/bridge"},
			[]string{"rm -f /run/cnilab/t1/cni-bin/bridge"}}},
		{"install_plugin", "install_plugin", &netops.InstallPlugin{Name: "my-cni-demo"}, want{
			[]string{"ln -sf $(command -v lab) /run/cnilab/lab/cni-bin/my-cni-demo"},
			[]string{"ln -sf $(command -v lab) /run/cnilab/t1/cni-bin/my-cni-demo"}}},
	}
	lab, t1 := mustScope(t, netops.DefaultScope), mustScope(t, "t1")
	covered := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mk, ok := opKinds[tc.kind]
			if !ok {
				t.Fatalf("%q is not an operation kind", tc.kind)
			}
			if got, want := reflect.TypeOf(tc.op), reflect.TypeOf(mk()); got != want {
				t.Fatalf("kind %q makes a %v, the case has a %v", tc.kind, want, got)
			}
			if err := tc.op.Validate(); err != nil {
				t.Fatalf("the case's op is invalid: %v", err)
			}
			sameStrings(t, "scope lab", tc.op.Commands(lab), tc.want.lab)
			sameStrings(t, "scope t1", tc.op.Commands(t1), tc.want.t1)
		})
		covered[tc.kind] = true
	}
	// TestClusterCommands: one op, dozens of lines, per node of the vars.
	for _, k := range []string{"cluster", "node_deploy", "node_pods", "node_forward", "node_routes", "node_masquerade", "node_file", "overlay_deploy", "node_vxlan", "node_vxlan_peers", "node_pod_mtu"} {
		covered[k] = true
	}
	var missing []string
	for k := range opKinds {
		if !covered[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no Commands case for operation kinds %q", missing)
	}
}

// resolverFunc is a Resolver that is not a *netops.Scope.
type resolverFunc func(string) string

func (f resolverFunc) Netns(logical string) string { return f(logical) }

// A bare resolver (as scripts and tests may use) still gets the lab's table.
func TestCommandsWithBareResolver(t *testing.T) {
	r := resolverFunc(func(l string) string { return "x-" + l })
	sameStrings(t, "masquerade", netops.Masquerade{Netns: "client", Src: "172.30.0.0/24", Out: "eth0"}.Commands(r), []string{
		"ip netns exec x-client nft add table ip cnilab",
		"ip netns exec x-client " + postroutingChainLine,
		"ip netns exec x-client nft add rule ip cnilab postrouting ip saddr 172.30.0.0/24 oifname eth0 masquerade",
	})
	sameStrings(t, "veth", netops.VethAdd{Name: "a", Netns: "client", Peer: "b", PeerNetns: "server"}.Commands(r), []string{
		"ip link add a netns x-client type veth peer name b netns x-server",
	})
}

// The operations a lesson file declares give the same commands as the
// values built by hand: the loader decodes every field.
func TestCommandsOfParsedOps(t *testing.T) {
	l := mustParse(t, "ops.yaml", `id: ops
title: Every op
namespaces: [client, server]
setup:
  - netns: {name: client}
  - veth: {name: veth-client, netns: client, peer: veth-server, peer_netns: server}
  - bridge: {name: bridge1}
  - link: {netns: client, name: veth-client, mtu: 1400, up: false}
  - move: {name: veth-x, to: server}
  - addr: {netns: client, dev: veth-client, addr: 10.0.0.11/24}
  - route: {netns: client, dst: default, via: 10.0.0.1, dev: veth-client}
  - sysctl: {netns: server, key: net.ipv4.ip_forward, value: "1"}
  - masquerade: {src: 172.30.0.0/24, not_out: bridge1}
  - forward_accept: {cidr: 172.30.0.0/24}
  - netns_del: {name: server}
verify:
  - netns: {name: client}
`)
	var got []string
	t1 := mustScope(t, "t1")
	for _, op := range l.Setup {
		got = append(got, op.Op.Commands(t1)...)
	}
	sameStrings(t, "commands", got, []string{
		"ip netns add t1-client",
		"ip link add veth-client netns t1-client type veth peer name veth-server netns t1-server",
		"ip link add bridge1 type bridge",
		"ip netns exec t1-client ip link set veth-client mtu 1400",
		"ip netns exec t1-client ip link set veth-client down",
		"ip link set veth-x netns t1-server",
		"ip netns exec t1-client ip addr add 10.0.0.11/24 dev veth-client",
		"ip netns exec t1-client ip route add default via 10.0.0.1 dev veth-client",
		"ip netns exec t1-server sysctl -w net.ipv4.ip_forward=1",
		"nft add table ip cnilab", postroutingChainLine,
		"nft add rule ip cnilab postrouting ip saddr 172.30.0.0/24 oifname '!=' bridge1 masquerade",
		"nft add table ip cnilab", forwardChainLine,
		"nft add rule ip cnilab forward ip saddr 172.30.0.0/24 accept",
		"nft add rule ip cnilab forward ip daddr 172.30.0.0/24 accept",
		"ip netns del t1-server",
	})
}

// The cluster operation prints, per scope, the underlay, then each node of
// article 000's vars in file order, with its real name, ending with its
// holder.
func TestClusterCommands(t *testing.T) {
	for _, tc := range []struct{ scope, node, world string }{
		{netops.DefaultScope, "cni-master01", "lab-world"},
		{"t1", "t1-cni-master01", "t1-world"},
	} {
		got := (netops.Cluster{}).Commands(mustScope(t, tc.scope))
		want := []string{
			"ip link add underlay type bridge",
			"ip addr add 192.168.100.1/24 dev underlay",
			"ip link set underlay up",
			"sysctl -w net.ipv4.ip_forward=1",
			"ip netns exec " + tc.world + " ip route add 192.168.100.0/24 via 172.17.0.33",
			"ip netns add " + tc.node,
			"ip netns exec " + tc.node + " ip link set lo up",
			"ip link add ul0 type veth peer name ens32 netns " + tc.node,
			"ip link set ul0 master underlay",
			"ip link set ul0 up",
			"ip netns exec " + tc.node + " ip addr add 192.168.100.100/24 dev ens32",
			"ip netns exec " + tc.node + " ip link set ens32 up",
			"ip netns exec " + tc.node + " ip route add default via 192.168.100.1",
			"ip netns exec " + tc.node + " sysctl -w net.ipv4.ip_forward=1",
			"ip netns exec " + tc.node + " iptables -P FORWARD DROP",
		}
		if len(got) != 5+3*11 {
			t.Fatalf("scope %s: %d lines, want 5 for the underlay and 11 per node:\n%s", tc.scope, len(got), strings.Join(got, "\n"))
		}
		sameStrings(t, "scope "+tc.scope, got[:len(want)], want)
		if !strings.Contains(got[len(want)], "lab node-hold cni-master01") || !strings.Contains(got[len(got)-1], "lab node-hold cni-worker02") {
			t.Errorf("scope %s: the holders' lines: %q, %q", tc.scope, got[len(want)], got[len(got)-1])
		}
	}
}

// The play's tasks print, in scope t1, one block per node of article 000's
// vars, with the scope's names and flags.
func TestNodeStepCommands(t *testing.T) {
	t1 := mustScope(t, "t1")
	for _, tc := range []struct {
		kind  string
		op    netops.Op
		lines int
		first string
	}{
		{"node_deploy", &netops.NodeDeploy{}, 6, "lab shell cni-master01 --scope t1 -- tee /etc/cni/net.d/10-my-cni-demo.conf > /dev/null <<'EOF'\n{\n    \"cniVersion\": \"0.3.1\",\n    \"name\": \"my-cni-demo\",\n    \"type\": \"my-cni-demo\",\n    \"podcidr\": \"10.240.0.0/24\"\n}\nEOF"},
		{"node_pods", &netops.NodePods{PerNode: 2}, 6, "lab pod add cni-master01 cni-master01-pod1 --scope t1"},
		{"node_forward", &netops.NodeForward{}, 6, "ip netns exec t1-cni-master01 iptables -A FORWARD -s 10.240.0.0/16 -j ACCEPT"},
		{"node_routes", &netops.NodeRoutes{}, 6, "ip netns exec t1-cni-master01 ip route add 10.240.1.0/24 via 192.168.100.101 dev ens32"},
		{"node_routes", &netops.NodeRoutes{On: "first"}, 2, "ip netns exec t1-cni-master01 ip route add 10.240.1.0/24 via 192.168.100.101 dev ens32"},
		{"node_masquerade", &netops.NodeMasquerade{}, 9, "ip netns exec t1-cni-master01 nft add table ip cnilab"},
		{"overlay_deploy", &netops.OverlayDeploy{}, 12, "lab shell cni-master01 --scope t1 -- ln -sf $(readlink -f $CNI_PATH/bridge) /opt/cni/bin/bridge"},
		{"node_vxlan", &netops.NodeVXLAN{ID: 42, Port: 4789}, 9, "ip netns exec t1-cni-master01 ip link add vxlan42 type vxlan id 42 dstport 4789 local 192.168.100.100 dev ens32"},
		{"node_vxlan", &netops.NodeVXLAN{ID: 42, Port: 8472, Node: "cni-worker01"}, 3, "ip netns exec t1-cni-worker01 ip link add vxlan42 type vxlan id 42 dstport 8472 local 192.168.100.101 dev ens32"},
		{"node_vxlan_peers", &netops.NodeVXLANPeers{ID: 42}, 6, "ip netns exec t1-cni-master01 bridge fdb append 00:00:00:00:00:00 dev vxlan42 dst 192.168.100.101"},
		{"node_pod_mtu", &netops.NodePodMTU{MTU: 1450}, 3, "ip netns exec t1-cni-master01-pod1 ip link set eth0 mtu 1450"},
		{"node_file", &netops.NodeFile{Node: "cni-worker01", Path: "/etc/cni/net.d/00-old.conf", Content: "{}\n"}, 1, "lab shell cni-worker01 --scope t1 -- tee /etc/cni/net.d/00-old.conf > /dev/null <<'EOF'\n{}\nEOF"},
	} {
		if got, want := reflect.TypeOf(tc.op), reflect.TypeOf(opKinds[tc.kind]()); got != want {
			t.Fatalf("kind %q makes a %v, the case has a %v", tc.kind, want, got)
		}
		got := tc.op.Commands(t1)
		if len(got) != tc.lines || got[0] != tc.first {
			t.Errorf("%s: %d lines, first %q; want %d, first %q", tc.kind, len(got), got[0], tc.lines, tc.first)
		}
	}
}
