package engine

import (
	"maps"
	"strings"
	"testing"
)

// Every scenario that varies draws, for many seeds, values that load and
// validate (gateways inside their subnets, names that exist), the same
// values for the same seed, and texts that no longer hold the canonical
// ones: a learner who memorised the canonical answer has nothing to paste.
func TestVariedScenarios(t *testing.T) {
	cat, err := LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	varied := 0
	for _, l := range cat.Lessons {
		if len(l.Vary) == 0 {
			continue
		}
		varied++
		if !l.Scenario() {
			t.Errorf("%s varies but is not a scenario", l.ID)
		}
		swapped := 0
		for seed := int64(1); seed <= 16; seed++ {
			v, err := l.Varied(seed)
			if err != nil {
				t.Fatalf("%s seed %d: %v", l.ID, seed, err)
			}
			again, _ := l.Varied(seed)
			if !maps.Equal(v.varied, again.varied) || v.Solution != again.Solution {
				t.Fatalf("%s seed %d: two draws differ", l.ID, seed)
			}
			if v.Seed != seed || v.ID != l.ID || len(v.Verify) != len(l.Verify) || len(v.Setup) != len(l.Setup) {
				t.Fatalf("%s seed %d: varied lesson %s seed %d, %d checks, %d ops; want %d checks, %d ops",
					l.ID, seed, v.ID, v.Seed, len(v.Verify), len(v.Setup), len(l.Verify), len(l.Setup))
			}
			for name, spec := range l.Vary {
				val := v.varied[name]
				switch {
				case spec.Subnet != "":
					old := strings.TrimSuffix(spec.Subnet, "0/24")
					if val == spec.Subnet || strings.Contains(v.Solution+strings.Join(v.Hints, ""), old) {
						t.Errorf("%s seed %d: %s = %s, and the texts still name %s", l.ID, seed, name, val, old)
					}
				case spec.Host != "":
					if val == spec.Host {
						t.Errorf("%s seed %d: %s kept %s", l.ID, seed, name, val)
					}
				case len(spec.Swap) > 0 && val != spec.Swap[0]:
					swapped++
				}
			}
			// Varying a varied lesson starts from the canonical text.
			if w, _ := v.Varied(seed); w.Solution != v.Solution {
				t.Errorf("%s seed %d: varied twice, the solution changed", l.ID, seed)
			}
			if c, _ := v.Varied(0); c != l {
				t.Errorf("%s: seed 0 of a varied lesson is not the canonical lesson", l.ID)
			}
		}
		for _, spec := range l.Vary {
			if len(spec.Swap) > 0 && (swapped == 0 || swapped == 16) {
				t.Errorf("%s: in 16 seeds the broken namespace was swapped %d times", l.ID, swapped)
			}
		}
	}
	if varied < 10 {
		t.Errorf("%d scenarios vary, want the route and dnat ones (10)", varied)
	}
}

// A vary spec is exactly one of subnet, host, swap, each well formed.
func TestVarySpecRefused(t *testing.T) {
	for _, tc := range []struct {
		spec varySpec
		want string
	}{
		{varySpec{}, "exactly one"},
		{varySpec{Subnet: "172.30.0.0/16"}, "want an IPv4 /24"},
		{varySpec{Subnet: "172.30.0.1/24"}, "want an IPv4 /24"},
		{varySpec{Host: "fe80::1"}, "want an IPv4 address"},
		{varySpec{Swap: []string{"client1"}}, "two names"},
		{varySpec{Swap: []string{"client 1", "x"}}, "lowercase name"},
		{varySpec{Subnet: "172.30.0.0/24", Host: "172.30.0.11"}, "exactly one"},
	} {
		err := tc.spec.check("X")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.spec, err, tc.want)
		}
	}
}
