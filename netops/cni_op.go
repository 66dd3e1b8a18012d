package netops

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cnilab/lab/assets"
	"github.com/cnilab/lab/netops/cni"
	"github.com/cnilab/lab/netops/ns"
)

// ConfDir is where the scope keeps the CNI network configs a lesson writes
// (the article's /tmp/00-demo.conf, /etc/cni/net.d).
func (s *Scope) ConfDir() string { return filepath.Join(s.StateDir, "net.d") }

// IPAMDir is the IPAM dataDir of lab's own plugin runs: host-local and
// my-cni-demo write here, never to the machine's /var/lib/cni.
func (s *Scope) IPAMDir() string { return filepath.Join(s.StateDir, "ipam") }

// CNIRuntime is the scope's CNI setup: plugins run in the sandbox host, with
// libcni's cache and the IPAM files inside the state dir.
func (s *Scope) CNIRuntime() *cni.Runtime {
	return &cni.Runtime{
		HostNetns: s.Netns(HostNetns),
		PluginDir: s.PluginDir(),
		CacheDir:  filepath.Join(s.StateDir, "cni-cache"),
		DataDir:   s.IPAMDir(),
	}
}

// CNIPluginDir is CNI_PATH: $CNILAB_CNI_PATH, else the cni folder next to
// the lab binary (make build puts the reference plugins in bin/cni).
func CNIPluginDir() string {
	if d := os.Getenv("CNILAB_CNI_PATH"); d != "" {
		return d
	}
	if bin, err := LabBinary(); err == nil {
		return filepath.Join(filepath.Dir(bin), "cni")
	}
	return "bin/cni"
}

// CNIConf writes a network config shipped with lab into the scope's
// config dir, as the article's `cat > /tmp/00-demo.conf <<EOF` does.
//
// Equivalent to: `cat > /run/cnilab/lab/net.d/00-demo.conf <<'EOF' ... EOF`
type CNIConf struct {
	File string `yaml:"file"`
	// Asset is the shipped config to write under File's name (a broken
	// variant, for a scenario); File's own when empty.
	Asset string `yaml:"asset"`
}

// Source is the shipped config written.
func (o CNIConf) Source() string {
	if o.Asset != "" {
		return o.Asset
	}
	return o.File
}

func (o CNIConf) Commands(r Resolver) []string {
	body := o.body(scopeOf(r))
	dir := scopeOf(r).ConfDir()
	return []string{"mkdir -p " + dir, "cat > " + filepath.Join(dir, o.File) + " <<'EOF'\n" + strings.TrimRight(string(body), "\n") + "\nEOF"}
}

func (o CNIConf) Namespaces() []string { return nil }

func (o CNIConf) Validate() error {
	if strings.ContainsAny(o.File, "/") || o.File == "" {
		return fmt.Errorf("cni_conf: file %q must be a plain file name", o.File)
	}
	_, err := assets.CNIConf(o.Source())
	return err
}

// body is the shipped config with host-local's dataDir set inside the
// scope's state dir, so that nothing lab writes lands in the machine's
// /var/lib/cni, whoever runs the plugin with it.
func (o CNIConf) body(s *Scope) []byte {
	b, _ := assets.CNIConf(o.Source())
	if strings.Contains(string(b), `"dataDir"`) {
		return b
	}
	// host-local's dataDir sits in "ipam"; my-cni-demo's at the top level.
	for _, at := range []struct{ after, indent string }{
		{`"type": "host-local",`, "        "},
		{`"type": "my-cni-demo",`, "    "},
	} {
		if i := strings.Index(string(b), at.after); i >= 0 {
			j := i + len(at.after)
			return []byte(string(b[:j]) + "\n" + at.indent + "\"dataDir\": \"" + s.IPAMDir() + "\"," + string(b[j:]))
		}
	}
	return b
}

func (o CNIConf) Apply(s *Scope) ([]Note, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	body := o.body(s)
	if err := os.MkdirAll(s.ConfDir(), 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", s.ConfDir(), err)
	}
	return nil, os.WriteFile(filepath.Join(s.ConfDir(), o.File), body, 0o644)
}

