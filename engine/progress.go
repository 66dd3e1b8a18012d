package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Progress is the learner's record of finished lessons, like rustlings'
// progress file: a lesson is done when `lab verify` passed once.
type Progress struct {
	path  string
	Done  map[string]time.Time `json:"done"`
	Exams []ExamRecord         `json:"exams,omitempty"`
}

// ExamRecord is one graded exam in the progress file.
type ExamRecord struct {
	Graded time.Time `json:"graded"`
	Score  float64   `json:"score"`
	Tasks  []string  `json:"tasks"`
	Late   bool      `json:"late"`
}

// RecordExam adds a graded exam and writes the file.
func (p *Progress) RecordExam(r ExamRecord) error {
	p.Exams = append(p.Exams, r)
	return p.save()
}

// ProgressPath is where progress is kept: $CNILAB_STATE, else
// $XDG_STATE_HOME/cnilab, else ~/.local/state/cnilab.
func ProgressPath() string {
	if d := os.Getenv("CNILAB_STATE"); d != "" {
		return filepath.Join(d, "progress.json")
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "cnilab", "progress.json")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = "/root"
	}
	return filepath.Join(home, ".local", "state", "cnilab", "progress.json")
}

// LoadProgress reads the progress file; a missing or damaged file is an
// empty record, never an error that stops a lesson.
func LoadProgress(path string) *Progress {
	p := &Progress{path: path, Done: map[string]time.Time{}}
	if b, err := os.ReadFile(path); err == nil {
		if json.Unmarshal(b, p) != nil || p.Done == nil {
			p.Done = map[string]time.Time{}
		}
	}
	return p
}

// IsDone reports whether the lesson was verified once.
func (p *Progress) IsDone(id string) bool { _, ok := p.Done[id]; return ok }

// MarkDone records a verified lesson and writes the file.
func (p *Progress) MarkDone(id string) error {
	if p.IsDone(id) {
		return nil
	}
	p.Done[id] = time.Now().UTC()
	return p.save()
}

func (p *Progress) save() error {
	if err := os.MkdirAll(filepath.Dir(p.path), 0o755); err != nil {
		return fmt.Errorf("save progress to %s: %w", p.path, err)
	}
	b, _ := json.MarshalIndent(p, "", "  ")
	tmp := p.path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("save progress to %s: %w", p.path, err)
	}
	if err := os.Rename(tmp, p.path); err != nil {
		return fmt.Errorf("save progress to %s: %w", p.path, err)
	}
	return nil
}
