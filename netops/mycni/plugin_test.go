package mycni_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cnilab/lab/netops/mycni"
	"github.com/cnilab/lab/netops/ns"
	"github.com/containernetworking/cni/pkg/types"
	"github.com/vishvananda/netlink"
)

// testAdd is one ADD with cniVersion ver in namespaces of its own: the
// result parses as ver, the container has eth0 with the result's address and
// a default route via 10.240.0.1, the bridge has 10.240.0.1/24, and the
// container reaches the gateway.
func testAdd(t *testing.T, ver, tag string) {
	e := newEnv(t, tag)
	c := scratch(t, tag+"-c")
	out, addr := e.add(ver, c, "c-"+tag)
	if addr.String() != "10.240.0.2/24" {
		t.Errorf("first container got %s, want 10.240.0.2/24", addr)
	}
	var raw struct {
		IPs []map[string]any `json:"ips"`
	}
	json.Unmarshal(out, &raw)
	if v, has := raw.IPs[0]["version"]; strings.HasPrefix(ver, "0.") != has || (has && v != "4") {
		t.Errorf("%s result with ips[].version %v (%v): %s", ver, v, has, out)
	}
	if got := addrsOf(t, c, "eth0"); !slices.Equal(got, []string{addr.String()}) {
		t.Errorf("eth0 in the container has %v, want [%s]", got, addr)
	}
	if gw := defaultVia(t, c); gw != "10.240.0.1" {
		t.Errorf("container default route via %q, want 10.240.0.1", gw)
	}
	if got := addrsOf(t, e.host, "cni0"); !slices.Contains(got, "10.240.0.1/24") {
		t.Errorf("cni0 in the host has %v, want 10.240.0.1/24", got)
	}
	hostVeth := mycni.HostVethName("c-"+tag, "eth0")
	hv, err := handle(t, e.host).LinkByName(hostVeth)
	if err != nil {
		t.Fatalf("host veth %s: %v", hostVeth, err)
	}
	br, _ := handle(t, e.host).LinkByName("cni0")
	if hv.Attrs().MasterIndex != br.Attrs().Index || hv.Attrs().Flags&(1<<0) == 0 {
		t.Errorf("host veth %s: master %d (cni0 is %d), flags %v", hostVeth, hv.Attrs().MasterIndex, br.Attrs().Index, hv.Attrs().Flags)
	}
	if lo, err := handle(t, c).LinkByName("lo"); err != nil || lo.Attrs().Flags&(1<<0) == 0 {
		t.Errorf("lo in the container is not up (%v)", err)
	}
	if got := e.reservation(addr.Addr()); got != "c-"+tag+"\neth0" {
		t.Errorf("reservation of %s: %q", addr.Addr(), got)
	}
	ping(t, c, "10.240.0.1")
}

func TestAdd031(t *testing.T) { testAdd(t, "0.3.1", "add031") }
func TestAdd040(t *testing.T) { testAdd(t, "0.4.0", "add040") }
func TestAdd100(t *testing.T) { testAdd(t, "1.0.0", "add100") }
func TestAdd110(t *testing.T) { testAdd(t, "1.1.0", "add110") }

