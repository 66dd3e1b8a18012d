package e2e

// The lessons as the tests know them: their ids in catalog order, the
// namespaces each adds, and their files read with yaml directly, to hold the
// CLI's output against.

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/cnilab/lab/engine"
	"gopkg.in/yaml.v3"
)

// lessonsDir is the repository's lessons folder; the tests run in e2e/.
const lessonsDir = "../lessons"

var lessonIDs = []string{"veth", "bridge", "route", "dnat", "cni", "pod", "containerd", "multinic", "mycni"}

// skipRealRoot skips a lesson a rootless lab refuses (TestRootlessEveryLesson
// checks the refusal).
func skipRealRoot(t *testing.T, id string) {
	t.Helper()
	if !inUserNS() {
		return
	}
	cat, err := engine.LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	if l, err := cat.Get(id); err == nil && l.NeedsRealRoot() != "" {
		t.Skip(l.NeedsRealRoot())
	}
}

// lessonNetns are the namespaces each lesson adds to the scope's host and
// world.
var lessonNetns = map[string][]string{
	"veth":       {"client", "server"},
	"bridge":     {"client1", "server1"},
	"route":      {"client1", "server1"},
	"dnat":       {"web"},
	"cni":        {"pause_demo"},
	"pod":        {"pause_demo"},
	"containerd": {"pause_demo"},
	"multinic":   {"pause_demo"},
	"mycni":      {"pod1"},
}

// lessonFacts are what the lesson files say.
type lessonFacts struct {
	ID      string      `yaml:"id"`
	Steps   []yaml.Node `yaml:"steps"`
	Verify  []yaml.Node `yaml:"verify"`
	Symptom string      `yaml:"symptom"`
	Extends string      `yaml:"extends"`
	Hints   []string    `yaml:"hints"`
}

// readLessons reads the lesson files, without the break-fix scenarios.
func readLessons(t *testing.T) []lessonFacts {
	t.Helper()
	var out []lessonFacts
	for _, l := range readFiles(t) {
		if l.Symptom == "" {
			out = append(out, l)
		}
	}
	return out
}

// readScenarios reads the break-fix scenarios' files.
func readScenarios(t *testing.T) []lessonFacts {
	t.Helper()
	var out []lessonFacts
	for _, l := range readFiles(t) {
		if l.Symptom != "" {
			out = append(out, l)
		}
	}
	return out
}

func readFiles(t *testing.T) []lessonFacts {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(lessonsDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("lesson files: %v %v", files, err)
	}
	sort.Strings(files)
	var out []lessonFacts
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var l lessonFacts
		if err := yaml.Unmarshal(b, &l); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, l)
	}
	return out
}

func lessonFile(t *testing.T, id string) lessonFacts {
	t.Helper()
	for _, l := range readLessons(t) {
		if l.ID == id {
			return l
		}
	}
	t.Fatalf("no lesson file with id %q", id)
	return lessonFacts{}
}
