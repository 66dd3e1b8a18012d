package cluster

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestPluginConfigWorker01(t *testing.T) {
	got, err := Default().PluginConfig("cni-worker01")
	if err != nil {
		t.Fatal(err)
	}
	want := `{
    "cniVersion": "0.3.1",
    "name": "my-cni-demo",
    "type": "my-cni-demo",
    "podcidr": "10.240.1.0/24"
}
`
	if string(got) != want {
		t.Fatalf("PluginConfig(cni-worker01) =\n%s\nwant\n%s", got, want)
	}
}

// The master's config is the one the lessons already install by hand.
func TestPluginConfigMasterIsTheAsset(t *testing.T) {
	want, err := os.ReadFile("../../assets/cni/" + ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Default().PluginConfig("cni-master01")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("PluginConfig(cni-master01) =\n%s\nwant assets/cni/%s =\n%s", got, ConfigFile, want)
	}
}

func TestPluginConfigEveryNode(t *testing.T) {
	v := Generate(MaxNodes)
	for _, n := range v.NodeInfo {
		out, err := v.PluginConfig(n.Name)
		if err != nil {
			t.Fatal(err)
		}
		var conf map[string]string
		if err := json.Unmarshal(out, &conf); err != nil {
			t.Fatalf("PluginConfig(%s) is not JSON: %v\n%s", n.Name, err, out)
		}
		if conf["podcidr"] != n.PodCIDR || conf["name"] != v.Name || conf["type"] != v.Name || conf["cniVersion"] != "0.3.1" || len(conf) != 4 {
			t.Fatalf("PluginConfig(%s) = %v", n.Name, conf)
		}
	}
}

func TestPluginConfigEscapes(t *testing.T) {
	v := Default()
	v.Name = `a"b\c`
	out, err := v.PluginConfig("cni-master01")
	if err != nil {
		t.Fatal(err)
	}
	var conf map[string]string
	if err := json.Unmarshal(out, &conf); err != nil || conf["name"] != v.Name {
		t.Fatalf("PluginConfig with name %q = %s (%v)", v.Name, out, err)
	}
}

func TestPluginConfigUnknownNode(t *testing.T) {
	_, err := Default().PluginConfig("cni-worker09")
	if err == nil {
		t.Fatal("PluginConfig(cni-worker09) = nil error")
	}
	if !errors.Is(err, ErrUnknownNode) {
		t.Errorf("error %v does not wrap ErrUnknownNode", err)
	}
	want := `cni config for node "cni-worker09": no such node in nodeinfo (nodes: cni-master01, cni-worker01, cni-worker02)`
	if err.Error() != want {
		t.Errorf("error =\n%q\nwant\n%q", err, want)
	}
	_, err = Generate(20).PluginConfig("x")
	if err == nil || !strings.Contains(err.Error(), "cni-node08, and 12 more)") {
		t.Errorf("error of a large cluster = %v, want the first 8 nodes and a count", err)
	}
}

func TestConfigFile(t *testing.T) {
	if ConfigFile != "10-my-cni-demo.conf" {
		t.Fatalf("ConfigFile = %q, want the article's 10-my-cni-demo.conf", ConfigFile)
	}
	if got := Default().ConfigFile(); got != ConfigFile {
		t.Fatalf("Default().ConfigFile() = %q, want ConfigFile %q", got, ConfigFile)
	}
	v := Default()
	v.Name = "mynet"
	if got := v.ConfigFile(); got != "10-mynet.conf" {
		t.Fatalf("ConfigFile() of mynet = %q", got)
	}
}
