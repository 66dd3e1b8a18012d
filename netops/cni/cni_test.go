package cni

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/cnilab/lab/internal/nettest"
	"github.com/cnilab/lab/netops/ns"
)

// demoConf is article 001's /tmp/00-demo.conf verbatim, cniVersion "0.2.0".
const demoConf = `{
    "cniVersion": "0.2.0",
    "name": "demo_br",
    "type": "bridge",
    "bridge": "cni_net0",
    "isGateway": true,
    "ipMasq": true,
    "ipam": {
        "type": "host-local",
        "subnet": "10.0.10.0/24",
        "routes": [
            { "dst": "0.0.0.0/0" },
            { "dst": "1.1.1.1/32", "gw":"10.0.10.1"}
        ]
    }
}
`

func withVersion(conf, v string) []byte {
	return []byte(strings.Replace(conf, `"cniVersion": "0.2.0"`, `"cniVersion": "`+v+`"`, 1))
}

func TestHandCommandUnit(t *testing.T) {
	c := Call{Command: "ADD", ContainerID: "pause_demo", Netns: "/var/run/netns/pause_demo", IfName: "eth10",
		Config: []byte(demoConf), ConfigFile: "/tmp/00-demo.conf"}
	got := HandCommand(c, "/work/main/bin/cni")
	want := "CNI_COMMAND=ADD CNI_CONTAINERID=pause_demo CNI_NETNS=/var/run/netns/pause_demo CNI_IFNAME=eth10 CNI_PATH=/work/main/bin/cni /work/main/bin/cni/bridge < /tmp/00-demo.conf"
	if got != want {
		t.Errorf("HandCommand:\n got %s\nwant %s", got, want)
	}
	c.Command = "VERSION"
	if got, want := HandCommand(c, "/b/cni"), "CNI_COMMAND=VERSION /b/cni/bridge < /tmp/00-demo.conf"; got != want {
		t.Errorf("HandCommand VERSION:\n got %s\nwant %s", got, want)
	}
	c.Command, c.Config, c.ConfigFile = "DEL", []byte(chainConf), "/tmp/net.d/10-chain.conflist"
	if got, want := HandCommand(c, "/b/cni"), "CNI_PATH=/b/cni NETCONFPATH=/tmp/net.d CNI_IFNAME=eth10 /b/cnitool del demo_chain /var/run/netns/pause_demo"; got != want {
		t.Errorf("HandCommand conflist:\n got %s\nwant %s", got, want)
	}
}

// TestArticle001 runs article 001 step 4 with each cniVersion: ADD into a
// container netns from a scratch host, CHECK, DEL, DEL again.
func TestArticle001(t *testing.T) {
	needKernel(t)
	for _, v := range []string{"0.2.0", "0.3.1", "1.0.0"} {
		t.Run(v, func(t *testing.T) { article001(t, v) })
	}
}

