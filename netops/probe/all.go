package probe

import (
	"net/netip"
	"sync"
	"time"
)

// PingRequest is one probe for PingAll.
type PingRequest struct {
	Netns   string        // namespace to ping from
	Dst     netip.Addr    // IPv4 destination
	Timeout time.Duration // <= 0 means DefaultTimeout
}

// PingAll runs every request at once and returns the results in request
// order, so checking a whole topology takes one timeout, not one per pair.
// The goroutines start here, outside any namespace: each Ping switches only
// the locked thread that opens its socket.
//
// Equivalent to: `ip netns exec NETNS ping -c 1 -W 1 DST &` per request, then `wait`.
func PingAll(reqs []PingRequest) []PingResult {
	results := make([]PingResult, len(reqs))
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Go(func() {
			results[i] = Ping(req.Netns, req.Dst, req.Timeout)
		})
	}
	wg.Wait()
	return results
}
