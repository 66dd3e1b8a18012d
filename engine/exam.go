package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cnilab/lab/netops/ns"
)

// An exam, as the CKA simulators run one: several tasks set up at once,
// each in a scope of its own, a deadline, and a weighted score graded from
// the live state of every task.

// ExamTask is one question of an exam.
type ExamTask struct {
	ID       string `json:"id"`
	Scope    string `json:"scope"`
	Question string `json:"question"`
	Weight   int    `json:"weight"`
}

// Exam is what `lab exam status --json` prints, and what is kept between
// the commands of one exam.
type Exam struct {
	Started  time.Time  `json:"started"`
	Deadline time.Time  `json:"deadline"`
	Tasks    []ExamTask `json:"tasks"`
}

// ExamOptions say which exam to set up.
type ExamOptions struct {
	Lessons string        // an instructor's lessons dir
	Prefix  string        // the scopes are PREFIX1, PREFIX2, ...
	Tasks   []string      // these tasks, in this order
	Random  int           // or this many, drawn from the scenarios and the lessons
	Minutes time.Duration // the time allowed
	Seed    int64         // the draw of --random; 0: a new one each exam
}

// ErrExamRunning is wrapped by StartExam when an exam is already set up.
var ErrExamRunning = errors.New("an exam is running")

// ErrNoExam is wrapped when no exam is set up.
var ErrNoExam = errors.New("no exam is running")

func examPath(prefix string) string {
	return filepath.Join(filepath.Dir(ProgressPath()), "exam-"+prefix+".json")
}

// LoadExam reads the exam set up under prefix.
func LoadExam(prefix string) (*Exam, error) {
	b, err := os.ReadFile(examPath(prefix))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: start one with lab exam --tasks a,b or --random N", ErrNoExam)
	}
	if err != nil {
		return nil, err
	}
	var e Exam
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("read %s: %w", examPath(prefix), err)
	}
	return &e, nil
}

func (e *Exam) save(prefix string) error {
	p := examPath(prefix)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(e, "", "  ")
	return os.WriteFile(p, append(b, '\n'), 0o644)
}

// examWeight: a break-fix scenario asks for a diagnosis as well as the fix.
func examWeight(l *Lesson) int {
	if l.Scenario() {
		return 2
	}
	return 1
}

