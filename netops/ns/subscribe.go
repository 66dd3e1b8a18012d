package ns

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// Groups are netlink multicast groups of one protocol, as a bind(2) mask:
// bit g-1 for group g (every group a snapshot needs is below 32).
type Groups struct {
	Proto int    // unix.NETLINK_ROUTE, unix.NETLINK_NETFILTER
	Mask  uint32 // 1<<(unix.RTNLGRP_LINK-1) | ...
}

// Sub is a subscription to a namespace's netlink notifications: what
// changed there since it was last asked. It keeps the namespace alive
// while open (a socket holds its namespace), so Delete closes the
// subscriptions of the namespace it deletes, and the kernel frees it at once.
type Sub struct {
	mu    sync.Mutex
	fds   []int // -1 once closed
	Inode uint64
	name  string
}

var subs = struct {
	sync.Mutex
	byName map[string][]*Sub
}{byName: map[string][]*Sub{}}

// Subscribe opens one socket a protocol in the named namespace, with a single
// switch into it, bound to those groups. Equivalent to: `ip -n NAME monitor`
// (and `nft monitor` for NETLINK_NETFILTER).
func Subscribe(name string, groups ...Groups) (*Sub, error) {
	target, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer target.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(target), &st); err != nil {
		return nil, fmt.Errorf("subscribe in netns %q: %w", name, err)
	}
	s := &Sub{Inode: st.Ino, name: name}
	err = DoFd(target, name, func() error {
		for _, g := range groups {
			fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, g.Proto)
			if err != nil {
				return err
			}
			s.fds = append(s.fds, fd)
			if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: g.Mask}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.close()
		return nil, fmt.Errorf("subscribe in netns %q: %w", name, err)
	}
	subs.Lock()
	subs.byName[name] = append(subs.byName[name], s)
	subs.Unlock()
	return s, nil
}

// Heard is what a namespace said since it was last asked.
type Heard struct {
	Any bool
	// Links are the ifindexes of the links it announced (RTM_NEWLINK,
	// RTM_DELLINK); AllLinks is set when notifications were lost and any
	// link may have changed.
	Links    []int
	AllLinks bool
}

// Heard drains what the namespace said since the last call. A queue that
// overflowed, or a closed subscription, counts as heard: something changed
// that was not read.
func (s *Sub) Heard() Heard {
	s.mu.Lock()
	defer s.mu.Unlock()
	var h Heard
	// A notification is one message; its header and, for a link, the
	// ifinfomsg after it (family, type, index) are all that is read.
	var buf [unix.SizeofNlMsghdr + unix.SizeofIfInfomsg]byte
	for _, fd := range s.fds {
		if fd < 0 {
			return Heard{Any: true, AllLinks: true}
		}
		for {
			// MSG_TRUNC: the rest of the message is dropped.
			n, _, err := unix.Recvfrom(fd, buf[:], unix.MSG_DONTWAIT|unix.MSG_TRUNC)
			if errors.Is(err, unix.EAGAIN) {
				break
			}
			if errors.Is(err, unix.EINTR) {
				continue
			}
			h.Any = true
			if err != nil { // ENOBUFS: notifications were lost
				h.AllLinks = true
				break
			}
			if n >= len(buf) {
				typ := binary.NativeEndian.Uint16(buf[4:6])
				if typ == unix.RTM_NEWLINK || typ == unix.RTM_DELLINK {
					idx := int(int32(binary.NativeEndian.Uint32(buf[unix.SizeofNlMsghdr+4:])))
					h.Links = append(h.Links, idx)
				}
			}
		}
	}
	return h
}

// Close ends the subscription.
func (s *Sub) Close() {
	subs.Lock()
	list := subs.byName[s.name]
	for i, o := range list {
		if o == s {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(subs.byName, s.name)
	} else {
		subs.byName[s.name] = list
	}
	subs.Unlock()
	s.close()
}

// close closes the sockets; Heard says heard from then on.
func (s *Sub) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, fd := range s.fds {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
	s.fds = []int{-1}
}

// closeSubs closes every subscription held in the named namespace.
func closeSubs(name string) {
	subs.Lock()
	list := subs.byName[name]
	delete(subs.byName, name)
	subs.Unlock()
	for _, s := range list {
		s.close()
	}
}
