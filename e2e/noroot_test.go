package e2e

// The commands that need no kernel and no root: list and script.

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// list and script need no kernel: as nobody, `lab list --json` matches the
// lesson files and `lab script` prints a lesson's commands.
func TestCLIListAndScript(t *testing.T) {
	needBinary(t)
	t.Parallel()
	// As nobody when the tests can switch to it: neither needs root.
	cred := nobody
	if os.Geteuid() != 0 || inUserNS() {
		cred = nil
	}
	r := labRun(t, "", cred, "list", "--json")
	want(t, r, 0)
	var items []struct {
		ID      string `json:"id"`
		Title   string `json:"title"`
		Summary string `json:"summary"`
		Steps   int    `json:"steps"`
		Done    bool   `json:"done"`
	}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&items); err != nil {
		t.Fatalf("list --json: %v\n%s", err, r)
	}
	files := readLessons(t)
	if len(items) != len(files) {
		t.Fatalf("list --json: %d lessons, %d lesson files\n%s", len(items), len(files), r.stdout)
	}
	for i, it := range items {
		if i < len(lessonIDs) && it.ID != lessonIDs[i] {
			t.Errorf("list --json: lesson %d is %q, want %q", i, it.ID, lessonIDs[i])
		}
		if it.ID != files[i].ID || it.Steps != len(files[i].Steps) {
			t.Errorf("list --json: %s has %d steps, its file %s has %d", it.ID, it.Steps, files[i].ID, len(files[i].Steps))
		}
		if it.Title == "" || it.Summary == "" || it.Done {
			t.Errorf("list --json: %+v: want a title, a summary and not done", it)
		}
	}

	sc := labRun(t, "", cred, "script", "veth")
	want(t, sc, 0)
	wantContains(t, "lab script veth", sc.stdout, "ip netns add client\n", "ip netns add server\n", "10.0.0.11/24")
}
