package tmplexec

import (
	"fmt"
	"reflect"
	"sync/atomic"
)

// pipeline is a compiled parse.PipeNode: commands, then the escapers
// html/template appended, then the variables it declares.
type pipeline struct {
	cmds     []command
	escapers []escaper
	decl     []string
	assign   bool // decl are set (=), not declared (:=)
}

// pipeline evaluates p as text/template's evalPipeline does.
func (s *state) pipeline(dot reflect.Value, p *pipeline) (reflect.Value, error) {
	v, err := s.evalCmds(dot, p.cmds)
	if err != nil {
		return v, err
	}
	if len(p.escapers) > 0 {
		str, ct, ok := stringify(v)
		if !ok {
			return v, errFallback
		}
		for _, e := range p.escapers {
			if str, ct, ok = e.apply(str, ct); !ok {
				return v, errFallback
			}
		}
		v = reflect.ValueOf(str)
	}
	for _, name := range p.decl {
		if p.assign {
			if err := s.setVar(name, v); err != nil {
				return v, err
			}
		} else {
			s.vars = append(s.vars, variable{name, v})
		}
	}
	return v, nil
}

func (s *state) evalCmds(dot reflect.Value, cmds []command) (reflect.Value, error) {
	var v reflect.Value
	for i, c := range cmds {
		var err error
		if v, err = c.eval(s, dot, v, i > 0); err != nil {
			return v, err
		}
		// An empty interface is looked into, as text/template does.
		if v.Kind() == reflect.Interface && v.Type().NumMethod() == 0 {
			v = v.Elem()
		}
	}
	return v, nil
}

// A command is one command of a pipeline; final is the value of the
// command before it, passed as the last argument when hasFinal.
type command interface {
	eval(s *state, dot, final reflect.Value, hasFinal bool) (reflect.Value, error)
}

// An arg is an argument of a function or method call.
type arg interface {
	value(s *state, dot reflect.Value) (reflect.Value, error)
}

// literal is a constant: a string, a boolean or an integer.
type literal struct {
	v reflect.Value
}

func (l literal) eval(_ *state, _, _ reflect.Value, hasFinal bool) (reflect.Value, error) {
	if hasFinal {
		return reflect.Value{}, errFallback // can't give argument to non-function
	}
	return l.v, nil
}

func (l literal) value(*state, reflect.Value) (reflect.Value, error) { return l.v, nil }

// dotArg is {{ . }}.
type dotArg struct{}

func (dotArg) eval(_ *state, dot, _ reflect.Value, hasFinal bool) (reflect.Value, error) {
	if hasFinal {
		return reflect.Value{}, errFallback
	}
	return dot, nil
}

func (dotArg) value(_ *state, dot reflect.Value) (reflect.Value, error) { return dot, nil }

// pipeArg is a parenthesised pipeline.
type pipeArg struct {
	pipe *pipeline
}

func (p pipeArg) eval(s *state, dot, _ reflect.Value, hasFinal bool) (reflect.Value, error) {
	if hasFinal {
		return reflect.Value{}, errFallback
	}
	return s.pipeline(dot, p.pipe)
}

func (p pipeArg) value(s *state, dot reflect.Value) (reflect.Value, error) {
	return s.pipeline(dot, p.pipe)
}

// chain is .A.B.C (on dot) or $x.A.B (on a variable), possibly a method
// call with arguments.
type chain struct {
	variable string // "" for a field of dot
	fields   []*field
	args     []arg
}

func (c *chain) eval(s *state, dot, final reflect.Value, hasFinal bool) (reflect.Value, error) {
	receiver := dot
	if c.variable != "" {
		var err error
		if receiver, err = s.varValue(c.variable); err != nil {
			return receiver, err
		}
		if len(c.fields) == 0 {
			if len(c.args) > 0 || hasFinal {
				return reflect.Value{}, errFallback
			}
			return receiver, nil
		}
	}
	last := len(c.fields) - 1
	for _, f := range c.fields[:last] {
		var err error
		if receiver, err = s.field(dot, f, receiver, nil, reflect.Value{}, false); err != nil {
			return receiver, err
		}
	}
	return s.field(dot, c.fields[last], receiver, c.args, final, hasFinal)
}

func (c *chain) value(s *state, dot reflect.Value) (reflect.Value, error) {
	return c.eval(s, dot, reflect.Value{}, false)
}

// field is one name of a chain, with what it was the last time: most
// names see one type only.
type field struct {
	name string
	last atomic.Pointer[lookup]
}

// lookup is what a name is in a type.
type lookup struct {
	typ    reflect.Type
	addr   bool // the receiver was addressable: methods of *typ count
	method int  // index into the method set, or -1
	index  []int
	ok     bool
}

func (f *field) lookup(t reflect.Type, addr bool) *lookup {
	if l := f.last.Load(); l != nil && l.typ == t && l.addr == addr {
		return l
	}
	l := &lookup{typ: t, addr: addr, method: -1}
	mt := t
	if addr {
		mt = reflect.PointerTo(t)
	}
	if m, ok := mt.MethodByName(f.name); ok {
		l.method, l.ok = m.Index, true
	} else if t.Kind() == reflect.Struct {
		if sf, ok := t.FieldByName(f.name); ok && sf.IsExported() {
			l.index, l.ok = sf.Index, true
		}
	}
	f.last.Store(l)
	return l
}

