package engine

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/cnilab/lab/assets"
	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/cni"
)

// handCommander is a check that knows the commands a learner types in
// `lab shell` to see for themselves what it grades: the ping, curl or
// tcpdump behind a behaviour check, the `ip` (or ls, grep, stat) that shows
// the state a structural check reads. Names are the scope's real ones, as
// in the operations' commands. A command expected to fail says so after
// two spaces, "  (fails: REASON)": the script prints them as comments.
type handCommander interface {
	handCommands(r netops.Resolver) []string
}

// handCommandsOf are a check's hand commands; none for a check that has no
// such method (TestHandCommandsEveryKind keeps that from happening).
func handCommandsOf(c Check, r netops.Resolver) []string {
	if h, ok := c.(handCommander); ok {
		return h.handCommands(r)
	}
	return nil
}

// failsNote follows a probe's command that is expected to fail.
func failsNote(reason, otherwise string) string {
	if reason != "" {
		return "  (fails: " + reason + ")"
	}
	return "  (" + otherwise + ")"
}

func (c ReachCheck) handCommands(r netops.Resolver) []string {
	cmd := c.handCommand(r)
	if c.Expect == "fail" {
		otherwise := "gets no reply yet"
		if c.proto == "tcp" {
			otherwise = "cannot connect yet"
		}
		cmd += failsNote(c.Reason, otherwise)
	}
	return []string{cmd}
}

// addrVar holds a link's address in the hand commands of an http check
// with addr_of.
const addrVar = "ADDR"

// handCommands of an http check: curl from the namespace, its output
// searched for the body the check wants (or the status printed when the
// check wants another than 200). With addr_of, the address is read from
// the link first, as the lab does.
func (c HTTPCheck) handCommands(r netops.Resolver) []string {
	var out []string
	target := shellQuote(c.URL)
	if c.AddrOf != "" {
		netns, dev, _ := strings.Cut(c.AddrOf, ":")
		out = append(out, addrVar+"=$("+inNetns(r, netns, "ip -4 -o addr show dev "+dev)+" | awk '{print $4}' | cut -d/ -f1)")
		target = `"` + urlWithHost(c.URL, "$"+addrVar) + `"`
	}
	curl := "curl -sS -m 2 "
	switch {
	case c.Status != 0 && c.Status != 200:
		curl += "-o /dev/null -w '%{http_code}\\n' " + target
	case c.Body != "":
		curl += target + " | grep " + shellQuote(c.Body)
	default:
		curl += "-f " + target
	}
	cmd := inNetns(r, c.From, curl)
	if c.Expect == "fail" {
		cmd += failsNote(c.Reason, "gets no page yet")
	}
	return append(out, cmd)
}

// urlWithHost is raw with its host replaced by host (a shell variable),
// the port and path kept.
func urlWithHost(raw, host string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if u.Port() != "" {
		host += ":" + u.Port()
	}
	return u.Scheme + "://" + host + u.RequestURI()
}

// handCommands of a capture: tcpdump on the link in the background, the
// probe, then wait for tcpdump, as the articles capture in one terminal
// while they curl in another. The filter keeps the probe's packets.
func (c CaptureCheck) handCommands(r netops.Resolver) []string {
	p := c.probe()
	if p == nil {
		return nil
	}
	dump := fmt.Sprintf("timeout 2 tcpdump -p -l -n -i %s -c 8 %s &", c.Dev, c.filter())
	out := []string{inNetns(r, c.Netns, dump), "sleep 0.5"}
	out = append(out, handCommandsOf(p, r)...)
	return append(out, "wait")
}

// filter is the tcpdump filter of the packets the capture looks at: the
// probe's, and ARP when the match (or no_match) is about ARP.
func (c CaptureCheck) filter() string {
	var f []string
	if strings.Contains(c.Match+" "+c.NoMatch, "ARP") {
		f = append(f, "arp")
	}
	switch {
	case c.Ping != nil:
		f = append(f, "icmp")
	case c.TCP != nil:
		_, port, _ := strings.Cut(c.TCP.To, ":")
		f = append(f, "tcp port "+port)
	case c.HTTP != nil:
		port := "80"
		if u, err := url.Parse(c.HTTP.URL); err == nil && u.Port() != "" {
			port = u.Port()
		}
		f = append(f, "tcp port "+port)
	}
	return strings.Join(f, " or ")
}

func (c NetnsCheck) handCommands(r netops.Resolver) []string {
	return []string{"ip netns list | grep -w " + r.Netns(c.Name)}
}

func (c LinkCheck) handCommands(r netops.Resolver) []string {
	if c.Absent {
		return []string{inNetns(r, c.Netns, "ip link show "+c.Name) + failsNote(fmt.Sprintf("Device %q does not exist.", c.Name), "")}
	}
	show := "ip link show " + c.Name
	if c.Kind != "" {
		show = "ip -d link show " + c.Name // -d shows the kind (veth, bridge)
	}
	return []string{inNetns(r, c.Netns, show)}
}

func (c AddrCheck) handCommands(r netops.Resolver) []string {
	return []string{inNetns(r, c.Netns, "ip -4 addr show dev "+c.Dev)}
}

