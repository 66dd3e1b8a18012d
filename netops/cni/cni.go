// Package cni runs CNI plugins the way a container runtime does: through
// libcni, with the network config on stdin and the CNI_* variables in the
// environment. The plugin processes are started from a thread switched into
// the lab's sandbox host namespace, so the "host" a plugin changes (the
// bridge, ip_forward, the masquerade rules) is that namespace and never the
// machine's own. Every call records what a learner would see typing it by
// hand: the environment, the config on stdin, the result or the error, and
// the files host-local keeps.
//
// Equivalent to: `ip netns exec lab-host env CNI_COMMAND=ADD CNI_CONTAINERID=pause_demo CNI_NETNS=/var/run/netns/pause_demo CNI_IFNAME=eth10 CNI_PATH=bin/cni bin/cni/bridge < /tmp/00-demo.conf`
package cni

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/types"
	types100 "github.com/containernetworking/cni/pkg/types/100"

	"github.com/cnilab/lab/netops/ns"
)

// callTimeout bounds one Run: a plugin that hangs is killed after it.
const callTimeout = 2 * time.Minute

// Runtime is where the lab keeps CNI state for one scope: the plugins run in
// HostNetns, found in PluginDir, and write libcni's cache and host-local's
// leases inside the scope's state dir instead of /var/lib/cni.
//
// Equivalent to: `ls /var/lib/cni/results /var/lib/cni/networks/demo_br`
type Runtime struct {
	HostNetns string // real name of the sandbox host netns the plugins run in (e.g. "lab-host")
	PluginDir string // CNI_PATH: the lab's plugin folder (bin/cni)
	CacheDir  string // libcni's cache dir, inside the scope's state dir (never /var/lib/cni)
	DataDir   string // host-local's (and my-cni-demo's) dataDir, inside the state dir
	// AsConfigured passes the config unchanged, with no dataDir: a node's
	// runtime, whose /var/lib/cni is the node's own (its overlay).
	AsConfigured bool
}

// Call is one plugin invocation as a learner would type it.
//
// Equivalent to: `CNI_COMMAND=ADD CNI_CONTAINERID=pause_demo CNI_NETNS=/var/run/netns/pause_demo CNI_IFNAME=eth10 CNI_PATH=bin/cni bin/cni/bridge < /tmp/00-demo.conf`
type Call struct {
	Command     string // "ADD", "CHECK", "DEL", "VERSION"
	ContainerID string // "pause_demo"
	Netns       string // CNI_NETNS path, e.g. "/var/run/netns/pause_demo"
	IfName      string // "eth10"
	Config      []byte // the network config exactly as the learner's file (a .conf, or a .conflist with "plugins")
	ConfigFile  string // its file name for the hand command, e.g. "/tmp/00-demo.conf"
}

// Outcome is what a learner sees around one call: what went in, what came
// out, and the IPAM files afterwards.
//
// Equivalent to: `CNI_COMMAND=ADD ... bin/cni/bridge < /tmp/00-demo.conf; ls /var/lib/cni/networks/demo_br`
type Outcome struct {
	Env       []string   // CNI_COMMAND=ADD CNI_CONTAINERID=... CNI_NETNS=... CNI_IFNAME=... CNI_PATH=... (of the first plugin run)
	Stdin     string     // the config the first plugin got (after libcni's and the lab's injections), pretty-printed
	Result    string     // the result JSON the plugin printed (pretty), "" for DEL/CHECK; for VERSION its version report
	ParsedIPs []string   // "10.0.10.2/24" from the result
	Err       *ErrorInfo // a CNI error: Code, Msg, Details (from types.Error), nil on success
	IPAMFiles []string   // after the call: files in the IPAM dataDir for this network ("last_reserved_ip.0 = 10.0.10.2", "10.0.10.2 = pause_demo\neth10", "lock")
	Stderr    string     // what the plugins wrote to stderr (host-local's "Error retriving last reserved ip" in old versions)
	Plugins   []Exec     // every plugin process libcni started, in order (one for a .conf, one per plugin of a chain)
}

// ErrorInfo is a CNI error as the plugin printed it on stdout. Code 0 marks
// an error libcni gave before or instead of running a plugin (for example
// CHECK on a config older than 0.4.0, or a plugin not found in CNI_PATH):
// its Msg is libcni's message, unchanged.
//
// Equivalent to: `{"code": 7, "msg": "...", "details": "..."}` on the plugin's stdout
type ErrorInfo struct {
	Code         uint
	Msg, Details string
}

// Error formats the error as `code 7: msg: details`.
func (e *ErrorInfo) Error() string {
	s := fmt.Sprintf("code %d: %s", e.Code, e.Msg)
	if e.Details != "" {
		s += ": " + e.Details
	}
	return s
}

