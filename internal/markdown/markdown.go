// Package markdown turns a story's Markdown into HTML with goldmark, and keeps
// links from pointing at what is not published.
//
// Everything page-specific (where the page lives, which URLs are forbidden)
// travels in the parser.Context of one conversion, never in globals, so one
// Converter serves every page from many goroutines at once.
package markdown

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"kakehashi/internal/markdown/cjkemph"
)

// Links tells the converter which site paths are not published.
type Links interface {
	// Unpublished reports whether a site path ("en/talents/x/") belongs to a
	// skipped item, and the file of that item.
	Unpublished(sitePath string) (file string, ok bool)
}

// Page is what one conversion needs to know about the page it converts.
type Page struct {
	// Path is the page's site path ("en/talents/amina-k/"), against which relative links resolve.
	Path string
	// BaseURL is the site's absolute base URL ("https://example.org/site/").
	BaseURL string
	Links   Links
}

// Result is one converted document.
type Result struct {
	HTML []byte
	// Summary is the plain text of the first paragraph.
	Summary string
	// Dropped lists the skipped items' files that links were removed for.
	Dropped []string
}

// Converter converts Markdown; safe for concurrent use.
type Converter struct {
	md goldmark.Markdown
}

type config struct {
	unsafe bool
}

// Option configures a Converter.
type Option func(*config)

// WithUnsafe lets raw HTML through (site.yaml: markup: { unsafe: true }).
func WithUnsafe(on bool) Option { return func(c *config) { c.unsafe = on } }

// New returns a Converter with the site's Markdown flavour: GFM, footnotes,
// heading IDs, CJK line breaks and emphasis, and the link guard.
func New(opts ...Option) *Converter {
	var c config
	for _, o := range opts {
		o(&c)
	}
	rendererOpts := []renderer.Option{}
	if c.unsafe {
		rendererOpts = append(rendererOpts, html.WithUnsafe())
	}
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			extension.Footnote,
			extension.NewCJK(extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksCSS3Draft)),
			cjkemph.Extension,
			cjkemph.Strikethrough,
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(linkGuard{}, 100)),
		),
		goldmark.WithRendererOptions(rendererOpts...),
	)
	return &Converter{md: md}
}

var (
	pageKey    = parser.NewContextKey()
	droppedKey = parser.NewContextKey()
)

// Convert renders src for page p.
func (c *Converter) Convert(src []byte, p Page) (Result, error) {
	ctx := parser.NewContext(parser.WithIDs(newIDs()))
	ctx.Set(pageKey, &p)
	doc := c.md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	var buf bytes.Buffer
	buf.Grow(len(src) + len(src)/2)
	if err := c.md.Renderer().Render(&buf, src, doc); err != nil {
		return Result{}, err
	}
	r := Result{HTML: buf.Bytes(), Summary: firstParagraph(doc, src)}
	if d, ok := ctx.Get(droppedKey).([]string); ok {
		r.Dropped = d
	}
	return r, nil
}

// firstParagraph returns the plain text of the document's first paragraph.
func firstParagraph(doc ast.Node, src []byte) string {
	var out strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if para, ok := n.(*ast.Paragraph); ok {
			plainText(&out, para, src)
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(out.String())
}

func plainText(out *strings.Builder, n ast.Node, src []byte) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			out.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				if !endsEastAsian(out.String()) {
					out.WriteByte(' ')
				}
			}
		case *ast.String:
			out.Write(c.Value)
		case *ast.AutoLink:
			out.Write(c.Label(src))
		case *ast.RawHTML:
			// Markup is not text.
		default:
			plainText(out, c, src)
		}
	}
}

func endsEastAsian(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// ids makes heading IDs that keep letters of every script, so that Japanese
// headings get readable anchors rather than "heading-1", "heading-2".
type ids struct{ seen map[string]bool }

func newIDs() parser.IDs { return &ids{seen: map[string]bool{}} }

func (s *ids) Generate(value []byte, kind ast.NodeKind) []byte {
	var b []byte
	dash := false
	for _, r := range string(bytes.TrimSpace(value)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b = utf8.AppendRune(b, unicode.ToLower(r))
			dash = false
		case (unicode.IsSpace(r) || r == '-' || r == '_') && !dash && len(b) > 0:
			b = append(b, '-')
			dash = true
		}
	}
	b = bytes.TrimRight(b, "-")
	if len(b) == 0 {
		b = []byte("section")
	}
	id := string(b)
	for i := 1; s.seen[id]; i++ {
		id = string(b) + "-" + strconv.Itoa(i)
	}
	s.seen[id] = true
	return []byte(id)
}

func (s *ids) Put(value []byte) { s.seen[string(value)] = true }