// CNI runs a CNI plugin the way a container runtime does: the network
// config on stdin, the CNI_* variables in its environment, from the sandbox
// host. ADD and DEL change the pod's namespace and the host; CHECK only
// compares.
//
// Equivalent to: `CNI_COMMAND=ADD CNI_CONTAINERID=pause_demo CNI_NETNS=/var/run/netns/pause_demo CNI_IFNAME=eth10 CNI_PATH=bin/cni bin/cni/bridge < 00-demo.conf`
type CNI struct {
	Command   string `yaml:"command"`   // ADD, CHECK or DEL
	Conf      string `yaml:"conf"`      // a config file of the scope's config dir
	Container string `yaml:"container"` // CNI_CONTAINERID
	Netns     string `yaml:"netns"`     // the pod's namespace (logical name)
	IfName    string `yaml:"ifname"`    // CNI_IFNAME
}

func (o CNI) call(s *Scope) cni.Call {
	path := filepath.Join(s.ConfDir(), o.Conf)
	body, _ := os.ReadFile(path) // the learner's (or the lesson's) file; none is an error at Apply
	return cni.Call{Command: o.Command, ContainerID: o.Container, Netns: "/var/run/netns/" + s.Netns(o.Netns),
		IfName: o.IfName, Config: body, ConfigFile: path}
}

// Commands are the plugin run by hand. ADD keeps its result in a file
// (`| tee`), because a CHECK by hand must get it back as prevResult in its
// config, which libcni takes from its cache when lab runs it.
func (o CNI) Commands(r Resolver) []string {
	s := scopeOf(r)
	c := o.call(s)
	if len(c.Config) == 0 {
		// Printed before the lesson wrote the file: the shipped config
		// tells which plugin the command runs.
		c.Config, _ = assets.CNIConf(o.Conf)
	}
	hand := cni.HandCommand(c, s.PluginDir())
	result := o.resultFile(s)
	switch o.Command {
	case "ADD":
		hand += " | tee " + result
	case "CHECK":
		// jq adds the saved result to the config as prevResult.
		if i := strings.LastIndex(hand, " < "); i > 0 {
			hand = "jq '. + {prevResult: input}' " + c.ConfigFile + " " + result + " | " + hand[:i]
		}
	}
	return []string{hand}
}

// resultFile is where the hand commands keep an ADD's result for CHECK.
func (o CNI) resultFile(s *Scope) string {
	return filepath.Join(s.ConfDir(), fmt.Sprintf("result-%s-%s.json", o.Container, o.IfName))
}

func (o CNI) Namespaces() []string { return []string{o.Netns} }

// ReadOnly: a CHECK compares and changes nothing.
func (o CNI) ReadOnly() bool { return o.Command == "CHECK" }

func (o CNI) Validate() error {
	switch o.Command {
	case "ADD", "CHECK", "DEL":
	default:
		return fmt.Errorf("cni: command %q, want ADD, CHECK or DEL", o.Command)
	}
	if o.Conf == "" || o.Container == "" || o.Netns == "" {
		return fmt.Errorf("cni %s: conf, container and netns are required", o.Command)
	}
	return checkLinkName("cni ifname", o.IfName)
}

func (o CNI) Apply(s *Scope) ([]Note, error) {
	c := o.call(s)
	if len(c.Config) == 0 {
		return nil, fmt.Errorf("cni %s: no config %s (write it first)", o.Command, c.ConfigFile)
	}
	if o.Command != "DEL" && !ns.Exists(s.Netns(o.Netns)) {
		return nil, fmt.Errorf("cni %s into netns %q: it does not exist", o.Command, s.Netns(o.Netns))
	}
	out, err := s.CNIRuntime().Run(c)
	if err != nil {
		return nil, err
	}
	notes := []Note{{Title: "Environment", Body: strings.Join(out.Env, "\n")}, {Title: "Config on stdin", Body: out.Stdin}}
	if out.Result != "" {
		notes = append(notes, Note{Title: "Result", Body: out.Result})
	}
	if len(out.IPAMFiles) > 0 {
		notes = append(notes, Note{Title: "IPAM files (" + filepath.Join(s.IPAMDir(), networkName(c.Config)) + ")", Body: strings.Join(out.IPAMFiles, "\n")})
	}
	if out.Err != nil {
		notes = append(notes, Note{Title: "Error", Body: fmt.Sprintf("code %d: %s %s", out.Err.Code, out.Err.Msg, out.Err.Details)})
		return notes, fmt.Errorf("CNI %s of %s into netns %q: code %d: %s", o.Command, o.Conf, s.Netns(o.Netns), out.Err.Code, out.Err.Msg)
	}
	return notes, nil
}

// networkName reads the "name" of a network config, for messages.
func networkName(conf []byte) string {
	var c struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal(conf, &c)
	return c.Name
}
