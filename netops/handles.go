package netops

import (
	"github.com/cnilab/lab/netops/ns"
	"github.com/vishvananda/netlink"
)

// handle returns a netlink handle bound to a real namespace, opened once per
// scope and process: every read and write after that needs no thread switch.
func (s *Scope) handle(real string) (*netlink.Handle, error) {
	s.handlesMu.Lock()
	defer s.handlesMu.Unlock()
	if h, ok := s.handles[real]; ok {
		return h, nil
	}
	h, err := ns.Handle(real)
	if err != nil {
		return nil, err
	}
	if s.handles == nil {
		s.handles = map[string]*netlink.Handle{}
	}
	s.handles[real] = h
	return h, nil
}

// forget drops the cached handle of a namespace that is going away.
func (s *Scope) forget(real string) {
	s.handlesMu.Lock()
	defer s.handlesMu.Unlock()
	s.forgetLocked(real)
}

func (s *Scope) forgetLocked(real string) {
	if h, ok := s.handles[real]; ok {
		h.Close()
		delete(s.handles, real)
	}
}

// Close releases the netlink handles the scope opened.
func (s *Scope) Close() {
	s.handlesMu.Lock()
	defer s.handlesMu.Unlock()
	for name := range s.handles {
		s.forgetLocked(name)
	}
}
