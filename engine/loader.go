package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"path"
	"slices"
	"sort"
	"strings"
	"text/template"

	"github.com/cnilab/lab/netops"
	"gopkg.in/yaml.v3"
)

// lessonFile is the top level of a lesson file.
type lessonFile struct {
	ID         string            `yaml:"id"`
	Title      string            `yaml:"title"`
	Summary    string            `yaml:"summary"`
	Article    string            `yaml:"article"`
	Extends    string            `yaml:"extends"`
	Namespaces []string          `yaml:"namespaces"`
	IPAM       []string          `yaml:"ipam_networks"`
	Env        map[string]string `yaml:"env"`
	Setup      yaml.Node         `yaml:"setup"`
	Steps      []stepFile        `yaml:"steps"`
	Cleanup    []stepFile        `yaml:"cleanup"` // after the end state; verify never sees them
	Task       string            `yaml:"task"`
	Verify     yaml.Node         `yaml:"verify"`
	// A break-fix scenario's: what the learner sees, hints from "where to
	// look" to "what is wrong", and the fix as bash.
	Symptom  string   `yaml:"symptom"`
	Hints    []string `yaml:"hints"`
	Solution string   `yaml:"solution"`
	// OmitSteps are steps of the extended lesson (from 1) a scenario's
	// given state leaves out: the masquerade that is missing.
	OmitSteps []int `yaml:"omit_steps"`
	// Vary names the values `lab task --seed N` may change, so that an
	// answer cannot be learnt by heart.
	Vary map[string]varySpec `yaml:"vary"`
}

type stepFile struct {
	Title      string    `yaml:"title"`
	Prose      string    `yaml:"prose"`
	Do         yaml.Node `yaml:"do"`
	Check      yaml.Node `yaml:"check"`
	KeepsState bool      `yaml:"keeps_state"`
	Line       int       `yaml:"-"`
}

// Load reads every *.yaml file of fsys (in name order, which is the teaching
// order), validates each strictly and resolves `extends`. label names the
// directory in error messages ("lessons" for the embedded ones).
func Load(fsys fs.FS, label string) ([]*Lesson, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []*Lesson
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read lesson %s: %w", path.Join(label, name), err)
		}
		l, err := Parse(path.Join(label, name), data)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// Merge adds extra lessons to base: an extra lesson with the id of a base
