package tmplexec

import (
	"html/template"
	"reflect"
	"strconv"
	"strings"
	"text/template/parse"
)

// compiler turns the parse trees of one set into nodes.
type compiler struct {
	set   *template.Template
	funcs template.FuncMap
	trees map[string]*tree
}

// tree compiles the template name once; a template that calls itself gets
// the tree being compiled.
func (c *compiler) tree(name string, t *parse.Tree) (*tree, error) {
	if done := c.trees[name]; done != nil {
		return done, nil
	}
	out := &tree{}
	c.trees[name] = out
	body, err := c.list(t.Root)
	if err != nil {
		return nil, err
	}
	out.body = body
	return out, nil
}

func (c *compiler) list(l *parse.ListNode) ([]node, error) {
	if l == nil {
		return nil, nil
	}
	var out []node
	for _, n := range l.Nodes {
		cn, err := c.node(n)
		if err != nil {
			return nil, err
		}
		if cn == nil {
			continue
		}
		// Adjacent texts are written at once.
		if t, ok := cn.(textNode); ok && len(out) > 0 {
			if prev, ok := out[len(out)-1].(textNode); ok {
				out[len(out)-1] = append(prev[:len(prev):len(prev)], t...)
				continue
			}
		}
		out = append(out, cn)
	}
	return out, nil
}

func (c *compiler) node(n parse.Node) (node, error) {
	switch n := n.(type) {
	case *parse.TextNode:
		return textNode(n.Text), nil
	case *parse.CommentNode:
		return nil, nil
	case *parse.ActionNode:
		p, err := c.pipeline(n.Pipe)
		if err != nil {
			return nil, err
		}
		return &actionNode{pipe: p}, nil
	case *parse.IfNode:
		b, err := c.branch(&n.BranchNode)
		return &branchNode{branch: b}, err
	case *parse.WithNode:
		b, err := c.branch(&n.BranchNode)
		return &branchNode{branch: b, with: true}, err
	case *parse.RangeNode:
		b, err := c.branch(&n.BranchNode)
		return &rangeNode{b}, err
	case *parse.TemplateNode:
		target := c.set.Lookup(n.Name)
		if target == nil || target.Tree == nil || target.Tree.Root == nil {
			// html/template renames a template it escapes for another
			// context; this package cannot see those.
			return nil, unsupported("template %q", n.Name)
		}
		t, err := c.tree(n.Name, target.Tree)
		if err != nil {
			return nil, err
		}
		out := &templateNode{target: t}
		if n.Pipe != nil {
			if out.pipe, err = c.pipeline(n.Pipe); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, unsupported("%s", n) // break, continue
}

func (c *compiler) branch(b *parse.BranchNode) (out branch, err error) {
	if out.pipe, err = c.pipeline(b.Pipe); err != nil {
		return out, err
	}
	if out.list, err = c.list(b.List); err != nil {
		return out, err
	}
	out.else_, err = c.list(b.ElseList)
	return out, err
}

// pipeline compiles a pipeline; html/template's escapers, always at its
// end, become its escapers.
func (c *compiler) pipeline(p *parse.PipeNode) (*pipeline, error) {
	out := &pipeline{assign: p.IsAssign}
	for _, d := range p.Decl {
		out.decl = append(out.decl, d.Ident[0])
	}
	cmds := p.Cmds
	first := len(cmds)
	for first > 1 {
		if _, ok := c.escaper(cmds[first-1]); !ok {
			break
		}
		first--
	}
	for _, cmd := range cmds[first:] {
		e, _ := c.escaper(cmd)
		out.escapers = append(out.escapers, e)
	}
	for _, cmd := range cmds[:first] {
		cc, err := c.command(cmd)
		if err != nil {
			return nil, err
		}
		out.cmds = append(out.cmds, cc)
	}
	if len(out.cmds) == 0 {
		return nil, unsupported("empty pipeline")
	}
	return out, nil
}

// escaper is the escaper cmd calls, if it is one this package knows
// called on the value piped in.
func (c *compiler) escaper(cmd *parse.CommandNode) (escaper, bool) {
	id, ok := cmd.Args[0].(*parse.IdentifierNode)
	if !ok || len(cmd.Args) != 1 || c.funcs[id.Ident] != nil {
		return escaper{}, false
	}
	e, ok := escapers[id.Ident]
	return e, ok
}

func (c *compiler) command(cmd *parse.CommandNode) (command, error) {
	args, err := c.args(cmd.Args[1:])
	if err != nil {
		return nil, err
	}
	switch n := cmd.Args[0].(type) {
	case *parse.FieldNode:
		return c.chain("", n.Ident, args), nil
	case *parse.VariableNode:
		return c.chain(n.Ident[0], n.Ident[1:], args), nil
	case *parse.IdentifierNode:
		return c.call(n.Ident, args)
	}
	if len(args) > 0 {
		return nil, unsupported("arguments to %s", cmd.Args[0])
	}
	a, err := c.arg(cmd.Args[0])
	if err != nil {
		return nil, err
	}
	return a.(command), nil
}

func (c *compiler) call(name string, args []arg) (*call, error) {
	fn, ok := builtins[name]
	if !ok || c.funcs[name] != nil {
		return nil, unsupported("function %s", name)
	}
	return &call{fn: fn, args: args}, nil
}

func (c *compiler) chain(variable string, names []string, args []arg) *chain {
	ch := &chain{variable: variable, args: args}
	for _, name := range names {
		ch.fields = append(ch.fields, &field{name: name})
	}
	return ch
}

func (c *compiler) args(nodes []parse.Node) ([]arg, error) {
	var out []arg
	for _, n := range nodes {
		a, err := c.arg(n)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// argument is an arg that is also a command.
type argument interface {
	arg
	command
}

func (c *compiler) arg(n parse.Node) (argument, error) {
	switch n := n.(type) {
	case *parse.DotNode:
		return dotArg{}, nil
	case *parse.FieldNode:
		return c.chain("", n.Ident, nil), nil
	case *parse.VariableNode:
		return c.chain(n.Ident[0], n.Ident[1:], nil), nil
	case *parse.PipeNode:
		p, err := c.pipeline(n)
		if err != nil {
			return nil, err
		}
		return pipeArg{p}, nil
	case *parse.IdentifierNode:
		return c.call(n.Ident, nil)
	case *parse.StringNode:
		return literal{reflect.ValueOf(n.Text)}, nil
	case *parse.BoolNode:
		return literal{reflect.ValueOf(n.True)}, nil
	case *parse.NumberNode:
		// An integer written in decimal is an int; the rest (floats,
		// runes, hexadecimal, overflow) is text/template's to type.
		if n.IsInt && strings.Trim(n.Text, "-0123456789") == "" {
			if i, err := strconv.Atoi(n.Text); err == nil {
				return literal{reflect.ValueOf(i)}, nil
			}
		}
	}
	return nil, unsupported("argument %s", n)
}
