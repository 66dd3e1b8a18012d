package netops_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/ns"
	"github.com/cnilab/lab/netops/snapshot"
)

func TestScopeNames(t *testing.T) {
	lab, _ := netops.NewScope("lab")
	t1, _ := netops.NewScope("t1")
	for _, c := range []struct {
		s       *netops.Scope
		logical string
		want    string
	}{
		{lab, "host", "lab-host"}, {lab, "world", "lab-world"}, {lab, "client", "client"},
		{t1, "host", "t1-host"}, {t1, "world", "t1-world"}, {t1, "client", "t1-client"},
	} {
		if got := c.s.Netns(c.logical); got != c.want {
			t.Errorf("scope %s: Netns(%q) = %q, want %q", c.s.Name, c.logical, got, c.want)
		}
		if back := c.s.Logical(c.want); back != c.logical {
			t.Errorf("scope %s: Logical(%q) = %q, want %q", c.s.Name, c.want, back, c.logical)
		}
	}
	for _, bad := range []string{"", "Lab", "1x", "a-b", "toolongscopename", "a/b"} {
		if _, err := netops.NewScope(bad); err == nil {
			t.Errorf("NewScope(%q) accepted a bad name", bad)
		}
	}
}

func TestJournalIgnoresTornLine(t *testing.T) {
	s := &netops.Scope{Name: "j1", StateDir: t.TempDir()}
	if err := s.Record(netops.Entry{Kind: netops.KindNetns, Name: "j1-a"}); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(s.StateDir+"/journal", os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"kind":"netns","na`) // a crash in the middle of a write
	f.Close()
	got, err := s.Journal()
	if err != nil || len(got) != 1 || got[0].Name != "j1-a" {
		t.Fatalf("journal = %+v, %v; want the one complete entry", got, err)
	}
}

// TestBaseIdempotent builds a scope's host and world twice: the second time
// changes nothing, and the uplink is what DESIGN.md says.
func TestBaseIdempotent(t *testing.T) {
	needRoot(t)
	t.Parallel()
	s := newScope(t, "nops1")
	if err := s.EnsureBase(); err != nil {
		t.Fatal(err)
	}
	names := []string{s.Netns("host"), s.Netns("world")}
	before, err := snapshot.TakeAll(names)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureBase(); err != nil {
		t.Fatalf("second EnsureBase: %v", err)
	}
	after, _ := snapshot.TakeAll(names)
	if d := snapshot.Compare(before, after); !d.Empty() {
		t.Errorf("second EnsureBase changed: %+v", d.Changes)
	}
	host, _ := after.Find(s.Netns("host"))
	if got := host.AddrsOf("eth0"); len(got) != 1 || got[0] != "172.17.0.33/24" {
		t.Errorf("host eth0 addrs = %v", got)
	}
	if r, ok := host.DefaultRoute(); !ok || r.Via != "172.17.0.1" {
		t.Errorf("host default route = %+v", r)
	}
	world, _ := after.Find(s.Netns("world"))
	if _, ok := world.DefaultRoute(); ok {
		t.Errorf("the world must have no default route")
	}
	if l, _ := host.Link("eth0"); l.Peer != "eth0" || l.PeerNetns != s.Netns("world") {
		t.Errorf("uplink peer = %q in %q", l.Peer, l.PeerNetns)
	}
	for _, n := range names {
		if v, err := netops.ReadSysctl(n, "net.ipv4.ip_forward"); err != nil || v != "0" {
			t.Errorf("ip_forward in %s = %q, %v; want 0 set explicitly", n, v, err)
		}
	}
}

// TestOpsIdempotent applies every kind of op twice.
func TestOpsIdempotent(t *testing.T) {
	needRoot(t)
	t.Parallel()
	s := newScope(t, "nops2", "a", "b")
	up := true
	ops := []netops.Op{
		netops.NetnsAdd{Name: "a"},
		netops.NetnsAdd{Name: "b"},
		netops.VethAdd{Name: "va", Netns: "a", Peer: "vb", PeerNetns: "b"},
		netops.VethAdd{Name: "a-br", Netns: "a", Peer: "a-br-host"},
		netops.BridgeAdd{Name: "br0"},
		netops.LinkSet{Name: "a-br-host", Master: "br0", MTU: 1400, Up: &up},
		netops.AddrAdd{Netns: "a", Dev: "va", Addr: "10.9.0.1/24"},
		netops.LinkSet{Netns: "a", Name: "va", Up: &up},
		netops.RouteAdd{Netns: "a", Dst: "default", Via: "10.9.0.2"},
		netops.Sysctl{Key: "net.ipv4.ip_forward", Value: "1"},
		netops.Masquerade{Src: "10.9.0.0/24", Out: "eth0"},
		netops.ForwardAccept{CIDR: "10.9.0.0/16"},
	}
	if err := s.EnsureBase(); err != nil {
		t.Fatal(err)
	}
	for round := 1; round <= 2; round++ {
		for _, op := range ops {
			if _, err := op.Apply(s); err != nil {
				t.Fatalf("round %d: %s: %v", round, op.Commands(s)[0], err)
			}
		}
	}
	snap, _ := snapshot.TakeAll([]string{s.Netns("host"), s.Netns("a"), s.Netns("b")})
	a, _ := snap.Find(s.Netns("a"))
	if got := a.AddrsOf("va"); len(got) != 1 {
		t.Errorf("va addrs after two rounds = %v, want one", got)
	}
	defaults := 0
	for _, r := range a.Routes {
		if r.Dst == "default" {
			defaults++
		}
	}
	if defaults != 1 {
		t.Errorf("%d default routes, want 1", defaults)
	}
	host, _ := snap.Find(s.Netns("host"))
	if l, _ := host.Link("a-br-host"); l.Master != "br0" || l.MTU != 1400 {
		t.Errorf("a-br-host = %+v", l)
	}
	if l, _ := host.Link("a-br-host"); l.Alias != s.Mark() {
		t.Errorf("a-br-host alias = %q, want the scope's mark %q", l.Alias, s.Mark())
	}
	if l, _ := a.Link("va"); l.Alias != s.Mark() {
		t.Errorf("va alias = %q, want the scope's mark %q", l.Alias, s.Mark())
	}
}

// TestOpErrorsNameObject: errors name the object and the namespace.
func TestOpErrorsNameObject(t *testing.T) {
	needRoot(t)
	t.Parallel()
	s := newScope(t, "nops3")
	if err := s.EnsureBase(); err != nil {
		t.Fatal(err)
	}
	_, err := netops.AddrAdd{Dev: "nosuchdev", Addr: "10.1.1.1/24"}.Apply(s)
	if err == nil || !strings.Contains(err.Error(), `"nosuchdev"`) || !strings.Contains(err.Error(), `"nops3-host"`) {
		t.Errorf("error = %v; want it to name the link and the netns", err)
	}
	_, err = netops.BridgeAdd{Name: "eth0"}.Apply(s)
	if err == nil || !strings.Contains(err.Error(), "is a veth, not a bridge") {
		t.Errorf("bridge over an existing veth: %v", err)
	}
}

// TestClaimRefusesForeign: a namespace with a lesson's name that lab did not
// make stops the lesson before anything is created, and reset leaves it.
func TestClaimRefusesForeign(t *testing.T) {
	needRoot(t)
	t.Parallel()
	s := newScope(t, "nops4", "a")
	foreign := s.Netns("a")
	if err := ns.Create(foreign); err != nil {
		t.Fatal(err)
	}
	defer ns.Delete(foreign)
	ino, _ := ns.Inode(ns.Path(foreign))
	err := s.Claim([]string{"a"})
	if !errors.Is(err, netops.ErrForeign) || !strings.Contains(err.Error(), foreign) {
		t.Fatalf("claim = %v; want ErrForeign naming %s", err, foreign)
	}
	if ns.Exists(s.Netns("host")) {
		t.Errorf("claim created the host")
	}
	if _, err := (netops.NetnsAdd{Name: "a"}).Apply(s); !errors.Is(err, netops.ErrForeign) {
		t.Errorf("NetnsAdd over a foreign netns = %v, want ErrForeign", err)
	}
	if _, err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if after, err := ns.Inode(ns.Path(foreign)); err != nil || after != ino {
		t.Errorf("reset touched the foreign netns: inode %d -> %d (%v)", ino, after, err)
	}
}

// TestClaimedNameIsRemoved: what a learner makes by hand under a claimed name
// belongs to the scope.
func TestClaimedNameIsRemoved(t *testing.T) {
	needRoot(t)
	t.Parallel()
	s := newScope(t, "nops5", "a")
	if err := s.Claim([]string{"a"}); err != nil {
		t.Fatal(err)
	}
	if err := ns.Create(s.Netns("a")); err != nil { // the learner's `ip netns add`
		t.Fatal(err)
	}
	removed, err := s.Reset()
	if err != nil || len(removed) == 0 {
		t.Fatalf("reset: %v %v", removed, err)
	}
	if ns.Exists(s.Netns("a")) {
		t.Errorf("the claimed netns survived reset")
	}
}

// TestResetAfterCrash: a journal entry written before a crash, for an object
// never created, is harmless; reset is idempotent.
func TestResetAfterCrash(t *testing.T) {
	needRoot(t)
	t.Parallel()
	s := newScope(t, "nops6", "ghost")
	if err := s.Record(netops.Entry{Kind: netops.KindNetns, Name: s.Netns("ghost")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Record(netops.Entry{Kind: netops.KindLink, Netns: s.Netns("host"), Name: "nolink"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if removed, err := s.Reset(); err != nil || len(removed) != 0 {
			t.Fatalf("reset %d: removed %v, err %v; want nothing", i+1, removed, err)
		}
	}
}

func TestLockBusy(t *testing.T) {
	needRoot(t)
	t.Parallel()
	s := newScope(t, "nops7")
	l1, err := s.Acquire("lab run veth")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Acquire("lab run bridge")
	if !errors.Is(err, netops.ErrBusy) || !strings.Contains(err.Error(), "lab run veth") {
		t.Fatalf("second acquire = %v; want ErrBusy naming the holder", err)
	}
	l1.Release()
	if _, err := os.Stat(s.StateDir); !os.IsNotExist(err) {
		t.Errorf("release left the empty state dir")
	}
	l2, err := s.Acquire("again")
	if err != nil {
		t.Fatalf("acquire after release: %v", err)
	}
	l2.Release()
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		op   netops.Op
		want string
	}{
		{netops.VethAdd{Name: "averyveryverylongname", Peer: "p"}, "at most 15"},
		{netops.AddrAdd{Dev: "eth0", Addr: "10.0.0.300/24"}, "not an IPv4 address"},
		{netops.AddrAdd{Dev: "eth0", Addr: "10.0.0.3"}, "prefix length"},
		{netops.AddrAdd{Dev: "eth0", Addr: "10.0.0.0/24"}, "network address of 10.0.0.0/24"},
		{netops.AddrAdd{Dev: "eth0", Addr: "10.0.0.255/24"}, "broadcast address of 10.0.0.0/24"},
		{netops.RouteAdd{Dst: "10.0.0.1/24", Via: "10.0.0.1"}, "host bits"},
		{netops.RouteAdd{Dst: "default"}, "give via or dev"},
		{netops.Sysctl{Key: "kernel.hostname", Value: "x"}, "only net.*"},
		{netops.Masquerade{Src: "172.30.0.1/24", Out: "eth0"}, "host bits"},
		{netops.LinkSet{Name: "eth0"}, "nothing to set"},
	} {
		err := c.op.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T %+v: Validate = %v, want %q", c.op, c.op, err, c.want)
		}
	}
}

func TestNetnsDel(t *testing.T) {
	needRoot(t)
	t.Parallel()
	s := newScope(t, "nops8", "a", "b")
	if _, err := (netops.NetnsAdd{Name: "a"}).Apply(s); err != nil {
		t.Fatal(err)
	}
	if _, err := (netops.NetnsDel{Name: "a"}).Apply(s); err != nil || ns.Exists(s.Netns("a")) {
		t.Fatalf("delete own netns: %v, exists %v", err, ns.Exists(s.Netns("a")))
	}
	if _, err := (netops.NetnsDel{Name: "a"}).Apply(s); err != nil {
		t.Errorf("second delete: %v", err)
	}
	if err := ns.Create(s.Netns("b")); err != nil {
		t.Fatal(err)
	}
	defer ns.Delete(s.Netns("b"))
	if _, err := (netops.NetnsDel{Name: "b"}).Apply(s); !errors.Is(err, netops.ErrForeign) || !ns.Exists(s.Netns("b")) {
		t.Errorf("delete foreign netns = %v (exists %v); want ErrForeign and untouched", err, ns.Exists(s.Netns("b")))
	}
}
