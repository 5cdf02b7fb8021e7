package build

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"kakehashi/internal/imagemeta"
	"path"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
	"kakehashi/internal/guard"
	"kakehashi/internal/leakscan"
	"kakehashi/internal/publish"
	"kakehashi/internal/render"
	"kakehashi/internal/site"
	"kakehashi/internal/theme"
)

// builder runs the pipeline. Used once, it is a full build; kept between
// builds (Incremental), it remembers what it loaded, scanned and rendered,
// and redoes only what the changed files affect.
type builder struct {
	fsys fs.FS
	opts Options

	// Reset on a change of settings or theme.
	cfg      *config.Config
	theme    *theme.Overlay
	renderer *render.Renderer
	sources  map[string]*content.Source
	// order is sources sorted by path, and at each path's place; nil after
	// a file came or went (a changed file keeps its place).
	order      []*content.Source
	at         map[string]int
	generation uint64

	checker  guard.Checker
	scanKey  string
	scanners *publish.Scanners
	// memo remembers the chunks of output the leak scan found clean: the
	// header and footer of every page, the cards of every list, and in a
	// preview everything an edit left as it was.
	memo *leakscan.Memo
	// graph carries what the page graph derived from each source to the
	// next build (an Incremental's; nil for one build).
	graph *site.Memo
	cache *render.Cache // nil for one-off builds
	// epoch is the render cache's Epoch for the needles epochFor in
	// generation epochGen.
	epoch    uint64
	epochFor string
	epochGen uint64
}

func newBuilder(fsys fs.FS, opts Options) *builder {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	return &builder{fsys: fsys, opts: opts}
}

// changes sorts changed site paths by what they invalidate.
type changes struct {
	all     bool     // settings or theme: start over
	content []string // Markdown files to read again (or drop, if gone)
	walk    bool     // folders or other content files changed: look for new and gone files
	assets  bool     // static files or photos changed
}

func classify(changed []string) changes {
	if changed == nil {
		return changes{all: true}
	}
	var c changes
	for _, p := range changed {
		p = path.Clean(strings.TrimPrefix(p, "./"))
		switch {
		case p == config.FileName || p == "layouts" || strings.HasPrefix(p, "layouts/"):
			c.all = true
		case strings.HasPrefix(p, content.Dir+"/") && strings.HasSuffix(p, ".md"):
			c.content = append(c.content, p)
		case p == content.Dir || strings.HasPrefix(p, content.Dir+"/"):
			c.walk, c.assets = true, true
		case p == "static" || strings.HasPrefix(p, "static/"):
			c.assets = true
		}
	}
	return c
}

