package e2e

// The articles' commands typed by hand in lab shell after `lab task`: the
// right ways pass, each mistake fails with a check that names it. The cases
// of each lesson are in byhand_LESSON_test.go.

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// byHand is one way a learner might type a lesson in lab shell after
// `lab task`, and what verify must say about it.
type byHand struct {
	name   string // subtest
	scope  string
	lesson string
	script func(t *testing.T, s string) string
	code   int                                        // verify's exit
	check  func(t *testing.T, s string, r reportJSON) // more about the report
}

// Hand-typed article commands: the right ways pass, each mistake fails
// with a check that names it.
func TestCLIByHand(t *testing.T) {
	t.Parallel()
	var cases []byHand
	cases = append(cases, vethByHandCases...)
	cases = append(cases, bridgeByHandCases...)
	cases = append(cases, routeByHandCases...)
	cases = append(cases, dnatByHandCases...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newScope(t, c.scope)
			for _, bin := range []string{"iptables", "iptables-legacy", "nft"} {
				if strings.Contains(c.name, bin) {
					if _, err := exec.LookPath(bin); err != nil {
						t.Skip(bin + " is not installed (make deps)")
					}
				}
			}
			fwd := forwarding(t)
			want(t, lab(t, "task", c.lesson, "--scope", s), 0)
			sh := shell(t, s, c.script(t, s))
			want(t, sh, 0)
			rep := wantVerify(t, c.lesson, s, c.code)
			if c.check != nil {
				c.check(t, s, rep)
			}
			if c.code == 0 && rep.firstFailed() != nil {
				t.Errorf("passed with a failed check:\n%s", rep)
			}
			// `sysctl -w` in lab shell set the sandbox host's forwarding,
			// never the machine's.
			if got := forwarding(t); got != fwd {
				t.Errorf("the machine's net.ipv4.ip_forward changed from %s to %s", fwd, got)
			}
			if c.lesson == "route" && strings.Contains(sh.stdout, "net.ipv4.ip_forward = 1") {
				in := lab(t, "shell", "--scope", s, "--", "sysctl", "-n", "net.ipv4.ip_forward")
				want(t, in, 0)
				if strings.TrimSpace(in.stdout) != "1" {
					t.Errorf("forwarding in %s-host: want 1\n%s", s, in)
				}
			}
		})
	}
}

// edit replaces old with new in a script, failing the test when old is not
// there: a wrong variant must differ from the right one.
func edit(t *testing.T, script, old, new string) string {
	t.Helper()
	if !strings.Contains(script, old) {
		t.Fatalf("script has no %q:\n%s", old, script)
	}
	return strings.Replace(script, old, new, 1)
}

// dropLines removes the lines that contain part, failing the test when
// there is none.
func dropLines(t *testing.T, script, part string) string {
	t.Helper()
	var keep []string
	dropped := 0
	for _, l := range strings.SplitAfter(script, "\n") {
		if strings.Contains(l, part) {
			dropped++
			continue
		}
		keep = append(keep, l)
	}
	if dropped == 0 {
		t.Fatalf("script has no line with %q:\n%s", part, script)
	}
	return strings.Join(keep, "")
}

// forwarding reads the machine's own net.ipv4.ip_forward (the test
// process never leaves the machine's namespace).
func forwarding(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
