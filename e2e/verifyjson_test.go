package e2e

// `lab verify --json`, decoded strictly and held against its exit code, and
// the assertions on its checks.

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// checkJSON and reportJSON are `lab verify --json`, decoded strictly.
type checkJSON struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail"`
	Hint   string `json:"hint"`
}

type reportJSON struct {
	Lesson string      `json:"lesson"`
	Passed bool        `json:"passed"`
	Checks []checkJSON `json:"checks"`
}

func (r reportJSON) check(t *testing.T, id string) checkJSON {
	t.Helper()
	for _, c := range r.Checks {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("verify %s has no check %q: %+v", r.Lesson, id, r.Checks)
	return checkJSON{}
}

// firstFailed is the first check that failed, or nil.
func (r reportJSON) firstFailed() *checkJSON {
	for i := range r.Checks {
		if !r.Checks[i].Passed {
			return &r.Checks[i]
		}
	}
	return nil
}

func (r reportJSON) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "verify %s: passed %v\n", r.Lesson, r.Passed)
	for _, c := range r.Checks {
		mark := "ok  "
		if !c.Passed {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "  %s %s: %s | %s", mark, c.ID, c.Title, c.Detail)
		if c.Hint != "" {
			fmt.Fprintf(&b, " | hint: %s", c.Hint)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// verify runs `lab verify LESSON --json --scope S`, checks the exit code
// against the report and returns both.
func verify(t *testing.T, lesson, scope string) (result, reportJSON) {
	t.Helper()
	r := lab(t, "verify", lesson, "--json", "--scope", scope)
	if r.code != 0 && r.code != 1 {
		t.Fatalf("verify could not check:\n%s", r)
	}
	var rep reportJSON
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("verify --json: %v\n%s", err, r)
	}
	if rep.Lesson != lesson {
		t.Errorf("verify --json: lesson %q, want %q", rep.Lesson, lesson)
	}
	if len(rep.Checks) == 0 {
		t.Errorf("verify --json: no checks\n%s", r)
	}
	all := true
	for _, c := range rep.Checks {
		all = all && c.Passed
		if c.ID == "" || c.Title == "" || c.Detail == "" {
			t.Errorf("verify --json: check without id, title or detail: %+v", c)
		}
	}
	if rep.Passed != all {
		t.Errorf("verify --json: passed %v, but the checks say %v\n%s", rep.Passed, all, rep)
	}
	if (r.code == 0) != rep.Passed {
		t.Errorf("verify: exit %d with passed %v\n%s", r.code, rep.Passed, rep)
	}
	return r, rep
}

// wantVerify runs verify and fails the test unless it exited with code.
func wantVerify(t *testing.T, lesson, scope string, code int) reportJSON {
	t.Helper()
	r, rep := verify(t, lesson, scope)
	if r.code != code {
		t.Fatalf("verify %s: want exit %d, got %d\n%s%s", lesson, code, r.code, rep, r.stderr)
	}
	return rep
}

// wantFailed fails the test unless check id failed and its detail and
// hint hold the given parts.
func wantFailed(t *testing.T, rep reportJSON, id string, detail, hint []string) checkJSON {
	t.Helper()
	c := rep.check(t, id)
	if c.Passed {
		t.Errorf("check %s passed, want it failed\n%s", id, rep)
		return c
	}
	wantContains(t, "detail of check "+id, c.Detail, detail...)
	wantContains(t, "hint of check "+id, c.Hint, hint...)
	return c
}

// wantPassed fails the test unless every check of ids passed.
func wantPassed(t *testing.T, rep reportJSON, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if c := rep.check(t, id); !c.Passed {
			t.Errorf("check %s failed, want it passed\n%s", id, rep)
		}
	}
}
