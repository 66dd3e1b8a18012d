package engine

import (
	"strings"
	"text/template"

	"github.com/cnilab/lab/netops"
)

// templateFuncs are what lesson texts may call: {{ns "client"}} gives the
// real namespace name in the learner's scope, {{env "HOST_IP"}} a task value.
func templateFuncs(r netops.Resolver, env map[string]string) template.FuncMap {
	return template.FuncMap{
		"ns": func(logical string) string {
			if r == nil {
				return logical
			}
			return r.Netns(logical)
		},
		"env": func(k string) string { return env[k] },
	}
}

// Text renders a lesson text (prose, task, hint) for a scope. A text that
// fails to render is shown as written: the loader already parsed it.
func (l *Lesson) Text(s *netops.Scope, text string) string {
	if !strings.Contains(text, "{{") {
		return text
	}
	return render(text, resolverOf(s), l.envMap(s))
}

// resolverOf keeps a nil scope a nil resolver: names render as written.
func resolverOf(s *netops.Scope) netops.Resolver {
	if s == nil {
		return nil
	}
	return s
}

// Texts are a lesson's texts as the learner reads them, with the scope's
// names and the task's values filled in: step titles and prose, and the task.
type Texts struct {
	Titles   []string
	Prose    []string
	Commands [][]string // each step's commands, to type by hand in lab shell
	Task     string
}

// Texts renders every text of the lesson once. The task's values include
// the pids of the lab's processes, read from the journal and /proc.
func (l *Lesson) Texts(s *netops.Scope) Texts {
	env, r := l.envMap(s), resolverOf(s)
	t := Texts{Task: render(l.Task, r, env)}
	for _, st := range l.Steps {
		t.Titles = append(t.Titles, render(st.Title, r, env))
		t.Prose = append(t.Prose, render(st.Prose, r, env))
		var cmds []string
		for _, op := range st.Do {
			if s != nil {
				cmds = append(cmds, op.Op.Commands(s)...)
			}
		}
		t.Commands = append(t.Commands, cmds)
	}
	return t
}

func (l *Lesson) envMap(s *netops.Scope) map[string]string {
	env := map[string]string{}
	for _, kv := range l.EnvVars(s) {
		env[kv[0]] = kv[1]
	}
	return env
}

func render(text string, r netops.Resolver, env map[string]string) string {
	if !strings.Contains(text, "{{") {
		return text
	}
	t, err := template.New("text").Funcs(templateFuncs(r, env)).Parse(text)
	if err != nil {
		return text
	}
	var b strings.Builder
	if err := t.Execute(&b, nil); err != nil {
		return text
	}
	return b.String()
}
