package netops

import (
	"fmt"

	"github.com/cnilab/lab/netops/ns"
)

// NetnsAdd creates a named network namespace.
//
// Equivalent to: `ip netns add NAME`
type NetnsAdd struct {
	Name string `yaml:"name"`
}

func (o NetnsAdd) Commands(r Resolver) []string {
	return []string{"ip netns add " + r.Netns(o.Name)}
}

func (o NetnsAdd) Namespaces() []string { return []string{o.Name} }

func (o NetnsAdd) Validate() error { return checkNetnsName("netns", o.Name) }

func (o NetnsAdd) Apply(s *Scope) ([]Note, error) {
	return nil, s.ensureNetns(s.Netns(o.Name))
}

// ensureNetns creates a namespace this scope owns, or accepts it when the
// journal says it is already ours. A namespace of that name that lab did not
// make is never adopted.
func (s *Scope) ensureNetns(real string) error {
	owned, err := s.Owns(real)
	if err != nil {
		return err
	}
	if ns.Exists(real) {
		if !owned {
			return foreignNetns(real)
		}
		return nil
	}
	if !owned {
		if err := s.Record(Entry{Kind: KindNetns, Name: real}); err != nil {
			return err
		}
	}
	// A crash between creating the mount point and mounting leaves an empty
	// file under our own name: clear it.
	ns.Delete(real)
	if err := ns.Create(real); err != nil {
		return err
	}
	return setDefaults(real)
}

func foreignNetns(real string) error {
	return fmt.Errorf("netns %q already exists and was %w: remove it (ip netns del %s) or use another --scope", real, ErrForeign, real)
}

// Claim takes the lesson's namespace names for this scope before anything is
// created: a name that exists and is not in the journal stops the lesson.
// What bears a claimed name later, including what a learner makes by hand
// during a task, belongs to the scope and is removed by Reset.
func (s *Scope) Claim(logical []string) error {
	entries, err := s.Journal()
	if err != nil {
		return err
	}
	owned := map[string]bool{}
	for _, e := range entries {
		if e.Kind == KindNetns || e.Kind == KindClaimNetns {
			owned[e.Name] = true
		}
	}
	all := append([]string{HostNetns, WorldNetns}, logical...)
	for _, l := range all {
		if real := s.Netns(l); ns.Exists(real) && !owned[real] {
			return foreignNetns(real)
		}
	}
	for _, l := range logical {
		real := s.Netns(l)
		if owned[real] {
			continue
		}
		if err := s.Record(Entry{Kind: KindClaimNetns, Name: real}); err != nil {
			return err
		}
		owned[real] = true
	}
	return nil
}

// NetnsDel deletes a named network namespace this scope owns; everything in
// it goes with it, and the other ends of its veths too. A namespace lab did
// not make is refused, a missing one is not an error.
//
// Equivalent to: `ip netns del NAME`
type NetnsDel struct {
	Name string `yaml:"name"`
}

func (o NetnsDel) Commands(r Resolver) []string {
	return []string{"ip netns del " + r.Netns(o.Name)}
}

func (o NetnsDel) Namespaces() []string { return []string{o.Name} }

func (o NetnsDel) Validate() error {
	if o.Name == HostNetns || o.Name == WorldNetns {
		return fmt.Errorf("netns_del: the scope's %s cannot be deleted by a lesson", o.Name)
	}
	return checkNetnsName("netns_del", o.Name)
}

func (o NetnsDel) Apply(s *Scope) ([]Note, error) {
	real := s.Netns(o.Name)
	if !ns.Exists(real) {
		return nil, nil
	}
	owned, err := s.Owns(real)
	if err != nil {
		return nil, err
	}
	if !owned {
		return nil, foreignNetns(real)
	}
	s.forget(real)
	return nil, ns.Delete(real)
}
