package netops

// Note is something an operation shows the learner besides its command and
// the diff it caused: the CNI_* variables and the config a plugin got, the
// result JSON it printed, the IPAM files it wrote.
type Note struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// note records output of the op being applied; the runner takes it after
// the op.
func (s *Scope) note(title, body string) {
	s.notes = append(s.notes, Note{Title: title, Body: body})
}

// TakeNotes returns the notes recorded since the last call and forgets them.
func (s *Scope) TakeNotes() []Note {
	n := s.notes
	s.notes = nil
	return n
}
