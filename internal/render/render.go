// Package render turns the page graph into files: Markdown through goldmark,
// pages through the theme's html/template files, feeds and the sitemap through
// encoding/xml. It writes nothing itself: every file goes to a Writer (the
// publish funnel).
package render

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"kakehashi/internal/config"
	"kakehashi/internal/fileerr"
	"kakehashi/internal/markdown"
	"kakehashi/internal/minifier"
	"kakehashi/internal/search"
	"kakehashi/internal/site"
)

// Writer receives rendered files (publish.Funnel implements it).
type Writer interface {
	Write(rel string, data []byte) error
}

// Renderer holds the parsed theme; parse it once, use it for many builds.
type Renderer struct {
	cfg     *config.Config
	md      *markdown.Converter
	byLang  map[string]*templates      // the theme for pages in each language, minified if minify is set
	written func() (*templates, error) // the theme as written, parsed on first use: for errors
	minify  bool
	strings map[string]map[string]string // lang → key → text
	workers int
	extra   []func(*View)
}

// Option configures a Renderer.
type Option func(*Renderer)

// WithWorkers bounds the number of pages rendered at once (default twice
// GOMAXPROCS).
func WithWorkers(n int) Option { return func(r *Renderer) { r.workers = max(1, n) } }

// WithMinify makes the renderer minify the theme's templates and converted
// Markdown ahead of time, so that its pages are minified already: they go to a
// writer that has a WriteMinified method through that method.
func WithMinify() Option { return func(r *Renderer) { r.minify = true } }

// WithViewHook lets a caller decorate every page view (the preview server injects its live-reload script).
func WithViewHook(f func(*View)) Option { return func(r *Renderer) { r.extra = append(r.extra, f) } }

// New parses the theme in layouts (a file system whose root holds base.html,
// partials/, i18n/ and one file per page kind).
func New(cfg *config.Config, layouts fs.FS, opts ...Option) (*Renderer, error) {
	r := &Renderer{
		cfg: cfg,
		// Twice as many workers as processors: a page's work ends in
		// system calls (a folder, a file) that leave a processor idle
		// while they wait, and the long site-wide jobs (the search
		// indexes) start first; the spare workers fill both gaps.
		workers: 2 * runtime.GOMAXPROCS(0),
	}
	for _, o := range opts {
		o(r)
	}
	mdOpts := []markdown.Option{markdown.WithUnsafe(cfg.Markup.Unsafe)}
	if r.minify {
		mdOpts = append(mdOpts, markdown.WithFinish(minifyConverted))
	}
	r.md = markdown.New(mdOpts...)
	var err error
	if r.strings, err = loadStrings(layouts, cfg.Languages); err != nil {
		return nil, err
	}
	// The layouts as written name the lines the author sees: errors of the
	// sets below are explained with them. Only errors need them, so they
	// are parsed then (a tenth of a small site's build), and not folded.
	asIs := remembered(asWritten(layouts))
	r.written = sync.OnceValues(func() (*templates, error) { return parseUnfolded(layouts, asIs) })
	read := asIs
	if r.minify {
		read = remembered(minified(read))
	}
	// One set per language, with its UI strings and the theme's asset
	// addresses written in: they are the same on every page, and a method
	// call per string was a sixth of the time spent in templates.
	r.byLang = map[string]*templates{}
	for _, lang := range cfg.Languages {
		if r.byLang[lang], err = parseTemplates(layouts, constants(read, r.strings[lang], cfg.BasePath())); err != nil {
			if _, werr := r.written(); werr != nil {
				return nil, werr
			}
			return nil, err
		}
	}
	return r, nil
}

// Render renders every page of s, the feeds, the sitemap and the root pages to
// w. Warnings (links dropped because they point at skipped items) are returned
// sorted, beside any error.
func (r *Renderer) Render(s *site.Site, w Writer) (warnings []string, err error) {
	warnings, _, err = r.RenderCached(s, w, nil)
	return warnings, err
}

// RenderCached is Render for successive builds of one site: with a Cache, a
// page whose inputs are unchanged since the last call is not rendered again
// and its output path is returned in kept, in no particular order (the
// caller reuses the earlier bytes); Markdown is converted again only for
// sources that changed.
func (r *Renderer) RenderCached(s *site.Site, w Writer, c *Cache) (warnings, kept []string, err error) {
	pr, err := r.Prepare(s, c)
	if err != nil {
		return nil, nil, err
	}
	return r.Finish(pr, w)
}

