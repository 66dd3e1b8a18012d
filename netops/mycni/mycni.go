// Package mycni is the lab's own CNI plugin, "my-cni-demo": the Go
// counterpart of the bash plugin of cni-from-scratch that article 000
// deploys with
//
//	{"cniVersion":"0.3.1","name":"my-cni-demo","type":"my-cni-demo","podcidr":"10.240.0.0/24"}
//
// in /etc/cni/net.d. Like the bash original, ADD makes the bridge cni0 with
// the first address of podcidr, a veth pair with one end in the bridge and
// the other in the container as CNI_IFNAME, gives that end the next free
// address of podcidr and a default route via the bridge, and prints the
// result. Unlike it, every step is idempotent, addresses are released on
// DEL, concurrent calls are serialized by a lock, and every failure is a
// CNI error (JSON on stdout, exit code 1).
//
// The lab binary is the plugin when it runs under the name my-cni-demo:
//
//	if filepath.Base(os.Args[0]) == mycni.Name {
//		mycni.Main()
//		return
//	}
package mycni

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/containernetworking/cni/pkg/skel"
	"github.com/containernetworking/cni/pkg/types"
	types100 "github.com/containernetworking/cni/pkg/types/100"
	"github.com/containernetworking/cni/pkg/version"
	"github.com/vishvananda/netlink"
)

// Name is the plugin's type, the file name runtimes look for in CNI_PATH.
const Name = "my-cni-demo"

// About is printed on stderr when the plugin runs without CNI_COMMAND.
const About = "CNI plugin my-cni-demo (cnilab): a bridge, a veth per container and addresses from podcidr, the Go version of cni-from-scratch's bash my-cni-demo"

// SupportedVersions are the CNI spec versions the plugin speaks.
var SupportedVersions = []string{"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"}

// Plugin-specific error codes (the spec leaves 100 and up to plugins).
const (
	CodeNoFreeAddress uint = 100 // every address of podcidr is reserved
	CodeExists        uint = 101 // CNI_IFNAME or the host veth exists already
	CodeCheckFailed   uint = 102 // CHECK found something missing or wrong
	CodeKernel        uint = 103 // a netlink request failed
	CodeStore         uint = 104 // the IP store could not be read or written
)

// Main runs the plugin: it reads CNI_COMMAND and the other variables and the
// configuration on stdin, does the command and prints the result or the
// error on stdout. On error it exits with status 1; on success it returns.
func Main() {
	skel.PluginMainFuncs(skel.CNIFuncs{
		Add:    guard(cmdAdd),
		Check:  guard(cmdCheck),
		Del:    guard(cmdDel),
		GC:     guard(cmdGC),
		Status: guard(cmdStatus),
	}, version.PluginSupports(SupportedVersions...), About)
}

// guard turns a panic into a CNI error: a runtime reads JSON on stdout, never
// a Go stack trace.
func guard(cmd func(*skel.CmdArgs) error) func(*skel.CmdArgs) error {
	return func(args *skel.CmdArgs) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = types.NewError(types.ErrInternal, fmt.Sprintf("internal error in %s: %v", Name, r), "")
			}
		}()
		return cmd(args)
	}
}

