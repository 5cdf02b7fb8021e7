package render

import (
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"

	"kakehashi/internal/minifier"
)

// pageTemplates are the theme's page kinds; each is parsed together with
// base.html and partials/*.html.
var pageTemplates = []string{"home", "section", "talent", "employer", "page", "terms", "term", "index", "404"}

// templates is one parsed theme: a template set per page kind, and base with
// partials alone for the "card" template.
type templates struct {
	pages map[string]*template.Template
	cards *template.Template
}

// layoutSource reads the theme's files, minified or as written.
type layoutSource func(name string) ([]byte, error)

func asWritten(layouts fs.FS) layoutSource {
	return func(name string) ([]byte, error) { return fs.ReadFile(layouts, name) }
}

// minified reads a layout and minifies its HTML around the template actions.
func minified(layouts fs.FS) layoutSource {
	return func(name string) ([]byte, error) {
		src, err := fs.ReadFile(layouts, name)
		if err != nil {
			return nil, err
		}
		out, err := minifier.Template(src)
		if err != nil {
			return nil, fmt.Errorf("minify: %w", err)
		}
		return out, nil
	}
}

func parseTemplates(layouts fs.FS, read layoutSource) (*templates, error) {
	base := template.New("base.html")
	if err := parseInto(base, read, "base.html"); err != nil {
		return nil, fmt.Errorf("layouts/base.html: %w", err)
	}
	partials, _ := fs.Glob(layouts, "partials/*.html")
	if err := parseInto(base, read, partials...); err != nil {
		return nil, fmt.Errorf("layouts/partials: %w", err)
	}
	ts := &templates{pages: map[string]*template.Template{}}
	var err error
	if ts.cards, err = base.Clone(); err != nil {
		return nil, err
	}
	if ts.cards.Lookup("card") == nil {
		return nil, fmt.Errorf("layouts/partials/card.html: no {{ define \"card\" }} template")
	}
	for _, name := range pageTemplates {
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
	return t.ExecuteTemplate(w, "base.html", v)
}

func (ts *templates) executeCard(w io.Writer, c any) error {
	return ts.cards.ExecuteTemplate(w, "card", c)
}

// explain turns an error of the minified templates into the error of the
// templates as written, whose line and column the theme's author can find.
func (r *Renderer) explain(err error, run func(ts *templates) error) error {
	if r.written == nil {
		return err
	}
	if werr := run(r.written); werr != nil {
		return werr
	}
	return err
}
