package mycni

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cnilab/lab/netops/ipv4"
	"github.com/containernetworking/cni/pkg/types"
	"golang.org/x/sys/unix"
)

// The IP store is host-local's disk store made small: a directory
// DATADIR/NETWORK/ with one file per reserved address, named after it
// (10.240.0.2) and holding "CONTAINERID\nIFNAME"; last_reserved_ip, where
// the next search starts; and lock, which every call holds with flock(2)
// from start to end, so concurrent ADDs never pick the same address.
//
//	/var/lib/cni/my-cni-demo/my-cni-demo/
//	├── 10.240.0.2         "3f1c...\neth0"
//	├── 10.240.0.3         "9a0b...\neth0"
//	├── last_reserved_ip   "10.240.0.3"
//	└── lock
const (
	LastReservedFile = "last_reserved_ip"
	LockFile         = "lock"
)

// lockTimeout bounds the wait for another invocation holding the store:
// after it the call fails with code 11, try again later.
var lockTimeout = 30 * time.Second

// owner is the attachment an address is reserved for.
type owner struct{ containerID, ifname string }

func (o owner) String() string {
	return fmt.Sprintf("container %s ifname %s", o.containerID, o.ifname)
}

// store is the locked IP store of one network.
type store struct {
	dir  string
	lock *os.File
}

// StoreDir is the directory of a network's IP store.
func StoreDir(dataDir, network string) string { return filepath.Join(dataDir, network) }

// openStore creates the store directory when missing and locks it.
func openStore(conf *Config) (*store, error) {
	dir := StoreDir(conf.DataDir, conf.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, storeError("create ip store %s: %v", dir, err)
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, storeError("open lock %s: %v", path, err)
	}
	deadline := time.Now().Add(lockTimeout)
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return &store{dir: dir, lock: f}, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
			f.Close()
			return nil, storeError("lock %s: %v", path, err)
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, types.NewError(types.ErrTryAgainLater,
				fmt.Sprintf("ip store %s is locked by another %s call for %s; try again later", dir, Name, lockTimeout), "")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Close releases the lock.
func (s *store) Close() { s.lock.Close() }

func storeError(format string, a ...any) *types.Error {
	return types.NewError(CodeStore, fmt.Sprintf(format, a...), "")
}

// records reads every reservation: address -> attachment. Files that are not
// named after an IPv4 address (lock, last_reserved_ip) are not reservations.
func (s *store) records() (map[netip.Addr]owner, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, storeError("read ip store %s: %v", s.dir, err)
	}
	recs := map[netip.Addr]owner{}
	for _, e := range entries {
		a, err := netip.ParseAddr(e.Name())
		if err != nil || !a.Is4() || !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(s.dir, e.Name()))
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return nil, storeError("read reservation %s: %v", filepath.Join(s.dir, e.Name()), err)
		}
		id, ifname, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
		recs[a] = owner{strings.TrimSpace(id), strings.TrimSpace(ifname)}
	}
	return recs, nil
}

// find returns the addresses reserved for an attachment, lowest first.
func (s *store) find(o owner) ([]netip.Addr, error) {
	recs, err := s.records()
	if err != nil {
		return nil, err
	}
	var out []netip.Addr
	for a, r := range recs {
		if r == o {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return out, nil
}

// allocate returns the address of the attachment: the one it already has in
// the subnet (fresh false: an ADD repeated after a failure gets the same
// address), or the next free one after last_reserved_ip, wrapping around,
// skipping the network, the gateway and the broadcast address.
func (s *store) allocate(conf *Config, o owner) (addr netip.Addr, fresh bool, err error) {
	recs, err := s.records()
	if err != nil {
		return netip.Addr{}, false, err
	}
	var mine []netip.Addr
	for a, r := range recs {
		if r == o && usable(conf, a) {
			mine = append(mine, a)
		}
	}
	if len(mine) > 0 {
		slices.SortFunc(mine, netip.Addr.Compare)
		return mine[0], false, nil
	}

	first, last := ipv4.Uint32(conf.Subnet.Addr())+1, ipv4.Uint32(conf.Broadcast())-1
	next := first
	if b, err := os.ReadFile(filepath.Join(s.dir, LastReservedFile)); err == nil {
		if lr, err := netip.ParseAddr(strings.TrimSpace(string(b))); err == nil && lr.Is4() {
			if n := ipv4.Uint32(lr); n >= first && n < last {
				next = n + 1
			}
		}
	}
	for range last - first + 1 {
		a := ipv4.FromUint32(next)
		if next == last {
			next = first
		} else {
			next++
		}
		if _, taken := recs[a]; taken || a == conf.Gateway {
			continue
		}
		ok, err := s.reserve(a, o)
		if err != nil {
			return netip.Addr{}, false, err
		}
		if !ok {
			continue
		}
		// last_reserved_ip only steers the next search: a failure to write
		// it loses nothing.
		_ = os.WriteFile(filepath.Join(s.dir, LastReservedFile), []byte(a.String()), 0o644)
		return a, true, nil
	}
	return netip.Addr{}, false, types.NewError(CodeNoFreeAddress,
		fmt.Sprintf("no free addresses in %s", conf.Subnet), "every address is reserved in "+s.dir)
}

// usable reports whether a is an address the network gives to containers.
func usable(conf *Config, a netip.Addr) bool {
	return conf.Subnet.Contains(a) && a != conf.Subnet.Addr() && a != conf.Gateway && a != conf.Broadcast()
}

// reserve creates the file of address a; false when it exists already.
func (s *store) reserve(a netip.Addr, o owner) (bool, error) {
	path := filepath.Join(s.dir, a.String())
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, storeError("reserve %s: %v", path, err)
	}
	_, err = f.WriteString(o.containerID + "\n" + o.ifname)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return false, storeError("reserve %s: %v", path, err)
	}
	return true, nil
}

// remove deletes the reservation of a; a missing one is not an error.
func (s *store) remove(a netip.Addr) error {
	path := filepath.Join(s.dir, a.String())
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return storeError("release %s: %v", path, err)
	}
	return nil
}

// release deletes every reservation of an attachment and returns them.
func (s *store) release(o owner) ([]netip.Addr, error) {
	addrs, err := s.find(o)
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		if err := s.remove(a); err != nil {
			return nil, err
		}
	}
	return addrs, nil
}