// field evaluates .Name on receiver as text/template's evalField does.
func (s *state) field(dot reflect.Value, f *field, receiver reflect.Value, args []arg, final reflect.Value, hasFinal bool) (reflect.Value, error) {
	if !receiver.IsValid() {
		return reflect.Value{}, nil // a missing key's zero value
	}
	receiver, isNil := indirect(receiver)
	if isNil {
		return reflect.Value{}, errFallback
	}
	l := f.lookup(receiver.Type(), receiver.CanAddr())
	switch {
	case !l.ok:
		return reflect.Value{}, errFallback // a map, an unexported or missing field
	case l.method >= 0:
		if l.addr {
			receiver = receiver.Addr()
		}
		return s.call(dot, receiver.Method(l.method), args, final, hasFinal)
	case len(args) > 0 || hasFinal:
		return reflect.Value{}, errFallback // a field given arguments
	}
	v, err := receiver.FieldByIndexErr(l.index)
	if err != nil {
		return reflect.Value{}, errFallback // through a nil embedded pointer
	}
	return v, nil
}

var (
	errorType        = reflect.TypeFor[error]()
	stringerType     = reflect.TypeFor[fmt.Stringer]()
	reflectValueType = reflect.TypeFor[reflect.Value]()
	stringType       = reflect.TypeFor[string]()
)

// call calls a method, as text/template's evalCall does for one that is
// not variadic.
func (s *state) call(dot, fn reflect.Value, args []arg, final reflect.Value, hasFinal bool) (v reflect.Value, err error) {
	typ := fn.Type()
	n := len(args)
	if hasFinal {
		n++
	}
	if typ.IsVariadic() || n != typ.NumIn() || !goodResults(typ) {
		return reflect.Value{}, errFallback
	}
	argv := make([]reflect.Value, n)
	for i, a := range args {
		if argv[i], err = typedArg(s, dot, a, typ.In(i)); err != nil {
			return reflect.Value{}, err
		}
	}
	if hasFinal {
		if argv[n-1], err = validateType(final, typ.In(n-1)); err != nil {
			return reflect.Value{}, err
		}
	}
	defer func() {
		if recover() != nil {
			v, err = reflect.Value{}, errFallback // text/template reports the panic
		}
	}()
	out := fn.Call(argv)
	if len(out) == 2 && !out[1].IsNil() {
		return reflect.Value{}, errFallback
	}
	if out[0].Type() == reflectValueType {
		return reflect.Value{}, errFallback
	}
	return out[0], nil
}

func goodResults(typ reflect.Type) bool {
	switch typ.NumOut() {
	case 1:
		return true
	case 2:
		return typ.Out(1) == errorType
	}
	return false
}

// typedArg evaluates an argument for a parameter of type typ.
func typedArg(s *state, dot reflect.Value, a arg, typ reflect.Type) (reflect.Value, error) {
	if l, ok := a.(literal); ok {
		if l.v.Kind() == reflect.String && typ.Kind() == reflect.String {
			v := reflect.New(typ).Elem()
			v.SetString(l.v.String())
			return v, nil
		}
		return reflect.Value{}, errFallback // other constants take the parameter's type: rare
	}
	v, err := a.value(s, dot)
	if err != nil {
		return v, err
	}
	return validateType(v, typ)
}

// validateType is text/template's check that v can be passed as typ, for
// the cases that need no conversion.
func validateType(v reflect.Value, typ reflect.Type) (reflect.Value, error) {
	if !v.IsValid() {
		switch typ.Kind() {
		case reflect.Chan, reflect.Func, reflect.Interface, reflect.Map, reflect.Pointer, reflect.Slice:
			return reflect.Zero(typ), nil
		}
		return v, errFallback
	}
	if typ == reflectValueType {
		return v, errFallback
	}
	if v.Type().AssignableTo(typ) {
		return v, nil
	}
	if v.Kind() == reflect.Interface && !v.IsNil() && v.Elem().Type().AssignableTo(typ) {
		return v.Elem(), nil
	}
	return v, errFallback
}

// indirect follows pointers and interfaces to a value that is neither;
// isNil when one of them was nil.
func indirect(v reflect.Value) (rv reflect.Value, isNil bool) {
	for ; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; v = v.Elem() {
		if v.IsNil() {
			return v, true
		}
	}
	return v, false
}

func indirectInterface(v reflect.Value) reflect.Value {
	if v.Kind() != reflect.Interface {
		return v
	}
	if v.IsNil() {
		return reflect.Value{}
	}
	return v.Elem()
}

// isTrue is text/template's truth: not the zero value of its type.
func isTrue(v reflect.Value) (truth, ok bool) {
	if !v.IsValid() {
		return false, true
	}
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() > 0, true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Complex64, reflect.Complex128:
		return v.Complex() != 0, true
	case reflect.Chan, reflect.Func, reflect.Pointer, reflect.UnsafePointer, reflect.Interface:
		return !v.IsNil(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() != 0, true
	case reflect.Float32, reflect.Float64:
		return v.Float() != 0, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() != 0, true
	case reflect.Struct:
		return true, true
	}
	return false, false
}

func truth(v reflect.Value) bool {
	t, _ := isTrue(indirectInterface(v))
	return t
}
