package render

import (
	"errors"
	"html/template"
	"slices"
	"strings"
	"text/template/parse"
)

// fold escapes the templates that entry runs and replaces each action that
// prints a constant (a literal piped only through html/template's escapers,
// as the constants written into the theme become) with the text it prints,
// then joins adjacent texts. Such an action otherwise costs a reflective
// call per escaper on every page.
//
// html/template escapes a set lazily, on its first Execute, and rewrites
// the parse trees in place: every template the entry reaches through
// {{ template }} gets its escapers then, and an escaped set is never escaped
// again (nor parsed into, nor cloned). So the trees are final once entry has
// been executed, and the surgery must happen then and before any concurrent
// use: fold runs while the theme is parsed. A set whose escaping fails is
// left as it is, for rendering to report the error as it always has.
//
// Only entry and what it reaches are folded: it is the only template run
// from this set. Templates html/template derives for a call in another
// context (such as an attribute) are not in the set's Lookup and stay as
// they are.
func fold(entry *template.Template) {
	// Executing escapes the set. On no data and into a writer that takes
	// nothing, the run itself stops at its first output.
	_ = entry.Execute(refuse{}, nil)
	if entry.Tree == nil {
		return
	}
	f := &folder{entry: entry, seen: map[string]bool{entry.Name(): true}, todo: []*parse.Tree{entry.Tree}}
	for len(f.todo) > 0 {
		tree := f.todo[len(f.todo)-1]
		f.todo = f.todo[:len(f.todo)-1]
		f.list(tree.Root)
	}
}

// folder folds the trees of one set, each once.
type folder struct {
	entry *template.Template
	seen  map[string]bool // templates called so far
	todo  []*parse.Tree   // called and not yet folded
}

// list replaces the constant actions in l and in the branches under it
// with the text they print, joins adjacent texts, and queues the templates
// called.
func (f *folder) list(l *parse.ListNode) {
	if l == nil {
		return
	}
	nodes := l.Nodes[:0]
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.IfNode:
			f.branch(&n.BranchNode)
		case *parse.RangeNode:
			f.branch(&n.BranchNode)
		case *parse.WithNode:
			f.branch(&n.BranchNode)
		case *parse.TemplateNode:
			f.call(n.Name)
		case *parse.ActionNode:
			if !constant(n.Pipe) {
				break
			}
			if s, ok := evaluate(f.entry, n); ok {
				nodes = appendText(nodes, &parse.TextNode{NodeType: parse.NodeText, Pos: n.Pos, Text: []byte(s)})
				continue
			}
		case *parse.TextNode:
			nodes = appendText(nodes, n)
			continue
		}
		nodes = append(nodes, n)
	}
	clear(l.Nodes[len(nodes):])
	l.Nodes = nodes
}

func (f *folder) branch(b *parse.BranchNode) {
	f.list(b.List)
	f.list(b.ElseList)
}

func (f *folder) call(name string) {
	if f.seen[name] {
		return
	}
	f.seen[name] = true
	if t := f.entry.Lookup(name); t != nil && t.Tree != nil {
		f.todo = append(f.todo, t.Tree)
	}
}

// appendText appends t to nodes, joined with the last node if that is a text
// too: one write instead of two.
func appendText(nodes []parse.Node, t *parse.TextNode) []parse.Node {
	if len(t.Text) == 0 {
		return nodes
	}
	if len(nodes) > 0 {
		if last, ok := nodes[len(nodes)-1].(*parse.TextNode); ok {
			nodes[len(nodes)-1] = &parse.TextNode{NodeType: parse.NodeText, Pos: last.Pos, Text: slices.Concat(last.Text, t.Text)}
			return nodes
		}
	}
	return append(nodes, t)
}

// escaperPrefix begins the names of html/template's escaping functions: pure
// functions of their argument.
const escaperPrefix = "_html_template_"

// constant reports whether p prints the same on every run: a literal, then
// nothing but escapers.
func constant(p *parse.PipeNode) bool {
	if len(p.Decl) > 0 || len(p.Cmds) == 0 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	switch p.Cmds[0].Args[0].(type) {
	case *parse.StringNode, *parse.NumberNode, *parse.BoolNode:
	default:
		return false
	}
	for _, c := range p.Cmds[1:] {
		if len(c.Args) != 1 {
			return false
		}
		if id, ok := c.Args[0].(*parse.IdentifierNode); !ok || !strings.HasPrefix(id.Ident, escaperPrefix) {
			return false
		}
	}
	return true
}

// evaluate prints a, an action of entry's escaped set, by running it alone:
// the escapers' functions belong to the set, and are not exported. entry's
// escaped tree is the one its Execute runs, and an escaped template is not
// escaped again, so a tree whose root is a alone runs a as it is.
func evaluate(entry *template.Template, a *parse.ActionNode) (string, bool) {
	root := entry.Tree.Root
	defer func() { entry.Tree.Root = root }()
	entry.Tree.Root = &parse.ListNode{NodeType: parse.NodeList, Pos: a.Pos, Nodes: []parse.Node{a}}
	var b strings.Builder
	if err := entry.Execute(&b, nil); err != nil {
		return "", false
	}
	return b.String(), true
}

var errRefused = errors.New("refused")

// refuse is a writer that takes nothing.
type refuse struct{}

func (refuse) Write([]byte) (int, error) { return 0, errRefused }
