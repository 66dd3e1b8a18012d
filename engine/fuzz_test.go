package engine

import (
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/cnilab/lab/lessons"
	"github.com/cnilab/lab/netops"
)

// FuzzParse: whatever a lesson file holds, Parse does not panic; an error
// names the file first; a lesson it accepts is valid all the way down and
// can be rendered (script, texts, descriptions) without the kernel.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 60s -fuzzminimizetime 1s ./engine/
//
// Give -fuzzminimizetime: the seeds are whole lesson files, and with the
// default (60s) the fuzzer spends a minute minimizing the first new input
// it finds instead of fuzzing (a 60s run then makes about 50 executions).
//
// The committed corpus is in testdata/fuzz/FuzzParse; seeds below add the
// embedded lessons and broken variants of them.
func FuzzParse(f *testing.F) {
	names, err := fs.Glob(lessons.FS(), "*.yaml")
	if err != nil || len(names) == 0 {
		f.Fatalf("embedded lessons: %v %v", names, err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(lessons.FS(), name)
		if err != nil {
			f.Fatal(err)
		}
		src := string(data)
		f.Add(data)
		f.Add(data[:len(data)/2])                                                        // cut mid-file
		f.Add([]byte(strings.Replace(src, "verify:", "verfy:", 1)))                      // typo in a key
		f.Add([]byte(strings.Replace(src, "check:", "chek:", 1)))                        // typo in a step
		f.Add([]byte(strings.Replace(src, "/24", "/33", 1)))                             // bad prefix
		f.Add([]byte(strings.Replace(src, "{{ns ", "{{ns", 1)))                          // template
		f.Add([]byte(strings.Replace(src, "namespaces: [", "namespaces: [x, ", 1)))      // unused namespace
		f.Add([]byte(strings.Replace(src, "  - title:", "  - &s\n    title:", 1)))       // an anchor
		f.Add([]byte(strings.Replace(src, "    do:\n", "    do: &d\n", 1) + "\n# *d\n")) // anchor, alias in a comment
	}
	f.Add([]byte(minimalLesson))
	f.Add([]byte(""))
	f.Add([]byte("---\n"))
	f.Add([]byte("[]"))
	f.Add([]byte("id: x\ntitle: X\nverify:\n  - ping: {to: 10.0.0.1}\n    netns: {name: host}\n"))
	f.Add([]byte("id: x\ntitle: X\nnamespaces: [a]\nsteps:\n  - &s {title: s}\n  - *s\nverify:\n  - netns: {name: a}\n"))

	scopes := []*netops.Scope{mustScope(f, netops.DefaultScope), mustScope(f, "t1")}
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "fuzz/lesson.yaml"
		l, err := Parse(file, data)
		if err != nil {
			if l != nil {
				t.Errorf("Parse returned a lesson with error %q", err)
			}
			if !strings.HasPrefix(err.Error(), file+":") {
				t.Errorf("error %q does not start with %q", err, file+":")
			}
			return
		}
		if l == nil {
			t.Fatal("Parse returned neither a lesson nor an error")
		}
		if l.ID == "" || l.Title == "" || l.File != file {
			t.Errorf("lesson ID %q, Title %q, File %q", l.ID, l.Title, l.File)
		}
		if len(l.Verify) == 0 && !(l.Scenario() && l.Extends != "") {
			// A scenario gets the verify of the lesson it extends.
			t.Error("lesson without verify checks")
		}
		declared := map[string]bool{netops.HostNetns: true, netops.WorldNetns: true}
		for _, n := range l.Namespaces {
			declared[n] = true
		}
		ops := append([]OpSpec(nil), l.Setup...)
		checks := append([]CheckSpec(nil), l.Verify...)
		for i, st := range l.Steps {
			if st.Title == "" || st.Line <= 0 {
				t.Errorf("step %d: title %q, line %d", i+1, st.Title, st.Line)
			}
			ops = append(ops, st.Do...)
			checks = append(checks, st.Check...)
		}
		for _, op := range ops {
			if op.Op == nil || op.Line <= 0 {
				t.Fatalf("op %+v", op)
			}
			if err := op.Op.Validate(); err != nil {
				t.Errorf("line %d: accepted op %s does not validate: %v", op.Line, op.Kind, err)
			}
			for _, n := range op.Op.Namespaces() {
				if !declared[n] {
					t.Errorf("line %d: op %s uses undeclared netns %q", op.Line, op.Kind, n)
				}
			}
		}
		for _, c := range checks {
			if c.Check == nil || c.ID == "" || c.Line <= 0 {
				t.Fatalf("check %+v", c)
			}
			if err := c.Check.Validate(); err != nil {
				t.Errorf("line %d: accepted check %s does not validate: %v", c.Line, c.Kind, err)
			}
			for _, n := range c.Check.Namespaces() {
				if !declared[n] {
					t.Errorf("line %d: check %s uses undeclared netns %q", c.Line, c.Kind, n)
				}
			}
		}
		// Rendering an accepted lesson touches no kernel and must not panic.
		for _, s := range scopes {
			Script(io.Discard, l, s)
			_ = l.Text(s, l.Task)
			for _, st := range l.Steps {
				_ = l.Text(s, st.Prose)
			}
			for _, c := range checks {
				_ = c.Check.Describe(s)
				_ = l.Text(s, c.Title)
				_ = l.Text(s, c.Hint)
			}
		}
	})
}