// build builds into target. prev holds the files of the last successful build
// of this builder (nil for a full build); changed lists the site paths changed
// since then (nil: everything).
func (b *builder) build(target publish.Target, prev *publish.Files, changed []string) (res *Result, err error) {
	res = &Result{Pages: map[string]int{}}
	start := time.Now()
	stage := func(name string) {
		now := time.Now()
		res.Stages = append(res.Stages, Stage{name, now.Sub(start)})
		start = now
	}
	defer func() {
		if err != nil {
			// What the cache believes was written was not kept: start afresh next time.
			b.cache.Forget()
		}
	}()
	ch := classify(changed)
	if ch.all || b.cfg == nil || prev == nil {
		if err := b.reset(); err != nil {
			return nil, err
		}
		ch = changes{all: true}
	} else if err := b.reload(ch); err != nil {
		return nil, err
	}
	sources := b.sorted()
	stage("load")

	s, err := site.Build(b.cfg, sources, site.Options{Consent: consent.Options{Now: b.opts.Now, Drafts: b.opts.Drafts}, FS: b.fsys, Unconsented: b.opts.Unconsented, Memo: b.graph})
	if err != nil {
		return nil, err
	}
	res.Site = s
	res.Warnings = append(res.Warnings, s.Warnings...)
	stage("graph")

	// The guard collects the needles while the pages' Markdown is converted,
	// which does not need them; nothing is written before both are done.
	type checked struct {
		fp  *guard.Fingerprints
		err error
	}
	guarded := make(chan checked, 1)
	var guardDone atomic.Bool // the guard reads every source's text
	if !b.opts.Unconsented {
		checker := &b.checker
		if b.cache == nil {
			// A one-off build checks once: what the Checker keeps for the
			// next check (every source's findings and sentences) goes
			// with it, leaving the collector less to trace.
			checker = new(guard.Checker)
		}
		go func() {
			fp, err := checker.Check(s)
			guardDone.Store(true)
			guarded <- checked{fp, err}
		}()
	} else {
		guardDone.Store(true)
	}
	var popts []render.PrepareOption
	if b.cache == nil {
		// A one-off build needs a source's text no more once the guard
		// and its page's Markdown are done with it (see below).
		popts = append(popts, render.ReleaseSources(guardDone.Load))
	}
	prepared, prepErr := b.renderer.Prepare(s, b.cache, popts...)
	var fopts []publish.Option
	needles := ""
	if !b.opts.Unconsented {
		g := <-guarded
		if g.err != nil {
			return nil, g.err // the consent check's finding first, as when it ran alone
		}
		fp := g.fp
		needles = fp.Key()
		res.Fingerprints = fp
		if b.scanners == nil || needles != b.scanKey {
			if b.memo == nil {
				b.memo = leakscan.NewMemo()
			}
			memo := publish.MemoHTML(b.memo)
			if b.cache != nil {
				memo = publish.MemoAll(b.memo) // rebuilds scan the same files again
			}
			b.scanKey, b.scanners = needles, publish.NewScannersFrom(fp.Compiled, fp.Needles, memo)
		}
		fopts = append(fopts, publish.WithScanners(b.scanners))
	}
	if prepErr != nil {
		return nil, prepErr
	}
	if b.cache == nil {
		// The consent decisions, the guard and the Markdown are done: a
		// one-off build needs the sources' text no more, and letting it
		// go gives a large site's collector room for the render (40,000
		// pages: 150 MB of text and 60 MB of front matter).
		for _, src := range sources {
			src.ReleaseText()
		}
	}
	stage("guard") // and Markdown
	if b.opts.NoMinify {
		fopts = append(fopts, publish.WithoutMinify())
	}
	if b.cache != nil {
		// Outputs scanned for other needles must be rendered and scanned again.
		if b.epochFor != needles || b.epochGen != b.generation {
			// The needles' key is long (every needle): hashed once per set.
			h := fnv.New64a()
			var gen [8]byte
			binary.LittleEndian.PutUint64(gen[:], b.generation)
			h.Write(gen[:])
			io.WriteString(h, needles)
			b.epochFor, b.epochGen, b.epoch = needles, b.generation, h.Sum64()
		}
		b.cache.Epoch = b.epoch
	}
	funnel := publish.New(target, fopts...)
	warnings, kept, err := b.renderer.Finish(prepared, funnel)
	res.Warnings = append(res.Warnings, warnings...)
	if err != nil {
		return nil, err
	}
	res.Reused = len(kept)
	if len(kept) > 0 {
		keeper, ok := target.(publish.Keeper)
		if !ok || prev == nil {
			return nil, errors.New("internal error: outputs kept from a build that is not there")
		}
		if err := publish.KeepAll(keeper, kept, prev); err != nil {
			return nil, err
		}
	}
	stage("render")

	if err := b.copyAssets(s, funnel, target, prev, ch); err != nil {
		return nil, err
	}
	stage("static")
	written := append(funnel.Written(), kept...)
	if b.cache == nil {
		// A preview does not list its outputs; sorting thousands of paths
		// would be a fifth of a rebuild.
		sort.Strings(written)
	}
	res.Written = written
	for _, p := range written {
		res.Files++
		if strings.HasSuffix(p, ".html") {
			lang, _, found := strings.Cut(p, "/")
			if !found || !b.cfg.HasLanguage(lang) {
				lang = ""
			}
			res.Pages[lang]++
		}
	}
	sort.Strings(res.Warnings)
	return res, nil
}

