package capture

import (
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

var (
	macA = net.HardwareAddr{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01}
	macB = net.HardwareAddr{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}
)

// build serializes layers into one frame, lengths and checksums filled in.
func build(t *testing.T, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, ls...); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

func eth(typ layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: typ}
}

func ip(src, dst string, proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, TTL: 64, Protocol: proto, SrcIP: net.ParseIP(src).To4(), DstIP: net.ParseIP(dst).To4()}
}

func echo(typ uint8, id, seq uint16) []gopacket.SerializableLayer {
	return []gopacket.SerializableLayer{
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, 0), Id: id, Seq: seq},
		gopacket.Payload(make([]byte, 56)),
	}
}

func ping(src, dst string, typ uint8, id, seq uint16) []gopacket.SerializableLayer {
	return append([]gopacket.SerializableLayer{eth(layers.EthernetTypeIPv4), ip(src, dst, layers.IPProtocolICMPv4)}, echo(typ, id, seq)...)
}

func arpFrame(op uint16, sha net.HardwareAddr, spa string, tha net.HardwareAddr, tpa string) []gopacket.SerializableLayer {
	return []gopacket.SerializableLayer{eth(layers.EthernetTypeARP), &layers.ARP{
		AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
		HwAddressSize: 6, ProtAddressSize: 4, Operation: op,
		SourceHwAddress: sha, SourceProtAddress: net.ParseIP(spa).To4(),
		DstHwAddress: tha, DstProtAddress: net.ParseIP(tpa).To4(),
	}}
}

func tcpFrame(t *testing.T, set func(*layers.TCP), payload int) []byte {
	ipl := ip("172.17.0.1", "172.17.0.33", layers.IPProtocolTCP)
	seg := &layers.TCP{SrcPort: 43210, DstPort: 80, Seq: 123, Ack: 456, Window: 64240}
	set(seg)
	seg.SetNetworkLayerForChecksum(ipl)
	return build(t, eth(layers.EthernetTypeIPv4), ipl, seg, gopacket.Payload(make([]byte, payload)))
}

func udpLayers(src, dst string, sport, dport layers.UDPPort) []gopacket.SerializableLayer {
	ipl := ip(src, dst, layers.IPProtocolUDP)
	u := &layers.UDP{SrcPort: sport, DstPort: dport}
	u.SetNetworkLayerForChecksum(ipl)
	return []gopacket.SerializableLayer{eth(layers.EthernetTypeIPv4), ipl, u}
}

// unreach is an ICMP error from 10.0.0.11 to 10.0.0.12 quoting a datagram
// 10.0.0.12 sent to dst.
func unreach(t *testing.T, code uint8, dst string, quotedUDP bool) []byte {
	var orig []byte
	if quotedUDP {
		ls := udpLayers("10.0.0.12", dst, 40000, 53)
		orig = build(t, append(ls[1:], gopacket.Payload(make([]byte, 12)))...)[:28]
	} else {
		orig = build(t, append([]gopacket.SerializableLayer{ip("10.0.0.12", dst, layers.IPProtocolICMPv4)}, echo(8, 7, 1)...)...)[:28]
	}
	return build(t, eth(layers.EthernetTypeIPv4), ip("10.0.0.11", "10.0.0.12", layers.IPProtocolICMPv4),
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, code), Seq: 1400}, gopacket.Payload(orig))
}