// lesson replaces it in place, a new one is appended. Then `extends` is
// resolved over the whole set.
func Merge(base, extra []*Lesson) ([]*Lesson, error) {
	out := append([]*Lesson(nil), base...)
	for _, e := range extra {
		replaced := false
		for i, b := range out {
			if b.ID == e.ID {
				out[i], replaced = e, true
			}
		}
		if !replaced {
			out = append(out, e)
		}
	}
	seen := map[string]string{}
	for _, l := range out {
		if f, dup := seen[l.ID]; dup {
			return nil, fmt.Errorf("%s: lesson id %q is also used by %s", l.File, l.ID, f)
		}
		seen[l.ID] = l.File
	}
	if err := resolveExtends(out); err != nil {
		return nil, err
	}
	for _, l := range out {
		if err := checkGateways(l); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkGateways refuses a route via an address outside every subnet the
// lesson gives that namespace: the kernel would refuse it too ("Nexthop has
// invalid gateway"), but only when the learner reaches the step. A
// namespace whose addresses come from CNI has no addr ops and is not checked.
func checkGateways(l *Lesson) error {
	subnets := map[string][]netip.Prefix{}
	for _, o := range l.allOps() {
		if a, ok := o.Op.(*netops.AddrAdd); ok {
			if p, err := netip.ParsePrefix(a.Addr); err == nil {
				subnets[orHost(a.Netns)] = append(subnets[orHost(a.Netns)], p.Masked())
			}
		}
	}
	for _, o := range l.allOps() {
		r, ok := o.Op.(*netops.RouteAdd)
		if !ok || r.Via == "" || len(subnets[orHost(r.Netns)]) == 0 {
			continue
		}
		gw, err := netip.ParseAddr(r.Via)
		if err != nil {
			continue
		}
		covered := false
		for _, p := range subnets[orHost(r.Netns)] {
			covered = covered || p.Contains(gw)
		}
		if !covered {
			return fmt.Errorf("%s:%d: route %s via %s in netns %q: %s is outside every subnet the lesson gives that netns", l.File, o.Line, r.Dst, r.Via, orHost(r.Netns), r.Via)
		}
	}
	return nil
}

// Parse validates one lesson file. Every error names the file and the line.
func Parse(file string, data []byte) (*Lesson, error) {
	l, err := parse(data)
	if err != nil {
		var le *lineError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("%s:%d: %s", file, le.line, le.msg)
		}
		return nil, fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	l.File = file
	return l, nil
}

func parse(data []byte) (*Lesson, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlLineError(err)
	}
	if len(doc.Content) == 0 {
		return nil, &lineError{line: 1, msg: "empty lesson file"}
	}
	root := doc.Content[0]
	var f lessonFile
	if err := decodeStrict(root, &f, "lesson"); err != nil {
		return nil, err
	}
	if err := checkStepKeys(root); err != nil {
		return nil, err
	}
	l := &Lesson{ID: f.ID, Title: f.Title, Summary: f.Summary, Article: f.Article, Extends: f.Extends,
		Namespaces: f.Namespaces, IPAMNetworks: f.IPAM, Env: f.Env, Task: f.Task,
		Symptom: strings.TrimSpace(f.Symptom), Hints: f.Hints, Solution: f.Solution, OmitSteps: f.OmitSteps,
		Vary: f.Vary, source: data}
	if l.ID == "" || l.Title == "" {
		return nil, errAt(root, "lesson: id and title are required")
	}
	for _, n := range sortedKeys(f.Vary) {
		if err := f.Vary[n].check(n); err != nil {
			return nil, errAt(keyNode(root, "vary"), "%s", err)
		}
	}
	declared := map[string]bool{netops.HostNetns: true, netops.WorldNetns: true}
	for _, n := range l.Namespaces {
		if n == netops.HostNetns || n == netops.WorldNetns || strings.ContainsAny(n, "/ ") || n == "" {
			return nil, errAt(root, "namespaces: %q cannot be a lesson namespace", n)
		}
		declared[n] = true
	}
	var err error
	if l.Setup, err = decodeOps(&f.Setup, "setup", declared); err != nil {
		return nil, err
	}
	if l.Steps, err = decodeSteps(root, "steps", f.Steps, "step", declared); err != nil {
		return nil, err
	}
	if l.Cleanup, err = decodeSteps(root, "cleanup", f.Cleanup, "cleanup step", declared); err != nil {
		return nil, err
	}
	if l.Verify, err = decodeChecks(&f.Verify, "verify", declared); err != nil {
		return nil, err
	}
	if err := checkScenario(root, l); err != nil {
		return nil, err
	}
	if len(l.Verify) == 0 && !(l.Scenario() && l.Extends != "") {
		return nil, errAt(keyNode(root, "verify"), "lesson %q: verify needs at least one check", l.ID)
	}
	if err := checkTemplate(keyNode(root, "task"), "task", l.Task); err != nil {
		return nil, err
	}
	return l, nil
}

// checkScenario holds a break-fix scenario to its shape: a symptom, at
// least one hint, a solution, and an extended lesson whose end state it
// breaks; a lesson has none of these.
func checkScenario(root *yaml.Node, l *Lesson) error {
	if !l.Scenario() {
		if len(l.Hints) > 0 || l.Solution != "" || len(l.OmitSteps) > 0 {
			return errAt(keyNode(root, "hints"), "lesson %q: hints, solution and omit_steps belong to a scenario (give it a symptom)", l.ID)
		}
		return nil
	}
	switch {
	case len(l.Hints) == 0:
		return errAt(keyNode(root, "hints"), "scenario %q: give at least one hint", l.ID)
	case strings.TrimSpace(l.Solution) == "":
		return errAt(keyNode(root, "solution"), "scenario %q: give the solution, as bash", l.ID)
	case l.Extends == "":
		return errAt(root, "scenario %q: name the lesson whose end state it breaks (extends)", l.ID)
	case len(l.Steps) > 0:
		return errAt(keyNode(root, "steps"), "scenario %q: a scenario has no steps; its setup leaves the fault", l.ID)
	}
	for _, k := range l.OmitSteps {
		if k < 1 {
			return errAt(keyNode(root, "omit_steps"), "scenario %q: omit_steps counts steps from 1, got %d", l.ID, k)
		}
	}
	for i, h := range l.Hints {
		if err := checkTemplate(keyNode(root, "hints"), fmt.Sprintf("hint %d", i+1), h); err != nil {
			return err
		}
	}
	if err := checkTemplate(keyNode(root, "symptom"), "symptom", l.Symptom); err != nil {
		return err
	}
	return checkTemplate(keyNode(root, "solution"), "solution", l.Solution)
}

// keyNode returns the value node of a top-level key, or the root when the
// key is missing, so errors point at the line that is wrong.
func keyNode(root *yaml.Node, key string) *yaml.Node {
	for _, kv := range mappingPairs(root) {
		if kv[0].Value == key {
			if kv[1].Line == 0 {
				return kv[0]
			}
			return kv[1]
		}
	}
	return root
}

// stepsNode returns the node of each step under key, for line numbers.
func stepsNode(root *yaml.Node, key string) []*yaml.Node {
	for _, kv := range mappingPairs(root) {
		if kv[0].Value == key {
			return deAlias(kv[1]).Content
		}
	}
	return nil
}

// deAlias follows a YAML alias (*name) to the node it names.
func deAlias(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// checkStepKeys refuses unknown keys in steps (a typo like "chek" would
// otherwise silently drop the step's checks).
func checkStepKeys(root *yaml.Node) error {
	for _, key := range []string{"steps", "cleanup"} {
		for _, n := range stepsNode(root, key) {
			if err := decodeStrict(n, &stepFile{}, "step"); err != nil {
				return err
			}
		}
	}
	return nil
}

// decodeSteps decodes the steps under key (steps or cleanup); what names
// one in messages.
func decodeSteps(root *yaml.Node, key string, files []stepFile, what string, declared map[string]bool) ([]Step, error) {
	nodes := stepsNode(root, key)
	if len(nodes) != len(files) {
		return nil, errAt(keyNode(root, key), "%s: want a plain list of steps", key)
	}
	var steps []Step
	for i, sf := range files {
		st := Step{Title: sf.Title, Prose: sf.Prose, Line: nodes[i].Line, KeepsState: sf.KeepsState}
		where := fmt.Sprintf("%s %d", what, i+1)
		if st.Title == "" {
			return nil, errAt(nodes[i], "%s: a title is required", where)
		}
		var err error
		if st.Do, err = decodeOps(&sf.Do, where, declared); err != nil {
			return nil, err
		}
		if st.Check, err = decodeChecks(&sf.Check, where, declared); err != nil {
			return nil, err
		}
		if err := checkTemplate(nodes[i], where+" prose", st.Prose); err != nil {
			return nil, err
		}
		steps = append(steps, st)
	}
	return steps, nil
}

func decodeOps(n *yaml.Node, where string, declared map[string]bool) ([]OpSpec, error) {
	n = deAlias(n)
	if n.Kind == 0 {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, errAt(n, "%s: want a list of operations", where)
	}
	var out []OpSpec
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode || len(item.Content) != 2 {
			return nil, errAt(item, "%s: an operation is one key (%s) with its fields", where, strings.Join(kindNames(opKinds), ", "))
		}
		kind := item.Content[0].Value
		mk, ok := opKinds[kind]
		if !ok {
			return nil, errAt(item, "%s: unknown operation %q (known: %s)", where, kind, strings.Join(kindNames(opKinds), ", "))
		}
		op := mk()
		if err := decodeStrict(item.Content[1], op, kind); err != nil {
			return nil, err
		}
		if err := op.Validate(); err != nil {
			return nil, errAt(item, "%s: %v", where, err)
		}
		if err := checkDeclared(item, where, op.Namespaces(), declared); err != nil {
			return nil, err
		}
		out = append(out, OpSpec{Kind: kind, Op: op, Line: item.Line})
	}
	return out, nil
}

func decodeChecks(n *yaml.Node, where string, declared map[string]bool) ([]CheckSpec, error) {
	n = deAlias(n)
	if n.Kind == 0 {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, errAt(n, "%s: want a list of checks", where)
	}
	var out []CheckSpec
	ids := map[string]bool{}
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			return nil, errAt(item, "%s: a check is a mapping", where)
		}
		spec := CheckSpec{Line: item.Line}
		for _, kv := range mappingPairs(item) {
			k, v := kv[0], kv[1]
			switch k.Value {
			case "id":
				spec.ID = v.Value
			case "title", "hint":
				if err := checkTemplate(v, where+" check "+k.Value, v.Value); err != nil {
					return nil, err
				}
				if k.Value == "title" {
					spec.Title = v.Value
				} else {
					spec.Hint = v.Value
				}
			default:
				mk, ok := checkKinds[k.Value]
				if !ok {
					return nil, errAt(k, "%s: unknown check %q (known: %s, with id, title, hint)", where, k.Value, strings.Join(kindNames(checkKinds), ", "))
				}
				if spec.Check != nil {
					return nil, errAt(k, "%s: one check per item (%q and %q)", where, spec.Kind, k.Value)
				}
				c := mk()
				if err := decodeStrict(v, c, k.Value+" check"); err != nil {
					return nil, err
				}
				if err := c.Validate(); err != nil {
					return nil, errAt(k, "%s: %v", where, err)
				}
				if err := checkDeclared(k, where, c.Namespaces(), declared); err != nil {
					return nil, err
				}
				spec.Kind, spec.Check = k.Value, c
			}
		}
		if spec.Check == nil {
			return nil, errAt(item, "%s: a check needs one of %s", where, strings.Join(kindNames(checkKinds), ", "))
		}
		if spec.ID == "" {
			spec.ID = fmt.Sprintf("%s-%d", spec.Kind, len(out)+1)
		}
		if ids[spec.ID] {
			return nil, errAt(item, "%s: check id %q is used twice", where, spec.ID)
		}
		ids[spec.ID] = true
		out = append(out, spec)
	}
	return out, nil
}

