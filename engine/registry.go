package engine

import "github.com/cnilab/lab/netops"

// opKinds maps the YAML key of an operation to a constructor of its value.
var opKinds = map[string]func() netops.Op{
	"netns":            func() netops.Op { return &netops.NetnsAdd{} },
	"netns_del":        func() netops.Op { return &netops.NetnsDel{} },
	"veth":             func() netops.Op { return &netops.VethAdd{} },
	"bridge":           func() netops.Op { return &netops.BridgeAdd{} },
	"link":             func() netops.Op { return &netops.LinkSet{} },
	"move":             func() netops.Op { return &netops.LinkMove{} },
	"addr":             func() netops.Op { return &netops.AddrAdd{} },
	"route":            func() netops.Op { return &netops.RouteAdd{} },
	"sysctl":           func() netops.Op { return &netops.Sysctl{} },
	"masquerade":       func() netops.Op { return &netops.Masquerade{} },
	"forward_accept":   func() netops.Op { return &netops.ForwardAccept{} },
	"dnat":             func() netops.Op { return &netops.DNAT{} },
	"process":          func() netops.Op { return &netops.Process{} },
	"netns_mount":      func() netops.Op { return &netops.NetnsMount{} },
	"cni_conf":         func() netops.Op { return &netops.CNIConf{} },
	"cni":              func() netops.Op { return &netops.CNI{} },
	"install_plugin":   func() netops.Op { return &netops.InstallPlugin{} },
	"route_del":        func() netops.Op { return &netops.RouteDel{} },
	"addr_del":         func() netops.Op { return &netops.AddrDel{} },
	"forward_policy":   func() netops.Op { return &netops.ForwardPolicy{} },
	"remove_plugin":    func() netops.Op { return &netops.RemovePlugin{} },
	"icmp_drop":        func() netops.Op { return &netops.ICMPDrop{} },
	"cluster":          func() netops.Op { return &netops.Cluster{} },
	"containerd":       func() netops.Op { return &netops.Containerd{} },
	"node_deploy":      func() netops.Op { return &netops.NodeDeploy{} },
	"node_pods":        func() netops.Op { return &netops.NodePods{} },
	"node_forward":     func() netops.Op { return &netops.NodeForward{} },
	"node_routes":      func() netops.Op { return &netops.NodeRoutes{} },
	"node_masquerade":  func() netops.Op { return &netops.NodeMasquerade{} },
	"node_file":        func() netops.Op { return &netops.NodeFile{} },
	"overlay_deploy":   func() netops.Op { return &netops.OverlayDeploy{} },
	"node_vxlan":       func() netops.Op { return &netops.NodeVXLAN{} },
	"node_vxlan_peers": func() netops.Op { return &netops.NodeVXLANPeers{} },
	"node_pod_mtu":     func() netops.Op { return &netops.NodePodMTU{} },
}

// checkKinds maps the YAML key of a check to a constructor of its value.
var checkKinds = map[string]func() Check{
	"ping":            func() Check { return &ReachCheck{proto: "icmp"} },
	"netns":           func() Check { return &NetnsCheck{} },
	"link":            func() Check { return &LinkCheck{} },
	"addr":            func() Check { return &AddrCheck{} },
	"route":           func() Check { return &RouteCheck{} },
	"sysctl":          func() Check { return &SysctlCheck{} },
	"http":            func() Check { return &HTTPCheck{} },
	"tcp":             func() Check { return &ReachCheck{proto: "tcp"} },
	"capture":         func() Check { return &CaptureCheck{} },
	"ipam":            func() Check { return &IPAMCheck{} },
	"same_netns":      func() Check { return &SameNetnsCheck{} },
	"cni_conformance": func() Check { return &ConformanceCheck{} },
	"cluster":         func() Check { return &ClusterCheck{} },
}
