package mycni

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/cnilab/lab/netops/ipv4"
	"github.com/containernetworking/cni/pkg/types"
	"github.com/containernetworking/cni/pkg/version"
)

// Defaults for the optional keys of the network configuration.
const (
	DefaultBridge  = "cni0"
	DefaultDataDir = "/var/lib/cni/my-cni-demo"
)

// Prefix lengths podcidr may have: a /30 leaves one address for a container
// next to the network, the gateway and the broadcast address; a /8 is as
// large as a node's pod range sensibly gets.
const (
	minPrefixBits = 8
	maxPrefixBits = 30
)

// Config is the network configuration my-cni-demo reads on stdin, the
// article's
//
//	{"cniVersion":"0.3.1","name":"my-cni-demo","type":"my-cni-demo","podcidr":"10.240.0.0/24"}
//
// plus the optional keys bridge, dataDir and mtu. The fields after the
// JSON ones are filled in by ParseConfig.
type Config struct {
	types.PluginConf

	PodCIDR string `json:"podcidr"`
	Bridge  string `json:"bridge,omitempty"`
	DataDir string `json:"dataDir,omitempty"`
	MTU     int    `json:"mtu,omitempty"`

	// Subnet is podcidr parsed: an IPv4 network address and prefix.
	Subnet netip.Prefix `json:"-"`
	// Gateway is the first host of Subnet (10.240.0.1 for 10.240.0.0/24):
	// the bridge's address and the containers' default gateway.
	Gateway netip.Addr `json:"-"`
}

// GatewayPrefix is the bridge's address with podcidr's length, 10.240.0.1/24.
func (c *Config) GatewayPrefix() netip.Prefix {
	return netip.PrefixFrom(c.Gateway, c.Subnet.Bits())
}

// Broadcast is the last address of Subnet, never given to a container.
func (c *Config) Broadcast() netip.Addr { return ipv4.Last(c.Subnet) }

// ParseConfig decodes and validates the network configuration given on
// stdin. It touches nothing outside its argument, so it can be fuzzed. Every
// error is a *types.Error with the spec's code: 6 when the bytes are not the
// JSON of a configuration, 1 when cniVersion is not one this plugin speaks,
// 7 when a value is wrong (name, podcidr, bridge, dataDir, mtu).
func ParseConfig(stdin []byte) (*Config, error) {
	conf := &Config{}
	if err := json.Unmarshal(stdin, conf); err != nil {
		return nil, types.NewError(types.ErrDecodingFailure, "decode network configuration: "+err.Error(), "")
	}
	if conf.CNIVersion == "" {
		return nil, types.NewError(types.ErrIncompatibleCNIVersion,
			"network configuration has no cniVersion", "supported: "+strings.Join(SupportedVersions, ", "))
	}
	if !slices.Contains(SupportedVersions, conf.CNIVersion) {
		return nil, types.NewError(types.ErrIncompatibleCNIVersion,
			fmt.Sprintf("cniVersion %q is not supported by %s", conf.CNIVersion, Name),
			"supported: "+strings.Join(SupportedVersions, ", "))
	}
	if conf.Name == "" {
		return nil, invalidConfig("network configuration has no name")
	}
	// The name names a directory of the IP store: the spec's characters
	// (letters, digits, _ . -, not first) keep it inside dataDir.
	if !validNetworkName(conf.Name) {
		return nil, invalidConfig(fmt.Sprintf("network name %q has characters other than letters, digits, _ . - (or starts with one of _ . -)", conf.Name))
	}

	if conf.PodCIDR == "" {
		return nil, invalidConfig(fmt.Sprintf("network %s has no podcidr (the node's pod range, e.g. 10.240.0.0/24)", conf.Name))
	}
	subnet, err := netip.ParsePrefix(conf.PodCIDR)
	if err != nil {
		return nil, invalidConfig(fmt.Sprintf("podcidr %q is not a CIDR like 10.240.0.0/24", conf.PodCIDR))
	}
	if !subnet.Addr().Is4() {
		return nil, invalidConfig(fmt.Sprintf("podcidr %s is not IPv4", conf.PodCIDR))
	}
	if subnet.Masked() != subnet {
		return nil, invalidConfig(fmt.Sprintf("podcidr %s is not a network address (did you mean %s?)", conf.PodCIDR, subnet.Masked()))
	}
	if subnet.Bits() > maxPrefixBits {
		return nil, invalidConfig(fmt.Sprintf("podcidr %s is too small: it needs the network, the gateway, the broadcast address and one container (at most /%d)", conf.PodCIDR, maxPrefixBits))
	}
	if subnet.Bits() < minPrefixBits {
		return nil, invalidConfig(fmt.Sprintf("podcidr %s is too large (at least /%d)", conf.PodCIDR, minPrefixBits))
	}
	conf.Subnet = subnet
	conf.Gateway = subnet.Addr().Next()

	if conf.Bridge == "" {
		conf.Bridge = DefaultBridge
	}
	if msg := badIfName(conf.Bridge); msg != "" {
		return nil, invalidConfig(fmt.Sprintf("bridge %q %s", conf.Bridge, msg))
	}
	if conf.DataDir == "" {
		conf.DataDir = DefaultDataDir
	}
	if !filepath.IsAbs(conf.DataDir) {
		return nil, invalidConfig(fmt.Sprintf("dataDir %q is not an absolute path", conf.DataDir))
	}
	conf.DataDir = filepath.Clean(conf.DataDir)
	if conf.MTU != 0 && (conf.MTU < 68 || conf.MTU > 65535) {
		return nil, invalidConfig(fmt.Sprintf("mtu %d is outside 68..65535", conf.MTU))
	}

	if conf.RawPrevResult != nil {
		if err := version.ParsePrevResult(&conf.PluginConf); err != nil {
			return nil, types.NewError(types.ErrDecodingFailure, "decode prevResult: "+err.Error(), "")
		}
	}
	return conf, nil
}

func invalidConfig(msg string) *types.Error {
	return types.NewError(types.ErrInvalidNetworkConfig, msg, "")
}

// validNetworkName is the spec's rule for network names,
// ^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$.
func validNetworkName(name string) bool {
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case i > 0 && (r == '_' || r == '.' || r == '-'):
		default:
			return false
		}
	}
	return name != ""
}

// badIfName says what is wrong with a Linux interface name, "" when nothing.
func badIfName(name string) string {
	switch {
	case name == "":
		return "is empty"
	case len(name) > 15:
		return "is longer than 15 bytes"
	case name == "." || name == "..":
		return "is . or .."
	case strings.ContainsFunc(name, func(r rune) bool { return r == '/' || r == ':' || unicode.IsSpace(r) }):
		return "contains / or : or white space"
	}
	return ""
}
