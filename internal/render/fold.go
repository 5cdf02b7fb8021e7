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
	// Two walks over the same trees: the first finds the constant actions,
	// which one run of the entry prints all at once (a run per action made
	// the theme's parsing a quarter of a small site's build); the second
	// puts in what they printed.
	f := &folder{entry: entry, collect: true}
	f.walk()
	f.values, f.collect = evaluateAll(entry, f.found), false
	f.walk()
}

// folder folds the trees of one set, each once.
type folder struct {
	entry *template.Template
	seen  map[string]bool // templates called so far
	todo  []*parse.Tree   // called and not yet folded
	// The first walk (collect) finds the constant actions; the second
	// replaces them with what they print (values) and joins texts.
	collect bool
	found   []*parse.ActionNode
	values  map[*parse.ActionNode]string
}

// walk goes through entry's tree and every tree it calls.
func (f *folder) walk() {
	f.seen = map[string]bool{f.entry.Name(): true}
	f.todo = []*parse.Tree{f.entry.Tree}
	for len(f.todo) > 0 {
		tree := f.todo[len(f.todo)-1]
		f.todo = f.todo[:len(f.todo)-1]
		f.list(tree.Root)
	}
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
			if f.collect {
				f.found = append(f.found, n)
				break
			}
			if s, ok := f.values[n]; ok {
				nodes = appendText(nodes, &parse.TextNode{NodeType: parse.NodeText, Pos: n.Pos, Text: []byte(s)})
				continue
			}
		case *parse.TextNode:
			if f.collect {
				break // the first walk changes nothing
			}
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

// evaluateAll prints the actions as of entry's escaped set, by running
// them: the escapers' functions belong to the set, and are not exported.
// entry's escaped tree is the one its Execute runs, and an escaped
// template is not escaped again, so a tree whose root is the actions runs
// them as they are. One run prints them all, each followed by a mark that
// no escaper prints (it holds NUL, which each escapes); should the output
// not split into one piece per action, each is run alone. An action whose
// run fails is left out.
func evaluateAll(entry *template.Template, actions []*parse.ActionNode) map[*parse.ActionNode]string {
	values := make(map[*parse.ActionNode]string, len(actions))
	if len(actions) == 0 {
		return values
	}
	const mark = "\x00kakehashi-fold\x00"
	nodes := make([]parse.Node, 0, 2*len(actions))
	for _, a := range actions {
		nodes = append(nodes, a, &parse.TextNode{NodeType: parse.NodeText, Pos: a.Pos, Text: []byte(mark)})
	}
	if out, ok := runNodes(entry, nodes); ok {
		if parts := strings.Split(out, mark); len(parts) == len(actions)+1 {
			for i, a := range actions {
				values[a] = parts[i]
			}
			return values
		}
	}
	for _, a := range actions {
		if out, ok := runNodes(entry, []parse.Node{a}); ok {
			values[a] = out
		}
	}
	return values
}

// runNodes executes nodes as entry's tree and returns what they print.
func runNodes(entry *template.Template, nodes []parse.Node) (string, bool) {
	root := entry.Tree.Root
	defer func() { entry.Tree.Root = root }()
	entry.Tree.Root = &parse.ListNode{NodeType: parse.NodeList, Pos: root.Pos, Nodes: nodes}
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
