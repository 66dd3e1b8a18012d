package engine

import (
	"fmt"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cnilab/lab/netops"
)

// Every check kind a lesson can use has hand commands for lab script.
func TestHandCommandsEveryKind(t *testing.T) {
	for kind, mk := range checkKinds {
		if _, ok := mk().(handCommander); !ok {
			t.Errorf("check %q (%T) has no handCommands: lab script would print nothing for it (add it to check_commands.go)", kind, mk())
		}
	}
}

func TestHandCommandsOfEachKind(t *testing.T) {
	t1 := mustScope(t, "t1")
	up := true
	for _, tc := range []struct {
		name  string
		check Check
		want  []string
	}{
		{"ping", &ReachCheck{From: "client", To: "10.0.0.12", proto: "icmp"},
			[]string{"ip netns exec t1-client ping -c 1 -W 1 10.0.0.12"}},
		{"ping from the host, failing", &ReachCheck{To: "172.17.0.1", Expect: "fail", proto: "icmp"},
			[]string{"ping -c 1 -W 1 172.17.0.1  (gets no reply yet)"}},
		{"tcp refused", &ReachCheck{From: "world", To: "172.17.0.33:80", Expect: "fail", Reason: "connection refused", proto: "tcp"},
			[]string{"ip netns exec t1-world timeout 1 bash -c '</dev/tcp/172.17.0.33/80'  (fails: connection refused)"}},
		{"http with a body", &HTTPCheck{From: "world", URL: "http://172.17.0.33/", Body: "Welcome"},
			[]string{"ip netns exec t1-world curl -sS -m 2 http://172.17.0.33/ | grep Welcome"}},
		{"http, any page", &HTTPCheck{From: "host", URL: "http://172.18.0.3:8080/large"},
			[]string{"curl -sS -m 2 -f http://172.18.0.3:8080/large"}},
		{"http with a status", &HTTPCheck{From: "world", URL: "http://172.17.0.33/nope", Status: 404},
			[]string{`ip netns exec t1-world curl -sS -m 2 -o /dev/null -w '%{http_code}\n' http://172.17.0.33/nope`}},
		{"http failing", &HTTPCheck{From: "world", URL: "http://172.17.0.33/", Expect: "fail", Reason: "timed out"},
			[]string{"ip netns exec t1-world curl -sS -m 2 -f http://172.17.0.33/  (fails: timed out)"}},
		{"http to a link's address", &HTTPCheck{URL: "http://pod:8080/x", AddrOf: "pause_demo:eth0", Body: "Welcome home"},
			[]string{
				"ADDR=$(ip netns exec t1-pause_demo ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)",
				`curl -sS -m 2 "http://$ADDR:8080/x" | grep 'Welcome home'`,
			}},
		{"capture of an http", &CaptureCheck{Dev: "docker0", Match: "IP 172.17.0.1.* > 172.18.0.3.80: Flags [S]",
			HTTP: &HTTPCheck{From: "world", URL: "http://172.17.0.33/", Body: "Welcome"}},
			[]string{
				"timeout 2 tcpdump -p -l -n -i docker0 -c 8 tcp port 80 &",
				"sleep 0.5",
				"ip netns exec t1-world curl -sS -m 2 http://172.17.0.33/ | grep Welcome",
				"wait",
			}},
		{"capture of a ping in a namespace", &CaptureCheck{Netns: "server1", Dev: "eth0", Match: "ICMP echo request",
			Ping: &ReachCheck{From: "client1", To: "172.30.0.12"}},
			[]string{
				"ip netns exec t1-server1 timeout 2 tcpdump -p -l -n -i eth0 -c 8 icmp &",
				"sleep 0.5",
				"ip netns exec t1-client1 ping -c 1 -W 1 172.30.0.12",
				"wait",
			}},
		{"capture of a tcp connect", &CaptureCheck{Dev: "eth0", Match: "Flags [S]", TCP: &ReachCheck{From: "world", To: "172.17.0.33:8080"}},
			[]string{
				"timeout 2 tcpdump -p -l -n -i eth0 -c 8 tcp port 8080 &",
				"sleep 0.5",
				"ip netns exec t1-world timeout 1 bash -c '</dev/tcp/172.17.0.33/8080'",
				"wait",
			}},
		{"capture of ARP", &CaptureCheck{Dev: "bridge1", Match: "ARP, Request who-has 172.30.0.12",
			Ping: &ReachCheck{From: "client1", To: "172.30.0.12"}},
			[]string{
				"timeout 2 tcpdump -p -l -n -i bridge1 -c 8 arp or icmp &",
				"sleep 0.5",
				"ip netns exec t1-client1 ping -c 1 -W 1 172.30.0.12",
				"wait",
			}},
		{"capture of a flood, with no_match", &CaptureCheck{Netns: "server1", Dev: "eth0", Match: "ARP, Request who-has 172.30.0.13",
			NoMatch: "IP 172.30.0.11 > 172.30.0.13: ICMP echo request", Ping: &ReachCheck{From: "client1", To: "172.30.0.13"}},
			[]string{
				"ip netns exec t1-server1 timeout 2 tcpdump -p -l -n -i eth0 -c 8 arp or icmp &",
				"sleep 0.5",
				"ip netns exec t1-client1 ping -c 1 -W 1 172.30.0.13",
				"wait",
			}},
		{"netns", &NetnsCheck{Name: "client"}, []string{"ip netns list | grep -w t1-client"}},
		{"link of a kind", &LinkCheck{Netns: "client", Name: "veth-client", Kind: "veth", Peer: "veth-server", PeerNetns: "server"},
			[]string{"ip netns exec t1-client ip -d link show veth-client"}},
		{"link up in the host", &LinkCheck{Name: "bridge1", Up: &up}, []string{"ip link show bridge1"}},
		{"link absent", &LinkCheck{Netns: "pause_demo", Name: "eth10", Absent: true},
			[]string{`ip netns exec t1-pause_demo ip link show eth10  (fails: Device "eth10" does not exist.)`}},
		{"addr", &AddrCheck{Netns: "pause_demo", Dev: "eth10", Subnet: "10.0.10.0/24"},
			[]string{"ip netns exec t1-pause_demo ip -4 addr show dev eth10"}},
		{"addr in the host", &AddrCheck{Dev: "cni_net0", Addr: "10.0.10.1/24"}, []string{"ip -4 addr show dev cni_net0"}},
		{"route", &RouteCheck{Netns: "pause_demo", Dst: "default", Via: "10.0.10.1", Dev: "eth10"},
			[]string{"ip netns exec t1-pause_demo ip route show default"}},
		{"route absent", &RouteCheck{Netns: "world", Dst: "172.30.0.0/24", Absent: true},
			[]string{"ip netns exec t1-world ip route show 172.30.0.0/24  (prints nothing)"}},
		{"sysctl", &SysctlCheck{Key: "net.ipv4.ip_forward", Value: "1"}, []string{"sysctl net.ipv4.ip_forward"}},
		{"sysctl in a namespace", &SysctlCheck{Netns: "client", Key: "net.ipv4.conf.all.rp_filter", Value: "0"},
			[]string{"ip netns exec t1-client sysctl net.ipv4.conf.all.rp_filter"}},
		{"ipam", &IPAMCheck{Network: "demo_br", Container: "pause_demo", IfName: "eth10"},
			[]string{"grep -rlw pause_demo " + t1.IPAMDir() + "/demo_br /var/lib/cni/networks/demo_br"}},
		{"ipam released", &IPAMCheck{Network: "demo_br", Container: "pause_demo", IfName: "eth10", Released: true},
			[]string{"grep -rlw pause_demo " + t1.IPAMDir() + "/demo_br /var/lib/cni/networks/demo_br  (prints nothing)"}},
		{"same_netns", &SameNetnsCheck{Netns: "pause_demo", Job: "pause", MinProcesses: 2},
			[]string{"stat -L -c %i /var/run/netns/t1-pause_demo /proc/$PAUSE_PID/ns/net", "ip netns pids t1-pause_demo"}},
		{"cni_conformance version", &ConformanceCheck{Conf: "10-my-cni-demo.conf", Item: "version"},
			[]string{"CNI_COMMAND=VERSION " + t1.PluginDir() + "/my-cni-demo < " + t1.ConfDir() + "/10-my-cni-demo.conf"}},
		{"cni_conformance add-result", &ConformanceCheck{Conf: "10-my-cni-demo.conf", Item: "add-result"},
			[]string{"cat " + t1.ConfDir() + "/result-cnilab-conformance-eth0.json",
				"ip netns exec t1-cni-conformance ip -4 addr show dev eth0", "ip netns exec t1-cni-conformance ip route show"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := handCommandsOf(tc.check, t1); !slices.Equal(got, tc.want) {
				t.Errorf("hand commands of %s:\ngot  %q\nwant %q", tc.check.Describe(t1), got, tc.want)
			}
		})
	}
}