// Run makes one CNI call through libcni from the sandbox host: ADD, CHECK
// and DEL run the config's plugin (or chain) with the call's container,
// netns and interface; VERSION asks each plugin of the config which spec
// versions it supports. A plugin's error, and libcni's refusals, are in
// Outcome.Err; the error is only for lab-side failures (no sandbox host, an
// unreadable plugin dir, a state dir that cannot be created).
//
// Equivalent to: `ip netns exec lab-host env CNI_COMMAND=ADD CNI_CONTAINERID=pause_demo CNI_NETNS=/var/run/netns/pause_demo CNI_IFNAME=eth10 CNI_PATH=bin/cni bin/cni/bridge < /tmp/00-demo.conf`
func (r *Runtime) Run(c Call) (Outcome, error) {
	var out Outcome
	cmd := strings.ToUpper(strings.TrimSpace(c.Command))
	netName := networkName(c.Config)
	fail := func(err error) (Outcome, error) {
		return out, fmt.Errorf("cni %s of network %q for container %q in netns %s: %w",
			cmd, netName, c.ContainerID, c.Netns, err)
	}
	switch cmd {
	case "ADD", "CHECK", "DEL", "VERSION":
	default:
		return fail(fmt.Errorf("command %q, want ADD, CHECK, DEL or VERSION", c.Command))
	}
	if r.HostNetns == "" {
		return fail(errors.New("no sandbox host netns given"))
	}
	if !ns.Exists(r.HostNetns) {
		return fail(fmt.Errorf("sandbox host netns %q does not exist", r.HostNetns))
	}
	for _, d := range filepath.SplitList(r.PluginDir) {
		if _, err := os.ReadDir(d); err != nil && !os.IsNotExist(err) {
			return fail(fmt.Errorf("read plugin dir (CNI_PATH): %w", err))
		}
	}
	if r.CacheDir == "" || r.DataDir == "" && !r.AsConfigured {
		return fail(errors.New("cache dir and data dir are required (lab never writes /var/lib/cni)"))
	}
	for _, d := range []string{r.CacheDir, r.DataDir} {
		if d == "" {
			continue
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fail(fmt.Errorf("create state dir: %w", err))
		}
	}

	dataDir := r.DataDir
	if r.AsConfigured {
		dataDir = "" // injectDataDir then leaves every plugin as written
	}
	conf, err := prepare(c.Config, dataDir)
	if err != nil {
		// The learner's file does not parse: libcni would refuse it too.
		out.Err = &ErrorInfo{Msg: err.Error(), Details: "libcni could not read the config; no plugin ran"}
		return out, nil
	}

	rec := &recorder{}
	cninet := libcni.NewCNIConfigWithCacheDir(filepath.SplitList(r.PluginDir), r.CacheDir, rec)
	rt := &libcni.RuntimeConf{ContainerID: c.ContainerID, NetNS: c.Netns, IfName: c.IfName}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()

	var (
		result  types.Result
		callErr error
	)
	// The plugins are forked from this locked thread and inherit its netns:
	// the sandbox host. libcni's stdio-copying goroutines need no netns.
	err = ns.Do(r.HostNetns, func() error {
		result, callErr = conf.call(ctx, cninet, cmd, rt)
		return nil
	})
	if err != nil {
		return fail(err)
	}

	out.Plugins = rec.execs
	if len(rec.execs) > 0 {
		out.Env = rec.execs[0].Env
		out.Stdin = pretty(rec.execs[0].Stdin)
	}
	var stderr []string
	for _, e := range rec.execs {
		if s := strings.TrimRight(e.Stderr, "\n"); s != "" {
			stderr = append(stderr, s)
		}
	}
	out.Stderr = strings.Join(stderr, "\n")

	if callErr != nil {
		out.Err = errorInfo(callErr)
	} else {
		switch cmd {
		case "ADD":
			if n := len(rec.execs); n > 0 {
				out.Result = pretty(rec.execs[n-1].Stdout)
			}
			out.ParsedIPs = parsedIPs(result)
		case "VERSION":
			var reports []string
			for _, e := range rec.execs {
				reports = append(reports, pretty(e.Stdout))
			}
			out.Result = strings.Join(reports, "\n")
		}
	}
	if conf.dataDir != "" {
		out.IPAMFiles = ipamFiles(conf.dataDir)
	}
	return out, nil
}

// errorInfo turns libcni's error into what the learner sees: the plugin's
// CNI error (code, msg, details) when there is one, else libcni's message.
func errorInfo(err error) *ErrorInfo {
	var te *types.Error
	if errors.As(err, &te) {
		return &ErrorInfo{Code: te.Code, Msg: te.Msg, Details: te.Details}
	}
	if errors.Is(err, libcni.ErrorCheckNotSupp) {
		return &ErrorInfo{Msg: err.Error(), Details: "libcni refused it before running the plugin: CHECK exists from cniVersion 0.4.0 on"}
	}
	return &ErrorInfo{Msg: err.Error(), Details: "from libcni, not from the plugin"}
}

// parsedIPs lists the addresses of a result of any version, converted to
// the current result format ("10.0.10.2/24").
func parsedIPs(res types.Result) []string {
	if res == nil {
		return nil
	}
	r, err := types100.NewResultFromResult(res)
	if err != nil {
		return nil
	}
	var ips []string
	for _, ip := range r.IPs {
		ips = append(ips, ip.Address.String())
	}
	return ips
}

// networkName reads the "name" of a network config, for messages.
func networkName(conf []byte) string {
	var c struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal(conf, &c)
	return c.Name
}
