package engine

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/cnilab/lab/lessons"
	"github.com/cnilab/lab/netops"
)

// Entry is one lesson as `lab list` shows it.
type Entry struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Steps   int    `json:"steps"`
	File    string `json:"file"` // the embedded file, NN-ID.yaml
	// A break-fix scenario's: what the learner sees, and the lesson whose
	// end state it breaks.
	Symptom string `json:"symptom,omitempty"`
	Base    string `json:"base,omitempty"`
}

// Scenario reports whether the entry is a break-fix scenario.
func (e Entry) Scenario() bool { return e.Symptom != "" }

// Entries lists the lessons in teaching order. For the embedded lessons it
// reads the index made at build time, parsing no lesson; with an
// instructor's lessons dir it loads the whole catalog.
func Entries(dir string) ([]Entry, error) {
	if dir != "" {
		cat, err := LoadCatalog(dir)
		if err != nil {
			return nil, err
		}
		return cat.Entries(), nil
	}
	var out []Entry
	if err := json.Unmarshal(lessons.Index(), &out); err != nil {
		return nil, fmt.Errorf("read the lesson index: %w", err)
	}
	return out, nil
}

// Entries lists the catalog's lessons as `lab list` shows them.
func (c *Catalog) Entries() []Entry {
	// Symptoms name things as the default scope does; the index is made at
	// build time, so no task value is filled in.
	def, _ := netops.NewScope(DefaultScope)
	out := make([]Entry, len(c.Lessons))
	for i, l := range c.Lessons {
		out[i] = Entry{ID: l.ID, Title: l.Title, Summary: l.Summary, Steps: len(l.Steps), File: path.Base(l.File)}
		if l.Scenario() {
			out[i].Symptom, out[i].Base = strings.TrimSpace(render(l.Symptom, def, nil)), l.Extends
		}
	}
	return out
}

// LoadLesson loads one lesson and the lessons it extends, not the whole
// catalog: a command that names a lesson parses only what it needs. With an
// instructor's lessons dir the whole catalog is loaded, since any of its
// files may replace or extend a lesson.
func LoadLesson(dir, id string) (*Lesson, error) {
	if dir != "" {
		cat, err := LoadCatalog(dir)
		if err != nil {
			return nil, err
		}
		return cat.Get(id)
	}
	entries, err := Entries("")
	if err != nil {
		return nil, err
	}
	file := map[string]string{}
	var ids []string
	for _, e := range entries {
		file[e.ID] = e.File
		ids = append(ids, e.ID)
	}
	var chain []*Lesson
	for want := id; want != ""; {
		name, ok := file[want]
		if !ok {
			if want == id {
				return nil, fmt.Errorf("%w %q (lessons: %s)", ErrUnknownLesson, id, strings.Join(ids, ", "))
			}
			return nil, fmt.Errorf("lessons/%s: lesson %q extends unknown lesson %q", file[chain[len(chain)-1].ID], chain[len(chain)-1].ID, want)
		}
		data, err := fs.ReadFile(lessons.FS(), name)
		if err != nil {
			return nil, fmt.Errorf("read lesson lessons/%s: %w", name, err)
		}
		l, err := Parse(path.Join("lessons", name), data)
		if err != nil {
			return nil, err
		}
		if l.ID != want {
			return nil, fmt.Errorf("lessons/%s holds lesson %q, the index says %q", name, l.ID, want)
		}
		chain = append(chain, l)
		if len(chain) > len(entries) {
			break // a cycle: Merge names it
		}
		want = l.Extends
	}
	all, err := Merge(chain, nil)
	if err != nil {
		return nil, err
	}
	return all[0], nil
}
