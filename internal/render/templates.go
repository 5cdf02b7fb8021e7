package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"kakehashi/internal/minifier"
	"kakehashi/internal/tmplexec"
)

// pageTemplates are the theme's page kinds; each is parsed together with
// base.html and partials/*.html.
var pageTemplates = []string{"home", "section", "talent", "employer", "page", "terms", "term", "index", "404"}

// templates is one parsed theme: a template set per page kind, and base with
// partials alone for the "card" template. Each is kept as the template that
// is run: its set is folded from it (see fold).
type templates struct {
	pages map[string]*template.Template // page kind → its base.html
	card  *template.Template
	// programs run the folded sets without html/template's reflective
	// calls (see tmplexec), printing the same bytes; a set or a page a
	// program cannot run exactly is run by html/template.
	programs    map[string]*tmplexec.Program // page kind → its program; nil if none
	cardProgram *tmplexec.Program
}

// layoutSource reads the theme's files, minified or as written.
type layoutSource func(name string) ([]byte, error)

func asWritten(layouts fs.FS) layoutSource {
	return func(name string) ([]byte, error) { return fs.ReadFile(layouts, name) }
}

// remembered reads each file through read once: the theme is parsed into
// several sets (as written, and one per language).
func remembered(read layoutSource) layoutSource {
	files := map[string][]byte{}
	return func(name string) ([]byte, error) {
		if src, ok := files[name]; ok {
			return src, nil
		}
		src, err := read(name)
		if err == nil {
			files[name] = src
		}
		return src, err
	}
}

// minified reads a layout through read and minifies its HTML around the
// template actions.
func minified(read layoutSource) layoutSource {
	return func(name string) ([]byte, error) {
		src, err := read(name)
		if err != nil {
			return nil, err
		}
		// The minifier works in its input: the bytes read are kept (see
		// remembered) and must stay as written.
		out, err := minifier.Template(bytes.Clone(src))
		if err != nil {
			return nil, fmt.Errorf("minify: %w", err)
		}
		return out, nil
	}
}

// constantCall is a call of View.T or View.Asset with a literal argument,
// after a space or parenthesis (so not a field of a variable like $x.T).
var constantCall = regexp.MustCompile(`(^|[\s(])(\$?\.(T|Asset)) ("(?:[^"\\\n]|\\.)*")`)

// constants writes the value of every constantCall into the layouts read by
// read: the UI string of a language, the address of a theme file. A key the
// language lacks keeps its call, which fails as it would have.
func constants(read layoutSource, strs map[string]string, base string) layoutSource {
	return func(name string) ([]byte, error) {
		src, err := read(name)
		if err != nil {
			return nil, err
		}
		return constantCall.ReplaceAllFunc(src, func(m []byte) []byte {
			sub := constantCall.FindSubmatch(m)
			arg, err := strconv.Unquote(string(sub[4]))
			if err != nil {
				return m
			}
			value, ok := "", false
			switch string(sub[3]) {
			case "T":
				value, ok = strs[arg]
			case "Asset":
				value, ok = base+strings.TrimPrefix(arg, "/"), true
			}
			if !ok {
				return m
			}
			return append(append([]byte(nil), sub[1]...), strconv.Quote(value)...)
		}), nil
	}
}

// parseTemplates parses the theme read by read, escapes it and folds its
// constants (see fold).
func parseTemplates(layouts fs.FS, read layoutSource) (*templates, error) {
	ts, err := parseUnfolded(layouts, read)
	if err != nil {
		return nil, err
	}
	ts.programs = map[string]*tmplexec.Program{}
	for kind, t := range ts.pages {
		fold(t)
		ts.programs[kind] = compile(t)
	}
	fold(ts.card)
	ts.cardProgram = compile(ts.card)
	return ts, nil
}

// compile is t's program, or nil when tmplexec cannot run t exactly.
func compile(t *template.Template) *tmplexec.Program {
	p, err := tmplexec.Compile(t, nil) // the theme gets no functions of its own
	if err != nil {
		return nil
	}
	return p
}

func parseUnfolded(layouts fs.FS, read layoutSource) (*templates, error) {
	base := template.New("base.html")
	if err := parseInto(base, read, "base.html"); err != nil {
		return nil, fmt.Errorf("layouts/base.html: %w", err)
	}
	partials, _ := fs.Glob(layouts, "partials/*.html")
	if err := parseInto(base, read, partials...); err != nil {
		return nil, fmt.Errorf("layouts/partials: %w", err)
	}
	cards, err := base.Clone()
	if err != nil {
		return nil, err
	}
	ts := &templates{pages: map[string]*template.Template{}, card: cards.Lookup("card")}
	if ts.card == nil {
		return nil, fmt.Errorf("layouts/partials/card.html: no {{ define \"card\" }} template")
	}
	for _, name := range pageTemplates {
		// The clone is base.html of its own set.
		t, err := base.Clone()
		if err == nil {
			err = parseInto(t, read, name+".html")
		}
		if err != nil {
			return nil, fmt.Errorf("layouts/%s.html: %w", name, err)
		}
		ts.pages[name] = t
	}
	return ts, nil
}

// parseInto adds files to t as ParseFS would: each file is a template named
// after its base name.
func parseInto(t *template.Template, read layoutSource, files ...string) error {
	for _, f := range files {
		src, err := read(f)
		if err != nil {
			return err
		}
		name := path.Base(f)
		tt := t
		if name != t.Name() {
			tt = t.New(name)
		}
		if _, err := tt.Parse(string(src)); err != nil {
			return err
		}
	}
	return nil
}

// executePage runs the page template of kind with v into w.
func (ts *templates) executePage(w io.Writer, kind string, v any) error {
	t := ts.pages[kind]
	if t == nil {
		return fmt.Errorf("no template for page kind %q", kind)
	}
	return execute(w, t, ts.programs[kind], v)
}

func (ts *templates) executeCard(w io.Writer, c any) error {
	return execute(w, ts.card, ts.cardProgram, c)
}

// execute runs p, or t where p is nil or cannot run this page exactly
// (html/template then prints the page or explains its error).
func execute(w io.Writer, t *template.Template, p *tmplexec.Program, data any) error {
	if buf, ok := w.(*bytes.Buffer); ok && p != nil {
		mark := buf.Len()
		if p.Execute(buf, data) == nil {
			return nil
		}
		buf.Truncate(mark)
	}
	return t.Execute(w, data)
}

// theme is the template set for pages in lang.
func (r *Renderer) theme(lang string) *templates {
	if ts := r.byLang[lang]; ts != nil {
		return ts
	}
	if ts, err := r.written(); err == nil {
		return ts
	}
	return r.byLang[r.cfg.DefaultLanguage()] // parsed from the same layouts
}

// explain turns an error of the templates a page was rendered with (minified,
// constants written in) into the error of the templates as written, whose
// line and column the theme's author can find.
func (r *Renderer) explain(err error, run func(ts *templates) error) error {
	ts, werr := r.written()
	if werr == nil {
		werr = run(ts)
	}
	if werr != nil {
		return werr
	}
	return err
}
