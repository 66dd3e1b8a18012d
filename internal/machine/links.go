package machine

import (
	"fmt"
	"math"
	"net"
	"slices"
	"strconv"

	"github.com/vishvananda/netlink"
)

// linkLines lists the links and returns their names by index, which the
// address and route lines use instead of indexes: an index says nothing to
// a reader and changes when an equal link is recreated.
func linkLines() ([]string, map[int]string, error) {
	links, err := dump("links", netlink.LinkList)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[int]string, len(links))
	for _, l := range links {
		names[l.Attrs().Index] = l.Attrs().Name
	}
	lines := make([]string, 0, len(links))
	for _, l := range links {
		a := l.Attrs()
		// Only the administrative UP flag: RUNNING and the operstate follow
		// the carrier, which changes without anyone configuring anything.
		state := "down"
		if a.Flags&net.FlagUp != 0 {
			state = "up"
		}
		line := fmt.Sprintf("%s %s %s mtu %d", a.Name, l.Type(), state, a.MTU)
		if a.MasterIndex != 0 {
			line += " master " + devName(names, a.MasterIndex)
		}
		if a.Alias != "" {
			line += " alias " + strconv.Quote(a.Alias)
		}
		lines = append(lines, line)
	}
	slices.Sort(lines)
	return lines, names, nil
}

// addrLines lists the addresses of both families.
func addrLines(names map[int]string) ([]string, error) {
	addrs, err := dump("addresses", func() ([]netlink.Addr, error) {
		return netlink.AddrList(nil, netlink.FAMILY_ALL)
	})
	if err != nil {
		return nil, err
	}
	lines := make([]string, 0, len(addrs))
	for _, a := range addrs {
		// SLAAC and privacy addresses come and go with router
		// advertisements; only addresses that live forever were configured.
		if a.IP.To4() == nil && uint32(a.ValidLft) != math.MaxUint32 {
			continue
		}
		line := devName(names, a.LinkIndex) + " " + a.IPNet.String()
		if a.Peer != nil {
			line += " peer " + a.Peer.String()
		}
		lines = append(lines, line)
	}
	slices.Sort(lines)
	return lines, nil
}

// devName names a link by index; a link that appeared after the link dump
// is shown by its index.
func devName(names map[int]string, index int) string {
	if n, ok := names[index]; ok {
		return n
	}
	return fmt.Sprintf("if%d", index)
}
