package mycni_test

import (
	"errors"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cnilab/lab/netops/mycni"
	"github.com/containernetworking/cni/pkg/types"
)

// article is the configuration article 000 deploys to /etc/cni/net.d.
const article = `{"cniVersion":"0.3.1","name":"my-cni-demo","type":"my-cni-demo","podcidr":"10.240.0.0/24"}`

func TestParseConfigArticle(t *testing.T) {
	conf, err := mycni.ParseConfig([]byte(article))
	if err != nil {
		t.Fatal(err)
	}
	if conf.CNIVersion != "0.3.1" || conf.Name != "my-cni-demo" || conf.Type != "my-cni-demo" {
		t.Errorf("parsed %+v", conf.PluginConf)
	}
	if conf.Subnet != netip.MustParsePrefix("10.240.0.0/24") {
		t.Errorf("subnet %s", conf.Subnet)
	}
	if conf.Gateway != netip.MustParseAddr("10.240.0.1") || conf.GatewayPrefix().String() != "10.240.0.1/24" {
		t.Errorf("gateway %s (%s)", conf.Gateway, conf.GatewayPrefix())
	}
	if conf.Broadcast() != netip.MustParseAddr("10.240.0.255") {
		t.Errorf("broadcast %s", conf.Broadcast())
	}
	if conf.Bridge != "cni0" || conf.DataDir != "/var/lib/cni/my-cni-demo" || conf.MTU != 0 {
		t.Errorf("defaults: bridge %q dataDir %q mtu %d", conf.Bridge, conf.DataDir, conf.MTU)
	}
}

