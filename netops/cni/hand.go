package cni

import (
	"encoding/json"
	"path/filepath"
	"strings"
)

// HandCommand is the command a learner types for the call, as article 001
// step 4 does: the CNI_* variables, the plugin binary from CNI_PATH, the
// config file on stdin. A chain (.conflist) cannot be fed to one plugin by
// hand, so for it the command is cnitool's, which runs the chain through
// libcni (cnitool names the container after a hash of the netns path).
// Run it from the sandbox host: `ip netns exec lab-host ...`.
//
// Equivalent to: `CNI_COMMAND=ADD CNI_CONTAINERID=pause_demo CNI_NETNS=/var/run/netns/pause_demo CNI_IFNAME=eth10 CNI_PATH=/.../bin/cni /.../bin/cni/bridge < /tmp/00-demo.conf`
func HandCommand(c Call, pluginDir string) string {
	cmd := strings.ToUpper(strings.TrimSpace(c.Command))
	var conf struct {
		Name    string `json:"name"`
		Type    string `json:"type"`
		Plugins []struct {
			Type string `json:"type"`
		} `json:"plugins"`
	}
	_ = json.Unmarshal(c.Config, &conf)
	file := c.ConfigFile
	if file == "" {
		file = conf.Name + ".conf"
	}
	var types []string
	if conf.Plugins != nil {
		for _, p := range conf.Plugins {
			types = append(types, p.Type)
		}
	} else {
		types = []string{conf.Type}
	}

	if cmd == "VERSION" {
		var lines []string
		seen := map[string]bool{}
		for _, t := range types {
			if seen[t] {
				continue
			}
			seen[t] = true
			lines = append(lines, "CNI_COMMAND=VERSION "+quote(filepath.Join(pluginDir, t))+" < "+quote(file))
		}
		return strings.Join(lines, "\n")
	}

	if conf.Plugins != nil {
		words := []string{"CNI_PATH=" + quote(pluginDir), "NETCONFPATH=" + quote(filepath.Dir(file))}
		if c.IfName != "" {
			words = append(words, "CNI_IFNAME="+quote(c.IfName))
		}
		last := filepath.SplitList(pluginDir)
		words = append(words, quote(filepath.Join(filepath.Dir(last[len(last)-1]), "cnitool")),
			strings.ToLower(cmd), quote(conf.Name), quote(c.Netns))
		return strings.Join(words, " ")
	}

	words := []string{"CNI_COMMAND=" + cmd}
	for _, kv := range [][2]string{
		{"CNI_CONTAINERID", c.ContainerID},
		{"CNI_NETNS", c.Netns},
		{"CNI_IFNAME", c.IfName},
		{"CNI_PATH", pluginDir},
	} {
		if kv[1] != "" {
			words = append(words, kv[0]+"="+quote(kv[1]))
		}
	}
	words = append(words, quote(PluginPath(pluginDir, conf.Type)), "<", quote(file))
	return strings.Join(words, " ")
}

// quote single-quotes a shell word that needs it.
func quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
