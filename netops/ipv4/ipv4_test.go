package ipv4

import (
	"net/netip"
	"testing"
)

func TestArithmeticUnit(t *testing.T) {
	a := netip.MustParseAddr("10.240.1.2")
	if n := Uint32(a); n != 0x0af00102 || FromUint32(n) != a {
		t.Errorf("Uint32(%s) = %#x, back %s", a, n, FromUint32(n))
	}
	for p, want := range map[string]string{
		"10.240.0.0/24":    "10.240.0.255",
		"10.32.7.9/12":     "10.47.255.255",
		"192.168.100.1/32": "192.168.100.1",
		"0.0.0.0/0":        "255.255.255.255",
	} {
		if got := Last(netip.MustParsePrefix(p)); got.String() != want {
			t.Errorf("Last(%s) = %s, want %s", p, got, want)
		}
	}
}
