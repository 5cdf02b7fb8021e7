// Package publish is the one write funnel: every output file passes through
// Funnel.Write, so minification, image metadata stripping and the leak scan
// cannot be bypassed, and every file lands in a Target that only becomes the
// published site when the whole build succeeded.
package publish

import (
	"fmt"
	"path"
	"strings"
	"sync"

	"kakehashi/internal/imagemeta"
	"kakehashi/internal/leakscan"
	"kakehashi/internal/minifier"
)

// MaxImageSize bounds one published image. A photo on a web page needs well
// under 1 MB; a larger file is a camera original, and stripping it costs its
// size twice over in memory.
const MaxImageSize = 20 << 20

// Target receives finished files. Put must be safe for concurrent use, and
// must not keep data after it returns (the caller reuses its buffers): a
// target that holds files in memory copies them.
type Target interface {
	Put(rel string, data []byte) error
}

// Funnel prepares files and hands them to a Target; safe for concurrent use.
type Funnel struct {
	target Target
	minify bool
	scan   *leakscan.Scanner
	html   *leakscan.Scanner
	only   map[leakscan.Needle]bool // nil: every needle counts

	mu      sync.Mutex
	written map[string]bool
}

// Option configures a Funnel.
type Option func(*Funnel)

// WithoutMinify writes text files as rendered (for debugging templates).
func WithoutMinify() Option { return func(f *Funnel) { f.minify = false } }

// WithLeakScan makes every text file be scanned for the needles before it is
// written; a finding fails the write.
func WithLeakScan(needles []leakscan.Needle) Option {
	return WithScanners(NewScanners(needles))
}

// Scanners are the leak scanners of one set of needles: one for plain text,
// one for markup. Building them is the costly part, so successive builds with
// the same needles (the preview server) share them.
type Scanners struct {
	Plain, HTML *leakscan.Scanner
	// only, when set, are the needles that count: the scanners were made
	// from a set compiled with more (see NewScannersFrom).
	only map[leakscan.Needle]bool
}

// NewScanners builds the scanners of needles.
func NewScanners(needles []leakscan.Needle) *Scanners {
	// Escapes are decoded too: a name can hide as \u5c71\u7530 in JSON or
	// JSON-LD, or as %E5%B1%B1 in an address.
	set := leakscan.Compile(needles)
	return &Scanners{
		Plain: set.Scanner(leakscan.WithEscapes()),
		HTML:  set.Scanner(leakscan.WithHTML(), leakscan.WithEscapes()),
	}
}

// NewScannersFrom makes the scanners of needles from set, which was compiled
// for another scan from needles and more (the guard's): matches of the
// others are ignored. It saves compiling the needles a second time.
func NewScannersFrom(set *leakscan.Set, needles []leakscan.Needle, opts ...ScanOption) *Scanners {
	var cfg scanConfig
	for _, o := range opts {
		o(&cfg)
	}
	only := make(map[leakscan.Needle]bool, len(needles))
	for _, n := range needles {
		only[n] = true
	}
	plain := []leakscan.Option{leakscan.WithEscapes()}
	html := []leakscan.Option{leakscan.WithHTML(), leakscan.WithEscapes()}
	if cfg.memo != nil {
		html = append(html, leakscan.WithMemo(cfg.memo))
		if cfg.memoPlain {
			plain = append(plain, leakscan.WithMemo(cfg.memo))
		}
	}
	return &Scanners{Plain: set.Scanner(plain...), HTML: set.Scanner(html...), only: only}
}

// A ScanOption configures NewScannersFrom.
type ScanOption func(*scanConfig)

type scanConfig struct {
	memo      *leakscan.Memo
	memoPlain bool
}

// MemoHTML has the markup scanner skip chunks m remembers as clean: the
// header and footer every page repeats, the cards of every list. It pays
// within one build.
func MemoHTML(m *leakscan.Memo) ScanOption {
	return func(c *scanConfig) { c.memo, c.memoPlain = m, false }
}

// MemoAll is MemoHTML for every scanner: the search index and feeds gain
// too, but only when scanned again (the preview's rebuilds); within one
// build, cutting them into chunks costs more than it skips.
func MemoAll(m *leakscan.Memo) ScanOption {
	return func(c *scanConfig) { c.memo, c.memoPlain = m, true }
}

