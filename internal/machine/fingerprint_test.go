package machine

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cnilab/lab/netops/ns"
	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
)

// Two takes of an untouched namespace must be equal, or Guard would fail
// tests that did nothing wrong. This reads the machine's own namespace.
func TestTakeStable(t *testing.T) {
	needRoot(t)
	first, err := Take()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(first.Links, func(l string) bool { return strings.HasPrefix(l, "lo ") }) {
		t.Fatalf("no lo among links %q", first.Links)
	}
	if _, ok := first.Sysctls["net.ipv4.ip_forward"]; !ok {
		t.Fatalf("no net.ipv4.ip_forward among %d sysctls", len(first.Sysctls))
	}
	for i := range 3 {
		time.Sleep(200 * time.Millisecond)
		next, err := Take()
		if err != nil {
			t.Fatal(err)
		}
		if d := first.Diff(next); len(d) != 0 {
			t.Fatalf("take %d differs from the first:\n%s", i+2, strings.Join(d, "\n"))
		}
	}
}

// The fingerprint must see the changes a lab makes. They are made in a
// scratch namespace, never in the machine's own; Take runs there through
// ns.Do, which switches only its locked thread.
func TestTakeSeesChanges(t *testing.T) {
	needRoot(t)
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2's ip")
	}
	name := fmt.Sprintf("machinetest-%d", os.Getpid())
	if err := ns.Create(name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Delete(name) })
	take := func() Fingerprint {
		t.Helper()
		var fp Fingerprint
		if err := ns.Do(name, func() (err error) { fp, err = Take(); return err }); err != nil {
			t.Fatal(err)
		}
		return fp
	}
	before := take()
	forward := before.Sysctls["net.ipv4.ip_forward"]
	flipped := map[string]string{"0": "1", "1": "0"}[forward]
	if flipped == "" {
		t.Fatalf("net.ipv4.ip_forward in a new namespace = %q", forward)
	}

	h, err := ns.Handle(name)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "fp0"}, PeerName: "fp1"}); err != nil {
		t.Fatal(err)
	}
	fp0, err := h.LinkByName("fp0")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.AddrAdd(fp0, &netlink.Addr{IPNet: &net.IPNet{IP: net.IPv4(10, 99, 0, 1), Mask: net.CIDRMask(24, 32)}}); err != nil {
		t.Fatal(err)
	}
	// A separate process, wholly inside the scratch namespace, writes the
	// sysctl: the test's own threads never write under /proc/sys.
	script := fmt.Sprintf("echo %s > /proc/sys/net/ipv4/ip_forward", flipped)
	if out, err := exec.Command("ip", "netns", "exec", name, "sh", "-c", script).CombinedOutput(); err != nil {
		t.Fatalf("set ip_forward in netns %s: %v: %s", name, err, out)
	}
	fd, err := ns.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	c, err := nftables.New(nftables.WithNetNSFd(int(fd)))
	if err != nil {
		t.Fatal(err)
	}
	c.AddTable(&nftables.Table{Family: nftables.TableFamilyIPv4, Name: "machinetest"})
	if err := c.Flush(); err != nil {
		t.Fatalf("add nftables table in netns %s: %v", name, err)
	}

	d := before.Diff(take())
	for _, want := range []string{
		"link added: fp0 veth down mtu 1500",
		"address added: fp0 10.99.0.1/24",
		"route added: inet table local local 10.99.0.1/32 dev fp0 src 10.99.0.1 proto kernel scope host",
		"nftables added: table ip machinetest",
		fmt.Sprintf("sysctl net.ipv4.ip_forward: %s -> %s", forward, flipped),
		"sysctl net.ipv4.conf.fp0.forwarding added: " + flipped,
	} {
		if !slices.Contains(d, want) {
			t.Errorf("diff lacks %q; it is:\n%s", want, strings.Join(d, "\n"))
		}
	}
}
