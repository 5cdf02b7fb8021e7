// Package markdown turns a story's Markdown into HTML with goldmark, and keeps
// links from pointing at what is not published.
//
// Everything page-specific (where the page lives, which URLs are forbidden)
// travels in the parser.Context of one conversion, never in globals, so one
// Converter serves every page from many goroutines at once.
package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
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
	// BaseURL is the site's absolute base URL ("https://example.org/site/");
	// Aliases are other base URLs that also address this site.
	BaseURL string
	Aliases []string
	Links   Links
}

// Result is one converted document.
type Result struct {
	HTML string
	// Summary is the plain text of the first paragraph.
	Summary string
	// Dropped lists the skipped items' files that links were removed for.
	Dropped []string
}

// Converter converts Markdown; safe for concurrent use.
type Converter struct {
	md     goldmark.Markdown
	finish func(html []byte) (string, error)
	bufs   sync.Pool // *bytes.Buffer for goldmark's output, with finish
}

type config struct {
	unsafe bool
	finish func(html []byte) (string, error)
}

// WithFinish has every converted document passed through finish (the
// renderer's minifier), whose result is the Result's HTML. finish gets the
// HTML in a buffer the Converter reuses, and may change it: goldmark's
// output is then written a document at a time into a few buffers instead
// of a new one each (a 10,000-page build: 43 MB less to allocate and fault
// in).
func WithFinish(finish func(html []byte) (string, error)) Option {
	return func(c *config) { c.finish = finish }
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
	rendererOpts := []renderer.Option{html.WithWriter(textWriter{})}
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
	conv := &Converter{md: md, finish: c.finish}
	conv.bufs.New = func() any { return new(bytes.Buffer) }
	return conv
}

var (
	pageKey    = parser.NewContextKey()
	droppedKey = parser.NewContextKey()
	// embeddedKey marks a document with a data: picture or link.
	embeddedKey = parser.NewContextKey()
)

// ErrEmbedded is a picture or link whose address is the data itself.
var ErrEmbedded = errors.New("a picture or link is embedded as a data: address: put the photo beside the story as a file (embedded data keeps its metadata and skips photo consent)")

// MaxNesting bounds how deeply lists and block quotes may nest. goldmark's
// time grows with the square of the depth or worse: 10,000 levels take about
// 2 s, 100,000 (200 KB of "- ") many minutes. No story needs more than a few.
const MaxNesting = 100

// NestingError is Markdown nested deeper than MaxNesting.
type NestingError struct{ Line int }

func (e *NestingError) Error() string {
	return fmt.Sprintf("line %d: lists or block quotes are nested more than %d levels deep", e.Line, MaxNesting)
}

// checkNesting counts, on each line, the block quote and list markers that
// open it and its indentation (two columns per level, as a list item needs),
// which bounds the depth goldmark will build, without parsing.
func checkNesting(src []byte) error {
	line := 0
	for len(src) > 0 {
		line++
		end := bytes.IndexByte(src, '\n')
		cur := src
		if end >= 0 {
			cur, src = src[:end], src[end+1:]
		} else {
			src = nil
		}
		depth, col, i := 0, 0, 0
		for i < len(cur) {
			switch c := cur[i]; {
			case c == ' ' || c == '\t':
				switch {
				case depth > 0: // spacing after a marker
				case c == '\t':
					col += 4 - col%4
				default:
					col++
				}
				i++
				continue
			case c == '>':
				i++
			case (c == '-' || c == '*' || c == '+') && (i+1 == len(cur) || cur[i+1] == ' ' || cur[i+1] == '\t'):
				i++
			case c >= '0' && c <= '9':
				j := i
				for j < len(cur) && j-i < 10 && cur[j] >= '0' && cur[j] <= '9' {
					j++
				}
				if j == len(cur) || (cur[j] != '.' && cur[j] != ')') || (j+1 < len(cur) && cur[j+1] != ' ' && cur[j+1] != '\t') {
					i = len(cur)
					continue
				}
				i = j + 1
			default:
				i = len(cur)
				continue
			}
			if depth++; depth+col/2 > MaxNesting {
				return &NestingError{Line: line}
			}
		}
		if depth+col/2 > MaxNesting {
			return &NestingError{Line: line}
		}
	}
	return nil
}

// MaxConvertTime bounds one conversion. goldmark needs far more than linear
// time on some short inputs ("[a](" repeated: 64 KB take 4 s, 128 KB more
// than 20 s; "[a]: b" repeated: 512 KB take 19 s), and cannot be stopped: on
// time out the conversion goes on in the background until it ends, and the
// build fails.
const MaxConvertTime = 10 * time.Second

// Convert renders src for page p.
func (c *Converter) Convert(src []byte, p Page) (Result, error) {
	if !utf8.Valid(src) {
		// goldmark v1.8.7 panics on some invalid text (content.Parse refuses it first).
		return Result{}, errors.New("not valid UTF-8 text")
	}
	if err := checkNesting(src); err != nil {
		return Result{}, err
	}
	type outcome struct {
		r   Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		// A panic here would take the whole process down: make it this page's error.
		defer func() {
			if v := recover(); v != nil {
				done <- outcome{err: fmt.Errorf("goldmark failed on this text: %v", v)}
			}
		}()
		r, err := c.convert(src, p)
		done <- outcome{r, err}
	}()
	timer := time.NewTimer(MaxConvertTime)
	defer timer.Stop()
	select {
	case o := <-done:
		return o.r, o.err
	case <-timer.C:
		return Result{}, fmt.Errorf("conversion took longer than %v: look for long runs of [ ( * _ ` or repeated link definitions", MaxConvertTime)
	}
}

func (c *Converter) convert(src []byte, p Page) (Result, error) {
	ctx := parser.NewContext(parser.WithIDs(newIDs()))
	ctx.Set(pageKey, &p)
	doc := c.md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	var buf *bytes.Buffer
	if c.finish != nil {
		buf = c.bufs.Get().(*bytes.Buffer)
		buf.Reset()
		// Back to the pool only from here: after a time-out, the caller
		// has gone and this goroutine alone holds it.
		defer c.bufs.Put(buf)
	} else {
		buf = new(bytes.Buffer)
	}
	buf.Grow(len(src) + len(src)/2)
	if err := c.md.Renderer().Render(bufferWriter{buf}, src, doc); err != nil {
		return Result{}, err
	}
	if ctx.Get(embeddedKey) != nil {
		return Result{}, ErrEmbedded
	}
	r := Result{Summary: firstParagraph(doc, src)}
	if c.finish != nil {
		html, err := c.finish(buf.Bytes())
		if err != nil {
			return Result{}, err
		}
		r.HTML = html
	} else {
		r.HTML = buf.String()
	}
	if d, ok := ctx.Get(droppedKey).([]string); ok {
		r.Dropped = d
	}
	return r, nil
}

// bufferWriter hands goldmark's renderer the output buffer as the buffered
// writer it wants; given a plain io.Writer it wraps it in a bufio.Writer of
// 4 KB per page, only to copy everything once more.
type bufferWriter struct{ *bytes.Buffer }

func (bufferWriter) Buffered() int { return 0 }
func (bufferWriter) Flush() error  { return nil }

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
