package e2e

// Article 004 typed by hand in lab shell, with ctr where the article uses
// nerdctl: the scope's containerd and runc run the pause container, the
// learner names its netns, runs the bridge plugin with the article's
// config and starts nginx in the same netns; then the article's cleanup
// script, in its order.

import (
	"os"
	"strings"
	"testing"
)

// article004 is the article's procedure up to nginx (without it when
// nginx "none"; in a namespace of its own with "own"), as typed: its config file, its container id, its
// CNI_IFNAME, the bind mount of the pid's netns. s prefixes the netns
// name, as a test scope does. ctr run reads its stdin even with -d: typed
// at a terminal that is nothing, piped in a script it would be the rest
// of the script, hence </dev/null.
func article004(s, nginx string) string {
	conf := "/tmp/" + s + "-2-iksoontest.conf"
	script := `cat > ` + conf + ` <<"EOF"
{
  "cniVersion": "0.4.0",
  "name": "iksoonnet",
  "type": "bridge",
  "bridge": "iksoon0",
  "isGateway": true,
  "ipMasq": true,
  "ipam": {
    "type": "host-local",
    "subnet": "10.0.10.0/24",
    "routes": [
        { "dst": "0.0.0.0/0" },
        { "dst": "1.1.1.1/32", "gw":"10.0.10.1"}
    ]
  }
}
EOF
container_id=pause_demo
ctr run -d docker.io/kubernetes/pause:latest $container_id </dev/null
ctr task ls
grep -o '"NEWNET":"[^"]*"' /run/containerd/runc/k8s.io/$container_id/state.json
target_pid=$(ctr task ls | awk -v id=$container_id '$1 == id {print $2}')
! ip netns ls | grep -q ` + s + `-$container_id
mkdir -p /var/run/netns
touch /var/run/netns/` + s + `-$container_id
mount -o bind /proc/$target_pid/ns/net /var/run/netns/` + s + `-$container_id
ip netns exec ` + s + `-$container_id ip addr show
cd $CNI_PATH
CNI_CONTAINERID=$container_id CNI_IFNAME=iksoonifname0 CNI_COMMAND=ADD CNI_NETNS=/var/run/netns/` + s + `-$container_id CNI_PATH=$CNI_PATH ./bridge < ` + conf + `
ip netns exec ` + s + `-$container_id ip addr show
ls /var/lib/cni/networks/iksoonnet/
`
	switch nginx {
	case "pod":
		script += "ctr run -d --with-ns network:/var/run/netns/" + s + "-$container_id docker.io/library/nginx:latest nginx_test </dev/null\n"
	case "own": // the mistake: a network namespace of its own
		script += "ctr run -d docker.io/library/nginx:latest nginx_test </dev/null\n"
	}
	return script
}

// article004Cleanup is the article's cleanup script: containers first,
// then the netns file, then DEL (which must still succeed), then the bridge.
func article004Cleanup(s string) string {
	conf := "/tmp/" + s + "-2-iksoontest.conf"
	return `container_id=pause_demo
ctr task rm -f $container_id
ctr container rm $container_id
ctr task rm -f nginx_test
ctr container rm nginx_test
cd /var/run/netns/
umount ` + s + `-pause_demo
rm -rf ` + s + `-pause_demo
cd $CNI_PATH
CNI_CONTAINERID=$container_id CNI_IFNAME=iksoonifname0 CNI_COMMAND=DEL CNI_NETNS=/var/run/netns/` + s + `-$container_id CNI_PATH=$CNI_PATH ./bridge < ` + conf + `
echo DEL exit $?
ip link show iksoon0
ip link delete iksoon0
rm ` + conf + "\n"
}

// The article's procedure passes verify; without nginx it fails, pointing
// at --with-ns. The cleanup script's DEL succeeds with the netns gone and
// leaves the bridge; reset leaves nothing of containerd on the machine.
//
// Not parallel, as TestCLICNIByHand: the article's config writes
// /var/lib/cni/networks/iksoonnet, which every scope's containerd lesson
// claims at setup.
func TestCLIContainerdByHand(t *testing.T) {
	needRoot(t)
	if inUserNS() {
		t.Skip("the containerd lesson needs root (TestRootlessEveryLesson checks the refusal)")
	}
	if _, err := os.Stat("/var/lib/cni/networks/iksoonnet"); err == nil {
		t.Skip("/var/lib/cni/networks/iksoonnet exists on this machine: the lesson refuses to claim it")
	}
	// One after the other: both write /var/lib/cni/networks/iksoonnet.
	for _, c := range []struct {
		scope, nginx string
	}{{"c4ctrd", "pod"}, {"c4ctrdn", "none"}, {"c4ctrdo", "own"}} {
		s := newScope(t, c.scope)
		want(t, lab(t, "task", "containerd", "--scope", s), 0)
		sh := shell(t, s, article004(s, c.nginx))
		want(t, sh, 0)
		wantContains(t, "the article's procedure", sh.stdout,
			"pause_demo", "RUNNING", `"NEWNET":"/proc/`, `"cniVersion": "0.4.0"`, "iksoonifname0", "10.0.10.2")
		switch c.nginx {
		case "none":
			rep := wantVerify(t, "containerd", s, 1)
			wantFailed(t, rep, "nginx-in-pod", []string{"container nginx_test is not running"}, []string{"--with-ns network:/var/run/netns/" + s + "-pause_demo"})
			wantFailed(t, rep, "host-gets-page", nil, nil)
			wantPassed(t, rep, "pause-running", "netns-named", "pod-address", "default-route", "route-1-1-1-1", "bridge-gateway")
		case "own":
			rep := wantVerify(t, "containerd", s, 1)
			wantFailed(t, rep, "nginx-in-pod", []string{"nginx_test", "has a network namespace of its own"}, []string{"--with-ns network:/var/run/netns/" + s + "-pause_demo"})
			wantFailed(t, rep, "host-gets-page", nil, nil)
		default:
			wantVerify(t, "containerd", s, 0)
			clean := shell(t, s, article004Cleanup(s))
			want(t, clean, 0)
			wantContains(t, "the cleanup script", clean.stdout, "DEL exit 0", "iksoon0:")
			if _, err := os.Stat("/var/lib/cni/networks/iksoonnet/10.0.10.2"); err == nil {
				t.Errorf("DEL with the netns gone did not release 10.0.10.2")
			}
		}
		reset := lab(t, "reset", "--scope", s)
		want(t, reset, 0)
		wantContains(t, "lab reset", reset.stdout, "removed IPAM folder /var/lib/cni/networks/iksoonnet", "cgroup /sys/fs/cgroup/")
		if c.nginx != "pod" {
			wantContains(t, "lab reset", reset.stdout, "removed container pause_demo")
		}
		if left := leftovers(s); len(left) > 0 {
			t.Errorf("reset left:\n\t%s", strings.Join(left, "\n\t"))
		}
	}
	// The machine guard (TestMain) holds /run/containerd (other tests'
	// containerds use it meanwhile), /var/lib/containerd and the cgroup
	// hierarchies against their state before the tests.
}
