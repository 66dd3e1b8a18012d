package engine

import (
	"strings"
	"testing"
)

// On a machine without the tools, doctor names each with the package that
// brings it; jq and tcpdump (the lessons' hand commands use them) are
// warnings, ip and bash stop the lab. Without the capabilities it probes no
// kernel feature and says how to get them.
func TestDoctorToolsUnit(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("CNILAB_CNI_PATH", t.TempDir())
	fs := Doctor(Options{Scope: "t1"}, []string{"CAP_NET_ADMIN"})
	byWhat := map[string]Finding{}
	for _, f := range fs {
		byWhat[strings.SplitN(f.What, " (", 2)[0]] = f
		if strings.HasPrefix(f.What, "kernel: ") {
			t.Errorf("kernel probed without the capabilities: %+v", f)
		}
	}
	for _, tc := range []struct {
		what, fix string
		required  bool
	}{
		{"privileges", "run lab with sudo", true},
		{"command ip", "apt-get install -y iproute2", true},
		{"command bash", "apt-get install -y bash", true},
		{"command jq", "apt-get install -y jq", false},
		{"command tcpdump", "apt-get install -y tcpdump", false},
		{"command nft", "apt-get install -y nftables", false},
		{"CNI plugin bridge", "make build", true},
	} {
		f, ok := byWhat[tc.what]
		switch {
		case !ok:
			t.Errorf("doctor has no finding %q: %+v", tc.what, fs)
		case f.OK || f.Required != tc.required || !strings.Contains(f.Fix, tc.fix):
			t.Errorf("%s: %+v; want not ok, required %v, fix %q", tc.what, f, tc.required, tc.fix)
		}
	}
	if last := fs[len(fs)-1]; !last.OK || !strings.HasPrefix(last.What, "lessons (") {
		t.Errorf("last finding %+v, want the embedded lessons loaded", last)
	}
}
