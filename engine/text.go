package engine

import (
	"strings"
	"text/template"

	"github.com/cnilab/lab/netops"
)

// templateFuncs are what lesson texts may call: {{ns "client"}} gives the
// real namespace name in the learner's scope, {{env "HOST_IP"}} a task value.
func templateFuncs(s *netops.Scope, env map[string]string) template.FuncMap {
	return template.FuncMap{
		"ns": func(logical string) string {
			if s == nil {
				return logical
			}
			return s.Netns(logical)
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
	env := map[string]string{}
	for _, kv := range l.EnvVars(s) {
		env[kv[0]] = kv[1]
	}
	t, err := template.New("text").Funcs(templateFuncs(s, env)).Parse(text)
	if err != nil {
		return text
	}
	var b strings.Builder
	if err := t.Execute(&b, nil); err != nil {
		return text
	}
	return b.String()
}
