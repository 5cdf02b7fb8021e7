// Package site builds the page graph: which pages exist in which language,
// their translations, sections, cross-references and photos. It sees only what
// the consent decision let through; everything skipped is kept aside as
// fingerprints for the leak scan and as URLs that links must not point to.
package site

import (
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
)

// Kind is the sort of a page; each kind has its own template.
type Kind string

const (
	KindHome     Kind = "home"
	KindSection  Kind = "section"
	KindTalent   Kind = "talent"
	KindEmployer Kind = "employer"
	KindPage     Kind = "page"
	// KindTerms is a taxonomy's index of terms, KindTerm one term's list.
	KindTerms Kind = "terms"
	KindTerm  Kind = "term"
)

// Sections with their own page kinds.
const (
	SectionTalents   = "talents"
	SectionEmployers = "employers"
)

// Page is one published page in one language.
type Page struct {
	Kind    Kind
	Lang    string
	Source  *content.Source // nil for a generated page (a home or section without _index)
	Consent consent.Decision
	// Key groups translations ("talents/amina-k", "talents/_index", "_index").
	Key     string
	Section string
	Slug    string
	// Path is the page's URL path under the base URL, e.g. "en/talents/amina-k/".
	Path  string
	Title string
	Date  time.Time
	// Name is what the page calls its person: the real name where consented, else the alias.
	Name string
	// Translations are the published pages of the same key in the other languages, in site language order.
	Translations []*Page
	// Employer (talent pages) and Talents (employer pages) are the published cross-references.
	Employer *Page
	Talents  []*Page
	// Pages are a section's items, newest first; on the home page, the newest of all.
	Pages []*Page
	Photo *Photo
	// Taxonomy and Term are set on term pages (Term is the term as first written).
	Taxonomy string
	Term     string
	// Unconsented marks a page that is shown only because the preview server
	// was asked to show unconsented items (never in a build).
	Unconsented bool
}

// Photo is a consented photo: copied once, from Source to Path.
type Photo struct {
	Source string // slash path from the site root, "content/talents/amina-k.jpg"
	Path   string // output path, "ja/talents/amina-k/amina-k.jpg"
}

// Skip records a file that is not published, and why.
type Skip struct {
	Source *content.Source
	File   string
	Lang   string
	Reason string
}

func (s Skip) String() string { return s.File + ": skipped: " + s.Reason }

// Site is the page graph of one build.
type Site struct {
	Config *config.Config
	// Pages holds every published page, sorted by Path.
	Pages   []*Page
	Skipped []Skip
	// Warnings are problems that do not stop the build (a dropped link).
	Warnings []string
	// Home and Sections per language.
	Home     map[string]*Page
	Sections map[string][]*Page
	// Photos to copy, sorted by Path.
	Photos []*Photo

	// unpublished maps the URL path of every skipped item ("en/talents/x/") to its file.
	unpublished map[string]string
	// Pages of one key are translations of each other. Keys are numbered:
	// for key number k and language l (an index in langs), present[k*len(langs)+l]
	// says whether the key has a page in the language, files[k*len(langs)+l]
	// whether it has a file, published or not; keys[k] is the key.
	langs   []string // the configured languages, then any other language of a source
	present []bool
	files   []bool
	keys    []string
	// sections holds the pages of the keys of sections ("talents/_index"), by language, for Fallback.
	sections map[string][]*Page
	// terms holds the term pages by path, for TermURL.
	terms map[string]*Page
	// byPath indexes Pages by path and keyNumbers numbers keys; both are
	// made on first use.
	byPath     map[string]*Page
	keyNumbers map[string]int32
	lazy       sync.Once
	fsys       fs.FS
}

// Options control a build of the graph.
type Options struct {
	Consent consent.Options
	// FS is the site folder, used to check that photos exist and stay inside content/.
	FS fs.FS
	// Unconsented includes skipped items as pages marked Unconsented (preview only;
	// the photo of such a page is still shown only with photo consent).
	Unconsented bool
	// Memo, when set, carries what was derived from each source to the next
	// build (see Memo). The graph is the same with or without it.
	Memo *Memo
}

// Load reads a site folder's settings and content and builds its page graph:
// what the audit and the verifier need without rendering anything.
func Load(fsys fs.FS, opts Options) (*Site, error) {
	cfg, err := config.Load(fsys)
	if err != nil {
		return nil, err
	}
	sources, err := content.Load(fsys, cfg)
	if err != nil {
		return nil, err
	}
	opts.FS = fsys
	return Build(cfg, sources, opts)
}