func TestCheck(t *testing.T) {
	for _, ver := range []string{"0.4.0", "1.0.0", "1.1.0"} {
		t.Run(ver, func(t *testing.T) {
			tag := "chk" + strings.ReplaceAll(ver, ".", "")
			e := newEnv(t, tag)
			c := scratch(t, tag+"-c")
			out, addr := e.add(ver, c, "c1")
			var prev map[string]any
			if err := json.Unmarshal(out, &prev); err != nil {
				t.Fatal(err)
			}
			withPrev := e.conf(ver, map[string]any{"prevResult": prev})
			e.mustOK("CHECK", ns.Path(c), "c1", "eth0", withPrev)
			e.mustOK("CHECK", ns.Path(c), "c1", "eth0", e.conf(ver, nil)) // from the IP store

			// Take the address away: CHECK names it.
			h := handle(t, c)
			l, err := h.LinkByName("eth0")
			if err != nil {
				t.Fatal(err)
			}
			if err := h.AddrDel(l, &netlink.Addr{IPNet: mustIPNet(addr)}); err != nil {
				t.Fatal(err)
			}
			for _, conf := range [][]byte{withPrev, e.conf(ver, nil)} {
				o := e.plugin("CHECK", ns.Path(c), "c1", "eth0", conf)
				if o.exit != 1 {
					t.Fatalf("CHECK without the address: exit %d: %s", o.exit, o.stdout)
				}
				te := o.cniError(t)
				if te.Code != mycni.CodeCheckFailed || !strings.Contains(te.Msg, addr.String()) || !strings.Contains(te.Msg, "eth0") {
					t.Errorf("CHECK error %d %q does not name %s on eth0", te.Code, te.Msg, addr)
				}
			}
		})
	}
}

func TestCheckNeeds040(t *testing.T) {
	e := newEnv(t, "chk031")
	c := scratch(t, "chk031-c")
	e.add("0.3.1", c, "c1")
	o := e.plugin("CHECK", ns.Path(c), "c1", "eth0", e.conf("0.3.1", nil))
	if o.exit != 1 || o.cniError(t).Code != types.ErrIncompatibleCNIVersion {
		t.Errorf("CHECK with 0.3.1: exit %d %s", o.exit, o.stdout)
	}
}

func TestDel(t *testing.T) {
	e := newEnv(t, "del")
	c := scratch(t, "del-c")
	_, addr := e.add("1.0.0", c, "c1")
	conf := e.conf("1.0.0", nil)
	e.mustOK("DEL", ns.Path(c), "c1", "eth0", conf)
	if linkExists(t, c, "eth0") {
		t.Error("eth0 still in the container after DEL")
	}
	if linkExists(t, e.host, mycni.HostVethName("c1", "eth0")) {
		t.Error("host veth still there after DEL")
	}
	if e.reservation(addr.Addr()) != "" {
		t.Errorf("%s still reserved after DEL", addr.Addr())
	}
	if !linkExists(t, e.host, "cni0") {
		t.Error("DEL removed the bridge, which other containers use")
	}
	e.mustOK("DEL", ns.Path(c), "c1", "eth0", conf)                    // again
	e.mustOK("DEL", ns.Path("mycnitest-nosuchns"), "c1", "eth0", conf) // a missing netns
	e.mustOK("DEL", "", "c1", "eth0", conf)                            // no netns at all
}

// TestDelAfterNetnsGone is the runtime that deleted the container before
// calling DEL: the reservation is released all the same.
func TestDelAfterNetnsGone(t *testing.T) {
	e := newEnv(t, "delgone")
	c := scratch(t, "delgone-c")
	_, addr := e.add("1.0.0", c, "c1")
	if err := ns.Delete(c); err != nil {
		t.Fatal(err)
	}
	e.mustOK("DEL", ns.Path(c), "c1", "eth0", e.conf("1.0.0", nil))
	if e.reservation(addr.Addr()) != "" {
		t.Errorf("%s still reserved", addr.Addr())
	}
}

func TestTwoContainers(t *testing.T) {
	e := newEnv(t, "two")
	a, b := scratch(t, "two-a"), scratch(t, "two-b")
	_, addrA := e.add("1.0.0", a, "ca")
	_, addrB := e.add("1.0.0", b, "cb")
	if addrA == addrB {
		t.Fatalf("both containers got %s", addrA)
	}
	ping(t, a, addrB.Addr().String()) // through the bridge
	ping(t, b, "10.240.0.1")
}

