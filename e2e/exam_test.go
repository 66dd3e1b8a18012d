package e2e

// An exam: three tasks set up at once, one solved, graded with the right
// weighted score, then ended.

import (
	"encoding/json"
	"math"
	"testing"
)

func TestExam(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"ex91", "ex92", "ex93"} {
		newScope(t, s)
	}
	env := []string{"CNILAB_STATE=" + t.TempDir()} // the exam's record is the learner's progress
	exam := func(args ...string) result {
		t.Helper()
		return labEnv(t, env, append([]string{"exam"}, append(args, "--scope", "ex9")...)...)
	}
	start := exam("--tasks", "no-forwarding,no-default-route,veth", "--minutes", "30")
	want(t, start, 0)
	wantContains(t, "lab exam", start.stdout, "Task 1 (no-forwarding, weight 2)", "lab shell --scope ex91",
		"Task 3 (veth, weight 1)", "Symptom: ")
	want(t, exam("--tasks", "veth"), 2) // one exam at a time

	st := exam("status", "--json")
	want(t, st, 0)
	var status struct {
		Deadline string `json:"deadline"`
		Tasks    []struct {
			ID, Scope, Question string
			Weight              int
		} `json:"tasks"`
	}
	if err := json.Unmarshal([]byte(st.stdout), &status); err != nil || len(status.Tasks) != 3 || status.Deadline == "" ||
		status.Tasks[1].Scope != "ex92" || status.Tasks[1].Question == "" {
		t.Fatalf("exam status --json: %v\n%s", err, st.stdout)
	}

	// Task 1 solved, task 2 half way (nothing), task 3 left as set up.
	want(t, labIn(t, "sysctl -w net.ipv4.ip_forward=1\n", "shell", "--scope", "ex91"), 0)

	gr := exam("grade", "--json")
	want(t, gr, 0)
	var g struct {
		Score float64 `json:"score"`
		Late  bool    `json:"late"`
		Tasks []struct {
			ID     string `json:"id"`
			Scope  string `json:"scope"`
			Weight int    `json:"weight"`
			Passed bool   `json:"passed"`
			Checks []struct {
				Passed bool `json:"passed"`
			} `json:"checks"`
		} `json:"tasks"`
	}
	if err := json.Unmarshal([]byte(gr.stdout), &g); err != nil || len(g.Tasks) != 3 {
		t.Fatalf("exam grade --json: %v\n%s", err, gr.stdout)
	}
	if !g.Tasks[0].Passed || g.Tasks[1].Passed || g.Tasks[2].Passed || g.Late {
		t.Errorf("graded: %+v; want task 1 passed, 2 and 3 not, not late", g)
	}
	var sum, weights float64
	for _, task := range g.Tasks {
		passed := 0
		for _, c := range task.Checks {
			if c.Passed {
				passed++
			}
		}
		sum += float64(task.Weight) * float64(passed) / float64(len(task.Checks))
		weights += float64(task.Weight)
	}
	if want := math.Round(1000*sum/weights) / 10; g.Score != want || g.Score <= 40 || g.Score >= 100 {
		t.Errorf("score %.1f, want %.1f (weighted passed checks)", g.Score, want)
	}

	end := exam("end")
	want(t, end, 0)
	for _, s := range []string{"ex91", "ex92", "ex93"} {
		wantNothing(t, s)
	}
	want(t, exam("status"), 2)
}
