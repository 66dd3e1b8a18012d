package lessons_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path"
	"reflect"
	"regexp"
	"testing"

	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/lessons"
)

var update = flag.Bool("update", false, "write index.json from the lesson files")

// index.json is what `lab list` reads instead of parsing every lesson: it
// must say what the files say. Run with -update after changing a lesson.
func TestIndexUnit(t *testing.T) {
	cat, err := engine.LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.MarshalIndent(cat.Entries(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if *update {
		if err := os.WriteFile("index.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(lessons.Index(), want) {
		t.Fatalf("lessons/index.json is stale: run go test ./lessons -run TestIndex -update\nwant:\n%s", want)
	}
}

// Every embedded file is named NN-ID.yaml after the lesson it holds, and
// loading one lesson alone gives the same lesson as the whole catalog.
func TestLoadLessonUnit(t *testing.T) {
	cat, err := engine.LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`^[0-9]{2}-([a-z0-9_-]+)\.yaml$`)
	for _, l := range cat.Lessons {
		m := name.FindStringSubmatch(path.Base(l.File))
		if m == nil || m[1] != l.ID {
			t.Errorf("%s holds lesson %q: name it NN-%s.yaml", l.File, l.ID, l.ID)
		}
		one, err := engine.LoadLesson("", l.ID)
		if err != nil {
			t.Fatalf("LoadLesson(%q): %v", l.ID, err)
		}
		if !reflect.DeepEqual(one, l) {
			t.Errorf("LoadLesson(%q) differs from the catalog's lesson", l.ID)
		}
	}
	if _, err := engine.LoadLesson("", "nosuch"); err == nil || !errors.Is(err, engine.ErrUnknownLesson) {
		t.Errorf("LoadLesson(nosuch) = %v, want ErrUnknownLesson", err)
	}
}