// TestFullAndReuse fills a /30 (one address for containers), is refused the
// next, and gets the address again after DEL of its holder.
func TestFullAndReuse(t *testing.T) {
	e := newEnv(t, "full")
	e.podcidr = "10.240.0.0/30"
	a, b := scratch(t, "full-a"), scratch(t, "full-b")
	conf := e.conf("1.1.0", nil)
	outA := e.mustOK("ADD", ns.Path(a), "ca", "eth0", conf)
	if !bytes.Contains(outA, []byte("10.240.0.2/30")) {
		t.Fatalf("first ADD: %s", outA)
	}
	if o := e.plugin("STATUS", "", "", "", conf); o.exit != 1 || o.cniError(t).Code != types.ErrPluginNotAvailable {
		t.Errorf("STATUS of a full network: exit %d %s", o.exit, o.stdout)
	}
	o := e.plugin("ADD", ns.Path(b), "cb", "eth0", conf)
	if o.exit != 1 {
		t.Fatalf("ADD into a full podcidr: exit %d %s", o.exit, o.stdout)
	}
	if te := o.cniError(t); te.Code != mycni.CodeNoFreeAddress || te.Msg != "no free addresses in 10.240.0.0/30" {
		t.Errorf("error %d %q", te.Code, te.Msg)
	}
	if linkExists(t, b, "eth0") || linkExists(t, e.host, mycni.HostVethName("cb", "eth0")) {
		t.Error("the failed ADD left a veth behind")
	}
	e.mustOK("DEL", ns.Path(a), "ca", "eth0", conf)
	e.mustOK("STATUS", "", "", "", conf)
	outB := e.mustOK("ADD", ns.Path(b), "cb", "eth0", conf)
	if !bytes.Contains(outB, []byte("10.240.0.2/30")) {
		t.Errorf("released address not given again: %s", outB)
	}
	ping(t, b, "10.240.0.1")
}

