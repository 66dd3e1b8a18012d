package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/netops"
)

func (a *app) catalog() (*engine.Catalog, error) {
	return engine.LoadCatalog(a.lessons)
}

// lesson loads the catalog and finds one lesson in it.
func (a *app) lesson(id string) (*engine.Lesson, error) {
	c, err := a.catalog()
	if err != nil {
		return nil, err
	}
	return c.Get(id)
}

func (a *app) scopeOf() (*netops.Scope, error) {
	return netops.NewScope(a.scope)
}

// prepare is the common start of the commands that change a scope: check
// the privileges, load the lesson, take the scope's lock.
func (a *app) prepare(cmd, id string) (*engine.Lesson, *netops.Scope, *netops.Lock, error) {
	if err := requirePrivileges(cmd); err != nil {
		return nil, nil, nil, err
	}
	var l *engine.Lesson
	if id != "" {
		var err error
		if l, err = a.lesson(id); err != nil {
			return nil, nil, nil, err
		}
	}
	s, err := a.scopeOf()
	if err != nil {
		return nil, nil, nil, err
	}
	lock, err := s.Acquire("lab " + cmd + " " + id)
	if err != nil {
		if errors.Is(err, netops.ErrBusy) {
			return nil, nil, nil, &exitError{code: 2, msg: err.Error()}
		}
		return nil, nil, nil, err
	}
	return l, s, lock, nil
}

// freshSetup resets whatever the scope holds and sets the lesson up. A setup
// that fails is rolled back, so a refused lesson leaves nothing behind.
func freshSetup(r *engine.Runner, l *engine.Lesson) ([]string, error) {
	removed, err := r.Scope.Reset()
	if err != nil {
		return removed, err
	}
	if err := r.Setup(l); err != nil {
		r.Scope.Reset()
		return removed, err
	}
	return removed, nil
}

// oneLesson is the argument check of commands that take a LESSON: a missing
// or extra argument gets a message that lists the lessons.
func (a *app) oneLesson(cmd *cobra.Command, args []string) error {
	if len(args) == 1 {
		return nil
	}
	ids := "see lab list"
	if c, err := a.catalog(); err == nil {
		ids = strings.Join(c.IDs(), ", ")
	}
	if len(args) == 0 {
		return fmt.Errorf("lab %s needs a LESSON (one of: %s)", cmd.Name(), ids)
	}
	return fmt.Errorf("lab %s takes one LESSON, got %d arguments: %s", cmd.Name(), len(args), strings.Join(args, " "))
}
