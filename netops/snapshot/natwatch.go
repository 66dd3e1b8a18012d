package snapshot

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"slices"
	"syscall"

	"github.com/cnilab/lab/netops/nft"
	"github.com/cnilab/lab/netops/ns"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// NATWatch hears of every connection conntrack starts in a set of
// namespaces while a step and its checks run, and keeps those NAT
// translated. A dump of the conntrack table would do, but the kernel walks
// its whole hash table for each one (13 ms with 262144 buckets, twice a
// step); the "new connection" events of ctnetlink cost nothing until read.
//
// Equivalent to: `conntrack -E -e NEW` in each namespace
type NATWatch struct {
	fds map[string]int
}

// nfnlgrpConntrackNew is ctnetlink's multicast group of new connections.
const nfnlgrpConntrackNew = 1

// WatchNAT starts listening in each namespace that exists. One it cannot
// listen in is left out: the diff then lacks its translations, nothing more.
func WatchNAT(names []string) *NATWatch {
	w := &NATWatch{fds: map[string]int{}}
	for _, n := range names {
		fd, err := ns.Socket(n, unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_NETFILTER)
		if err != nil {
			continue
		}
		if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: 1 << (nfnlgrpConntrackNew - 1)}); err != nil {
			unix.Close(fd)
			continue
		}
		w.fds[n] = fd
	}
	return w
}

// Close reads what was heard, stops listening, and returns per namespace
// the translated connections as natLine words them, sorted, once each.
func (w *NATWatch) Close() map[string][]string {
	out := map[string][]string{}
	buf := make([]byte, 1<<16)
	for n, fd := range w.fds {
		for {
			k, _, err := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT)
			if errors.Is(err, unix.ENOBUFS) {
				continue // the queue overflowed: some events are lost, read the rest
			}
			if err != nil || k <= 0 {
				break
			}
			msgs, err := syscall.ParseNetlinkMessage(buf[:k])
			if err != nil {
				break
			}
			for _, m := range msgs {
				if len(m.Data) < 4 {
					continue
				}
				// After the 4-byte nfgenmsg header come the attributes.
				if l, ok := natEventLine(m.Data[4:]); ok {
					out[n] = append(out[n], l)
				}
			}
		}
		unix.Close(fd)
		slices.Sort(out[n])
		out[n] = slices.Compact(out[n])
	}
	w.fds = nil
	return out
}

// tuple is one direction of a connection.
type tuple struct {
	src, dst     net.IP
	proto        uint8
	sport, dport uint16
}

// ctnetlink attribute types (linux/netfilter/nfnetlink_conntrack.h).
const (
	ctaTupleOrig  = 1
	ctaTupleReply = 2
	ctaTupleIP    = 1
	ctaTupleProto = 2
	ctaIPv4Src    = 1
	ctaIPv4Dst    = 2
	ctaProtoNum   = 1
	ctaProtoSport = 2
	ctaProtoDport = 3
)

// natEventLine parses one ctnetlink message's attributes and words the
// connection when NAT translated it.
func natEventLine(attrs []byte) (string, bool) {
	ad, err := netlink.NewAttributeDecoder(attrs)
	if err != nil {
		return "", false
	}
	var orig, reply tuple
	for ad.Next() {
		switch ad.Type() {
		case ctaTupleOrig:
			ad.Nested(func(nad *netlink.AttributeDecoder) error { return parseTuple(nad, &orig) })
		case ctaTupleReply:
			ad.Nested(func(nad *netlink.AttributeDecoder) error { return parseTuple(nad, &reply) })
		}
	}
	if ad.Err() != nil {
		return "", false
	}
	return natLine(orig, reply)
}

func parseTuple(ad *netlink.AttributeDecoder, t *tuple) error {
	for ad.Next() {
		switch ad.Type() {
		case ctaTupleIP:
			ad.Nested(func(nad *netlink.AttributeDecoder) error {
				for nad.Next() {
					switch nad.Type() {
					case ctaIPv4Src:
						t.src = net.IP(nad.Bytes())
					case ctaIPv4Dst:
						t.dst = net.IP(nad.Bytes())
					}
				}
				return nil
			})
		case ctaTupleProto:
			ad.Nested(func(nad *netlink.AttributeDecoder) error {
				for nad.Next() {
					switch b := nad.Bytes(); nad.Type() {
					case ctaProtoNum:
						if len(b) == 1 {
							t.proto = b[0]
						}
					case ctaProtoSport:
						if len(b) == 2 {
							t.sport = binary.BigEndian.Uint16(b)
						}
					case ctaProtoDport:
						if len(b) == 2 {
							t.dport = binary.BigEndian.Uint16(b)
						}
					}
				}
				return nil
			})
		}
	}
	return ad.Err()
}

// natLine words a translated connection as `conntrack -L` does, without
// what moves by itself (timeouts, states, counters, ICMP ids), e.g.
// "icmp src=172.30.0.11 dst=172.17.0.1 src=172.17.0.1 dst=172.17.0.33";
// false for one whose reply mirrors its request: no translation.
func natLine(fw, rv tuple) (string, bool) {
	if fw.src == nil || fw.dst == nil || rv.src == nil || rv.dst == nil {
		return "", false
	}
	ports := fw.proto == unix.IPPROTO_TCP || fw.proto == unix.IPPROTO_UDP
	mirrored := rv.src.Equal(fw.dst) && rv.dst.Equal(fw.src) && (!ports || rv.sport == fw.dport && rv.dport == fw.sport)
	if mirrored {
		return "", false
	}
	words := func(t tuple) string {
		s := "src=" + t.src.String() + " dst=" + t.dst.String()
		if ports {
			s += fmt.Sprintf(" sport=%d dport=%d", t.sport, t.dport)
		}
		return s
	}
	return nft.ProtoName(fw.proto) + " " + words(fw) + " " + words(rv), true
}