// Build decides consent for every source and builds the page graph.
//
// It works in two halves. The first decides which pages exist and how they
// link, with pages as numbers (see graph). The second makes the pages; with a
// Memo, a page equal in every field to one the last build gave out, down to
// the pages it points to, is that page again rather than a copy, so a save
// that changes one story makes few new pages. Nothing handed out by an
// earlier build is ever changed.
func Build(cfg *config.Config, sources []*content.Source, opts Options) (*Site, error) {
	m := opts.Memo
	if m == nil {
		m = &Memo{}
	} else {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.keep = true
	}
	slots := m.prepare(sources, opts.Consent, cfg.Languages)
	g := newGraph(cfg, opts.FS, m, slots)
	if err := g.add(slots, opts.Unconsented); err != nil {
		return nil, err
	}
	g.addGenerated()
	g.link()
	g.list()
	if err := g.attachPhotos(); err != nil {
		return nil, err
	}
	g.translations()
	g.reuse()
	g.makePages()
	return g.finish(), nil
}

// IsItem reports whether p is a story (talent, employer or plain page), not a list.
func (p *Page) IsItem() bool {
	return p.Kind == KindTalent || p.Kind == KindEmployer || p.Kind == KindPage
}

// ListedIn reports whether item p appears in lang's lists: always in its own
// language; in another language only when the item has no file at all in that
// language (an untranslated item, shown with a marker) and its consent does
// not exclude that language. A translation that exists but is skipped keeps
// the item out of that language's lists altogether.
func (s *Site) ListedIn(p *Page, lang string) bool {
	s.index()
	k, ok := s.keyNumbers[p.Key]
	if !ok {
		k = -1
	}
	return s.listedIn(p, k, lang, s.langIndex(lang))
}

// listedIn is ListedIn with p.Key's number k (-1: none) and lang's index l
// (-1: not a language of the site).
func (s *Site) listedIn(p *Page, k int32, lang string, l int) bool {
	if p.Lang == lang {
		return true
	}
	var row []bool
	if k >= 0 {
		nl := len(s.langs)
		row = s.present[int(k)*nl:][:nl]
		if l >= 0 && s.files[int(k)*nl+l] {
			return false
		}
	}
	if p.Consent.Languages != nil && !slices.Contains(p.Consent.Languages, lang) {
		return false
	}
	// Of several foreign versions, list only the first in site language order.
	for _, c := range s.Config.Languages {
		if c == p.Lang {
			return true
		}
		if c != lang && row != nil && row[s.langIndex(c)] {
			return false
		}
	}
	return true
}

// index makes the lookups that only some callers need.
func (s *Site) index() {
	s.lazy.Do(func() {
		s.byPath = make(map[string]*Page, len(s.Pages))
		for _, p := range s.Pages {
			s.byPath[p.Path] = p
		}
		s.keyNumbers = make(map[string]int32, len(s.keys))
		for k, key := range s.keys {
			s.keyNumbers[key] = int32(k)
		}
	})
}

// Fallback is where p's language switch leads for lang when p has no
// translation there: the same section in that language, else its home.
func (s *Site) Fallback(p *Page, lang string) *Page {
	if p.Section != "" {
		if row, ok := s.sections[p.Section+"/_index"]; ok {
			if l := s.langIndex(lang); l >= 0 && row[l] != nil {
				return row[l]
			}
		}
	}
	return s.Home[lang]
}

// SortNewestFirst orders pages by date, newest first, then by path so that the
// order never depends on the order files were read in.
// (Build needs no sort: its lists come out in this order.)
func SortNewestFirst(pages []*Page) {
	type keyed struct {
		sortKey
		p *Page
	}
	keys := make([]keyed, len(pages))
	for i, p := range pages {
		keys[i] = keyed{sortKey{path: p.Path, sec: p.Date.Unix(), nsec: int32(p.Date.Nanosecond())}, p}
	}
	slices.SortFunc(keys, func(a, b keyed) int { return newestFirst(a.sortKey, b.sortKey) })
	for i, k := range keys {
		pages[i] = k.p
	}
}

// UnpublishedPaths lists the page paths of skipped items, sorted: everything
// a link must not point to.
func (s *Site) UnpublishedPaths() []string {
	out := make([]string, 0, len(s.unpublished))
	for p := range s.unpublished {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Page returns the published page at a URL path ("en/talents/x/"), or nil.
func (s *Site) Page(urlPath string) *Page {
	s.index()
	return s.byPath[urlPath]
}

// Unpublished reports whether urlPath (a page path like "en/talents/x/", or a
// file under it) belongs to a skipped item, and which file that is.
func (s *Site) Unpublished(urlPath string) (file string, ok bool) {
	p := strings.TrimPrefix(urlPath, "/")
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	p = strings.TrimSuffix(p, "index.html")
	for p != "" && p != "." {
		if !strings.HasSuffix(p, "/") {
			p += "/"
		}
		if f, ok := s.unpublished[p]; ok {
			return f, true
		}
		p = path.Dir(strings.TrimSuffix(p, "/"))
	}
	return "", false
}

// Translation returns p's published page in lang, or nil.
func (p *Page) Translation(lang string) *Page {
	for _, t := range p.Translations {
		if t.Lang == lang {
			return t
		}
	}
	return nil
}

func sortByPath(pages []*Page) {
	slices.SortFunc(pages, func(a, b *Page) int { return strings.Compare(a.Path, b.Path) })
}