func article001(t *testing.T, v string) {
	host := scratch(t, "host")
	ctr := scratch(t, "ctr")
	r := runtimeIn(t, host)
	own := ownBridge(t)
	call := Call{ContainerID: "pause_demo", Netns: "/var/run/netns/" + ctr, IfName: "eth10",
		Config: withVersion(demoConf, v), ConfigFile: "/tmp/00-demo.conf"}

	// ADD
	out := run(t, r, call, "ADD")
	if out.Err != nil {
		t.Fatalf("ADD failed: %v\nstderr: %s", out.Err, out.Stderr)
	}
	if !slices.Equal(out.ParsedIPs, []string{"10.0.10.2/24"}) {
		t.Errorf("ParsedIPs = %q, want [10.0.10.2/24]\nresult: %s", out.ParsedIPs, out.Result)
	}
	wantEnv := []string{"CNI_COMMAND=ADD", "CNI_CONTAINERID=pause_demo", "CNI_NETNS=/var/run/netns/" + ctr,
		"CNI_IFNAME=eth10", "CNI_PATH=" + pluginDir}
	if !slices.Equal(out.Env, wantEnv) {
		t.Errorf("Env = %q, want %q", out.Env, wantEnv)
	}
	if !strings.Contains(out.Stdin, `"dataDir": "`+r.DataDir+`"`) || !strings.Contains(out.Stdin, `"cni_net0"`) {
		t.Errorf("Stdin lacks the injected dataDir or the learner's config:\n%s", out.Stdin)
	}
	if !strings.Contains(out.Result, `"cniVersion": "`+v+`"`) || !strings.Contains(out.Result, "10.0.10.2/24") {
		t.Errorf("Result is not the plugin's %s result:\n%s", v, out.Result)
	}
	if len(out.Plugins) != 1 || out.Plugins[0].Plugin != "bridge" {
		t.Errorf("Plugins = %+v, want one bridge run", out.Plugins)
	}

	// The container: eth10 with 10.0.10.2/24, default and 1.1.1.1 via 10.0.10.1.
	ch := nettest.Handle(t, ctr)
	eth10, err := ch.LinkByName("eth10")
	if err != nil {
		t.Fatalf("eth10 in the container: %v", err)
	}
	if !hasAddr(t, ch, eth10, "10.0.10.2/24") {
		t.Error("eth10 lacks 10.0.10.2/24")
	}
	routes, err := ch.RouteList(eth10, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	for _, dst := range []string{"0.0.0.0/0", "1.1.1.1/32"} {
		if !hasRoute(routes, dst, "10.0.10.1") {
			t.Errorf("no route %s via 10.0.10.1 in the container: %v", dst, routes)
		}
	}

	// The scratch host: cni_net0 with 10.0.10.1/24, forwarding on; the
	// machine's own namespace has no such bridge.
	hh := nettest.Handle(t, host)
	br, err := hh.LinkByName("cni_net0")
	if err != nil {
		t.Fatalf("cni_net0 in the scratch host: %v", err)
	}
	if !hasAddr(t, hh, br, "10.0.10.1/24") {
		t.Error("cni_net0 lacks 10.0.10.1/24")
	}
	var fwd []byte
	if err := ns.Do(host, func() (err error) {
		fwd, err = os.ReadFile("/proc/sys/net/ipv4/ip_forward")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(fwd)) != "1" {
		t.Errorf("ip_forward in the scratch host = %q, want 1 (isGateway)", fwd)
	}
	if _, err := own.LinkByName("cni_net0"); err == nil {
		t.Error("cni_net0 appeared in the machine's own namespace: the plugin did not run in the scratch host")
	}

	// host-local's files, in the lab's dataDir.
	ipFile := "10.0.10.2 = pause_demo\neth10"
	if !slices.Contains(out.IPAMFiles, ipFile) || !slices.Contains(out.IPAMFiles, "last_reserved_ip.0 = 10.0.10.2") {
		t.Errorf("IPAMFiles = %q, want the lease and last_reserved_ip.0", out.IPAMFiles)
	}
	if _, err := os.Stat(filepath.Join(r.DataDir, "demo_br", "10.0.10.2")); err != nil {
		t.Errorf("lease not in the lab's dataDir: %v", err)
	}

	// CHECK: from 0.4.0 on the plugin compares; before, libcni refuses.
	out = run(t, r, call, "CHECK")
	if v == "1.0.0" {
		if out.Err != nil {
			t.Errorf("CHECK failed: %v\nstderr: %s", out.Err, out.Stderr)
		}
		if out.Result != "" {
			t.Errorf("CHECK Result = %q, want none", out.Result)
		}
	} else {
		want := `configuration version "` + v + `" does not support the CHECK command`
		if out.Err == nil || out.Err.Msg != want || out.Err.Code != 0 {
			t.Errorf("CHECK on %s: Err = %v, want libcni's %q", v, out.Err, want)
		}
		if len(out.Plugins) != 0 {
			t.Errorf("CHECK on %s ran a plugin: %+v", v, out.Plugins)
		}
	}

	// DEL removes eth10 and the lease; a second DEL succeeds.
	out = run(t, r, call, "DEL")
	if out.Err != nil {
		t.Fatalf("DEL failed: %v\nstderr: %s", out.Err, out.Stderr)
	}
	if out.Result != "" {
		t.Errorf("DEL Result = %q, want none", out.Result)
	}
	if _, err := ch.LinkByName("eth10"); err == nil {
		t.Error("eth10 still in the container after DEL")
	}
	if slices.Contains(out.IPAMFiles, ipFile) {
		t.Errorf("lease still there after DEL: %q", out.IPAMFiles)
	}
	if out = run(t, r, call, "DEL"); out.Err != nil {
		t.Errorf("second DEL failed: %v", out.Err)
	}
}

// TestBrokenConfig: a subnet that is not one gives the plugin's CNI error.
func TestBrokenConfig(t *testing.T) {
	needKernel(t)
	host := scratch(t, "bad-host")
	ctr := scratch(t, "bad-ctr")
	r := runtimeIn(t, host)
	conf := strings.Replace(string(withVersion(demoConf, "1.0.0")), "10.0.10.0/24", "10.0.10.0/33", 1)
	out := run(t, r, Call{ContainerID: "pause_demo", Netns: "/var/run/netns/" + ctr, IfName: "eth10", Config: []byte(conf)}, "ADD")
	if out.Err == nil {
		t.Fatalf("ADD with subnet 10.0.10.0/33 succeeded: %s", out.Result)
	}
	t.Logf("plugin error: %v", out.Err)
	// host-local's config error, passed on by bridge: code 999 (a plugin's
	// own error), its msg naming the subnet.
	if out.Err.Code != 999 || out.Err.Msg != "invalid CIDR address: 10.0.10.0/33" {
		t.Errorf("Err = %+v, want code 999, msg \"invalid CIDR address: 10.0.10.0/33\"", out.Err)
	}
	if out.Result != "" || out.ParsedIPs != nil {
		t.Errorf("a failed ADD has a result: %q %q", out.Result, out.ParsedIPs)
	}

	// Not JSON at all: libcni's parse error, no plugin run.
	out = run(t, r, Call{ContainerID: "pause_demo", Netns: "/var/run/netns/" + ctr, IfName: "eth10", Config: []byte("{")}, "ADD")
	if out.Err == nil || out.Err.Code != 0 || len(out.Plugins) != 0 {
		t.Errorf("a config that is not JSON: Err = %v, plugins %d", out.Err, len(out.Plugins))
	}
}

// TestLabSideErrors: no sandbox host is the lab's failure, named fully.
func TestLabSideErrors(t *testing.T) {
	if os.Geteuid() != 0 || testing.Short() {
		t.Skip("needs root")
	}
	r := &Runtime{HostNetns: "cnitest-missing-host", PluginDir: pluginDir, CacheDir: t.TempDir(), DataDir: t.TempDir()}
	_, err := r.Run(Call{Command: "ADD", ContainerID: "pause_demo", Netns: "/var/run/netns/pause_demo", IfName: "eth10", Config: []byte(demoConf)})
	if err == nil {
		t.Fatal("Run without a sandbox host succeeded")
	}
	for _, s := range []string{`"demo_br"`, `"pause_demo"`, "/var/run/netns/pause_demo", "cnitest-missing-host"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %s", err, s)
		}
	}
	r.HostNetns = "lab-host"
	if _, err := r.Run(Call{Command: "FROB", Config: []byte(demoConf)}); err == nil {
		t.Error("Run with command FROB succeeded")
	}
}

// chainConf is a .conflist: bridge, then portmap with no mappings.
const chainConf = `{
  "cniVersion": "1.0.0",
  "name": "demo_chain",
  "plugins": [
    {"type": "bridge", "bridge": "cni_chain0", "isGateway": true,
     "ipam": {"type": "host-local", "subnet": "10.0.30.0/24"}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}`

func TestConfList(t *testing.T) {
	needKernel(t)
	host := scratch(t, "chain-host")
	ctr := scratch(t, "chain-ctr")
	r := runtimeIn(t, host)
	call := Call{ContainerID: "pause_demo", Netns: "/var/run/netns/" + ctr, IfName: "eth0", Config: []byte(chainConf)}
	out := run(t, r, call, "ADD")
	if out.Err != nil {
		t.Fatalf("ADD chain: %v\nstderr: %s", out.Err, out.Stderr)
	}
	if !slices.Equal(out.ParsedIPs, []string{"10.0.30.2/24"}) {
		t.Errorf("ParsedIPs = %q", out.ParsedIPs)
	}
	if len(out.Plugins) != 2 || out.Plugins[0].Plugin != "bridge" || out.Plugins[1].Plugin != "portmap" {
		t.Errorf("plugins run: %+v", out.Plugins)
	}
	if !strings.Contains(string(out.Plugins[1].Stdin), "prevResult") {
		t.Errorf("portmap got no prevResult: %s", out.Plugins[1].Stdin)
	}
	if !slices.Contains(out.IPAMFiles, "10.0.30.2 = pause_demo\neth0") {
		t.Errorf("IPAMFiles = %q", out.IPAMFiles)
	}
	if out = run(t, r, call, "CHECK"); out.Err != nil {
		t.Errorf("CHECK chain: %v", out.Err)
	}
	if out = run(t, r, call, "DEL"); out.Err != nil {
		t.Errorf("DEL chain: %v", out.Err)
	}
	if len(out.Plugins) != 2 || out.Plugins[0].Plugin != "portmap" {
		t.Errorf("DEL runs the chain in reverse: %+v", out.Plugins)
	}
}

// TestVersion: VERSION through Run and through Plugins, for lab doctor.
func TestVersion(t *testing.T) {
	needKernel(t)
	host := scratch(t, "ver-host")
	r := runtimeIn(t, host)
	out := run(t, r, Call{Config: []byte(demoConf)}, "VERSION")
	if out.Err != nil || !strings.Contains(out.Result, `"supportedVersions"`) || !strings.Contains(out.Result, `"0.2.0"`) {
		t.Errorf("VERSION: err %v, result %s", out.Err, out.Result)
	}
	if len(out.Env) == 0 || out.Env[0] != "CNI_COMMAND=VERSION" {
		t.Errorf("VERSION Env = %q", out.Env)
	}

	infos := r.Plugins()
	got := map[string]PluginInfo{}
	for _, p := range infos {
		got[p.Name] = p
	}
	for _, name := range ReferencePlugins {
		p, ok := got[name]
		if !ok {
			t.Errorf("%s not listed", name)
			continue
		}
		if !p.Present || !p.Executable || p.Err != "" || p.Path != filepath.Join(pluginDir, name) {
			t.Errorf("%s: %+v", name, p)
		}
		for _, v := range []string{"0.2.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"} {
			if !slices.Contains(p.Versions, v) {
				t.Errorf("%s does not list version %s: %q", name, v, p.Versions)
			}
		}
		t.Logf("%s: %s", name, strings.Join(p.Versions, " "))
	}

	// A missing folder: every reference plugin absent, no panic.
	r.PluginDir = filepath.Join(t.TempDir(), "none")
	for _, p := range r.Plugins() {
		if p.Present || p.Err == "" {
			t.Errorf("%s in a missing folder: %+v", p.Name, p)
		}
	}
}

func run(t *testing.T, r *Runtime, c Call, cmd string) Outcome {
	t.Helper()
	c.Command = cmd
	out, err := r.Run(c)
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	return out
}

// ownBridge is a netlink handle on the machine's own namespace (the
// process's, not this thread's), checked to have no cni_net0 yet.
func ownBridge(t *testing.T) *netlink.Handle {
	t.Helper()
	fd, err := netns.GetFromPath("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	h, err := netlink.NewHandleAt(fd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	var nf netlink.LinkNotFoundError
	if _, err := h.LinkByName("cni_net0"); !errors.As(err, &nf) {
		t.Skipf("the machine's own namespace already has cni_net0 (or cannot tell: %v)", err)
	}
	return h
}

func hasAddr(t *testing.T, h *netlink.Handle, l netlink.Link, cidr string) bool {
	t.Helper()
	addrs, err := h.AddrList(l, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if a.IPNet.String() == cidr {
			return true
		}
	}
	return false
}

func hasRoute(routes []netlink.Route, dst, gw string) bool {
	for _, r := range routes {
		d := "0.0.0.0/0"
		if r.Dst != nil {
			d = r.Dst.String()
		}
		if d == dst && r.Gw.Equal(net.ParseIP(gw)) {
			return true
		}
	}
	return false
}
