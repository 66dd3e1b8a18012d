package cni

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/containernetworking/cni/libcni"

	"github.com/cnilab/lab/netops/ns"
)

// ReferencePlugins are the plugins `make build` puts in bin/cni: the lessons
// need every one of them.
var ReferencePlugins = []string{"bridge", "host-local", "loopback", "portmap"}

// versionTimeout bounds one plugin's VERSION answer.
const versionTimeout = 10 * time.Second

// PluginInfo is one plugin of CNI_PATH as `lab doctor` shows it.
//
// Equivalent to: `ls -l bin/cni/bridge; CNI_COMMAND=VERSION bin/cni/bridge < /dev/null`
type PluginInfo struct {
	Name       string   // the plugin type, e.g. "bridge"
	Path       string   // PluginDir/Name
	Present    bool     // the file exists (and is not a folder)
	Executable bool     // it has an execute bit
	Versions   []string // the CNI spec versions it supports, from VERSION ("0.1.0" ... "1.1.0")
	Err        string   // why VERSION failed, "" when it answered
}

// Plugins lists the reference plugins and every other file in PluginDir
// (a learner's my-cni-demo, say), each with the spec versions it reports to
// libcni's GetVersionInfo. VERSION runs from the sandbox host when it
// exists; before a scope is set up it runs where lab runs, which is safe for
// any plugin that follows the spec (VERSION only prints JSON).
//
// Equivalent to: `for p in bin/cni/*; do CNI_COMMAND=VERSION $p < /dev/null; done`
func (r *Runtime) Plugins() []PluginInfo {
	names := append([]string(nil), ReferencePlugins...)
	known := map[string]bool{}
	for _, n := range names {
		known[n] = true
	}
	var extra []string
	for _, dir := range filepath.SplitList(r.PluginDir) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") || known[e.Name()] {
				continue
			}
			known[e.Name()] = true
			extra = append(extra, e.Name())
		}
	}
	sort.Strings(extra)
	return r.plugins(append(names, extra...))
}

// Plugin is one plugin of CNI_PATH, by type, with its VERSION answer.
//
// Equivalent to: `CNI_COMMAND=VERSION $CNI_PATH/NAME < /dev/null`
func (r *Runtime) Plugin(name string) PluginInfo { return r.plugins([]string{name})[0] }

// plugins looks at each named plugin and asks those it can run for VERSION.
func (r *Runtime) plugins(names []string) []PluginInfo {
	infos := make([]PluginInfo, len(names))
	for i, n := range names {
		p := PluginInfo{Name: n, Path: PluginPath(r.PluginDir, n)}
		if st, err := os.Stat(p.Path); err != nil {
			p.Err = "not found in " + r.PluginDir
		} else if st.IsDir() {
			p.Err = "a folder, not a plugin"
		} else {
			p.Present = true
			p.Executable = st.Mode().Perm()&0o111 != 0
			if !p.Executable {
				p.Err = "not executable (chmod +x " + p.Path + ")"
			}
		}
		infos[i] = p
	}

	ask := func() error {
		cninet := libcni.NewCNIConfigWithCacheDir(filepath.SplitList(r.PluginDir), r.CacheDir, &recorder{})
		for i := range infos {
			if !infos[i].Executable {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), versionTimeout)
			vi, err := cninet.GetVersionInfo(ctx, infos[i].Name)
			cancel()
			if err != nil {
				infos[i].Err = errorInfo(err).Msg
				continue
			}
			infos[i].Versions = vi.SupportedVersions()
		}
		return nil
	}
	if r.HostNetns != "" && ns.Exists(r.HostNetns) {
		if err := ns.Do(r.HostNetns, ask); err != nil {
			for i := range infos {
				if infos[i].Executable && infos[i].Err == "" {
					infos[i].Err = err.Error()
				}
			}
		}
	} else {
		_ = ask()
	}
	return infos
}

// PluginPath finds a plugin in a CNI_PATH list, as a runtime does: the first
// folder holding it wins; when none does, the first folder's would-be path.
func PluginPath(cniPath, name string) string {
	dirs := filepath.SplitList(cniPath)
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if len(dirs) == 0 {
		return name
	}
	return filepath.Join(dirs[len(dirs)-1], name)
}
