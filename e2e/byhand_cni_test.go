package e2e

// Article 001's step 4 typed by hand: the bridge CNI plugin run from
// CNI_PATH with the CNI_* variables, and reset removing what it claimed.

import (
	"os"
	"testing"
)

// article001CNI is article 001's step 4 as typed: the config with the
// article's cniVersion, the bridge plugin run from CNI_PATH with the CNI_*
// variables. Its host-local IPAM writes /var/lib/cni/networks/demo_br, one
// folder for the whole machine, so TestCLICNIByHand is not parallel: it runs
// alone, before the parallel tests, and the Makefile runs packages one at a
// time.
func article001CNI(s, ifname string) string {
	conf := "/tmp/" + s + "-00-demo.conf"
	return "cat > " + conf + ` <<"END"
{
    "cniVersion": "0.2.0",
    "name": "demo_br",
    "type": "bridge",
    "bridge": "cni_net0",
    "isGateway": true,
    "ipMasq": true,
    "ipam": {
        "type": "host-local",
        "subnet": "10.0.10.0/24",
        "routes": [
            { "dst": "0.0.0.0/0" },
            { "dst": "1.1.1.1/32", "gw": "10.0.10.1"}
        ]
    }
}
END
container_id=pause_demo
cd $CNI_PATH
CNI_CONTAINERID=$container_id CNI_IFNAME=` + ifname + ` CNI_COMMAND=ADD CNI_NETNS=/var/run/netns/` + s + "-$container_id CNI_PATH=`pwd` ./bridge <" + conf + `
rm ` + conf + "\n"
}

// The article's plugin run by hand passes verify with the lesson's
// interface name and fails, saying why, with eth0; reset removes the IPAM
// folder the plugin wrote.
func TestCLICNIByHand(t *testing.T) {
	for _, c := range []struct {
		scope, ifname string
		code          int
	}{{"c9cni", "eth10", 0}, {"c9cnieth0", "eth0", 1}} {
		t.Run(c.ifname, func(t *testing.T) {
			s := newScope(t, c.scope)
			if _, err := os.Stat("/var/lib/cni/networks/demo_br"); err == nil {
				t.Skip("/var/lib/cni/networks/demo_br exists on this machine: the lesson refuses to claim it")
			}
			_, err := os.Stat("/var/lib/cni")
			hadVarLibCNI := err == nil
			want(t, lab(t, "task", "cni", "--scope", s), 0)
			sh := shell(t, s, article001CNI(s, c.ifname))
			want(t, sh, 0)
			wantContains(t, "the plugin's result", sh.stdout, `"ip": "10.0.10.2/24"`, `"cniVersion": "0.2.0"`)
			rep := wantVerify(t, "cni", s, c.code)
			if c.code == 1 {
				wantFailed(t, rep, "eth10-address", []string{"eth10"}, []string{"CNI_IFNAME must be eth10"})
				wantFailed(t, rep, "ipam-holds-address", nil, nil)
				wantPassed(t, rep, "bridge-gateway")
			}
			reset := lab(t, "reset", "--scope", s)
			want(t, reset, 0)
			wantContains(t, "lab reset", reset.stdout, "removed IPAM folder /var/lib/cni/networks/demo_br")
			if _, err := os.Stat("/var/lib/cni/networks/demo_br"); err == nil {
				t.Errorf("reset left /var/lib/cni/networks/demo_br")
			}
			if !hadVarLibCNI {
				if _, err := os.Stat("/var/lib/cni"); err == nil {
					t.Errorf("reset left /var/lib/cni, which did not exist before the test")
				}
			}
		})
	}
}
