package snapshot

import "time"

// settleLimit bounds the wait for links to settle after a step.
const settleLimit = time.Second

// TakeSettled is TakeAll once the kernel has finished bringing up the links
// of the named namespaces: a step's closing snapshot, and what a verify or
// a live check grades.
func TakeSettled(names []string) (Snapshot, error) {
	snap, err := TakeAll(names)
	if err != nil {
		return snap, err
	}
	return settle(names, snap)
}

// settle waits, bounded, until the kernel has finished bringing up what a
// step brought up, and returns the last snapshot. Carrier comes on at once,
// but the queue of the veth end that came up first is activated by the
// kernel's link-watch work a moment later; a ping sent before that loses its
// ARP request, and the neighbour code retries only a second later. A learner
// typing commands never sees this; a program applying a step and pinging at
// once does. The other end's operstate may lag up to a second behind (the
// work is rate limited), but its queue is already active: one processed end
// per pair is enough, except for a bridge port, which the bridge only
// forwards through once the port's own event was processed.
func settle(names []string, snap Snapshot) (Snapshot, error) {
	deadline := time.Now().Add(settleLimit)
	for !settled(snap) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
		var err error
		if snap, err = TakeAll(names); err != nil {
			return snap, err
		}
	}
	return snap, nil
}

func settled(snap Snapshot) bool {
	for _, n := range snap.Namespaces {
		for _, l := range n.Links {
			if !l.Pending {
				continue
			}
			// A bridge port forwards only once its own carrier event was
			// processed (the bridge learns of it from that work), whatever
			// its peer's state.
			if l.Kind != "veth" || l.Peer == "" || l.Master != "" {
				return false
			}
			peerNS := n
			if l.PeerNetns != "" {
				var ok bool
				if peerNS, ok = snap.Find(l.PeerNetns); !ok {
					continue
				}
			}
			if p, ok := peerNS.Link(l.Peer); ok && p.Pending {
				return false
			}
		}
	}
	return true
}
