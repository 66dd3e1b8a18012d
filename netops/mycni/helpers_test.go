package mycni_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cnilab/lab/internal/nettest"
	"github.com/cnilab/lab/netops/mycni"
	"github.com/cnilab/lab/netops/ns"
	"github.com/containernetworking/cni/pkg/types"
	types100 "github.com/containernetworking/cni/pkg/types/100"
	"github.com/containernetworking/cni/pkg/version"
	"github.com/vishvananda/netlink"
)

// The kernel tests never run the plugin in the machine's own namespace: its
// "host" is a scratch netns too, and the plugin is this test binary under the
// name my-cni-demo, run there with `ip netns exec HOST my-cni-demo`.

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 || testing.Short() {
		t.Skip("needs root: network namespaces and links")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs ip (iproute2)")
	}
}

// scratch creates the network namespace mycnitest-TAG-PID, deleted (by that
// exact name) when the test ends.
func scratch(t *testing.T, tag string) string {
	t.Helper()
	name := fmt.Sprintf("mycnitest-%s-%d", tag, os.Getpid())
	ns.Delete(name) // a leftover of an interrupted run of this process id
	if err := ns.Create(name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ns.Delete(name); err != nil {
			t.Errorf("delete scratch netns: %v", err)
		}
	})
	return name
}

// env is a scratch "node": a host netns where the plugin runs, the plugin
// binary, and a dataDir of its own.
type env struct {
	t         *testing.T
	host      string // netns name
	pluginDir string // CNI_PATH: holds my-cni-demo
	dataDir   string
	podcidr   string
}

func newEnv(t *testing.T, tag string) *env {
	t.Helper()
	needRoot(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(exe, filepath.Join(dir, mycni.Name)); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, host: scratch(t, tag+"-h"), pluginDir: dir, dataDir: filepath.Join(t.TempDir(), "state"), podcidr: "10.240.0.0/24"}
}

