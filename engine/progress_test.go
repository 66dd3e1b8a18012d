package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestProgressPathUnit(t *testing.T) {
	t.Setenv("CNILAB_STATE", "/state/here")
	t.Setenv("XDG_STATE_HOME", "/xdg")
	t.Setenv("HOME", "/home/learner")
	if got := ProgressPath(); got != "/state/here/progress.json" {
		t.Errorf("with CNILAB_STATE: %q", got)
	}
	t.Setenv("CNILAB_STATE", "")
	if got := ProgressPath(); got != "/xdg/cnilab/progress.json" {
		t.Errorf("with XDG_STATE_HOME: %q", got)
	}
	t.Setenv("XDG_STATE_HOME", "")
	if got := ProgressPath(); got != "/home/learner/.local/state/cnilab/progress.json" {
		t.Errorf("with HOME only: %q", got)
	}
}

func TestProgressUnit(t *testing.T) {
	t.Setenv("CNILAB_STATE", filepath.Join(t.TempDir(), "nested", "state"))
	path := ProgressPath()

	p := LoadProgress(path)
	if len(p.Done) != 0 || p.IsDone("veth") {
		t.Fatalf("missing file: Done = %v, want empty", p.Done)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("LoadProgress created %s: %v", path, err)
	}

	before := time.Now().UTC().Add(-time.Second)
	if err := p.MarkDone("veth"); err != nil {
		t.Fatalf("MarkDone: %v", err)
	}
	if !p.IsDone("veth") || p.IsDone("bridge") {
		t.Errorf("after MarkDone(veth): Done = %v", p.Done)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("MarkDone wrote nothing: %v", err)
	}
	var onDisk struct {
		Done map[string]time.Time `json:"done"`
	}
	if err := json.Unmarshal(b, &onDisk); err != nil || len(onDisk.Done) != 1 || onDisk.Done["veth"].Before(before) {
		t.Errorf("progress file %s = %s (%v)", path, b, err)
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("MarkDone left its temporary file: %v", err)
	}

	q := LoadProgress(path)
	if !q.IsDone("veth") || q.IsDone("route") {
		t.Errorf("reloaded: Done = %v, want veth only", q.Done)
	}
	first := q.Done["veth"]
	if err := q.MarkDone("veth"); err != nil {
		t.Fatal(err)
	}
	if !q.Done["veth"].Equal(first) {
		t.Errorf("MarkDone of a done lesson moved its time from %v to %v", first, q.Done["veth"])
	}
	if err := q.MarkDone("bridge"); err != nil {
		t.Fatal(err)
	}
	if r := LoadProgress(path); !r.IsDone("veth") || !r.IsDone("bridge") || len(r.Done) != 2 {
		t.Errorf("after a second lesson: Done = %v", r.Done)
	}
}

func TestProgressDamagedFileUnit(t *testing.T) {
	for name, content := range map[string]string{
		"empty":            "",
		"not json":         "veth done\n",
		"truncated":        `{"done": {"veth": "2024-05-01T10:00:00Z"`,
		"null":             "null",
		"array":            "[1, 2]",
		"done is a number": `{"done": 5}`,
		"done is null":     `{"done": null}`,
		"bad time":         `{"done": {"veth": "yesterday"}}`,
		"binary":           "\x00\xff\xfe{",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "progress.json")
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			p := LoadProgress(path)
			if p.Done == nil || len(p.Done) != 0 {
				t.Fatalf("Done = %#v, want an empty record", p.Done)
			}
			// The damaged file is replaced by a good one.
			if err := p.MarkDone("veth"); err != nil {
				t.Fatalf("MarkDone over a damaged file: %v", err)
			}
			if !LoadProgress(path).IsDone("veth") {
				t.Errorf("reload after MarkDone: not done")
			}
		})
	}
}

func TestProgressUnwritableUnit(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// A regular file where the state directory should be: even root cannot
	// make a directory under it.
	p := LoadProgress(filepath.Join(blocker, "progress.json"))
	err := p.MarkDone("veth")
	if err == nil || !strings.HasPrefix(err.Error(), "save progress to "+filepath.Join(blocker, "progress.json")+": ") {
		t.Errorf("MarkDone under a file: %v", err)
	}
}