func checkDeclared(n *yaml.Node, where string, used []string, declared map[string]bool) error {
	for _, u := range used {
		if !declared[u] {
			return errAt(n, "%s: netns %q is not declared in the lesson's namespaces", where, u)
		}
	}
	return nil
}

// checkTemplate parses a text that may use {{ns "x"}} and {{env "X"}}.
func checkTemplate(n *yaml.Node, where, text string) error {
	if _, err := template.New(where).Funcs(templateFuncs(nil, nil)).Parse(text); err != nil {
		return errAt(n, "%s: %v", where, err)
	}
	return nil
}

func kindNames[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// yamlLineError turns yaml.v3's "yaml: line N: msg" into a lineError.
func yamlLineError(err error) error {
	var line int
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		return &lineError{line: line, msg: strings.TrimSpace(msg[strings.Index(msg, ":")+1:])}
	}
	return errors.New(msg)
}

// resolveExtends gives a lesson that extends another the other's setup and
// steps as its own setup, and the other's namespaces as its own.
func resolveExtends(all []*Lesson) error {
	byID := map[string]*Lesson{}
	for _, l := range all {
		byID[l.ID] = l
	}
	done := map[string]bool{}
	var resolve func(l *Lesson, depth int) error
	resolve = func(l *Lesson, depth int) error {
		if l.Extends == "" || done[l.ID] {
			return nil
		}
		if depth > len(all) {
			return fmt.Errorf("%s: lesson %q extends itself through %q", l.File, l.ID, l.Extends)
		}
		p, ok := byID[l.Extends]
		if !ok {
			return fmt.Errorf("%s: lesson %q extends unknown lesson %q", l.File, l.ID, l.Extends)
		}
		if err := resolve(p, depth+1); err != nil {
			return err
		}
		setup := append([]OpSpec(nil), p.Setup...)
		for i, s := range p.Steps {
			if slices.Contains(l.OmitSteps, i+1) {
				continue
			}
			setup = append(setup, s.Do...)
		}
		for _, k := range l.OmitSteps {
			if k > len(p.Steps) {
				return fmt.Errorf("%s: scenario %q omits step %d, but %q has %d steps", l.File, l.ID, k, p.ID, len(p.Steps))
			}
		}
		l.Setup = append(setup, l.Setup...)
		l.base = p
		if l.Scenario() {
			// A scenario's goal is the healthy state of what it breaks, and
			// whatever checks it adds.
			l.Verify = append(append([]CheckSpec(nil), p.Verify...), l.Verify...)
		}
		l.Namespaces = union(p.Namespaces, l.Namespaces)
		l.IPAMNetworks = union(p.IPAMNetworks, l.IPAMNetworks)
		for k, v := range p.Env {
			if _, ok := l.Env[k]; !ok {
				if l.Env == nil {
					l.Env = map[string]string{}
				}
				l.Env[k] = v
			}
		}
		done[l.ID] = true
		return nil
	}
	for _, l := range all {
		if err := resolve(l, 0); err != nil {
			return err
		}
	}
	return nil
}

func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, x := range b {
		dup := false
		for _, y := range out {
			dup = dup || x == y
		}
		if !dup {
			out = append(out, x)
		}
	}
	return out
}