// cmdAdd attaches the container: bridge, veth, address, route.
func cmdAdd(args *skel.CmdArgs) error {
	conf, err := ParseConfig(args.StdinData)
	if err != nil {
		return err
	}
	if args.Netns == "" {
		return types.NewError(types.ErrInvalidEnvironmentVariables, "CNI_NETNS is empty: ADD needs the container's netns", "")
	}
	c, err := openContainerNS(args.Netns)
	if err != nil {
		return err
	}
	defer c.Close()
	s, err := openStore(conf)
	if err != nil {
		return err
	}
	defer s.Close()

	o := owner{args.ContainerID, args.IfName}
	addr, fresh, err := s.allocate(conf, o)
	if err != nil {
		return err
	}
	// On failure the attachment leaves nothing behind but an address it
	// already had before this call (a runtime's DEL releases that).
	var att *attachment
	undo := func() {
		if att != nil {
			netlink.LinkDel(att.host)
		}
		if fresh {
			s.remove(addr)
		}
	}
	br, err := ensureBridge(conf)
	if err != nil {
		undo()
		return err
	}
	hostName := HostVethName(args.ContainerID, args.IfName)
	if att, err = addVeth(conf, br, c, hostName, args.IfName); err != nil {
		undo()
		return err
	}
	ipn := netip.PrefixFrom(addr, conf.Subnet.Bits())
	if err := configureContainer(conf, c, att.cont, ipn); err != nil {
		undo()
		return err
	}

	result := &types100.Result{CNIVersion: types100.ImplementedSpecVersion, DNS: conf.DNS}
	if conf.PrevResult != nil {
		// A plugin given a prevResult passes it on with its own work added.
		prev, err := types100.NewResultFromResult(conf.PrevResult)
		if err != nil {
			undo()
			return types.NewError(types.ErrDecodingFailure, "convert prevResult: "+err.Error(), "")
		}
		result = prev
		if len(conf.DNS.Nameservers) > 0 || conf.DNS.Domain != "" {
			result.DNS = conf.DNS
		}
	}
	hostIdx := len(result.Interfaces)
	contIdx := hostIdx + 1
	result.Interfaces = append(result.Interfaces,
		&types100.Interface{Name: hostName, Mac: att.host.Attrs().HardwareAddr.String(), Mtu: conf.MTU},
		&types100.Interface{Name: args.IfName, Mac: att.cont.Attrs().HardwareAddr.String(), Mtu: conf.MTU, Sandbox: args.Netns},
	)
	result.IPs = append(result.IPs, &types100.IPConfig{
		Interface: types100.Int(contIdx),
		Address:   *ipNet(ipn),
		Gateway:   conf.Gateway.AsSlice(),
	})
	result.Routes = append(result.Routes, &types.Route{Dst: *defaultDst(), GW: conf.Gateway.AsSlice()})
	if err := types.PrintResult(result, conf.CNIVersion); err != nil {
		undo()
		return types.NewError(types.ErrIOFailure, "print result: "+err.Error(), "")
	}
	return nil
}

// expected is what CHECK looks for: from prevResult when the runtime gave
// one, else from the IP store.
type expected struct {
	addrs   []netip.Prefix
	contMAC string
	hostMAC string
}

func expectation(conf *Config, s *store, args *skel.CmdArgs) (*expected, error) {
	o := owner{args.ContainerID, args.IfName}
	if conf.PrevResult == nil {
		addrs, err := s.find(o)
		if err != nil {
			return nil, err
		}
		if len(addrs) == 0 {
			return nil, checkFailed("no address is reserved for %s in %s", o, s.dir)
		}
		e := &expected{}
		for _, a := range addrs {
			e.addrs = append(e.addrs, netip.PrefixFrom(a, conf.Subnet.Bits()))
		}
		return e, nil
	}
	prev, err := types100.NewResultFromResult(conf.PrevResult)
	if err != nil {
		return nil, types.NewError(types.ErrDecodingFailure, "convert prevResult: "+err.Error(), "")
	}
	e := &expected{}
	contIdx := -1
	hostName := HostVethName(args.ContainerID, args.IfName)
	for i, intf := range prev.Interfaces {
		switch {
		case intf.Name == args.IfName && intf.Sandbox != "":
			contIdx, e.contMAC = i, intf.Mac
		case intf.Name == hostName && intf.Sandbox == "":
			e.hostMAC = intf.Mac
		}
	}
	if contIdx < 0 {
		return nil, checkFailed("prevResult lists no interface %s in a sandbox", args.IfName)
	}
	for _, ip := range prev.IPs {
		if ip.Interface == nil || *ip.Interface != contIdx {
			continue
		}
		a, ok := netip.AddrFromSlice(ip.Address.IP)
		ones, bits := ip.Address.Mask.Size()
		if !ok || bits == 0 {
			continue
		}
		if p := netip.PrefixFrom(a.Unmap(), ones); p.Addr().Is4() && conf.Subnet.Contains(p.Addr()) {
			e.addrs = append(e.addrs, p)
		}
	}
	if len(e.addrs) == 0 {
		return nil, checkFailed("prevResult gives %s no address in podcidr %s", args.IfName, conf.Subnet)
	}
	// An address in the result must still be reserved for the attachment.
	recs, err := s.records()
	if err != nil {
		return nil, err
	}
	for _, p := range e.addrs {
		if r, ok := recs[p.Addr()]; !ok {
			return nil, checkFailed("address %s of %s is not reserved in %s", p.Addr(), o, s.dir)
		} else if r != o {
			return nil, checkFailed("address %s of %s is reserved for %s in %s", p.Addr(), o, r, s.dir)
		}
	}
	return e, nil
}

