package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cnilab/lab/engine"
)

// session opens the one door into the lab for a command: the root check
// first, then the session on the scope. who, when given ("lab run veth"),
// takes the scope's lock for the command's life; a busy scope is an error
// naming its holder (exit 2).
func (a *app) session(cmd, who string) (*engine.Session, error) {
	if err := requirePrivileges(strings.TrimSpace("lab " + cmd)); err != nil {
		return nil, err
	}
	return a.open(who)
}

// open opens a session without the root check, for the commands that only
// read files (script).
func (a *app) open(who string) (*engine.Session, error) {
	return engine.Open(engine.Options{Scope: a.scope, Lessons: a.lessons, Who: who})
}

// sessionFor is session for a command that names a lesson, with the lesson
// found in the session's catalog. lock takes the scope's lock.
func (a *app) sessionFor(cmd, id string, lock bool) (*engine.Session, *engine.Lesson, error) {
	who := ""
	if lock {
		who = "lab " + cmd + " " + id
	}
	sess, err := a.session(cmd, who)
	if err != nil {
		return nil, nil, err
	}
	l, err := sess.Lesson(id)
	if err != nil {
		sess.Close()
		return nil, nil, err
	}
	return sess, l, nil
}

// oneLesson is the argument check of commands that take a LESSON: a missing
// or extra argument gets a message that lists the lessons.
func (a *app) oneLesson(cmd *cobra.Command, args []string) error {
	if len(args) == 1 {
		return nil
	}
	ids := "see lab list"
	if entries, err := engine.Entries(a.lessons); err == nil {
		var names []string
		for _, e := range entries {
			names = append(names, e.ID)
		}
		ids = strings.Join(names, ", ")
	}
	if len(args) == 0 {
		return fmt.Errorf("lab %s needs a LESSON (one of: %s)", cmd.Name(), ids)
	}
	return fmt.Errorf("lab %s takes one LESSON, got %d arguments: %s", cmd.Name(), len(args), strings.Join(args, " "))
}

// scopeFlag is the flag that names the command's scope on a command line
// the user is told to run: "" for the default scope.
func (a *app) scopeFlag() string {
	if a.scope == engine.DefaultScope {
		return ""
	}
	return " --scope " + a.scope
}

// useVars hands a cluster lesson's --vars file to the session, checked
// before anything is reset.
func useVars(sess *engine.Session, file string) error {
	if file == "" {
		return nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return &exitError{code: 2, msg: "--vars: " + err.Error()}
	}
	if err := sess.UseVars(file, data); err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	return nil
}
