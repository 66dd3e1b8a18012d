package machine

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Guard takes a fingerprint now and returns a check that takes another and
// returns an error listing every difference, nil when they are equal. Call
// it first thing in TestMain and check after m.Run:
//
//	func TestMain(m *testing.M) {
//		check := machine.Guard()
//		code := m.Run()
//		if err := check(); err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			code = 1
//		}
//		os.Exit(code)
//	}
//
// When not root it returns a check that does nothing: the tests skip the
// kernel then, and some reads (nftables) need root anyway.
func Guard() (check func() error) { return guard(Dirs) }

func guard(dirs []Dir) (check func() error) {
	if os.Geteuid() != 0 {
		return func() error { return nil }
	}
	before, err := take(dirs)
	if err != nil {
		return func() error {
			return fmt.Errorf("fingerprint the machine's network namespace before the tests: %w", err)
		}
	}
	return func() error {
		after, err := take(dirs)
		if err != nil {
			return fmt.Errorf("fingerprint the machine's network namespace after the tests: %w", err)
		}
		if d := before.Diff(after); len(d) > 0 {
			msg := fmt.Sprintf("the machine's own network namespace changed:\n\t%s", strings.Join(d, "\n\t"))
			for _, line := range d {
				if strings.HasPrefix(line, "path added: named netns") {
					// /run/netns and /var/lib/cni are the whole machine's:
					// another package testing at the same time shows here.
					msg += "\n(run test packages one at a time, as make test does with go test -p 1, before taking this for a leak)"
					break
				}
			}
			return errors.New(msg)
		}
		return nil
	}
}

// Main is a package's TestMain: it runs the tests and exits non-zero when
// they failed or when the machine's own namespace changed while they ran.
//
//	func TestMain(m *testing.M) { machine.Main(m) }
func Main(m interface{ Run() int }) { os.Exit(Run(m)) }

// Run is Main without the exit, for a TestMain that cleans up after the
// tests (a deferred cleanup never runs past os.Exit).
func Run(m interface{ Run() int }) int {
	check := Guard()
	code := m.Run()
	if err := check(); err != nil {
		fmt.Fprintln(os.Stderr, "the machine's own namespace changed:", err)
		code = 1
	}
	return code
}
