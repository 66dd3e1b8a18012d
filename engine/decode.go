package engine

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// lineError is an error at a line of a lesson file; the loader adds the file.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("%d: %s", e.line, e.msg) }

func errAt(n *yaml.Node, format string, args ...any) error {
	return &lineError{line: n.Line, msg: fmt.Sprintf(format, args...)}
}

// decodeStrict decodes a mapping node into out (a pointer to a struct with
// yaml tags), refusing keys the struct does not have: yaml.v3's KnownFields
// does not reach values decoded from a Node.
func decodeStrict(n *yaml.Node, out any, what string) error {
	if n.Kind != yaml.MappingNode {
		return errAt(n, "%s: want a mapping of fields", what)
	}
	if err := checkKeys(n, reflect.TypeOf(out), what); err != nil {
		return err
	}
	if err := n.Decode(out); err != nil {
		return errAt(n, "%s: %s", what, cleanYAMLError(err))
	}
	return nil
}

// checkKeys refuses unknown keys in a mapping and, recursively, in the
// mappings of its struct-typed fields (a capture's nested probe).
func checkKeys(n *yaml.Node, t reflect.Type, what string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	// A yaml.Node field is decoded later, by its own rules.
	if t.Kind() != reflect.Struct || t == reflect.TypeOf(yaml.Node{}) || n.Kind != yaml.MappingNode {
		return nil
	}
	fields := map[string]reflect.Type{}
	known := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag != "" && tag != "-" {
			fields[tag], known[tag] = t.Field(i).Type, true
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ft, ok := fields[k.Value]
		if !ok {
			return errAt(k, "%s: unknown field %q (known: %s)", what, k.Value, strings.Join(sortedKeys(known), ", "))
		}
		if err := checkKeys(n.Content[i+1], ft, what+" "+k.Value); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func cleanYAMLError(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: unmarshal errors:\n")
	return strings.TrimSpace(s)
}

// mappingPairs returns the key/value pairs of a mapping node.
func mappingPairs(n *yaml.Node) [][2]*yaml.Node {
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	return out
}
