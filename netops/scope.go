// Package netops is the only code in lab that changes the kernel: the scope
// (the sandbox a lesson runs in, with its journal and ownership marks) and the
// operations lessons are made of. Every operation knows the command a learner
// would type to do the same thing.
package netops

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/cnilab/lab/netops/ns"
	"github.com/vishvananda/netlink"
)

// DefaultScope is the scope a learner uses; its lesson namespaces keep the
// articles' plain names (client, server, ...).
const DefaultScope = "lab"

// StateRoot holds one state directory per scope.
const StateRoot = "/run/cnilab"

// Logical names of the two namespaces every scope has.
const (
	HostNetns  = "host"
	WorldNetns = "world"
)

var scopeName = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)

// Scope is one sandbox: a host namespace, a world namespace, the lesson's own
// namespaces and a state directory with the journal of what was created.
type Scope struct {
	Name     string
	StateDir string

	handles map[string]*netlink.Handle // by real namespace name
	// handlesMu guards the map: checks graded side by side (a cluster's
	// probe pods) open handles of different namespaces at once.
	handlesMu sync.Mutex
}

// NewScope validates the name and returns the scope; it creates nothing.
func NewScope(name string) (*Scope, error) {
	if !scopeName.MatchString(name) {
		return nil, fmt.Errorf("scope %q: want 1 to 12 lowercase letters or digits, starting with a letter", name)
	}
	return &Scope{Name: name, StateDir: filepath.Join(StateRoot, name)}, nil
}

// Netns maps a lesson's logical namespace name to the real one: "host" and
// "world" become "<scope>-host" and "<scope>-world"; lesson namespaces keep
// their plain name in the default scope and get the scope as a prefix in any
// other ("t1-client"), so tests can run lessons side by side.
func (s *Scope) Netns(logical string) string {
	switch {
	case logical == HostNetns || logical == WorldNetns:
		return s.Name + "-" + logical
	case s.Name == DefaultScope:
		return logical
	default:
		return s.Name + "-" + logical
	}
}

// Logical is the inverse of Netns for names this scope could have made.
func (s *Scope) Logical(real string) string {
	if real == s.Name+"-"+HostNetns || real == s.Name+"-"+WorldNetns {
		return strings.TrimPrefix(real, s.Name+"-")
	}
	if s.Name == DefaultScope {
		return real
	}
	return strings.TrimPrefix(real, s.Name+"-")
}

// Mark is the alias written on every link lab creates, so that lab can tell
// its own links from links someone else made with the same name.
func (s *Scope) Mark() string { return "cnilab:" + s.Name }

// Table is the nftables table lab writes its rules to. It lives in the
// scope's own host namespace, so one name serves every scope.
func (s *Scope) Table() string { return "cnilab" }

// Exists reports whether the scope has been set up (its host namespace and
// its state directory exist).
func (s *Scope) Exists() bool {
	_, err := os.Stat(s.StateDir)
	return err == nil && ns.Exists(s.Netns(HostNetns))
}

// Lesson returns the id of the lesson set up in this scope, or "".
func (s *Scope) Lesson() string {
	b, err := os.ReadFile(filepath.Join(s.StateDir, "lesson"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// SetLesson records which lesson the scope holds.
func (s *Scope) SetLesson(id string) error {
	if err := os.WriteFile(filepath.Join(s.StateDir, "lesson"), []byte(id+"\n"), 0o644); err != nil {
		return fmt.Errorf("record lesson of scope %q: %w", s.Name, err)
	}
	return nil
}

// ErrForeign is wrapped by errors about objects lab did not make.
var ErrForeign = errors.New("not made by lab")

// Busy reports who holds the scope's lock, or "" when nobody does; it takes
// nothing.
func (s *Scope) Busy() string {
	l, err := s.Acquire("lab doctor")
	if err != nil {
		if errors.Is(err, ErrBusy) {
			return strings.TrimPrefix(err.Error(), ErrBusy.Error()+": ")
		}
		return ""
	}
	l.Release()
	return ""
}

// Foreign lists the names a lesson would claim that something lab did not
// make already holds in this scope: namespaces and IPAM folders.
func (s *Scope) Foreign(netns, ipam []string) []string {
	var out []string
	for _, n := range append([]string{HostNetns, WorldNetns}, netns...) {
		real := s.Netns(n)
		if owned, _ := s.Owns(real); ns.Exists(real) && !owned {
			out = append(out, "netns "+real)
		}
	}
	entries, _ := s.Journal()
	for _, n := range ipam {
		owned := false
		for _, e := range entries {
			owned = owned || e.Kind == KindIPAMDir && e.Name == n
		}
		if _, err := os.Stat(ipamDir(n)); err == nil && !owned {
			out = append(out, "IPAM folder "+ipamDir(n))
		}
	}
	return out
}

// LessonFirst orders real namespace names with the lesson's own before the
// scope's host and world: a topology drawn in a small pane shows what the
// lesson is about first (the layout still puts the host between the
// namespaces it is cabled to).
func (s *Scope) LessonFirst(names []string) []string {
	var lesson, base []string
	for _, n := range names {
		if n == s.Netns(HostNetns) || n == s.Netns(WorldNetns) {
			base = append(base, n)
		} else {
			lesson = append(lesson, n)
		}
	}
	return append(lesson, base...)
}

// FindNetns finds a namespace of the scope a learner names: by its lesson
// name ("host", "client"), or by its real name ("lab-host", "t1-client").
// A namespace of another scope, or one lab did not name, is not found: ok
// is false, and real is the scope's name for it.
func (s *Scope) FindNetns(name string) (real string, ok bool) {
	if real = s.Netns(name); ns.Exists(real) {
		return real, true
	}
	if s.Netns(s.Logical(name)) == name && ns.Exists(name) {
		return name, true
	}
	return s.Netns(name), false
}

// ReadState reads a file of the scope's state dir ("practice.json"); a
// missing one is nil, no error. Files there go with the scope at reset.
func (s *Scope) ReadState(name string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(s.StateDir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// WriteState writes a file of the scope's state dir, which must exist (the
// scope is set up).
func (s *Scope) WriteState(name string, data []byte) error {
	p := filepath.Join(s.StateDir, name)
	if err := os.WriteFile(p+".tmp", data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return os.Rename(p+".tmp", p)
}
