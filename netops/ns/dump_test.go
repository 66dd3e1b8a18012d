package ns_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/cnilab/lab/netops/ns"
)

// TestRetryDumpUnit feeds RetryDump dumps that the kernel would have
// interrupted a few times, or every time, or that fail otherwise.
func TestRetryDumpUnit(t *testing.T) {
	other := errors.New("permission denied")
	for _, c := range []struct {
		name        string
		interrupted int   // how many calls return ErrDumpInterrupted first
		last        error // what the next call returns
		wantCalls   int
		want        []int
		wantErr     error
	}{
		{"whole at once", 0, nil, 1, []int{1, 2, 3}, nil},
		{"interrupted twice", 2, nil, 3, []int{1, 2, 3}, nil},
		{"another error is not retried", 0, other, 1, nil, other},
		{"interrupted every time", 99, nil, 5, nil, netlink.ErrDumpInterrupted},
	} {
		t.Run(c.name, func(t *testing.T) {
			calls := 0
			got, err := ns.RetryDump(func() ([]int, error) {
				calls++
				if calls <= c.interrupted {
					// The kernel's partial answer comes with the error.
					return []int{1}, fmt.Errorf("link list: %w", netlink.ErrDumpInterrupted)
				}
				if c.last != nil {
					return nil, c.last
				}
				return []int{1, 2, 3}, nil
			})
			if calls != c.wantCalls {
				t.Errorf("dump ran %d times, want %d", calls, c.wantCalls)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v (never a partial answer)", got, c.want)
			}
			if !errors.Is(err, c.wantErr) {
				t.Errorf("err = %v, want %v", err, c.wantErr)
			}
		})
	}
}
