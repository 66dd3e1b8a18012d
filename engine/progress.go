package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"time"
)

// Progress is the learner's record of finished lessons, like rustlings'
// progress file: a lesson is done when `lab verify` passed once.
type Progress struct {
	path      string
	Done      map[string]time.Time `json:"done"`
	Hints     map[string]int       `json:"hints,omitempty"`     // hints shown, by task
	Solutions map[string]int       `json:"solutions,omitempty"` // solutions shown, by task
	Exams     []ExamRecord         `json:"exams,omitempty"`
}

// CountHint records a hint shown for a task and writes the file.
func (p *Progress) CountHint(id string) error {
	if p.Hints == nil {
		p.Hints = map[string]int{}
	}
	p.Hints[id]++
	return p.save()
}

// CountSolution records a solution shown for a task and writes the file.
func (p *Progress) CountSolution(id string) error {
	if p.Solutions == nil {
		p.Solutions = map[string]int{}
	}
	p.Solutions[id]++
	return p.save()
}

// Clear forgets everything and removes the file.
func (p *Progress) Clear() error {
	*p = Progress{path: p.path, Done: map[string]time.Time{}}
	if err := os.Remove(p.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", p.path, err)
	}
	return nil
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
// $XDG_STATE_HOME/cnilab, else ~/.local/state/cnilab of the user, who is
// the one who ran sudo when lab runs under sudo (root's home would hide a
// learner's progress from them).
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
	if u := sudoUser(); u != nil {
		home = u.HomeDir
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
	defer chownToSudoUser(p.path)
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

// sudoUser is the user who ran `sudo lab`, nil when lab was not run by sudo.
func sudoUser() *user.User {
	name := os.Getenv("SUDO_USER")
	if os.Geteuid() != 0 || name == "" || name == "root" {
		return nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil
	}
	return u
}

// chownToSudoUser gives the progress file and its folder to the user who
// ran sudo, so that their own lab reads and writes it.
func chownToSudoUser(path string) {
	u := sudoUser()
	if u == nil {
		return
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		return
	}
	os.Chown(filepath.Dir(path), uid, gid)
	os.Chown(path, uid, gid)
}