// TestAddKeepsReservation: an attachment that already has an address gets it
// again; an ADD that fails because eth0 exists keeps it reserved.
func TestAddKeepsReservation(t *testing.T) {
	e := newEnv(t, "keep")
	c := scratch(t, "keep-c")
	dir := mycni.StoreDir(e.dataDir, "my-cni-demo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "10.240.0.7"), []byte("c1\neth0"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, addr := e.add("1.0.0", c, "c1")
	if addr.String() != "10.240.0.7/24" {
		t.Errorf("got %s, want the reserved 10.240.0.7/24", addr)
	}
	o := e.plugin("ADD", ns.Path(c), "c1", "eth0", e.conf("1.0.0", nil))
	if o.exit != 1 {
		t.Fatalf("second ADD: exit %d %s", o.exit, o.stdout)
	}
	if te := o.cniError(t); te.Code != mycni.CodeExists || !strings.Contains(te.Msg, "eth0") || !strings.Contains(te.Msg, ns.Path(c)) {
		t.Errorf("error %d %q", te.Code, te.Msg)
	}
	if e.reservation(addr.Addr()) != "c1\neth0" {
		t.Error("the failed ADD released the attachment's address")
	}
	if got := addrsOf(t, c, "eth0"); !slices.Equal(got, []string{"10.240.0.7/24"}) {
		t.Errorf("eth0 has %v after the failed ADD", got)
	}
}

func TestConcurrentAdds(t *testing.T) {
	e := newEnv(t, "conc")
	const n = 6
	addrs := make([]netip.Prefix, n)
	conts := make([]string, n)
	for i := range n {
		conts[i] = scratch(t, fmt.Sprint("conc-", i))
	}
	var wg sync.WaitGroup
	outs := make([]outcome, n)
	for i := range n {
		wg.Go(func() { outs[i] = e.plugin("ADD", ns.Path(conts[i]), fmt.Sprint("c", i), "eth0", e.conf("1.0.0", nil)) })
	}
	wg.Wait()
	seen := map[netip.Prefix]int{}
	for i, o := range outs {
		if o.exit != 0 {
			t.Fatalf("ADD c%d: exit %d %s %s", i, o.exit, o.stdout, o.stderr)
		}
		addrs[i] = resultAddr(t, "1.0.0", o.stdout)
		if j, dup := seen[addrs[i]]; dup {
			t.Errorf("c%d and c%d both got %s", i, j, addrs[i])
		}
		seen[addrs[i]] = i
	}
}

// TestRefusesOwnNetns: CNI_NETNS naming the plugin's own namespace is an
// error, for ADD and for DEL, which would otherwise delete the node's eth0.
func TestRefusesOwnNetns(t *testing.T) {
	e := newEnv(t, "own")
	h := handle(t, e.host)
	la := netlink.NewLinkAttrs()
	la.Name = "eth0"
	if err := h.LinkAdd(&netlink.Veth{LinkAttrs: la, PeerName: "eth0peer", PeerTxQLen: -1}); err != nil {
		t.Fatal(err)
	}
	conf := e.conf("1.0.0", nil)
	for _, cmd := range []string{"ADD", "DEL"} {
		o := e.plugin(cmd, ns.Path(e.host), "c1", "eth0", conf)
		if o.exit != 1 {
			t.Fatalf("%s in the plugin's own netns: exit %d %s", cmd, o.exit, o.stdout)
		}
		if te := o.cniError(t); te.Code != types.ErrInvalidEnvironmentVariables || !strings.Contains(te.Msg, "CNI_NETNS") {
			t.Errorf("%s: error %d %q", cmd, te.Code, te.Msg)
		}
	}
	if !linkExists(t, e.host, "eth0") {
		t.Error("the node's eth0 was deleted")
	}
	if linkExists(t, e.host, "cni0") {
		t.Error("a refused ADD made the bridge")
	}
}

// TestGC releases the reservations of attachments not listed as valid.
func TestGC(t *testing.T) {
	e := newEnv(t, "gc")
	a, b := scratch(t, "gc-a"), scratch(t, "gc-b")
	_, addrA := e.add("1.1.0", a, "ca")
	_, addrB := e.add("1.1.0", b, "cb")
	conf := e.conf("1.1.0", map[string]any{"cni.dev/valid-attachments": []map[string]string{{"containerID": "ca", "ifname": "eth0"}}})
	e.mustOK("GC", "", "", "", conf)
	if e.reservation(addrA.Addr()) == "" {
		t.Error("GC released a valid attachment")
	}
	if e.reservation(addrB.Addr()) != "" {
		t.Error("GC kept a stale reservation")
	}
	if linkExists(t, e.host, mycni.HostVethName("cb", "eth0")) {
		t.Error("GC kept the stale attachment's host veth")
	}
}

// TestErrors: malformed input is a CNI error on stdout and exit status 1,
// never a Go stack trace.
func TestErrors(t *testing.T) {
	e := newEnv(t, "err")
	c := scratch(t, "err-c")
	good := e.conf("1.0.0", nil)
	for _, tc := range []struct {
		name, netns string
		conf        []byte
		code        uint
		msg         string
	}{
		{"malformed", ns.Path(c), []byte(`{"cniVersion":"1.0.0","name":`), types.ErrDecodingFailure, ""},
		{"bad podcidr", ns.Path(c), e.confWith("podcidr", "10.240.0.0/33"), types.ErrInvalidNetworkConfig, "podcidr"},
		{"no podcidr", ns.Path(c), e.confWith("podcidr", ""), types.ErrInvalidNetworkConfig, "podcidr"},
		{"old version", ns.Path(c), e.confWith("cniVersion", "0.2.0"), types.ErrIncompatibleCNIVersion, ""},
		{"no netns", "", good, types.ErrInvalidEnvironmentVariables, "CNI_NETNS"},
		{"missing netns", ns.Path("mycnitest-nosuchns"), good, types.ErrInvalidEnvironmentVariables, "CNI_NETNS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := e.plugin("ADD", tc.netns, "c1", "eth0", tc.conf)
			if o.exit != 1 {
				t.Fatalf("exit %d, want 1: %s %s", o.exit, o.stdout, o.stderr)
			}
			te := o.cniError(t)
			if te.Code != tc.code || te.Msg == "" || !strings.Contains(te.Msg, tc.msg) {
				t.Errorf("error %d %q, want code %d naming %q", te.Code, te.Msg, tc.code, tc.msg)
			}
			var raw map[string]any
			json.Unmarshal(o.stdout, &raw)
			if _, ok := raw["code"]; !ok {
				t.Errorf("no code key: %s", o.stdout)
			}
			if _, ok := raw["msg"]; !ok {
				t.Errorf("no msg key: %s", o.stdout)
			}
		})
	}
	if linkExists(t, e.host, "cni0") || linkExists(t, c, "eth0") {
		t.Error("a refused ADD changed something")
	}

	// VERSION, and the about string without CNI_COMMAND.
	out := e.mustOK("VERSION", "", "", "", []byte(`{"cniVersion":"1.1.0"}`))
	var v struct {
		Supported []string `json:"supportedVersions"`
	}
	if json.Unmarshal(out, &v); !slices.Equal(v.Supported, mycni.SupportedVersions) {
		t.Errorf("VERSION: %s", out)
	}
	cmd := exec.Command(filepath.Join(e.pluginDir, mycni.Name))
	cmd.Env = []string{}
	if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "my-cni-demo") {
		t.Errorf("about: %v %s", err, b)
	}
}