// Every conformance item runs the plugin the config names, or looks into
// the battery's pod; the ADD makes that pod and del-again removes it.
func TestHandCommandsConformance(t *testing.T) {
	t1 := mustScope(t, "t1")
	plugin := t1.PluginDir() + "/my-cni-demo"
	for _, item := range conformanceItems {
		got := strings.Join(handCommandsOf(&ConformanceCheck{Conf: "10-my-cni-demo.conf", Item: item}, t1), "\n")
		if !strings.Contains(got, plugin) && !strings.Contains(got, "t1-cni-conformance") {
			t.Errorf("item %s: %q names neither %s nor the battery's pod", item, got, plugin)
		}
		if item != "version" && item != "malformed" && strings.Contains(got, "CNI_COMMAND=") && !strings.Contains(got, "CNI_NETNS=/var/run/netns/t1-cni-conformance") {
			t.Errorf("item %s: %q does not run in the battery's pod", item, got)
		}
	}
	add := handCommandsOf(&ConformanceCheck{Conf: "10-my-cni-demo.conf", Item: "add"}, t1)
	if len(add) < 2 || add[0] != "ip netns add t1-cni-conformance" || !strings.HasPrefix(add[1], "CNI_COMMAND=ADD ") {
		t.Errorf("add: %q, want the pod made, then ADD", add)
	}
	again := handCommandsOf(&ConformanceCheck{Conf: "10-my-cni-demo.conf", Item: "del-again"}, t1)
	if again[len(again)-1] != "ip netns del t1-cni-conformance" {
		t.Errorf("del-again: %q, want the pod removed last", again)
	}
	bad := handCommandsOf(&ConformanceCheck{Conf: "10-my-cni-demo.conf", Item: "malformed"}, t1)
	if len(bad) != 1 || !strings.HasPrefix(bad[0], "echo '{ this is not json' | CNI_COMMAND=ADD ") || !strings.Contains(bad[0], "  (fails: ") {
		t.Errorf("malformed: %q", bad)
	}
}