// conf is the article's configuration with the given version and the test's
// dataDir, plus extra keys.
func (e *env) conf(ver string, extra map[string]any) []byte {
	m := map[string]any{"cniVersion": ver, "name": "my-cni-demo", "type": "my-cni-demo", "podcidr": e.podcidr, "dataDir": e.dataDir}
	for k, v := range extra {
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// outcome is what one plugin run printed and its exit status.
type outcome struct {
	stdout, stderr []byte
	exit           int
}

// cniError decodes stdout as a CNI error.
func (o outcome) cniError(t *testing.T) *types.Error {
	t.Helper()
	var te types.Error
	if err := json.Unmarshal(o.stdout, &te); err != nil || te.Code == 0 {
		t.Fatalf("stdout is not a CNI error (%v): %s", err, o.stdout)
	}
	return &te
}

// plugin runs my-cni-demo in the host netns.
func (e *env) plugin(cmd, netnsPath, containerID, ifname string, conf []byte) outcome {
	e.t.Helper()
	c := exec.Command("ip", "netns", "exec", e.host, filepath.Join(e.pluginDir, mycni.Name))
	c.Env = []string{"PATH=" + os.Getenv("PATH"), "CNI_COMMAND=" + cmd, "CNI_CONTAINERID=" + containerID,
		"CNI_NETNS=" + netnsPath, "CNI_IFNAME=" + ifname, "CNI_PATH=" + e.pluginDir}
	c.Stdin = bytes.NewReader(conf)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	o := outcome{stdout: out.Bytes(), stderr: errb.Bytes()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		o.exit = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("run plugin: %v", err)
	}
	if bytes.Contains(o.stderr, []byte("goroutine ")) || bytes.Contains(o.stderr, []byte("panic")) {
		e.t.Fatalf("%s printed a Go stack trace:\n%s", cmd, o.stderr)
	}
	return o
}

// mustOK runs the plugin and fails the test unless it succeeded.
func (e *env) mustOK(cmd, netnsPath, containerID, ifname string, conf []byte) []byte {
	e.t.Helper()
	o := e.plugin(cmd, netnsPath, containerID, ifname, conf)
	if o.exit != 0 {
		e.t.Fatalf("%s %s: exit %d\nstdout: %s\nstderr: %s", cmd, containerID, o.exit, o.stdout, o.stderr)
	}
	return o.stdout
}

// add runs ADD and returns the raw result and the container's address.
func (e *env) add(ver, container, containerID string) ([]byte, netip.Prefix) {
	e.t.Helper()
	out := e.mustOK("ADD", ns.Path(container), containerID, "eth0", e.conf(ver, nil))
	return out, resultAddr(e.t, ver, out)
}

// resultAddr parses a result of the given version and returns the address of
// its container interface.
func resultAddr(t *testing.T, ver string, out []byte) netip.Prefix {
	t.Helper()
	var head struct {
		CNIVersion string `json:"cniVersion"`
	}
	if err := json.Unmarshal(out, &head); err != nil || head.CNIVersion != ver {
		t.Fatalf("result cniVersion %q (%v), want %s: %s", head.CNIVersion, err, ver, out)
	}
	r, err := version.NewResult(ver, out)
	if err != nil {
		t.Fatalf("parse %s result: %v\n%s", ver, err, out)
	}
	if r.Version() != ver && !(ver == "0.3.0" || ver == "0.3.1") {
		t.Errorf("result type speaks %s, want %s", r.Version(), ver)
	}
	cur, err := types100.NewResultFromResult(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(cur.Interfaces) != 2 || len(cur.IPs) != 1 || len(cur.Routes) != 1 {
		t.Fatalf("result has %d interfaces, %d ips, %d routes: %s", len(cur.Interfaces), len(cur.IPs), len(cur.Routes), out)
	}
	host, cont := cur.Interfaces[0], cur.Interfaces[1]
	if !strings.HasPrefix(host.Name, "veth") || host.Mac == "" || host.Sandbox != "" {
		t.Errorf("host interface %+v", *host)
	}
	if cont.Name != "eth0" || cont.Mac == "" || !strings.HasPrefix(cont.Sandbox, ns.RunDir) {
		t.Errorf("container interface %+v", *cont)
	}
	ip := cur.IPs[0]
	if ip.Interface == nil || *ip.Interface != 1 || ip.Gateway.String() != "10.240.0.1" {
		t.Errorf("ip %s", ip)
	}
	if rt := cur.Routes[0]; rt.Dst.String() != "0.0.0.0/0" || rt.GW.String() != "10.240.0.1" {
		t.Errorf("route %s", rt)
	}
	a, _ := netip.AddrFromSlice(ip.Address.IP)
	ones, _ := ip.Address.Mask.Size()
	return netip.PrefixFrom(a.Unmap(), ones)
}

// handle is a netlink handle bound to a scratch netns (internal/nettest's),
// closed when the test ends.
func handle(t *testing.T, name string) *netlink.Handle { return nettest.Handle(t, name) }

// addrsOf lists the IPv4 addresses of a link in a netns; nil when the link
// does not exist.
func addrsOf(t *testing.T, netns, link string) []string {
	t.Helper()
	h := handle(t, netns)
	l, err := h.LinkByName(link)
	if err != nil {
		return nil
	}
	addrs, err := h.AddrList(l, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, a := range addrs {
		out = append(out, a.IPNet.String())
	}
	return out
}

func linkExists(t *testing.T, netns, link string) bool {
	t.Helper()
	_, err := handle(t, netns).LinkByName(link)
	return err == nil
}

// defaultVia is the gateway of the default route of netns, "" when none.
func defaultVia(t *testing.T, netns string) string {
	t.Helper()
	routes, err := handle(t, netns).RouteList(nil, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range routes {
		if r.Dst == nil || r.Dst.String() == "0.0.0.0/0" {
			return r.Gw.String()
		}
	}
	return ""
}

// ping sends one echo request from netns to ip, three tries.
func ping(t *testing.T, netns, ip string) {
	t.Helper()
	if _, err := exec.LookPath("ping"); err != nil {
		t.Log("no ping: skipping the ping to", ip)
		return
	}
	var out []byte
	var err error
	for range 3 {
		out, err = exec.Command("ip", "netns", "exec", netns, "ping", "-c1", "-W1", ip).CombinedOutput()
		if err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Errorf("ping %s from %s: %v\n%s", ip, netns, err, out)
}

// reservation reads the IP store file of addr, "" when missing.
func (e *env) reservation(addr netip.Addr) string {
	b, err := os.ReadFile(filepath.Join(mycni.StoreDir(e.dataDir, "my-cni-demo"), addr.String()))
	if err != nil {
		return ""
	}
	return string(b)
}