// StartExam sets every task up in a scope of its own and records the exam.
// A task whose setup fails undoes the whole exam.
func StartExam(opt ExamOptions) (*Exam, error) {
	if _, err := LoadExam(opt.Prefix); err == nil {
		return nil, fmt.Errorf("%w under scope %s: grade it, or end it with lab exam end", ErrExamRunning, opt.Prefix)
	}
	cat, err := LoadCatalog(opt.Lessons)
	if err != nil {
		return nil, err
	}
	ids := opt.Tasks
	if opt.Random > 0 {
		if ids, err = drawTasks(cat, opt.Random, opt.Seed); err != nil {
			return nil, err
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("an exam needs tasks: --tasks a,b,c or --random N")
	}
	if err := checkClaims(cat, ids); err != nil {
		return nil, err
	}
	now := time.Now().UTC().Truncate(time.Second)
	e := &Exam{Started: now, Deadline: now.Add(opt.Minutes)}
	var opened []string
	undo := func() {
		for _, scope := range opened {
			if s, err := Open(Options{Scope: scope, Who: "lab exam"}); err == nil {
				s.Reset()
				s.Close()
			}
		}
	}
	for i, id := range ids {
		l, err := cat.Get(id)
		if err != nil {
			return nil, err
		}
		// With a seed, each task's values are drawn too (seed, seed+1, ...),
		// so that two candidates given the same exam paste no answers.
		if opt.Seed != 0 {
			if l, err = l.Varied(opt.Seed + int64(i)); err != nil {
				return nil, err
			}
		}
		scope := fmt.Sprintf("%s%d", opt.Prefix, i+1)
		s, err := Open(Options{Scope: scope, Lessons: opt.Lessons, Who: "lab exam " + id})
		if err != nil {
			undo()
			return nil, err
		}
		opened = append(opened, scope)
		if _, err := s.Setup(context.Background(), l, nil); err != nil {
			s.Close()
			undo()
			return nil, fmt.Errorf("set up task %d (%s) in scope %s: %w", i+1, id, scope, err)
		}
		q := strings.TrimSpace(s.Text(l, l.Task))
		if l.Scenario() {
			q = "Symptom: " + strings.TrimSpace(s.Text(l, l.Symptom)) + "\n\n" + q
		}
		s.Close()
		e.Tasks = append(e.Tasks, ExamTask{ID: id, Scope: scope, Question: q, Weight: examWeight(l)})
	}
	if err := e.save(opt.Prefix); err != nil {
		undo()
		return nil, err
	}
	return e, nil
}

// drawTasks picks n distinct tasks, scenarios and lessons alike, never two
// that claim the same machine-wide CNI network (they could not be set up
// side by side).
func drawTasks(cat *Catalog, n int, seed int64) ([]string, error) {
	ids := cat.IDs()
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	r := rand.New(rand.NewSource(seed))
	r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	var out []string
	for _, id := range ids {
		if l, _ := cat.Get(id); l != nil && l.NeedsRealRoot() != "" && ns.InUserNS() {
			continue // a rootless lab cannot set it up
		}
		if len(out) < n && checkClaims(cat, append(out, id)) == nil {
			out = append(out, id)
		}
	}
	if len(out) < n {
		return nil, fmt.Errorf("--random %d: at most %d tasks can be set up side by side (tasks that share a CNI network count once)", n, len(out))
	}
	return out, nil
}

// checkClaims refuses two tasks that claim the same host-local network of
// /var/lib/cni/networks: one machine has one such folder, whatever scope
// a task runs in.
func checkClaims(cat *Catalog, ids []string) error {
	owner := map[string]string{}
	for _, id := range ids {
		l, err := cat.Get(id)
		if err != nil {
			return err
		}
		for _, n := range l.IPAMNetworks {
			if o, ok := owner[n]; ok {
				return fmt.Errorf("tasks %s and %s both use the machine-wide CNI network %s: an exam can hold one of them", o, id, n)
			}
			owner[n] = id
		}
	}
	return nil
}

// TaskGrade is one task of a graded exam.
type TaskGrade struct {
	ID     string        `json:"id"`
	Scope  string        `json:"scope"`
	Weight int           `json:"weight"`
	Passed bool          `json:"passed"`
	Score  float64       `json:"score"` // passed checks over all checks, 0 to 1
	Checks []CheckResult `json:"checks"`
}

// Grade is what `lab exam grade --json` prints.
type Grade struct {
	Score   float64     `json:"score"` // 0 to 100, weighted
	Tasks   []TaskGrade `json:"tasks"`
	Started time.Time   `json:"started"`
	Graded  time.Time   `json:"graded"`
	Late    bool        `json:"late"`
}

// GradeExam verifies every task of the exam once, scores it like the CKA
// simulators (per task the checks passed over all its checks, weighted),
// and records the score in the learner's progress.
func GradeExam(lessonsDir, prefix string) (*Grade, error) {
	e, err := LoadExam(prefix)
	if err != nil {
		return nil, err
	}
	g := &Grade{Started: e.Started, Graded: time.Now().UTC().Truncate(time.Second)}
	g.Late = g.Graded.After(e.Deadline)
	var sum, weights float64
	for _, t := range e.Tasks {
		s, err := Open(Options{Scope: t.Scope, Lessons: lessonsDir})
		if err != nil {
			return nil, err
		}
		l, err := s.Lesson(t.ID)
		if err != nil {
			s.Close()
			return nil, err
		}
		rep, err := Verify(l, s.scope)
		s.Close()
		if err != nil {
			return nil, fmt.Errorf("grade task %s in scope %s: %w", t.ID, t.Scope, err)
		}
		tg := TaskGrade{ID: t.ID, Scope: t.Scope, Weight: t.Weight, Passed: rep.Passed, Checks: rep.Checks}
		passed := 0
		for _, c := range rep.Checks {
			if c.Passed {
				passed++
			}
		}
		if len(rep.Checks) > 0 {
			tg.Score = float64(passed) / float64(len(rep.Checks))
		}
		sum += float64(t.Weight) * tg.Score
		weights += float64(t.Weight)
		g.Tasks = append(g.Tasks, tg)
	}
	if weights > 0 {
		g.Score = math.Round(1000*sum/weights) / 10
	}
	ids := make([]string, len(e.Tasks))
	for i, t := range e.Tasks {
		ids[i] = t.ID
	}
	_ = LoadProgress(ProgressPath()).RecordExam(ExamRecord{Graded: g.Graded, Score: g.Score, Tasks: ids, Late: g.Late})
	return g, nil
}

// EndExam resets every scope of the exam and forgets it.
func EndExam(prefix string) ([]string, error) {
	e, err := LoadExam(prefix)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, t := range e.Tasks {
		s, err := Open(Options{Scope: t.Scope, Who: "lab exam end"})
		if err != nil {
			return removed, err
		}
		r, err := s.Reset()
		s.Close()
		removed = append(removed, r...)
		if err != nil {
			return removed, err
		}
	}
	return removed, os.Remove(examPath(prefix))
}