// handCommands of a route check: `ip route show DST` lists the routes to
// exactly that destination (nothing when absent).
func (c RouteCheck) handCommands(r netops.Resolver) []string {
	cmd := inNetns(r, c.Netns, "ip route show "+c.Dst)
	if c.Absent {
		cmd += "  (prints nothing)"
	}
	return []string{cmd}
}

func (c SysctlCheck) handCommands(r netops.Resolver) []string {
	return []string{inNetns(r, c.Netns, "sysctl "+c.Key)}
}

// handCommands of an ipam check: the files of host-local that name the
// container, in lab's dataDir and in host-local's default (one file per
// address, named after it).
func (c IPAMCheck) handCommands(r netops.Resolver) []string {
	s := scopeOf(r)
	dirs := filepath.Join(s.IPAMDir(), c.Network) + " " + filepath.Join(netops.HostLocalDir, c.Network)
	cmd := "grep -rlw " + shellQuote(c.Container) + " " + dirs
	if c.Released {
		cmd += "  (prints nothing)"
	}
	return []string{cmd}
}

// handCommands of a same_netns check: one inode behind the name and the
// process's netns, and the processes inside it.
func (c SameNetnsCheck) handCommands(r netops.Resolver) []string {
	real := r.Netns(c.Netns)
	if c.Container != "" {
		cmds := []string{"ctr task ls"}
		for _, id := range append([]string{c.Container}, c.Containers...) {
			cmds = append(cmds, "stat -L -c %i /proc/"+netops.ContainerPidCommand(id)+"/ns/net")
		}
		return append(cmds, "stat -L -c %i /var/run/netns/"+real)
	}
	return []string{
		"stat -L -c %i /var/run/netns/" + real + " /proc/$" + jobPidVar(c.Job) + "/ns/net",
		"ip netns pids " + real,
	}
}

func (c TaskCheck) handCommands(netops.Resolver) []string { return []string{"ctr task ls"} }

// jobPidVar is the variable `lab task --env` prints for a job's pid
// (pause -> PAUSE_PID), as Lesson.EnvVars names it.
func jobPidVar(job string) string {
	return strings.ToUpper(strings.ReplaceAll(job, "-", "_")) + "_PID"
}

// conformanceNetns and conformanceContainer are the pod the battery runs
// the plugin into (netops.Scope.Conformance, netops/cni's battery).
const (
	conformanceNetns     = "cni-conformance"
	conformanceContainer = "cnilab-conformance"
)

// handCommands of a conformance item: the plugin run by hand into a pod
// namespace of its own, as the battery does it.
func (c ConformanceCheck) handCommands(r netops.Resolver) []string {
	call := func(cmd string) []string {
		return netops.CNI{Command: cmd, Conf: c.Conf, Container: conformanceContainer, Netns: conformanceNetns, IfName: "eth0"}.Commands(r)
	}
	pod := r.Netns(conformanceNetns)
	switch c.Item {
	case "version":
		return call("VERSION")
	case "add":
		return append(netops.NetnsAdd{Name: conformanceNetns}.Commands(r), call("ADD")...)
	case "add-result":
		// The result the ADD saved, and what is really in the pod.
		result := filepath.Join(scopeOf(r).ConfDir(), "result-"+conformanceContainer+"-eth0.json")
		return []string{"cat " + result, "ip netns exec " + pod + " ip -4 addr show dev eth0", "ip netns exec " + pod + " ip route show"}
	case "check":
		return call("CHECK")
	case "del":
		return append(call("DEL"), "ip netns exec "+pod+" ip link show eth0"+failsNote(`Device "eth0" does not exist.`, ""))
	case "del-again":
		// The battery's pod goes with it.
		return append(call("DEL"), netops.NetnsDel{Name: conformanceNetns}.Commands(r)...)
	case "malformed":
		s := scopeOf(r)
		return []string{"echo '{ this is not json' | CNI_COMMAND=ADD CNI_CONTAINERID=" + conformanceContainer +
			" CNI_NETNS=/proc/self/ns/net CNI_IFNAME=eth0 CNI_PATH=" + s.PluginDir() + " " +
			cni.PluginPath(s.PluginDir(), confType(s, c.Conf)) + failsNote(`prints {"code": N, "msg": ...}`, "")}
	}
	return nil
}

// confType is the plugin a config of the scope names: the file the lesson
// (or the learner) wrote, else the config shipped under that name.
func confType(s *netops.Scope, file string) string {
	b, err := os.ReadFile(filepath.Join(s.ConfDir(), file))
	if err != nil {
		b, _ = assets.CNIConf(file)
	}
	var conf struct {
		Type    string `json:"type"`
		Plugins []struct {
			Type string `json:"type"`
		} `json:"plugins"`
	}
	_ = json.Unmarshal(b, &conf)
	if conf.Type == "" && len(conf.Plugins) > 0 {
		return conf.Plugins[0].Type
	}
	return conf.Type
}

// scopeOf is the scope behind a resolver; the default scope's paths for
// one that is not a scope.
func scopeOf(r netops.Resolver) *netops.Scope {
	if s, ok := r.(*netops.Scope); ok {
		return s
	}
	s, _ := netops.NewScope(netops.DefaultScope)
	return s
}

// shellQuote single-quotes a word that needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