func checkFailed(format string, a ...any) *types.Error {
	return types.NewError(CodeCheckFailed, fmt.Sprintf(format, a...), "")
}

// cmdCheck verifies that ADD's work is still there: the bridge with the
// gateway, the host veth in it, CNI_IFNAME in the container with its address
// and the default route via the gateway, and the address's reservation.
func cmdCheck(args *skel.CmdArgs) error {
	conf, err := ParseConfig(args.StdinData)
	if err != nil {
		return err
	}
	c, err := openContainerNS(args.Netns)
	if err != nil {
		return err
	}
	defer c.Close()
	s, err := openStore(conf)
	if err != nil {
		return err
	}
	defer s.Close()
	want, err := expectation(conf, s, args)
	if err != nil {
		return err
	}

	br, err := bridgeByName(conf.Bridge)
	if err != nil {
		return types.NewError(CodeCheckFailed, err.Error(), "")
	}
	if br.Attrs().Flags&net.FlagUp == 0 {
		return checkFailed("bridge %s in %s is down", conf.Bridge, hostNS)
	}
	host := &netlink.Handle{}
	if ok, err := hasAddr(host, br, conf.GatewayPrefix()); err != nil {
		return kernelError("list addresses of bridge %s in %s: %v", conf.Bridge, hostNS, err)
	} else if !ok {
		return checkFailed("bridge %s in %s does not have the gateway address %s", conf.Bridge, hostNS, conf.GatewayPrefix())
	}
	hostName := HostVethName(args.ContainerID, args.IfName)
	hv, err := netlink.LinkByName(hostName)
	if err != nil {
		return checkFailed("host veth %s is missing from %s: %v", hostName, hostNS, err)
	}
	if hv.Attrs().MasterIndex != br.Attrs().Index {
		return checkFailed("host veth %s in %s is not attached to bridge %s", hostName, hostNS, conf.Bridge)
	}
	if want.hostMAC != "" && hv.Attrs().HardwareAddr.String() != want.hostMAC {
		return checkFailed("host veth %s in %s has mac %s, the result says %s", hostName, hostNS, hv.Attrs().HardwareAddr, want.hostMAC)
	}

	link, err := c.h.LinkByName(args.IfName)
	if err != nil {
		if isNotFound(err) {
			return checkFailed("interface %s is missing from netns %s", args.IfName, c.path)
		}
		return kernelError("look up %s in netns %s: %v", args.IfName, c.path, err)
	}
	if link.Attrs().Flags&net.FlagUp == 0 {
		return checkFailed("interface %s in netns %s is down", args.IfName, c.path)
	}
	if want.contMAC != "" && link.Attrs().HardwareAddr.String() != want.contMAC {
		return checkFailed("interface %s in netns %s has mac %s, the result says %s", args.IfName, c.path, link.Attrs().HardwareAddr, want.contMAC)
	}
	for _, p := range want.addrs {
		if ok, err := hasAddr(c.h, link, p); err != nil {
			return kernelError("list addresses of %s in netns %s: %v", args.IfName, c.path, err)
		} else if !ok {
			return checkFailed("address %s is missing from %s in netns %s", p, args.IfName, c.path)
		}
	}
	if ok, err := hasDefaultRoute(c.h, link, conf.Gateway); err != nil {
		return kernelError("list routes of %s in netns %s: %v", args.IfName, c.path, err)
	} else if !ok {
		return checkFailed("default route via %s dev %s is missing from netns %s", conf.Gateway, args.IfName, c.path)
	}
	return nil
}

