// Package tmplexec runs html/template sets that are already escaped, and
// prints exactly what html/template would print, without its reflective
// function calls.
//
// html/template rewrites every action of a set into a pipeline that ends in
// its escapers ({{ .Title | _html_template_htmlescaper }}), and
// text/template calls each of them through reflect.Value.Call: a slice of
// arguments, a slice of results and an interface per value, on every action
// of every page. On a large site that was half the time spent in
// templates. A Program walks the same escaped trees, looks fields up by
// index (remembered per type), applies the escapers to Go strings directly,
// and writes the last one's output straight into the page.
//
// A Program runs only what it runs exactly as text/template and
// html/template do. Compile refuses a set that uses anything else (a
// function it does not know, break and continue, a template it cannot see),
// and Execute stops with ErrUnsupported at anything else at run time (a map
// receiver, a typed value it does not know, a comparison of mixed kinds) and
// at every error a template could raise (a nil pointer, a missing field, a
// failing method): the caller then runs the set with html/template, which
// prints the page or reports the error in its own words. So a theme never
// renders differently because of this package; at worst, more slowly.
package tmplexec

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"reflect"
	"sync"
)

// ErrUnsupported says that a Program cannot run a set, or one execution of
// it, exactly as html/template would: run the set with html/template.
var ErrUnsupported = errors.New("tmplexec: run this with html/template")

// unsupported is ErrUnsupported with a reason, for tests and debugging.
func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrUnsupported}, args...)...)
}

// errFallback is the run-time stop: no reason is built on the hot path.
var errFallback = ErrUnsupported

// maxDepth bounds {{ template }} nesting; html/template reports runaway
// recursion itself, later.
const maxDepth = 1000

// Program is an escaped set compiled for Execute. It is safe for concurrent use.
type Program struct {
	entry *tree
}

// tree is one template of the set (a pointer, so that a template can call
// itself while it is compiled).
type tree struct {
	body []node
}

// Compile prepares the set of t, entry first, for Execute; t must not
// change after. html/template escapes a set on its first Execute: Compile
// runs t once to have it done (into a writer that stops the run at its
// first output) if it was not. funcs names the functions the set was given
// with Funcs: a Program cannot call them, so a set that uses one is refused.
func Compile(t *template.Template, funcs template.FuncMap) (*Program, error) {
	if t == nil {
		return nil, unsupported("no template")
	}
	if err := t.Execute(refuse{}, nil); err != nil {
		var escapeErr *template.Error
		if errors.As(err, &escapeErr) {
			return nil, unsupported("html/template cannot escape the set: %v", err)
		}
	}
	if t.Tree == nil || t.Tree.Root == nil {
		return nil, unsupported("no parse tree")
	}
	c := &compiler{set: t, funcs: funcs, trees: map[string]*tree{}}
	entry, err := c.tree(t.Name(), t.Tree)
	if err != nil {
		return nil, err
	}
	return &Program{entry: entry}, nil
}

// refuse is a writer that takes nothing.
type refuse struct{}

func (refuse) Write([]byte) (int, error) { return 0, errors.New("tmplexec: escaping only") }

// Execute runs the program on data, appending the page to w. On any error
// (always ErrUnsupported) w may hold part of the page: the caller discards
// it and runs the set with html/template.
func (p *Program) Execute(w *bytes.Buffer, data any) error {
	s := statePool.Get().(*state)
	s.w = w
	s.depth = 0
	dot := reflect.ValueOf(data)
	s.vars = append(s.vars[:0], variable{"$", dot})
	err := s.list(dot, p.entry.body)
	clear(s.vars) // let go of the data
	s.vars = s.vars[:0]
	s.w = nil
	statePool.Put(s)
	return err
}

var statePool = sync.Pool{New: func() any { return &state{vars: make([]variable, 0, 16)} }}

// state is one execution.
type state struct {
	w     *bytes.Buffer
	vars  []variable
	depth int
}

type variable struct {
	name  string
	value reflect.Value
}

func (s *state) varValue(name string) (reflect.Value, error) {
	for i := len(s.vars) - 1; i >= 0; i-- {
		if s.vars[i].name == name {
			return s.vars[i].value, nil
		}
	}
	return reflect.Value{}, errFallback
}

func (s *state) setVar(name string, v reflect.Value) error {
	for i := len(s.vars) - 1; i >= 0; i-- {
		if s.vars[i].name == name {
			s.vars[i].value = v
			return nil
		}
	}
	return errFallback
}

