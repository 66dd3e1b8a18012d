package cni

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/types"
)

// ownPlugin is the lab's own plugin (article 000's my-cni-demo): it keeps
// its leases in a top-level "dataDir" rather than in an ipam section.
const ownPlugin = "my-cni-demo"

// netConf is a learner's config read by libcni: a single-plugin .conf or a
// .conflist chain, with the lab's dataDir injected where it was missing.
type netConf struct {
	name    string
	single  *libcni.PluginConfig      // a .conf (article 001's 00-demo.conf)
	list    *libcni.NetworkConfigList // a .conflist with "plugins"
	types   []string                  // the plugin types, in chain order
	dataDir string                    // where the IPAM files of this network live, "" when no plugin keeps any
}

// prepare injects the lab's dataDir and parses the config with libcni, as a
// .conflist when it has "plugins", else as a single-plugin .conf.
//
// Equivalent to: `jq '.ipam.dataDir = "/run/cnilab/lab/ipam"' /tmp/00-demo.conf`
func prepare(raw []byte, dataDir string) (*netConf, error) {
	var top map[string]any
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("error parsing configuration: %w", err)
	}
	nc := &netConf{}
	nc.name, _ = top["name"].(string)
	changed := false
	if plugins, ok := top["plugins"].([]any); ok {
		for _, p := range plugins {
			if m, ok := p.(map[string]any); ok && injectDataDir(m, dataDir, &nc.dataDir) {
				changed = true
			}
		}
	} else if _, ok := top["plugins"]; !ok {
		changed = injectDataDir(top, dataDir, &nc.dataDir)
	}
	if changed {
		b, err := json.Marshal(top)
		if err != nil {
			return nil, fmt.Errorf("inject dataDir: %w", err)
		}
		raw = b
	}
	if nc.dataDir != "" && nc.name != "" {
		// host-local keeps one folder per network in its dataDir.
		nc.dataDir = filepath.Join(nc.dataDir, nc.name)
	}

	if _, ok := top["plugins"]; ok {
		list, err := libcni.ConfListFromBytes(raw)
		if err != nil {
			return nil, err
		}
		if len(list.Plugins) == 0 {
			return nil, errors.New("error parsing configuration list: no plugins in list")
		}
		nc.list = list
		nc.name = list.Name
		for _, p := range list.Plugins {
			nc.types = append(nc.types, p.Network.Type)
		}
		return nc, nil
	}
	// libcni.ConfFromBytes, without its deprecation: the same parser.
	single, err := libcni.NetworkPluginConfFromBytes(raw)
	if err != nil {
		return nil, err
	}
	nc.single = single
	nc.name = single.Network.Name
	nc.types = []string{single.Network.Type}
	return nc, nil
}

// injectDataDir sets dataDir in one plugin's config when the plugin keeps
// leases (host-local as its IPAM, or the lab's own plugin) and the learner
// did not choose a folder. It records the folder used, chosen or injected,
// and reports whether it changed the config.
func injectDataDir(plugin map[string]any, dataDir string, used *string) bool {
	if dataDir == "" {
		return false
	}
	if t, _ := plugin["type"].(string); t == ownPlugin {
		if d, ok := plugin["dataDir"].(string); ok && d != "" {
			*used = d
			return false
		}
		plugin["dataDir"] = dataDir
		*used = dataDir
		return true
	}
	ipam, ok := plugin["ipam"].(map[string]any)
	if !ok {
		return false
	}
	if t, _ := ipam["type"].(string); t != "host-local" {
		return false
	}
	if d, ok := ipam["dataDir"].(string); ok && d != "" {
		*used = d
		return false
	}
	ipam["dataDir"] = dataDir
	*used = dataDir
	return true
}

// call runs the command through libcni: AddNetwork, CheckNetwork,
// DelNetwork for a .conf, their List forms for a chain, GetVersionInfo for
// VERSION.
func (nc *netConf) call(ctx context.Context, c *libcni.CNIConfig, cmd string, rt *libcni.RuntimeConf) (types.Result, error) {
	switch cmd {
	case "ADD":
		if nc.list != nil {
			return c.AddNetworkList(ctx, nc.list, rt)
		}
		return c.AddNetwork(ctx, nc.single, rt)
	case "CHECK":
		if nc.list != nil {
			return nil, c.CheckNetworkList(ctx, nc.list, rt)
		}
		return nil, c.CheckNetwork(ctx, nc.single, rt)
	case "DEL":
		if nc.list != nil {
			return nil, c.DelNetworkList(ctx, nc.list, rt)
		}
		return nil, c.DelNetwork(ctx, nc.single, rt)
	case "VERSION":
		seen := map[string]bool{}
		for _, t := range nc.types {
			if seen[t] {
				continue
			}
			seen[t] = true
			if _, err := c.GetVersionInfo(ctx, t); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	return nil, fmt.Errorf("command %q, want ADD, CHECK, DEL or VERSION", cmd)
}

// ipamFiles lists the files host-local keeps for a network, each as
// "name = content" ("last_reserved_ip.0 = 10.0.10.2", "10.0.10.2 =
// pause_demo\neth10", its "\r\n" shown as a plain line break), an empty
// file by its name alone ("lock").
//
// Equivalent to: `grep -r . /var/lib/cni/networks/demo_br`
func ipamFiles(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var files []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		// host-local ends lines with "\r\n"; cat shows plain lines.
		content := strings.TrimRight(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
		if content == "" {
			files = append(files, e.Name())
			continue
		}
		files = append(files, e.Name()+" = "+content)
	}
	sort.Strings(files)
	return files
}

// pretty indents a JSON document as the plugins print theirs (4 spaces);
// anything else is returned as it is.
func pretty(b []byte) string {
	var compact, out bytes.Buffer
	if err := json.Compact(&compact, b); err != nil {
		return strings.TrimRight(string(b), "\n")
	}
	if err := json.Indent(&out, compact.Bytes(), "", "    "); err != nil {
		return strings.TrimRight(string(b), "\n")
	}
	return out.String()
}