// WithScanners is WithLeakScan with scanners built before.
func WithScanners(s *Scanners) Option {
	return func(f *Funnel) { f.scan, f.html, f.only = s.Plain, s.HTML, s.only }
}

// New returns a Funnel writing to target.
func New(target Target, opts ...Option) *Funnel {
	f := &Funnel{target: target, minify: true, written: map[string]bool{}}
	for _, o := range opts {
		o(f)
	}
	return f
}

// textTypes are scanned for leaks; with the media types above they cover
// everything a browser or a crawler reads as text.
var textTypes = map[string]bool{".txt": true, ".md": true, ".csv": true, ".webmanifest": true, ".map": true}

// Write prepares one file and hands it to the target. rel is the slash path
// under the output root.
func (f *Funnel) Write(rel string, data []byte) error {
	return f.write(rel, data, f.minify)
}

// WriteMinified is Write for a file that is minified already (a page rendered
// from minified templates and Markdown): everything but the minification.
func (f *Funnel) WriteMinified(rel string, data []byte) error {
	return f.write(rel, data, false)
}

func (f *Funnel) write(rel string, data []byte, minify bool) error {
	if err := CheckPath(rel); err != nil {
		return err
	}
	f.mu.Lock()
	dup := f.written[rel]
	f.written[rel] = true
	f.mu.Unlock()
	if dup {
		return fmt.Errorf("%s: written twice in one build: two sources claim the same output file", rel)
	}
	ext := strings.ToLower(path.Ext(rel))
	mediaType, isText := minifier.MediaType(rel)
	if isText && minify {
		out, err := minifier.File(mediaType, data)
		if err != nil {
			return fmt.Errorf("%s: minify: %w", rel, err)
		}
		data = out
	}
	if format, ok := imagemeta.FormatOf(rel); ok {
		if len(data) > MaxImageSize {
			return fmt.Errorf("%s: image is %.1f MB; images are limited to %d MB: resize it before publishing", rel, float64(len(data))/(1<<20), MaxImageSize>>20)
		}
		out, err := imagemeta.Strip(format, data)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		data = out
	} else if isText || textTypes[ext] {
		if err := f.checkLeak(rel, ext, data); err != nil {
			return err
		}
	}
	return f.target.Put(rel, data)
}

// CheckText runs the leak scan over text that rel publishes in a derived
// form (the words of a search index), so that it cannot slip past the scan.
func (f *Funnel) CheckText(rel string, text []byte) error {
	return f.checkLeak(rel, ".txt", text)
}

// counts reports whether a match of n is a leak (see Scanners.only).
func (f *Funnel) counts(n leakscan.Needle) bool { return f.only[n] }

func (f *Funnel) checkLeak(rel, ext string, data []byte) error {
	if f.scan == nil {
		return nil
	}
	s := f.scan
	if ext == ".html" || ext == ".htm" || ext == ".xml" || ext == ".svg" {
		s = f.html
	}
	if f.only == nil {
		if m, found := s.First(data); found {
			return &LeakError{File: rel, Line: m.Line, Needle: m.Needle}
		}
		return nil
	}
	if m, found := s.FirstOf(data, f.counts); found {
		return &LeakError{File: rel, Line: m.Line, Needle: m.Needle}
	}
	return nil
}

// LeakError is a finding of the leak scan.
type LeakError struct {
	File   string
	Line   int
	Needle leakscan.Needle
}

func (e *LeakError) Error() string {
	return fmt.Sprintf("%s:%d: leak: the %s %q of %s, which is not consented for publication, is in the output; nothing was published", e.File, e.Line, e.Needle.Kind, e.Needle.Text, e.Needle.Owner)
}

// Written lists the paths written so far, sorted.
func (f *Funnel) Written() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return sortedKeys(f.written)
}

// CheckPath refuses output paths that could land outside the output folder.
func CheckPath(rel string) error {
	switch {
	case rel == "" || strings.ContainsRune(rel, 0) || strings.Contains(rel, "\\"):
		return fmt.Errorf("output path %q: empty, or holds a NUL byte or a backslash", rel)
	case strings.HasPrefix(rel, "/") || path.Clean(rel) != rel || rel == "." || rel == ".." || strings.HasPrefix(rel, "../"):
		return fmt.Errorf("output path %q is not a clean path inside the output folder", rel)
	}
	return nil
}