func (s *state) list(dot reflect.Value, nodes []node) error {
	for _, n := range nodes {
		if err := n.run(s, dot); err != nil {
			return err
		}
	}
	return nil
}

// A node is one compiled node of a tree.
type node interface {
	run(s *state, dot reflect.Value) error
}

type textNode []byte

func (n textNode) run(s *state, _ reflect.Value) error {
	s.w.Write(n)
	return nil
}

// actionNode prints its pipeline's value, or only declares its variables.
type actionNode struct {
	pipe *pipeline
}

func (n *actionNode) run(s *state, dot reflect.Value) error {
	p := n.pipe
	if len(p.decl) == 0 && len(p.escapers) > 0 {
		// The usual action: a value and its escapers, printed.
		v, err := s.evalCmds(dot, p.cmds)
		if err != nil {
			return err
		}
		str, ct, ok := stringify(v)
		if !ok {
			return errFallback
		}
		return applyEscapers(s.w, str, ct, p.escapers)
	}
	v, err := s.pipeline(dot, p)
	if err != nil || len(p.decl) > 0 {
		return err
	}
	return printValue(s.w, v)
}

// branch is what if, with and range have: a pipeline, a list and an else.
type branch struct {
	pipe        *pipeline
	list, else_ []node
}

// branchNode is if and with.
type branchNode struct {
	branch
	with bool
}

func (n *branchNode) run(s *state, dot reflect.Value) error {
	mark := len(s.vars)
	defer s.pop(mark)
	v, err := s.pipeline(dot, n.pipe)
	if err != nil {
		return err
	}
	truth, ok := isTrue(indirectInterface(v))
	if !ok {
		return errFallback
	}
	switch {
	case truth && n.with:
		return s.list(v, n.list)
	case truth:
		return s.list(dot, n.list)
	default:
		return s.list(dot, n.else_)
	}
}

func (s *state) pop(mark int) {
	clear(s.vars[mark:])
	s.vars = s.vars[:mark]
}

// rangeNode ranges over a slice or an array; anything else is left to text/template.
type rangeNode struct {
	branch
}

func (n *rangeNode) run(s *state, dot reflect.Value) error {
	mark := len(s.vars)
	defer s.pop(mark)
	v, err := s.pipeline(dot, n.pipe)
	if err != nil {
		return err
	}
	v, _ = indirect(v)
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
	case reflect.Invalid:
		return s.list(dot, n.else_) // a nil map and the like: empty
	default:
		return errFallback // maps (sorted keys), integers, channels, iterators
	}
	if v.Len() == 0 {
		return s.list(dot, n.else_)
	}
	decl := n.pipe.decl
	inner := len(s.vars)
	for i := 0; i < v.Len(); i++ {
		elem := v.Index(i)
		if len(decl) > 0 {
			if err := n.declare(s, i, elem); err != nil {
				return err
			}
		}
		err := s.list(elem, n.list)
		s.pop(inner)
		if err != nil {
			return err
		}
	}
	return nil
}

// declare sets the range variables as text/template's range does.
func (n *rangeNode) declare(s *state, i int, elem reflect.Value) error {
	decl := n.pipe.decl
	index := reflect.ValueOf(i)
	if n.pipe.assign {
		first := elem
		if len(decl) > 1 {
			first = index
		}
		if err := s.setVar(decl[0], first); err != nil {
			return err
		}
		if len(decl) > 1 {
			return s.setVar(decl[1], elem)
		}
		return nil
	}
	// The pipeline pushed the variables: the last one takes the element,
	// the one before it the index.
	top := len(s.vars) - 1
	s.vars[top].value = elem
	if len(decl) > 1 {
		s.vars[top-1].value = index
	}
	return nil
}

// templateNode runs another template of the set.
type templateNode struct {
	pipe   *pipeline // nil: dot is nil
	target *tree
}

func (n *templateNode) run(s *state, dot reflect.Value) error {
	if s.depth >= maxDepth {
		return errFallback
	}
	var v reflect.Value
	if n.pipe != nil {
		var err error
		if v, err = s.pipeline(dot, n.pipe); err != nil {
			return err
		}
	}
	// No dynamic scoping: the called template sees only $, its own. Its
	// variables go on the stack above the caller's, which it cannot name
	// (parse refuses a variable not declared in the template), and are
	// popped after.
	mark := len(s.vars)
	s.vars = append(s.vars, variable{"$", v})
	s.depth++
	err := s.list(v, n.target.body)
	s.depth--
	s.pop(mark)
	return err
}