func TestFormat(t *testing.T) {
	vx := udpLayers("192.168.100.100", "192.168.100.101", 54321, 4789)
	vx = append(vx, &layers.VXLAN{ValidIDFlag: true, VNI: 42})
	vx = append(vx, ping("10.240.0.2", "10.240.2.2", 8, 1, 1)...)

	ip6 := &layers.IPv6{Version: 6, HopLimit: 255, NextHeader: layers.IPProtocolICMPv6,
		SrcIP: net.ParseIP("fe80::1"), DstIP: net.ParseIP("ff02::2")}
	rs := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeRouterSolicitation, 0)}
	rs.SetNetworkLayerForChecksum(ip6)

	lldp := build(t, eth(0x88cc), gopacket.Payload(make([]byte, 46)))

	// An MLDv2 report as the kernel sends when a link comes up: a hop-by-hop
	// header (router alert) before ICMPv6 type 143.
	mld := build(t, eth(layers.EthernetTypeIPv6), &layers.IPv6{Version: 6, HopLimit: 1, NextHeader: layers.IPProtocolIPv6HopByHop,
		SrcIP: net.ParseIP("::"), DstIP: net.ParseIP("ff02::16")},
		gopacket.Payload([]byte{58, 0, 5, 2, 0, 0, 1, 0, 143, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0,
			0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 1}))

	ipip := append([]gopacket.SerializableLayer{eth(layers.EthernetTypeIPv4), ip("192.168.1.1", "192.168.1.2", layers.IPProtocolIPv4),
		ip("10.0.0.1", "10.0.0.2", layers.IPProtocolICMPv4)}, echo(8, 1, 1)...)
	gre := build(t, eth(layers.EthernetTypeIPv4), ip("192.168.1.1", "192.168.1.2", layers.IPProtocolGRE), gopacket.Payload(make([]byte, 24)))

	for _, c := range []struct {
		name  string
		frame []byte
		want  string
	}{
		{"echo request", build(t, ping("172.17.0.33", "172.17.0.1", 8, 7, 1)...),
			"IP 172.17.0.33 > 172.17.0.1: ICMP echo request, id 7, seq 1, length 64"},
		{"echo reply", build(t, ping("172.17.0.1", "172.17.0.33", 0, 7, 1)...),
			"IP 172.17.0.1 > 172.17.0.33: ICMP echo reply, id 7, seq 1, length 64"},
		{"host unreachable", unreach(t, 1, "10.9.9.9", false),
			"IP 10.0.0.11 > 10.0.0.12: ICMP host 10.9.9.9 unreachable, length 36"},
		{"net unreachable", unreach(t, 0, "10.9.9.9", false),
			"IP 10.0.0.11 > 10.0.0.12: ICMP net 10.9.9.9 unreachable, length 36"},
		{"port unreachable", unreach(t, 3, "10.0.0.11", true),
			"IP 10.0.0.11 > 10.0.0.12: ICMP 10.0.0.11 udp port 53 unreachable, length 36"},
		{"need to frag", unreach(t, 4, "10.9.9.9", false),
			"IP 10.0.0.11 > 10.0.0.12: ICMP 10.9.9.9 unreachable - need to frag (mtu 1400), length 36"},
		// Cut to 42 bytes: a veth sends ARP unpadded, gopacket pads to 60.
		{"arp request", build(t, arpFrame(layers.ARPRequest, macA, "172.30.0.11", make(net.HardwareAddr, 6), "172.30.0.12")...)[:42],
			"ARP, Request who-has 172.30.0.12 tell 172.30.0.11, length 28"},
		{"arp unicast request", build(t, arpFrame(layers.ARPRequest, macA, "172.30.0.11", macB, "172.30.0.12")...)[:42],
			"ARP, Request who-has 172.30.0.12 (aa:bb:cc:dd:ee:ff) tell 172.30.0.11, length 28"},
		{"arp reply", build(t, arpFrame(layers.ARPReply, macB, "172.30.0.12", macA, "172.30.0.11")...)[:42],
			"ARP, Reply 172.30.0.12 is-at aa:bb:cc:dd:ee:ff, length 28"},
		{"arp padded to 60", build(t, arpFrame(layers.ARPReply, macB, "172.30.0.12", macA, "172.30.0.11")...),
			"ARP, Reply 172.30.0.12 is-at aa:bb:cc:dd:ee:ff, length 46"},
		{"tcp syn", tcpFrame(t, func(s *layers.TCP) { s.SYN = true }, 0),
			"IP 172.17.0.1.43210 > 172.17.0.33.80: Flags [S], seq 123, length 0"},
		{"tcp syn-ack", tcpFrame(t, func(s *layers.TCP) { s.SYN, s.ACK = true, true }, 0),
			"IP 172.17.0.1.43210 > 172.17.0.33.80: Flags [S.], seq 123, ack 456, length 0"},
		{"tcp ack", tcpFrame(t, func(s *layers.TCP) { s.ACK = true }, 0),
			"IP 172.17.0.1.43210 > 172.17.0.33.80: Flags [.], ack 456, length 0"},
		{"tcp psh-ack", tcpFrame(t, func(s *layers.TCP) { s.PSH, s.ACK = true, true }, 10),
			"IP 172.17.0.1.43210 > 172.17.0.33.80: Flags [P.], seq 123:133, ack 456, length 10"},
		{"tcp fin-ack", tcpFrame(t, func(s *layers.TCP) { s.FIN, s.ACK = true, true }, 0),
			"IP 172.17.0.1.43210 > 172.17.0.33.80: Flags [F.], seq 123, ack 456, length 0"},
		{"tcp rst", tcpFrame(t, func(s *layers.TCP) { s.RST = true }, 0),
			"IP 172.17.0.1.43210 > 172.17.0.33.80: Flags [R], seq 123, length 0"},
		{"tcp rst-ack", tcpFrame(t, func(s *layers.TCP) { s.RST, s.ACK = true, true }, 0),
			"IP 172.17.0.1.43210 > 172.17.0.33.80: Flags [R.], seq 123, ack 456, length 0"},
		{"udp", build(t, append(udpLayers("10.0.0.1", "10.0.0.2", 5353, 53), gopacket.Payload(make([]byte, 12)))...),
			"IP 10.0.0.1.5353 > 10.0.0.2.53: UDP, length 12"},
		{"vxlan", build(t, vx...),
			"IP 192.168.100.100.54321 > 192.168.100.101.4789: VXLAN, flags [I] (0x08), vni 42" +
				" | IP 10.240.0.2 > 10.240.2.2: ICMP echo request, id 1, seq 1, length 64"},
		{"ipv6", build(t, eth(layers.EthernetTypeIPv6), ip6, rs, gopacket.Payload(make([]byte, 4))),
			"IP6 fe80::1 > ff02::2: ICMP6, router solicitation, length 8"},
		{"ipv6 hop-by-hop", mld,
			"IP6 :: > ff02::16: HBH ICMP6, multicast listener report v2, length 28"},
		{"ip in ip", build(t, ipip...),
			"IP 192.168.1.1 > 192.168.1.2: IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 64"},
		{"other ip protocol", gre, "IP 192.168.1.1 > 192.168.1.2: ip-proto-47 24"},
		{"other ethertype", lldp, "ethertype 0x88cc, length 60"},
		{"truncated", []byte{1, 2, 3}, "truncated frame, length 3"},
	} {
		if got := Format(c.frame); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.name, got, c.want)
		}
	}
}
