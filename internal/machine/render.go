package machine

import (
	"fmt"
	"net"
	"reflect"
	"strings"
	"time"
)

// render prints a value as "{Field:value ...}" with pointers followed and
// zero fields left out. fmt's %+v would print pointer addresses, which
// differ between two reads of the same state.
func render(v any) string {
	var b strings.Builder
	writeValue(&b, reflect.ValueOf(v))
	return b.String()
}

func writeValue(b *strings.Builder, v reflect.Value) {
	if !v.IsValid() {
		b.WriteString("nil")
		return
	}
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case net.IP:
			b.WriteString(x.String())
			return
		case net.IPNet:
			b.WriteString(x.String())
			return
		case []byte:
			fmt.Fprintf(b, "%x", x)
			return
		case time.Duration:
			b.WriteString(x.String())
			return
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		writeValue(b, v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		// The field's type does not say what it holds (a dynset's
		// expressions, a match's info): name the concrete type.
		b.WriteString(typeName(v.Elem().Type()))
		writeValue(b, v.Elem())
	case reflect.Struct:
		b.WriteString("{")
		first := true
		for i := range v.NumField() {
			f := v.Field(i)
			if f.IsZero() {
				continue
			}
			if !first {
				b.WriteString(" ")
			}
			first = false
			b.WriteString(v.Type().Field(i).Name + ":")
			writeValue(b, f)
		}
		b.WriteString("}")
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			fmt.Fprintf(b, "%x", v.Bytes())
			return
		}
		b.WriteString("[")
		for i := range v.Len() {
			if i > 0 {
				b.WriteString(" ")
			}
			writeValue(b, v.Index(i))
		}
		b.WriteString("]")
	default:
		// fmt prints the concrete value a reflect.Value holds, unexported
		// fields included, and sorts map keys.
		fmt.Fprint(b, v)
	}
}

// typeName is the lowercased name of a type, or of what a pointer type
// points to: "counter" for *expr.Counter.
func typeName(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return strings.ToLower(t.Name())
}