func (e *env) confWith(key, val string) []byte {
	var m map[string]any
	json.Unmarshal(e.conf("1.0.0", nil), &m)
	if val == "" {
		delete(m, key)
	} else {
		m[key] = val
	}
	b, _ := json.Marshal(m)
	return b
}

func mustIPNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), 32)}
}

// cnitool finds bin/cnitool of the repo (make build), or builds it.
func cnitool(t *testing.T) string {
	t.Helper()
	if p, err := filepath.Abs(filepath.Join("..", "..", "bin", "cnitool")); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no bin/cnitool and no go to build it (make build)")
	}
	p := filepath.Join(t.TempDir(), "cnitool")
	b := exec.Command("go", "build", "-o", p, "github.com/containernetworking/cni/cnitool")
	b.Dir = filepath.Join("..", "..")
	if out, err := b.CombinedOutput(); err != nil {
		t.Skipf("build cnitool: %v\n%s", err, out)
	}
	return p
}

// TestCnitool drives the plugin the way article 000's readers do, through
// cnitool: add, check, del, del. cnitool keeps its result cache in
// /var/lib/cni/results and has no setting to move it (it calls
// libcni.NewCNIConfig, whose cache dir is libcni.CacheDir, /var/lib/cni), so
// each cnitool runs in a private mount namespace of its own (unshare -m)
// where a temporary directory is bind-mounted over /var/lib: the cache lands
// there and the machine's /var/lib is never written.
func TestCnitool(t *testing.T) {
	needRoot(t)
	for _, tool := range []string{"unshare", "mount", "sh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s to keep cnitool's cache out of /var/lib/cni", tool)
		}
	}
	tool := cnitool(t)
	e := newEnv(t, "tool")
	c := scratch(t, "tool-c")
	netconf := t.TempDir()
	conf := fmt.Sprintf(`{"cniVersion":"1.0.0","name":"my-cni-demo","type":"my-cni-demo","podcidr":"10.240.0.0/24","dataDir":%q}`, e.dataDir)
	if err := os.WriteFile(filepath.Join(netconf, "10-my-cni-demo.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	varlib := t.TempDir()
	_, statErr := os.Stat("/var/lib/cni")
	hadVarLibCNI := statErr == nil

	run := func(args ...string) string {
		t.Helper()
		script := `mount --bind "$VARLIB" /var/lib && exec ip netns exec "$HOST" "$CNITOOL" "$@"`
		cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh")
		cmd.Args = append(cmd.Args, args...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "CNI_PATH=" + e.pluginDir, "NETCONFPATH=" + netconf,
			"VARLIB=" + varlib, "HOST=" + e.host, "CNITOOL=" + tool}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("cnitool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	out := run("add", "my-cni-demo", ns.Path(c))
	addr := resultAddr(t, "1.0.0", []byte(out))
	if got := addrsOf(t, c, "eth0"); !slices.Equal(got, []string{addr.String()}) {
		t.Errorf("eth0 has %v, cnitool printed %s", got, addr)
	}
	cached, _ := filepath.Glob(filepath.Join(varlib, "cni", "results", "my-cni-demo-cnitool-*-eth0"))
	if len(cached) != 1 {
		t.Errorf("cnitool's cached result not in the bind-mounted dir: %v", cached)
	}
	ping(t, c, "10.240.0.1")
	run("check", "my-cni-demo", ns.Path(c))
	run("del", "my-cni-demo", ns.Path(c))
	if linkExists(t, c, "eth0") || e.reservation(addr.Addr()) != "" {
		t.Error("cnitool del left eth0 or the reservation")
	}
	run("del", "my-cni-demo", ns.Path(c))
	if _, err := os.Stat("/var/lib/cni"); (err == nil) != hadVarLibCNI {
		t.Errorf("/var/lib/cni existed %v before, stat now: %v", hadVarLibCNI, err)
	}
}

// TestAddOptions: bridge, mtu, and a prevResult passed on with the plugin's
// work appended.
func TestAddOptions(t *testing.T) {
	e := newEnv(t, "opt")
	c := scratch(t, "opt-c")
	prev := map[string]any{"cniVersion": "1.0.0",
		"interfaces": []map[string]any{{"name": "other0"}},
		"ips":        []map[string]any{{"address": "192.168.9.2/24", "interface": 0}}}
	out := e.mustOK("ADD", ns.Path(c), "c1", "eth0", e.conf("1.0.0", map[string]any{"bridge": "labbr0", "mtu": 1400, "prevResult": prev}))
	var r struct {
		Interfaces []struct{ Name, Sandbox string }
		IPs        []struct {
			Address   string
			Interface int
		}
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Interfaces) != 3 || r.Interfaces[0].Name != "other0" || r.Interfaces[2].Name != "eth0" ||
		len(r.IPs) != 2 || r.IPs[0].Address != "192.168.9.2/24" || r.IPs[1].Interface != 2 {
		t.Errorf("prevResult not passed on: %s", out)
	}
	for _, l := range []struct{ netns, name string }{{e.host, "labbr0"}, {e.host, mycni.HostVethName("c1", "eth0")}, {c, "eth0"}} {
		link, err := handle(t, l.netns).LinkByName(l.name)
		if err != nil {
			t.Fatalf("%s: %v", l.name, err)
		}
		if link.Attrs().MTU != 1400 {
			t.Errorf("%s has mtu %d, want 1400", l.name, link.Attrs().MTU)
		}
	}
	if linkExists(t, e.host, "cni0") {
		t.Error("cni0 made although the bridge is labbr0")
	}
	ping(t, c, "10.240.0.1")
}

// TestBridgeNameTaken: a link named cni0 that is not a bridge stops ADD,
// which leaves no veth and no reservation behind.
func TestBridgeNameTaken(t *testing.T) {
	e := newEnv(t, "taken")
	c := scratch(t, "taken-c")
	la := netlink.NewLinkAttrs()
	la.Name = "cni0"
	if err := handle(t, e.host).LinkAdd(&netlink.Veth{LinkAttrs: la, PeerName: "cni0peer", PeerTxQLen: -1}); err != nil {
		t.Fatal(err)
	}
	o := e.plugin("ADD", ns.Path(c), "c1", "eth0", e.conf("1.0.0", nil))
	if o.exit != 1 {
		t.Fatalf("ADD: exit %d %s", o.exit, o.stdout)
	}
	if te := o.cniError(t); te.Code != mycni.CodeKernel || te.Msg != "cni0 in the host netns is a veth link, not a bridge" {
		t.Errorf("error %d %q", te.Code, te.Msg)
	}
	if e.reservation(netip.MustParseAddr("10.240.0.2")) != "" || linkExists(t, c, "eth0") {
		t.Error("the failed ADD left its reservation or eth0 behind")
	}
}