func TestParseConfigOptional(t *testing.T) {
	conf, err := mycni.ParseConfig([]byte(`{"cniVersion":"1.1.0","name":"lab-net","type":"my-cni-demo",
		"podcidr":"10.240.1.0/24","bridge":"labbr0","dataDir":"/tmp/x/../state","mtu":1400,
		"prevResult":{"cniVersion":"1.1.0","ips":[{"address":"10.240.1.2/24","interface":1}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if conf.Bridge != "labbr0" || conf.DataDir != "/tmp/state" || conf.MTU != 1400 || conf.Gateway.String() != "10.240.1.1" {
		t.Errorf("parsed bridge %q dataDir %q mtu %d gateway %s", conf.Bridge, conf.DataDir, conf.MTU, conf.Gateway)
	}
	if conf.PrevResult == nil {
		t.Error("prevResult not parsed")
	}
}

func TestParseConfigRejects(t *testing.T) {
	for _, tc := range []struct {
		name, conf string
		code       uint
		msg        string // a part of the message
	}{
		{"not json", `{"cniVersion":"0.3.1",`, types.ErrDecodingFailure, "decode"},
		{"array", `[1,2]`, types.ErrDecodingFailure, "decode"},
		{"podcidr not a string", `{"cniVersion":"0.3.1","name":"n","podcidr":24}`, types.ErrDecodingFailure, "decode"},
		{"mtu not a number", `{"cniVersion":"0.3.1","name":"n","podcidr":"10.240.0.0/24","mtu":"big"}`, types.ErrDecodingFailure, "decode"},
		{"no version", `{"name":"n","podcidr":"10.240.0.0/24"}`, types.ErrIncompatibleCNIVersion, "cniVersion"},
		{"old version", `{"cniVersion":"0.2.0","name":"n","podcidr":"10.240.0.0/24"}`, types.ErrIncompatibleCNIVersion, `"0.2.0"`},
		{"future version", `{"cniVersion":"2.0.0","name":"n","podcidr":"10.240.0.0/24"}`, types.ErrIncompatibleCNIVersion, `"2.0.0"`},
		{"no name", `{"cniVersion":"0.3.1","podcidr":"10.240.0.0/24"}`, types.ErrInvalidNetworkConfig, "name"},
		{"bad name", `{"cniVersion":"0.3.1","name":"../etc","podcidr":"10.240.0.0/24"}`, types.ErrInvalidNetworkConfig, "../etc"},
		{"no podcidr", `{"cniVersion":"0.3.1","name":"n"}`, types.ErrInvalidNetworkConfig, "podcidr"},
		{"podcidr garbage", `{"cniVersion":"0.3.1","name":"n","podcidr":"10.240.0/24"}`, types.ErrInvalidNetworkConfig, "10.240.0/24"},
		{"podcidr no length", `{"cniVersion":"0.3.1","name":"n","podcidr":"10.240.0.0"}`, types.ErrInvalidNetworkConfig, "10.240.0.0"},
		{"podcidr ipv6", `{"cniVersion":"0.3.1","name":"n","podcidr":"fd00::/64"}`, types.ErrInvalidNetworkConfig, "IPv4"},
		{"podcidr host bits", `{"cniVersion":"0.3.1","name":"n","podcidr":"10.240.0.1/24"}`, types.ErrInvalidNetworkConfig, "10.240.0.0/24"},
		{"podcidr /31", `{"cniVersion":"0.3.1","name":"n","podcidr":"10.240.0.0/31"}`, types.ErrInvalidNetworkConfig, "too small"},
		{"podcidr /4", `{"cniVersion":"0.3.1","name":"n","podcidr":"0.0.0.0/4"}`, types.ErrInvalidNetworkConfig, "too large"},
		{"bridge too long", `{"cniVersion":"0.3.1","name":"n","podcidr":"10.240.0.0/24","bridge":"abcdefghijklmnop"}`, types.ErrInvalidNetworkConfig, "15"},
		{"bridge slash", `{"cniVersion":"0.3.1","name":"n","podcidr":"10.240.0.0/24","bridge":"a/b"}`, types.ErrInvalidNetworkConfig, "a/b"},
		{"relative dataDir", `{"cniVersion":"0.3.1","name":"n","podcidr":"10.240.0.0/24","dataDir":"state"}`, types.ErrInvalidNetworkConfig, "dataDir"},
		{"tiny mtu", `{"cniVersion":"0.3.1","name":"n","podcidr":"10.240.0.0/24","mtu":10}`, types.ErrInvalidNetworkConfig, "mtu"},
		{"bad prevResult", `{"cniVersion":"1.0.0","name":"n","podcidr":"10.240.0.0/24","prevResult":{"ips":[{"address":"x"}]}}`, types.ErrDecodingFailure, "prevResult"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conf, err := mycni.ParseConfig([]byte(tc.conf))
			if err == nil {
				t.Fatalf("accepted: %+v", conf)
			}
			var te *types.Error
			if !errors.As(err, &te) {
				t.Fatalf("error %v is a %T, not a *types.Error", err, err)
			}
			if te.Code != tc.code {
				t.Errorf("code %d, want %d (%s)", te.Code, tc.code, te.Msg)
			}
			if !strings.Contains(te.Msg, tc.msg) {
				t.Errorf("message %q does not mention %q", te.Msg, tc.msg)
			}
			if te.Msg != "" && strings.ToLower(te.Msg[:1]) != te.Msg[:1] {
				t.Errorf("message %q does not start lowercase", te.Msg)
			}
		})
	}
}

func TestHostVethName(t *testing.T) {
	a := mycni.HostVethName("3f1c0de", "eth0")
	if a != mycni.HostVethName("3f1c0de", "eth0") {
		t.Error("not stable")
	}
	if len(a) != 12 || !strings.HasPrefix(a, "veth") || len(a) > 15 {
		t.Errorf("name %q", a)
	}
	if a == mycni.HostVethName("3f1c0de", "eth1") || a == mycni.HostVethName("3f1c0df", "eth0") {
		t.Error("same name for different attachments")
	}
}

// FuzzParseConfig feeds ParseConfig arbitrary bytes: it never panics, an
// error is always a *types.Error with one of the codes it documents, and an
// accepted configuration always satisfies what ADD relies on.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		article,
		`{"cniVersion":"1.1.0","name":"n","podcidr":"192.168.0.0/30","bridge":"br0","dataDir":"/x","mtu":9000}`,
		`{"cniVersion":"0.4.0","name":"n","podcidr":"10.0.0.0/8","prevResult":{"ips":[{"version":"4","address":"10.0.0.2/8"}]}}`,
		`{"cniVersion":"0.3.1","name":"n","podcidr":"10.240.0.1/24"}`,
		`{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		conf, err := mycni.ParseConfig(data)
		if err != nil {
			var te *types.Error
			if !errors.As(err, &te) {
				t.Fatalf("error %v is a %T, not a *types.Error", err, err)
			}
			switch te.Code {
			case types.ErrIncompatibleCNIVersion, types.ErrDecodingFailure, types.ErrInvalidNetworkConfig:
			default:
				t.Fatalf("code %d: %s", te.Code, te.Msg)
			}
			if te.Msg == "" {
				t.Fatal("empty message")
			}
			return
		}
		if !conf.Subnet.Addr().Is4() || conf.Subnet.Masked() != conf.Subnet || conf.Subnet.Bits() > 30 || conf.Subnet.Bits() < 8 {
			t.Fatalf("accepted subnet %s", conf.Subnet)
		}
		if !conf.Subnet.Contains(conf.Gateway) || conf.Gateway == conf.Subnet.Addr() || conf.Gateway == conf.Broadcast() {
			t.Fatalf("gateway %s of %s", conf.Gateway, conf.Subnet)
		}
		if conf.Bridge == "" || len(conf.Bridge) > 15 || conf.Name == "" || !filepath.IsAbs(conf.DataDir) {
			t.Fatalf("accepted bridge %q name %q dataDir %q", conf.Bridge, conf.Name, conf.DataDir)
		}
		if dir := mycni.StoreDir(conf.DataDir, conf.Name); filepath.Dir(dir) != conf.DataDir {
			t.Fatalf("store %s escapes dataDir %s", dir, conf.DataDir)
		}
	})
}
