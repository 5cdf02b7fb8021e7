// Package minifier holds the one set of minification rules of the published
// site. The publish funnel applies them to whole files; the renderer applies
// them ahead of time to the theme's templates and to converted Markdown, so
// that a page assembled from those parts is minified already and need not be
// parsed a second time for every one of thousands of pages.
package minifier

import (
	"path"
	"strings"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"
)

// htmlOptions keep what some readers of the site rely on: document tags,
// end tags and attribute quotes (html/template's contextual escaping, old
// feed readers and the leak scan all read quoted attributes most simply).
func htmlOptions() *html.Minifier {
	return &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true}
}

var (
	files     = build(htmlOptions())
	templates = func() *minify.M {
		h := htmlOptions()
		h.TemplateDelims = html.GoTemplateDelims
		return build(h)
	}()
)

func build(h *html.Minifier) *minify.M {
	m := minify.New()
	m.Add("text/html", h)
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("application/javascript", js.Minify)
	// Numbers stay as written: "1e3" for 1000 saves a byte and breaks every
	// reader that expects an integer (the search index's document numbers).
	m.Add("application/json", &json.Minifier{KeepNumbers: true})
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFunc("application/xml", xml.Minify)
	return m
}

var mediaTypes = map[string]string{
	".html": "text/html", ".htm": "text/html",
	".css": "text/css", ".js": "application/javascript", ".mjs": "application/javascript",
	".json": "application/json", ".svg": "image/svg+xml", ".xml": "application/xml",
}

// MediaType is the media type of a file the rules minify, by its name;
// ok is false for any other file.
func MediaType(name string) (mediaType string, ok bool) {
	mediaType, ok = mediaTypes[strings.ToLower(path.Ext(name))]
	return mediaType, ok
}

// File minifies a whole file of the given media type.
func File(mediaType string, data []byte) ([]byte, error) {
	return files.Bytes(mediaType, data)
}

// HTML minifies a piece of HTML, such as a page's converted Markdown, which
// the renderer keeps as a string. It may change data.
func HTML(data []byte) (string, error) {
	if out, ok := minifyPlain(data); ok {
		return out, nil
	}
	out, err := files.Bytes("text/html", data)
	return string(out), err
}

// Template minifies the text of an html/template file and leaves its actions
// as written. Whitespace next to an action is kept where the minifier cannot
// know what the action prints, so a page rendered from minified templates is
// at most a few spaces longer than the same page minified whole.
func Template(src []byte) ([]byte, error) {
	return templates.Bytes("text/html", src)
}