// cmdDel undoes ADD as far as it can: the veth (deleting either end deletes
// both) and the address reservations. A missing netns, interface or
// reservation is success; the bridge stays, other containers use it.
func cmdDel(args *skel.CmdArgs) error {
	conf, err := ParseConfig(args.StdinData)
	if err != nil {
		return err
	}
	s, err := openStore(conf)
	if err != nil {
		return err
	}
	defer s.Close()

	if args.Netns != "" {
		c, err := openContainerNS(args.Netns)
		var ne *nsError
		switch {
		case err == nil:
			derr := deleteLink(c.h, args.IfName, "netns "+args.Netns)
			c.Close()
			if derr != nil {
				return derr
			}
		case errors.As(err, &ne) && ne.gone:
			// The netns is gone: so is everything the plugin made in it.
		default:
			return err
		}
	}
	// The host end, found by its name: it outlives a netns that is being
	// torn down, or one the runtime no longer names.
	if err := deleteLink(&netlink.Handle{}, HostVethName(args.ContainerID, args.IfName), hostNS); err != nil {
		return err
	}
	_, err = s.release(owner{args.ContainerID, args.IfName})
	return err
}

// cmdGC releases the reservations (and host veths) of every attachment that
// is not in cni.dev/valid-attachments.
func cmdGC(args *skel.CmdArgs) error {
	conf, err := ParseConfig(args.StdinData)
	if err != nil {
		return err
	}
	s, err := openStore(conf)
	if err != nil {
		return err
	}
	defer s.Close()
	recs, err := s.records()
	if err != nil {
		return err
	}
	valid := map[owner]bool{}
	for _, a := range conf.ValidAttachments {
		valid[owner{a.ContainerID, a.IfName}] = true
	}
	var errs []error
	addrs := make([]netip.Addr, 0, len(recs))
	for a := range recs {
		addrs = append(addrs, a)
	}
	slices.SortFunc(addrs, netip.Addr.Compare)
	for _, a := range addrs {
		o := recs[a]
		if valid[o] {
			continue
		}
		if err := deleteLink(&netlink.Handle{}, HostVethName(o.containerID, o.ifname), hostNS); err != nil {
			errs = append(errs, err)
		}
		if err := s.remove(a); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return storeError("gc of network %s: %v", conf.Name, errors.Join(errs...))
	}
	return nil
}

// cmdStatus reports whether an ADD could get an address.
func cmdStatus(args *skel.CmdArgs) error {
	conf, err := ParseConfig(args.StdinData)
	if err != nil {
		return err
	}
	s, err := openStore(conf)
	if err != nil {
		return types.NewError(types.ErrPluginNotAvailable, err.Error(), "")
	}
	defer s.Close()
	recs, err := s.records()
	if err != nil {
		return types.NewError(types.ErrPluginNotAvailable, err.Error(), "")
	}
	used := 0
	for a := range recs {
		if usable(conf, a) {
			used++
		}
	}
	if capacity := 1<<(32-conf.Subnet.Bits()) - 3; used >= capacity {
		return types.NewError(types.ErrPluginNotAvailable, fmt.Sprintf("no free addresses in %s", conf.Subnet), "")
	}
	return nil
}