// For every walkthrough lesson, every check of every step is in the script,
// in its step: "# check: WHAT", then its hand commands as comments, one of
// them naming the check's namespace and what it looks at. Checks of verify
// that no step has come after the steps. Nothing of a check is left
// uncommented, and the script is valid bash.
func TestScriptEveryCheck(t *testing.T) {
	c, err := LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	bash, _ := exec.LookPath("bash")
	n := 0
	for _, l := range c.Lessons {
		if l.Scenario() {
			continue // lab script refuses scenarios
		}
		for _, scope := range []string{netops.DefaultScope, "t1"} {
			t.Run(l.ID+"/"+scope, func(t *testing.T) {
				s := mustScope(t, scope)
				got := scriptOf(t, l, scope)
				sections := scriptSections(t, l, got)
				for i, st := range l.Steps {
					for _, cs := range st.Check {
						assertCheckIn(t, sections[i+1], cs.Check, s)
						n++
					}
				}
				for _, v := range verifyOnly(l) {
					if len(sections) != len(l.Steps)+2 {
						t.Fatalf("verify has checks no step has, but the script has no section for them:\n%s", got)
					}
					assertCheckIn(t, sections[len(sections)-1], v.Check, s)
				}
				for _, v := range l.Verify {
					if !strings.Contains(got, "\n# check: "+v.Check.Describe(s)+"\n") {
						t.Errorf("verify check %s is not in the script:\n%s", v.ID, got)
					}
				}
				if bash != "" {
					cmd := exec.Command(bash, "-n")
					cmd.Stdin = strings.NewReader(got)
					if out, err := cmd.CombinedOutput(); err != nil {
						t.Errorf("bash -n: %v\n%s\n%s", err, out, got)
					}
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("no step of any lesson has a check")
	}
}

// scriptSections cuts a script at its steps' titles and at the title of
// verify's own checks: the header, one section a step, then verify's if any.
func scriptSections(t *testing.T, l *Lesson, script string) []string {
	t.Helper()
	var heads []string
	for i, st := range l.Steps {
		heads = append(heads, fmt.Sprintf("\n# %d. %s\n", i+1, st.Title))
	}
	heads = append(heads, "\n# lab verify "+l.ID)
	var out []string
	rest := script
	for i, h := range heads {
		at := strings.Index(rest, h)
		if at < 0 {
			if i == len(heads)-1 {
				break
			}
			t.Fatalf("no %q in:\n%s", h, script)
		}
		out = append(out, rest[:at])
		rest = rest[at:]
	}
	return append(out, rest)
}

// assertCheckIn finds a check's header and its commented hand commands in
// a section of the script.
func assertCheckIn(t *testing.T, section string, c Check, s *netops.Scope) {
	t.Helper()
	cmds := handCommandsOf(c, s)
	if len(cmds) == 0 {
		t.Errorf("check %q has no hand command", c.Describe(s))
		return
	}
	block := "# check: " + c.Describe(s) + "\n# " + strings.Join(cmds, "\n# ")
	if !strings.Contains(section+"\n", block+"\n") {
		t.Errorf("section lacks\n%s\nin:\n%s", block, section)
	}
	all := strings.Join(cmds, "\n")
	if ns := c.Namespaces(); len(ns) > 0 && orHost(ns[0]) != netops.HostNetns && !strings.Contains(all, s.Netns(ns[0])) {
		t.Errorf("the commands of %q do not name its namespace %s: %q", c.Describe(s), s.Netns(ns[0]), cmds)
	}
	if want := checkSubject(c, s); !slices.ContainsFunc(want, func(w string) bool { return strings.Contains(all, w) }) {
		t.Errorf("the commands of %q name none of %q: %q", c.Describe(s), want, cmds)
	}
}

// checkSubject is what a check's commands must name: the address probed,
// the link, the route, the key, the network, the pod's namespace (any of
// them, for a conformance item: the plugin or the battery's pod).
func checkSubject(c Check, s *netops.Scope) []string {
	switch c := c.(type) {
	case *ReachCheck:
		return []string{c.target()}
	case *HTTPCheck:
		if c.AddrOf != "" {
			ns, dev, _ := strings.Cut(c.AddrOf, ":")
			return []string{s.Netns(ns) + " ip -4 -o addr show dev " + dev}
		}
		return []string{c.URL}
	case *CaptureCheck:
		return []string{"tcpdump -p -l -n -i " + c.Dev}
	case *NetnsCheck:
		return []string{s.Netns(c.Name)}
	case *LinkCheck:
		return []string{"link show " + c.Name}
	case *AddrCheck:
		return []string{"addr show dev " + c.Dev}
	case *RouteCheck:
		return []string{"ip route show " + c.Dst}
	case *SysctlCheck:
		return []string{"sysctl " + c.Key}
	case *IPAMCheck:
		return []string{c.Network}
	case *SameNetnsCheck:
		return []string{"/var/run/netns/" + s.Netns(c.Netns)}
	case *TaskCheck:
		return []string{"ctr task ls"}
	case *ConformanceCheck:
		return []string{s.PluginDir(), s.Netns(conformanceNetns)}
	case *ClusterCheck:
		if c.What == "isolated" {
			return []string{s.Netns(netops.WorldNetns) + " ip route show"}
		}
		if c.What == "vxlan" {
			return []string{"ip -d link show vxlan"}
		}
		if c.What == "slices" || c.What == "noroutes" {
			return []string{s.Netns("cni-master01")}
		}
		return []string{s.Netns("cni-master01")}
	}
	return []string{reflect.TypeOf(c).String() + " (a check kind checkSubject does not know)"}
}

// The script of dnat shows the curl of its http checks and the tcpdump of
// its capture, with the world's real name; the pod lesson reads the pod's
// address before its curl; mycni lists the conformance battery's commands.
func TestScriptObservationCommands(t *testing.T) {
	c, err := LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	for id, wants := range map[string][]string{
		"dnat": {
			"\n# 1. The page, from the host\n# check: t1-host gets the page at http://172.18.0.3/\n# curl -sS -m 2 http://172.18.0.3/ | grep Welcome\n",
			"\n# check: t1-world cannot connect to 172.17.0.33:80 (connection refused)\n" +
				"# ip netns exec t1-world timeout 1 bash -c '</dev/tcp/172.17.0.33/80'  (fails: connection refused)\n",
			"\nnft add rule ip cnilab prerouting tcp dport 80 dnat to 172.18.0.3:80\n" +
				"# check: t1-world gets the page at http://172.17.0.33/\n" +
				"# ip netns exec t1-world curl -sS -m 2 http://172.17.0.33/ | grep Welcome\n",
			"\n# timeout 2 tcpdump -p -l -n -i docker0 -c 8 tcp port 80 &\n# sleep 0.5\n" +
				"# ip netns exec t1-world curl -sS -m 2 http://172.17.0.33/ | grep Welcome\n# wait\n",
		},
		"pod": {
			"\n# ADDR=$(ip netns exec t1-pause_demo ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)\n" +
				"# curl -sS -m 2 \"http://$ADDR/\" | grep Welcome\n",
			"\n# stat -L -c %i /var/run/netns/t1-pause_demo /proc/$PAUSE_PID/ns/net\n# ip netns pids t1-pause_demo\n",
		},
		"mycni": {
			"\n# lab verify mycni --scope t1 also grades\n# check: conformance: version\n# CNI_COMMAND=VERSION ",
		},
	} {
		l, err := c.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		got := scriptOf(t, l, "t1")
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s script lacks %q:\n%s", id, w, got)
			}
		}
		for _, line := range strings.Split(got, "\n") {
			for _, tool := range []string{"curl ", "tcpdump ", "ping ", "grep "} {
				if strings.Contains(line, tool) && !strings.HasPrefix(line, "# ") {
					t.Errorf("%s script runs a check's %s: %q", id, tool, line)
				}
			}
		}
	}
}
