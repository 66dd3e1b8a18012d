package netops

// Note is something an operation shows the learner besides its command and
// the diff it caused: the CNI_* variables and the config a plugin got, the
// result JSON it printed, the IPAM files it wrote.
type Note struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}
