package engine

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// authoringGuide is the lesson-authoring guide, from the engine package.
const authoringGuide = "../docs/lesson-authoring.md"

// docs/lesson-authoring.md documents every operation and check a lesson can
// use, each with its YAML fields, in its paragraphs that begin with
// "Operations" and "Checks" (`addr {netns, dev, addr}`: the key backquoted,
// the fields in braces; fields may be spread over several entries of one
// key), and every key of a lesson file and of a step, backquoted or as a key
// of its YAML example.
func TestAuthoringGuideDocumentsEveryKey(t *testing.T) {
	b, err := os.ReadFile(authoringGuide)
	if err != nil {
		t.Fatal(err)
	}
	for _, gap := range guideGaps(string(b)) {
		t.Errorf("%s %s", authoringGuide, gap)
	}
}

// The test finds what a guide leaves out: an operation, a check, a field,
// a lesson key.
func TestAuthoringGuideGapsFound(t *testing.T) {
	doc := "```yaml\nid: x\nsteps:\n  - title: t\n```\n\n" +
		"Operations: `netns {name}`, `link {name, netns, master, mtu, up}`.\n\n" +
		"Checks: `ping {from, to, expect, reason}`, `http {from, url, status, body, expect, reason}`.\n"
	gaps := strings.Join(guideGaps(doc), "\n")
	for _, want := range []string{
		"does not document the operation `install_plugin`",
		"does not document the field nomaster of the operation `link`",
		"does not document the check `same_netns`",
		"does not document the check `cni_conformance`",
		"does not document the field addr_of of the check `http`",
		"does not document the lesson key `ipam_networks`",
		"does not document the lesson key `keeps_state`",
	} {
		if !strings.Contains(gaps, want) {
			t.Errorf("gaps lack %q:\n%s", want, gaps)
		}
	}
	for _, documented := range []string{"operation `netns`", "check `ping`", "lesson key `id`", "lesson key `title`", "lesson key `steps`"} {
		if strings.Contains(gaps, "document the "+documented+" ") {
			t.Errorf("%s is documented, but a gap:\n%s", documented, gaps)
		}
	}
}

// guideGaps are what the guide does not document, one sentence each.
func guideGaps(doc string) []string {
	var gaps []string
	ops, checks := paragraphsStarting(doc, "Operations"), paragraphsStarting(doc, "Checks")
	for _, kind := range sortedKeys(opKinds) {
		gaps = append(gaps, entryGaps(ops, "operation", kind, yamlFields(reflect.TypeOf(opKinds[kind]())))...)
	}
	for _, kind := range sortedKeys(checkKinds) {
		gaps = append(gaps, entryGaps(checks, "check", kind, yamlFields(reflect.TypeOf(checkKinds[kind]())))...)
	}
	for _, key := range append(yamlFields(reflect.TypeOf(lessonFile{})), yamlFields(reflect.TypeOf(stepFile{}))...) {
		backquoted := regexp.MustCompile("`" + regexp.QuoteMeta(key) + "[` :{]")
		yamlKey := regexp.MustCompile(`(?m)^\s*(- )?` + regexp.QuoteMeta(key) + `:`)
		if !backquoted.MatchString(doc) && !yamlKey.MatchString(doc) {
			gaps = append(gaps, fmt.Sprintf("does not document the lesson key `%s` (add it to the YAML example or name it as `%s`)", key, key))
		}
	}
	return gaps
}

// entryGaps: text must hold `kind` (or `kind {fields}`), and the fields of
// its entries must name every field of the type.
func entryGaps(text, what, kind string, fields []string) []string {
	entry := regexp.MustCompile("`" + regexp.QuoteMeta(kind) + `(?: *\{([^}` + "`" + `]*)\})?` + "`")
	found := entry.FindAllStringSubmatch(text, -1)
	if len(found) == 0 {
		return []string{fmt.Sprintf("does not document the %s `%s` (write it as `%s {%s}` in a paragraph beginning with %q)",
			what, kind, kind, strings.Join(fields, ", "), map[string]string{"operation": "Operations", "check": "Checks"}[what])}
	}
	named := map[string]bool{}
	for _, f := range found {
		for _, w := range regexp.MustCompile(`[a-z_]+`).FindAllString(f[1], -1) {
			named[w] = true
		}
	}
	var gaps []string
	for _, f := range fields {
		if !named[f] {
			gaps = append(gaps, fmt.Sprintf("does not document the field %s of the %s `%s`", f, what, kind))
		}
	}
	return gaps
}

// paragraphsStarting joins the paragraphs of doc that begin with word.
func paragraphsStarting(doc, word string) string {
	var out []string
	for _, p := range strings.Split(doc, "\n\n") {
		if strings.HasPrefix(strings.TrimSpace(p), word) {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

// yamlFields are the keys YAML decodes into a struct (or a pointer to one):
// tags, lower-cased names of untagged exported fields, inline structs'.
func yamlFields(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case name == "-":
			continue
		case strings.Contains(opts, "inline"):
			out = append(out, yamlFields(f.Type)...)
			continue
		case name == "":
			name = strings.ToLower(f.Name)
		}
		out = append(out, name)
	}
	return out
}
