package ns

import (
	"errors"
	"time"

	"github.com/vishvananda/netlink"
)

// dumpAttempts bounds RetryDump: a few attempts are enough unless something
// keeps changing the table, and then an error is more useful than an
// endless loop.
const dumpAttempts = 5

// RetryDump runs a netlink dump (a list of links, addresses, routes, ...
// through a handle bound to a namespace) again while the kernel flags it
// netlink.ErrDumpInterrupted: a change landed in the table mid-dump, and
// the partial answer returned with that error could miss entries or show
// some twice. It tries dumpAttempts times at most, sleeping a little longer
// before each retry, and returns the last error when none completed, never
// a partial answer.
func RetryDump[T any](dump func() (T, error)) (T, error) {
	var err error
	for i := range dumpAttempts {
		if i > 0 {
			time.Sleep(time.Duration(i) * 10 * time.Millisecond)
		}
		var v T
		if v, err = dump(); !errors.Is(err, netlink.ErrDumpInterrupted) {
			return v, err
		}
	}
	var zero T
	return zero, err
}
