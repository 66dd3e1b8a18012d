package mycni

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/containernetworking/cni/pkg/types"
)

// The IP store needs no kernel and no root: these tests run everywhere.

func testConf(t *testing.T, podcidr string) *Config {
	t.Helper()
	conf, err := ParseConfig(fmt.Appendf(nil, `{"cniVersion":"1.0.0","name":"net","type":"my-cni-demo","podcidr":%q,"dataDir":%q}`, podcidr, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	return conf
}

func alloc(t *testing.T, conf *Config, o owner) (netip.Addr, bool, error) {
	t.Helper()
	s, err := openStore(conf)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return s.allocate(conf, o)
}

func code(err error) uint {
	var te *types.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

func TestStoreAllocatesRoundRobin(t *testing.T) {
	conf := testConf(t, "10.240.0.0/29") // .2 to .6 for containers
	var got []string
	for i := range 5 {
		a, fresh, err := alloc(t, conf, owner{fmt.Sprint("c", i), "eth0"})
		if err != nil {
			t.Fatal(err)
		}
		if !fresh {
			t.Errorf("%s not fresh", a)
		}
		got = append(got, a.String())
	}
	if want := "10.240.0.2 10.240.0.3 10.240.0.4 10.240.0.5 10.240.0.6"; strings.Join(got, " ") != want {
		t.Errorf("allocated %v, want %s", got, want)
	}
	_, _, err := alloc(t, conf, owner{"full", "eth0"})
	if code(err) != CodeNoFreeAddress || !strings.Contains(err.Error(), "no free addresses in 10.240.0.0/29") {
		t.Fatalf("full store: %v (code %d)", err, code(err))
	}

	// A repeated ADD gets its address again.
	if a, fresh, err := alloc(t, conf, owner{"c3", "eth0"}); err != nil || fresh || a.String() != "10.240.0.5" {
		t.Errorf("again: %s fresh %v err %v", a, fresh, err)
	}

	// Released addresses are given again, after a wrap around.
	s, _ := openStore(conf)
	rel, err := s.release(owner{"c1", "eth0"})
	s.Close()
	if err != nil || len(rel) != 1 || rel[0].String() != "10.240.0.3" {
		t.Fatalf("release: %v %v", rel, err)
	}
	if a, _, err := alloc(t, conf, owner{"new", "eth0"}); err != nil || a.String() != "10.240.0.3" {
		t.Errorf("after release got %s %v, want 10.240.0.3", a, err)
	}
	b, err := os.ReadFile(filepath.Join(conf.DataDir, "net", "10.240.0.3"))
	if err != nil || string(b) != "new\neth0" {
		t.Errorf("reservation file: %q %v", b, err)
	}
}

func TestStoreSkipsGatewayAndReadsHostLocalFiles(t *testing.T) {
	conf := testConf(t, "10.240.0.0/30") // only .2
	dir := StoreDir(conf.DataDir, conf.Name)
	os.MkdirAll(dir, 0o755)
	// A last_reserved_ip at the end of the range and a host-local style
	// file (\r\n) for the only address.
	os.WriteFile(filepath.Join(dir, LastReservedFile), []byte("10.240.0.2"), 0o644)
	os.WriteFile(filepath.Join(dir, "10.240.0.2"), []byte("abc\r\neth0"), 0o644)
	if a, fresh, err := alloc(t, conf, owner{"abc", "eth0"}); err != nil || fresh || a.String() != "10.240.0.2" {
		t.Errorf("got %s fresh %v err %v", a, fresh, err)
	}
	if _, _, err := alloc(t, conf, owner{"other", "eth0"}); code(err) != CodeNoFreeAddress {
		t.Errorf("gateway or broadcast given out? %v", err)
	}
}

func TestStoreConcurrent(t *testing.T) {
	conf := testConf(t, "10.240.0.0/24")
	const n = 40
	addrs := make([]netip.Addr, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			// Each goroutine opens the lock file itself: flock excludes
			// open file descriptions, in one process as across processes.
			s, err := openStore(conf)
			if err != nil {
				errs[i] = err
				return
			}
			defer s.Close()
			addrs[i], _, errs[i] = s.allocate(conf, owner{fmt.Sprint("c", i), "eth0"})
		})
	}
	wg.Wait()
	seen := map[netip.Addr]int{}
	for i, a := range addrs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if j, dup := seen[a]; dup {
			t.Errorf("c%d and c%d both got %s", i, j, a)
		}
		seen[a] = i
	}
}

func TestStoreLockTimeout(t *testing.T) {
	conf := testConf(t, "10.240.0.0/24")
	held, err := openStore(conf)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	old := lockTimeout
	lockTimeout = 50 * time.Millisecond
	defer func() { lockTimeout = old }()
	_, err = openStore(conf)
	if code(err) != types.ErrTryAgainLater || !strings.Contains(err.Error(), "try again later") {
		t.Fatalf("second open: %v (code %d)", err, code(err))
	}
}
