package engine

import (
	"encoding/json"
	"fmt"
)

// seedFile records the seed a scope's task was set up with, so that every
// later command (verify, hint, solution, --env, an exam's grade) reads the
// same varied values. A reset removes it with the rest of the state.
const seedFile = "seed.json"

type seedRecord struct {
	Task string `json:"task"`
	Seed int64  `json:"seed"`
}

// recordSeed notes a varied setup in the scope's state.
func (s *Session) recordSeed(l *Lesson) error {
	if l.Seed == 0 {
		return nil
	}
	b, _ := json.Marshal(seedRecord{Task: l.ID, Seed: l.Seed})
	if err := s.scope.WriteState(seedFile, b); err != nil {
		return fmt.Errorf("record the seed of %s in scope %q: %w", l.ID, s.scope.Name, err)
	}
	return nil
}

// heldSeed is the seed the scope's task id was set up with, 0 if none.
func (s *Session) heldSeed(id string) int64 {
	if s.scope.Lesson() != id {
		return 0
	}
	b, err := s.scope.ReadState(seedFile)
	if err != nil || b == nil {
		return 0
	}
	var r seedRecord
	if json.Unmarshal(b, &r) != nil || r.Task != id {
		return 0
	}
	return r.Seed
}
