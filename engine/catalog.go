package engine

import (
	"fmt"
	"os"
	"strings"

	"github.com/cnilab/lab/lessons"
)

// Catalog is the set of lessons lab knows, in teaching order.
type Catalog struct {
	Lessons []*Lesson
}

// LoadCatalog loads the embedded lessons and, when dir is given, an
// instructor's own lesson files, which add to them or replace a lesson of
// the same id.
func LoadCatalog(dir string) (*Catalog, error) {
	base, err := Load(lessons.FS(), "lessons")
	if err != nil {
		return nil, err
	}
	var extra []*Lesson
	if dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("lessons dir: %w", err)
		}
		if extra, err = Load(os.DirFS(dir), dir); err != nil {
			return nil, err
		}
	}
	all, err := Merge(base, extra)
	if err != nil {
		return nil, err
	}
	return &Catalog{Lessons: all}, nil
}

// ErrUnknownLesson is wrapped by Get for an id no lesson has.
var ErrUnknownLesson = fmt.Errorf("unknown lesson")

// Get finds a lesson by id; the error lists the valid ids.
func (c *Catalog) Get(id string) (*Lesson, error) {
	for _, l := range c.Lessons {
		if l.ID == id {
			return l, nil
		}
	}
	return nil, fmt.Errorf("%w %q (lessons: %s)", ErrUnknownLesson, id, strings.Join(c.IDs(), ", "))
}

// IDs lists the lesson ids in teaching order.
func (c *Catalog) IDs() []string {
	out := make([]string, len(c.Lessons))
	for i, l := range c.Lessons {
		out[i] = l.ID
	}
	return out
}

// Walkthroughs are the catalog's lessons without its scenarios.
func (c *Catalog) Walkthroughs() []*Lesson {
	var out []*Lesson
	for _, l := range c.Lessons {
		if !l.Scenario() {
			out = append(out, l)
		}
	}
	return out
}
