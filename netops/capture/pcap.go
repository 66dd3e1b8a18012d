package capture

import (
	"fmt"
	"io"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// WritePcap writes packets as a pcap file (Ethernet, nanosecond
// timestamps) that tcpdump -r and Wireshark read.
//
// Equivalent to: `ip netns exec NETNS tcpdump -n -i IFACE -w FILE`
func WritePcap(w io.Writer, pkts []Packet) error {
	pw := pcapgo.NewWriterNanos(w)
	if err := pw.WriteFileHeader(snaplen, layers.LinkTypeEthernet); err != nil {
		return fmt.Errorf("write pcap header: %w", err)
	}
	for i, p := range pkts {
		ci := gopacket.CaptureInfo{
			Timestamp:     p.Time,
			CaptureLength: len(p.Data),
			Length:        max(p.wire, len(p.Data)),
		}
		if err := pw.WritePacket(ci, p.Data); err != nil {
			return fmt.Errorf("write pcap packet %d: %w", i+1, err)
		}
	}
	return nil
}
