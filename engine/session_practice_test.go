package engine

import (
	"strings"
	"testing"
)

// The practice list: the lessons in teaching order, then the scenarios.
// Pure: a session built by hand on a scope that is never set up.
func TestSessionTasks(t *testing.T) {
	s := &Session{scope: mustScope(t, "t1")}
	tasks := s.Tasks()
	cat, err := s.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != len(cat.Lessons) {
		t.Fatalf("%d tasks, the catalog has %d lessons", len(tasks), len(cat.Lessons))
	}
	walk := cat.Walkthroughs()
	for i, l := range tasks {
		if want := i >= len(walk); l.Scenario() != want {
			t.Errorf("task %d %s: scenario %v, want %v (lessons first)", i, l.ID, l.Scenario(), want)
		}
		if i < len(walk) && l != walk[i] {
			t.Errorf("task %d is %s, want %s: the lessons in teaching order", i, l.ID, walk[i].ID)
		}
	}
}

// A symptom names the scope's namespaces, without reading the lab.
func TestSessionSymptom(t *testing.T) {
	s := &Session{scope: mustScope(t, "t1")}
	l, err := s.Lesson("no-masquerade")
	if err != nil {
		t.Fatal(err)
	}
	got := s.Symptom(l)
	if !strings.Contains(got, "t1-client1") || strings.Contains(got, "{{") {
		t.Errorf("symptom in scope t1: %q", got)
	}
}