// Prepared is the first half of a render: every page's Markdown converted.
// It needs the page graph only, not the leak scan's needles, so a build
// prepares while the guard collects them.
type Prepared struct {
	s        *site.Site
	c        *Cache
	bodies   []body
	index    map[*site.Page]int
	fp       *fingerprinter
	warnings []string
}

// A PrepareOption changes what Prepare does besides converting.
type PrepareOption func(*prepareConfig)

type prepareConfig struct {
	released func() bool
}

// ReleaseSources has Prepare let go of each page's source text
// (content.Source.ReleaseText) once its Markdown is converted, if
// released() reports that no one else reads the sources any more: a
// large one-off build so holds its text and its HTML at the same time only
// for the pages converted before that. Nothing after Prepare may read the
// sources' text.
func ReleaseSources(released func() bool) PrepareOption {
	return func(c *prepareConfig) { c.released = released }
}

// Prepare converts the Markdown of s's pages (with a Cache, of those whose
// source changed). Set the Cache's Epoch before Finish, not before Prepare.
func (r *Renderer) Prepare(s *site.Site, c *Cache, opts ...PrepareOption) (pr *Prepared, err error) {
	var cfg prepareConfig
	for _, o := range opts {
		o(&cfg)
	}
	var warnings []string
	fp := c.begin(r, s)
	var bodies []body
	var index map[*site.Page]int
	if fp != nil {
		bodies, index = fp.bodies, fp.index
	} else {
		bodies, index = make([]body, len(s.Pages)), indexOf(s.Pages)
	}
	// The bodies the Cache holds are taken in one go; the others (all of
	// them without a Cache, one after an edit) are converted in parallel.
	todo := fp.takeBodies(s.Pages, bodies)
	err = r.parallel(len(todo), func(k int, _ *bytes.Buffer) error {
		i := todo[k]
		p := s.Pages[i]
		res, err := r.convert(p, s)
		if err != nil {
			return err
		}
		bd := body{html: template.HTML(res.HTML), summary: res.Summary, minutes: ReadingMinutes(p.Lang, p.Source.Body)}
		if cfg.released != nil && cfg.released() {
			p.Source.ReleaseText()
		}
		if p.Source.Meta.Summary != "" {
			bd.summary = p.Source.Meta.Summary
		}
		bd.summary = Summarize(p.Lang, bd.summary)
		if p.IsItem() && c != nil {
			// Kept for the next rebuild's search index; a one-off build
			// takes it when the index is built, and keeps it no longer.
			bd.search = searchText(p, string(bd.html))
		}
		for _, f := range res.Dropped {
			bd.warnings = append(bd.warnings, fmt.Sprintf("%s: link to %s rendered as plain text: it is not published", p.Source.Path, f))
		}
		// The HTML is not kept: a page is rendered again mostly because
		// its own source changed, and converting the few others again
		// costs less than holding every story's HTML all day.
		kept := bd
		kept.html = ""
		fp.storeBody(i, kept)
		bodies[i] = bd
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, bd := range bodies {
		warnings = append(warnings, bd.warnings...)
	}
	sort.Strings(warnings)
	return &Prepared{s: s, c: c, bodies: bodies, index: index, fp: fp, warnings: warnings}, nil
}

// Finish renders and writes every output of a prepared render. Without a
// Cache it returns no kept paths; with one, the paths of outputs whose
// inputs are as last time, which it did not render again.
func (r *Renderer) Finish(pr *Prepared, w Writer) (warnings, kept []string, err error) {
	s, c, bodies, index, fp, warnings := pr.s, pr.c, pr.bodies, pr.index, pr.fp, pr.warnings
	views := &viewBuilder{r: r, s: s, bodies: bodies, index: index, fp: fp}
	if fp != nil {
		fp.views = views
	}
	// unchanged reports (and records) an output whose inputs are as last time.
	unchanged := c.unchanged
	// A story's HTML is let go once its page is written and its language's
	// search index has read it, so that a large site's memory shrinks as
	// it is rendered instead of holding every story to the end: readers[i]
	// counts what is still to read page i's HTML, and the last lets it go.
	readers := make([]atomic.Int32, len(bodies))
	for i := range readers {
		readers[i].Store(1) // the page
	}
	items := make([][]*site.Page, len(r.cfg.Languages))
	for l, lang := range r.cfg.Languages {
		items[l] = itemsOf(s, lang)
		for _, p := range items[l] {
			readers[index[p]].Add(1)
		}
	}
	done := func(i int) {
		if readers[i].Add(-1) == 0 {
			bodies[i].html = ""
		}
	}
	// The site-wide files go first: each is one long job (the search index
	// of a language is the longest), and the pages fill the workers around them.
	jobs := []func(buf *bytes.Buffer) error{}
	for l, lang := range r.cfg.Languages {
		jobs = append(jobs, func(*bytes.Buffer) error {
			items := items[l]
			out := lang + "/search.json"
			if unchanged(out, fp.search(lang)) {
				for _, p := range items {
					done(index[p])
				}
				return nil
			}
			var data []byte
			var err error
			if c == nil {
				data, err = buildIndex(w, out, len(items), func(k int) search.Doc {
					i := index[items[k]]
					d := views.searchDoc(items[k], i)
					done(i)
					return d
				})
			} else {
				docs, at := views.searchDocs(items)
				for _, i := range at {
					done(i)
				}
				if err = checkDocs(w, out, docs, at, fp); err == nil {
					if data, err = c.searchIndex(lang, docs); err != nil {
						err = fmt.Errorf("%s: %w", out, err)
					}
				}
			}
			if err != nil {
				return err
			}
			// The index is written compact: minifying it again would change
			// nothing (TestSearchIndexIsMinified) and cost a pass over it.
			if mw, ok := w.(minifiedWriter); ok {
				return mw.WriteMinified(out, data)
			}
			return w.Write(out, data)
		})
	}
	jobs = append(jobs, func(*bytes.Buffer) error {
		if unchanged("sitemap.xml", fp.sitemap()) {
			return nil
		}
		sm, minified, err := r.sitemap(s)
		if err != nil {
			return err
		}
		if mw, ok := w.(minifiedWriter); ok && minified {
			return mw.WriteMinified("sitemap.xml", sm)
		}
		return w.Write("sitemap.xml", sm)
	})
	for _, lang := range r.cfg.Languages {
		jobs = append(jobs, func(*bytes.Buffer) error {
			items := feedItems(s, lang)
			if unchanged(lang+"/feed.xml", fp.feed(items)) {
				return nil
			}
			data, err := r.feed(views, lang, items)
			if err != nil {
				return err
			}
			return w.Write(lang+"/feed.xml", data)
		})
	}
	rootFP := fp.root()
	jobs = append(jobs, func(buf *bytes.Buffer) error {
		if unchanged("index.html", rootFP) {
			return nil
		}
		return r.execute(w, buf, "index", "index.html", views.root())
	}, func(buf *bytes.Buffer) error {
		if unchanged("404.html", rootFP) {
			return nil
		}
		notFound := views.root()
		// A 404 is served at any address: it has no canonical one.
		notFound.Permalink, notFound.XDefault = "", ""
		return r.execute(w, buf, "404", "404.html", notFound)
	}, func(*bytes.Buffer) error {
		if unchanged("robots.txt", rootFP) {
			return nil
		}
		robots := "User-agent: *\nAllow: /\nSitemap: " + r.cfg.BaseURL + "sitemap.xml\n"
		return w.Write("robots.txt", []byte(robots))
	})
	// A page the graph handed out again, whose hashes and output stand from
	// the last render, is kept here without a job (most pages, after an edit).
	stand := fp.standingAll(r.workers)
	same := 0
	for i, p := range s.Pages {
		if stand != nil && stand[i] {
			same++
			continue
		}
		jobs = append(jobs, func(buf *bytes.Buffer) error {
			defer done(i)
			out := p.Path + "index.html"
			fp.output(i, out)
			if unchanged(out, fp.page(p)) {
				return nil
			}
			v := views.page(p)
			if v.Content == "" && p.Source != nil {
				// The body came from the Cache, which keeps no HTML.
				res, err := r.convert(p, s)
				if err != nil {
					return err
				}
				v.Content = template.HTML(res.HTML)
			}
			return r.execute(w, buf, string(p.Kind), out, v)
		})
	}
	c.expect(len(jobs) + same)
	for i, standing := range stand {
		if standing {
			c.still(fp.outs[i])
		}
	}
	err = r.parallel(len(jobs), func(i int, buf *bytes.Buffer) error { return jobs[i](buf) })
	if err == nil {
		err = views.err
	}
	if err != nil {
		return warnings, nil, err
	}
	kept = c.kept()
	c.end(fp)
	return warnings, kept, nil
}

// indexOf maps each page to its place in pages.
func indexOf(pages []*site.Page) map[*site.Page]int {
	index := make(map[*site.Page]int, len(pages))
	for i, p := range pages {
		index[p] = i
	}
	return index
}

// convert turns p's Markdown into HTML (minified, when the renderer
// minifies: the Converter finishes with minifyConverted).
func (r *Renderer) convert(p *site.Page, s *site.Site) (markdown.Result, error) {
	res, err := r.md.Convert(p.Source.Body, markdown.Page{Path: p.Path, BaseURL: r.cfg.BaseURL, Aliases: r.cfg.Aliases, Links: s})
	if err != nil {
		var ne *markdown.NestingError
		if errors.As(err, &ne) {
			return res, fileerr.Errorf(p.Source.Path, p.Source.BodyLine+ne.Line-1, "lists or block quotes are nested more than %d levels deep: flatten them", markdown.MaxNesting)
		}
		var me *minifyError
		if errors.As(err, &me) {
			return res, fileerr.Errorf(p.Source.Path, p.Source.BodyLine, "minify: %v", me.err)
		}
		return res, fileerr.Errorf(p.Source.Path, p.Source.BodyLine, "markdown: %v", err)
	}
	return res, nil
}

// minifyConverted minifies a page's converted Markdown, as the Converter
// finishes it (see markdown.WithFinish).
func minifyConverted(html []byte) (string, error) {
	out, err := minifier.HTML(html)
	if err != nil {
		return "", &minifyError{err}
	}
	return out, nil
}

type minifyError struct{ err error }

func (e *minifyError) Error() string { return "minify: " + e.err.Error() }

// minifiedWriter takes files that are minified already (publish.Funnel).
type minifiedWriter interface {
	WriteMinified(rel string, data []byte) error
}

func (r *Renderer) execute(w Writer, buf *bytes.Buffer, kind, out string, v *View) error {
	for _, f := range r.extra {
		f(v)
	}
	buf.Reset()
	if err := r.theme(v.Lang).executePage(buf, kind, v); err != nil {
		err = r.explain(err, func(ts *templates) error { return ts.executePage(io.Discard, kind, v) })
		return fmt.Errorf("layouts/%s.html: rendering %s: %w", kind, out, err)
	}
	data := buf.Bytes() // targets copy what they keep
	if mw, ok := w.(minifiedWriter); ok && r.minify {
		return mw.WriteMinified(out, data)
	}
	return w.Write(out, data)
}

// parallel runs fn for 0..n-1 on a bounded pool, each worker with its own
// buffer; the first error stops the hand-out of new work.
func (r *Renderer) parallel(n int, fn func(i int, buf *bytes.Buffer) error) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		next = make(chan int)
		stop = make(chan struct{})
	)
	for k := 0; k < r.workers; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for i := range next {
				if err := fn(i, &buf); err != nil {
					mu.Lock()
					if len(errs) == 0 {
						close(stop)
					}
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-stop:
			break feed
		}
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// body is a page's converted Markdown.
type body struct {
	html     template.HTML
	summary  string // shortened for lists, feeds and the description
	minutes  int
	search   string // the story's text for the search index (items, with a Cache only; see searchText)
	warnings []string
}

// T looks up a UI string; a missing key is an error naming key and language.
func (r *Renderer) T(lang, key string) (string, error) {
	if s, ok := r.strings[lang][key]; ok {
		return s, nil
	}
	return "", fmt.Errorf("UI string %q is missing for language %s: add it to layouts/i18n/%s.yaml", key, lang, lang)
}

// Keys lists the UI string keys of lang, sorted.
func (r *Renderer) Keys(lang string) []string {
	keys := make([]string, 0, len(r.strings[lang]))
	for k := range r.strings[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