// reset reads settings, theme and every content file.
func (b *builder) reset() error {
	cfg, err := config.Load(b.fsys)
	if err != nil {
		return err
	}
	if b.opts.BaseURL != "" {
		if err := cfg.OverrideBaseURL(b.opts.BaseURL); err != nil {
			return fmt.Errorf("--base-url: %w", err)
		}
	}
	// The content is read while the theme is parsed: neither needs the other.
	type loaded struct {
		list []*content.Source
		err  error
	}
	loading := make(chan loaded, 1)
	go func() {
		list, err := content.Load(b.fsys, cfg)
		loading <- loaded{list, err}
	}()
	th := theme.New(b.fsys)
	ropts := b.opts.RenderOptions
	if !b.opts.NoMinify {
		ropts = append(slices.Clip(ropts), render.WithMinify())
	}
	r, err := render.New(cfg, th.Sub("layouts"), ropts...)
	l := <-loading
	if err != nil {
		return err
	}
	if l.err != nil {
		return l.err
	}
	list := l.list
	if b.opts.ContentLoaded != nil {
		var size int64
		for _, src := range list {
			size += int64(len(src.Raw))
		}
		b.opts.ContentLoaded(size)
	}
	b.cfg, b.theme, b.renderer = cfg, th, r
	b.sources = make(map[string]*content.Source, len(list))
	for _, src := range list {
		b.sources[src.Path] = src
	}
	b.order = nil
	b.generation++
	b.cache.Forget()
	if b.cache != nil {
		b.graph = site.NewMemo() // new settings: nothing derived before holds
	}
	return nil
}

// sorted returns the sources sorted by path, sorting only after files came or went.
func (b *builder) sorted() []*content.Source {
	if b.order == nil {
		b.order = make([]*content.Source, 0, len(b.sources))
		for _, src := range b.sources {
			b.order = append(b.order, src)
		}
		sort.Slice(b.order, func(i, j int) bool { return b.order[i].Path < b.order[j].Path })
		b.at = make(map[string]int, len(b.order))
		for i, src := range b.order {
			b.at[src.Path] = i
		}
	}
	return slices.Clone(b.order) // callers may keep it; the order changes in place
}

// reload reads the changed content files again; unchanged ones keep their
// *content.Source, which is how later stages know they are unchanged.
func (b *builder) reload(ch changes) error {
	paths := ch.content
	if ch.walk {
		all, err := content.Walk(b.fsys)
		if err != nil {
			return err
		}
		present := map[string]bool{}
		for _, p := range all {
			present[p] = true
			if b.sources[p] == nil {
				b.order = nil
				paths = append(paths, p)
			}
		}
		for p := range b.sources {
			if !present[p] {
				delete(b.sources, p)
				b.order = nil
			}
		}
	}
	var errs []error
	for _, p := range paths {
		src, err := content.ReadFile(b.fsys, p, b.cfg)
		if errors.Is(err, fs.ErrNotExist) {
			if _, had := b.sources[p]; had {
				delete(b.sources, p)
				b.order = nil
			}
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if i, ok := b.at[p]; ok && b.order != nil {
			b.order[i] = src
		} else {
			b.order = nil
		}
		b.sources[p] = src
	}
	return errors.Join(errs...)
}

// copyAssets sends static files and consented photos through the funnel, or,
// when none of them changed, reuses the previous build's bytes.
func (b *builder) copyAssets(s *site.Site, funnel *publish.Funnel, target publish.Target, prev *publish.Files, ch changes) error {
	keeper, canKeep := target.(publish.Keeper)
	reuse := !ch.all && !ch.assets && prev != nil && canKeep
	if reuse {
		static := b.theme.Sub("static")
		err := walkStatic(static, func(p string) error { return keeper.Keep(p, prev) })
		if err != nil {
			return err
		}
	} else if err := copyStatic(b.theme, funnel); err != nil {
		return err
	}
	for _, ph := range s.Photos {
		if reuse && prev.Has(ph.Path) {
			if err := keeper.Keep(ph.Path, prev); err != nil {
				return err
			}
			continue
		}
		if err := checkImageSize(b.fsys, ph.Source); err != nil {
			return err
		}
		data, err := fs.ReadFile(b.fsys, ph.Source)
		if err != nil {
			return err
		}
		if err := funnel.Write(ph.Path, data); err != nil {
			return fmt.Errorf("%s: %w", ph.Source, err)
		}
	}
	return nil
}

// checkImageSize refuses an oversized image before it is read: a camera
// original would cost its size in memory only to be refused by the funnel.
func checkImageSize(fsys fs.FS, name string) error {
	if _, isImage := imagemeta.FormatOf(name); !isImage {
		return nil
	}
	if info, err := fs.Stat(fsys, name); err == nil && info.Size() > publish.MaxImageSize {
		return fmt.Errorf("%s: image is %.1f MB; images are limited to %d MB: resize it before publishing", name, float64(info.Size())/(1<<20), publish.MaxImageSize>>20)
	}
	return nil
}
