package tmplexec

import (
	"fmt"
	"reflect"
)

// builtin is a function of text/template this package runs itself.
type builtin uint8

const (
	fnAnd builtin = iota
	fnOr
	fnNot
	fnEq
	fnNe
	fnLen
	fnIndex
	fnPrint
	fnPrintf
)

var builtins = map[string]builtin{
	"and": fnAnd, "or": fnOr, "not": fnNot, "eq": fnEq, "ne": fnNe,
	"len": fnLen, "index": fnIndex, "print": fnPrint, "printf": fnPrintf,
}

// call is a call of a builtin.
type call struct {
	fn   builtin
	args []arg
}

func (c *call) value(s *state, dot reflect.Value) (reflect.Value, error) {
	return c.eval(s, dot, reflect.Value{}, false)
}

func (c *call) eval(s *state, dot, final reflect.Value, hasFinal bool) (reflect.Value, error) {
	n := len(c.args)
	if hasFinal {
		n++
	}
	switch c.fn {
	case fnAnd, fnOr:
		// They stop at the first argument that decides, unevaluated the rest.
		if n == 0 {
			return reflect.Value{}, errFallback
		}
		var v reflect.Value
		for _, a := range c.args {
			var err error
			if v, err = a.value(s, dot); err != nil {
				return v, err
			}
			if truth(v) == (c.fn == fnOr) {
				return v, nil
			}
		}
		if hasFinal {
			v = final
		}
		return v, nil
	}
	var buf [4]reflect.Value // the arguments of a call, usually on the stack
	argv, err := c.values(buf[:0], s, dot, final, hasFinal)
	if err != nil {
		return reflect.Value{}, err
	}
	switch c.fn {
	case fnNot:
		if n != 1 {
			return reflect.Value{}, errFallback
		}
		return reflect.ValueOf(!truth(argv[0])), nil
	case fnEq, fnNe:
		if n < 2 || (c.fn == fnNe && n != 2) {
			return reflect.Value{}, errFallback
		}
		equal, ok := eq(argv[0], argv[1:])
		if !ok {
			return reflect.Value{}, errFallback
		}
		return reflect.ValueOf(equal == (c.fn == fnEq)), nil
	case fnLen:
		if n != 1 {
			return reflect.Value{}, errFallback
		}
		v, isNil := indirect(argv[0])
		switch v.Kind() {
		case reflect.Array, reflect.Chan, reflect.Map, reflect.Slice, reflect.String:
			if !isNil {
				return reflect.ValueOf(v.Len()), nil
			}
		}
		return reflect.Value{}, errFallback
	case fnIndex:
		if n < 1 {
			return reflect.Value{}, errFallback
		}
		return index(argv[0], argv[1:])
	case fnPrint:
		return reflect.ValueOf(fmt.Sprint(interfaces(argv)...)), nil
	case fnPrintf:
		if n < 1 {
			return reflect.Value{}, errFallback
		}
		format, err := validateType(argv[0], stringType)
		if err != nil {
			return reflect.Value{}, err
		}
		return reflect.ValueOf(fmt.Sprintf(format.String(), interfaces(argv[1:])...)), nil
	}
	return reflect.Value{}, errFallback
}

// values appends every argument to argv, the final one last.
func (c *call) values(argv []reflect.Value, s *state, dot, final reflect.Value, hasFinal bool) ([]reflect.Value, error) {
	for _, a := range c.args {
		v, err := a.value(s, dot)
		if err != nil {
			return nil, err
		}
		argv = append(argv, v)
	}
	if hasFinal {
		argv = append(argv, final)
	}
	return argv, nil
}

// interfaces are the values as the builtin receives them (a missing value
// is nil).
func interfaces(vs []reflect.Value) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		if v.IsValid() {
			out[i] = v.Interface()
		}
	}
	return out
}

// eq is text/template's eq for basic values of one kind (or a missing
// value, never equal); ok is false for what it leaves to text/template.
func eq(a reflect.Value, bs []reflect.Value) (equal, ok bool) {
	a = indirectInterface(a)
	for _, b := range bs {
		b = indirectInterface(b)
		if !a.IsValid() || !b.IsValid() {
			if !a.IsValid() && !b.IsValid() {
				return false, false // text/template compares two nils its own way
			}
			continue
		}
		ka, kb := basicKind(a.Kind()), basicKind(b.Kind())
		if ka != kb || ka == reflect.Invalid {
			return false, false
		}
		var same bool
		switch ka {
		case reflect.Bool:
			same = a.Bool() == b.Bool()
		case reflect.Int:
			same = a.Int() == b.Int()
		case reflect.Uint:
			same = a.Uint() == b.Uint()
		case reflect.String:
			same = a.String() == b.String()
		}
		if same {
			return true, true
		}
	}
	return false, true
}

// basicKind groups kinds as text/template's comparisons do; Invalid for
// the kinds this package leaves to it.
func basicKind(k reflect.Kind) reflect.Kind {
	switch k {
	case reflect.Bool, reflect.String:
		return k
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return reflect.Int
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return reflect.Uint
	}
	return reflect.Invalid
}

// index is text/template's index for slices, arrays and strings with int
// indexes and maps with string keys.
func index(item reflect.Value, indexes []reflect.Value) (reflect.Value, error) {
	item = indirectInterface(item)
	if !item.IsValid() {
		return reflect.Value{}, errFallback
	}
	for _, i := range indexes {
		i = indirectInterface(i)
		var isNil bool
		if item, isNil = indirect(item); isNil {
			return reflect.Value{}, errFallback
		}
		switch item.Kind() {
		case reflect.Array, reflect.Slice, reflect.String:
			if !i.IsValid() || basicKind(i.Kind()) != reflect.Int {
				return reflect.Value{}, errFallback
			}
			x := i.Int()
			if x < 0 || x >= int64(item.Len()) {
				return reflect.Value{}, errFallback
			}
			item = item.Index(int(x))
		case reflect.Map:
			if !i.IsValid() || i.Type() != item.Type().Key() || i.Kind() != reflect.String {
				return reflect.Value{}, errFallback
			}
			if x := item.MapIndex(i); x.IsValid() {
				item = x
			} else {
				item = reflect.Zero(item.Type().Elem())
			}
		default:
			return reflect.Value{}, errFallback
		}
	}
	return item, nil
}
