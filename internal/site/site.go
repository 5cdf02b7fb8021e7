// Package site builds the page graph: which pages exist in which language,
// their translations, sections, cross-references and photos. It sees only what
// the consent decision let through; everything skipped is kept aside as
// fingerprints for the leak scan and as URLs that links must not point to.
package site

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
	"kakehashi/internal/fileerr"
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

	byPath map[string]*Page
	// unpublished maps the URL path of every skipped item ("en/talents/x/") to its file.
	unpublished map[string]string
	items       map[string]map[string]*Page // key → lang → page
	// files records which languages have a file for each key, published or not.
	files map[string]map[string]bool
	fsys  fs.FS
}

// Options control a build of the graph.
type Options struct {
	Consent consent.Options
	// FS is the site folder, used to check that photos exist and stay inside content/.
	FS fs.FS
	// Unconsented includes skipped items as pages marked Unconsented (preview only;
	// the photo of such a page is still shown only with photo consent).
	Unconsented bool
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
func Build(cfg *config.Config, sources []*content.Source, opts Options) (*Site, error) {
	s := &Site{
		Config:      cfg,
		Home:        map[string]*Page{},
		Sections:    map[string][]*Page{},
		byPath:      map[string]*Page{},
		unpublished: map[string]string{},
		items:       map[string]map[string]*Page{},
		files:       map[string]map[string]bool{},
		fsys:        opts.FS,
	}
	var errs []error
	for _, src := range sources {
		if err := s.add(src, opts); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s.addGenerated()
	s.link()
	s.addTaxonomies()
	s.linkTranslations()
	if err := s.attachPhotos(); err != nil {
		return nil, err
	}
	sortByPath(s.Pages)
	sort.Slice(s.Skipped, func(i, j int) bool { return s.Skipped[i].File < s.Skipped[j].File })
	return s, nil
}

func (s *Site) add(src *content.Source, opts Options) error {
	p := &Page{
		Lang:    src.Lang,
		Source:  src,
		Key:     src.Key,
		Section: src.Section,
		Slug:    src.Slug,
		Title:   src.Meta.Title,
		Date:    src.Meta.Date,
	}
	switch {
	case src.IsIndex && src.Dir == "":
		p.Kind, p.Path = KindHome, src.Lang+"/"
	case src.IsIndex:
		p.Kind, p.Path = KindSection, src.Lang+"/"+src.Dir+"/"
		p.Section = src.Dir
	default:
		p.Kind = KindPage
		switch src.Section {
		case SectionTalents:
			p.Kind = KindTalent
		case SectionEmployers:
			p.Kind = KindEmployer
		}
		p.Path = path.Join(src.Lang, src.Section, src.Slug) + "/"
	}
	if s.files[src.Key] == nil {
		s.files[src.Key] = map[string]bool{}
	}
	s.files[src.Key][src.Lang] = true
	if !src.IsIndex {
		// _index files carry the site's own text, not a person's story: they need no consent.
		p.Consent = consent.Decide(src.Front, src.Lang, opts.Consent)
		if !p.Consent.Publish {
			s.Skipped = append(s.Skipped, Skip{Source: src, File: src.Path, Lang: src.Lang, Reason: p.Consent.Reason})
			if !opts.Unconsented {
				s.unpublished[p.Path] = src.Path
				return nil
			}
			p.Unconsented = true
		}
		if p.Title == "" && !p.Unconsented {
			return fileerr.Errorf(src.Path, 1, "title is missing: every story needs a title")
		}
		p.Name = src.Meta.Alias
		if p.Consent.RealName && src.Meta.Name != "" {
			p.Name = src.Meta.Name
		}
	}
	if prev := s.byPath[p.Path]; prev != nil {
		return fileerr.Errorf(src.Path, src.Line("slug"), "%s is also the address of %s: give one of them another slug", p.Path, prev.Source.Path)
	}
	s.byPath[p.Path] = p
	s.Pages = append(s.Pages, p)
	if s.items[p.Key] == nil {
		s.items[p.Key] = map[string]*Page{}
	}
	s.items[p.Key][p.Lang] = p
	return nil
}

// addGenerated adds the home and section pages that have no _index file.
func (s *Site) addGenerated() {
	sections := map[string]bool{}
	for _, p := range s.Pages {
		if p.Kind != KindHome && p.Kind != KindSection && p.Section != "" {
			sections[p.Section] = true
		}
	}
	names := make([]string, 0, len(sections))
	for n := range sections {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, lang := range s.Config.Languages {
		s.generate(&Page{Kind: KindHome, Lang: lang, Key: "_index", Path: lang + "/", Title: s.Config.Title[lang]})
		for _, sec := range names {
			s.generate(&Page{Kind: KindSection, Lang: lang, Key: sec + "/_index", Section: sec, Slug: sec, Path: lang + "/" + sec + "/", Title: sec})
		}
	}
}

func (s *Site) generate(p *Page) {
	if s.byPath[p.Path] != nil {
		return
	}
	s.byPath[p.Path] = p
	s.Pages = append(s.Pages, p)
	if s.items[p.Key] == nil {
		s.items[p.Key] = map[string]*Page{}
	}
	s.items[p.Key][p.Lang] = p
}

// link fills translations, cross-references and section lists.
func (s *Site) link() {
	for _, p := range s.Pages {
		switch p.Kind {
		case KindHome:
			s.Home[p.Lang] = p
		case KindSection:
			s.Sections[p.Lang] = append(s.Sections[p.Lang], p)
		case KindTalent:
			if ref := p.Source.Meta.Employer; ref != "" {
				p.Employer = s.ref(p, SectionEmployers, ref)
			}
		case KindEmployer:
			for _, ref := range p.Source.Meta.Talents {
				if t := s.ref(p, SectionTalents, ref); t != nil {
					p.Talents = append(p.Talents, t)
				}
			}
		}
	}
	for _, p := range s.Pages {
		if !p.IsItem() {
			continue
		}
		for _, lang := range s.Config.Languages {
			if !s.ListedIn(p, lang) {
				continue
			}
			if sec := s.items[p.Section+"/_index"][lang]; sec != nil {
				sec.Pages = append(sec.Pages, p)
			}
			if home := s.Home[lang]; home != nil {
				home.Pages = append(home.Pages, p)
			}
		}
	}
	for _, p := range s.Pages {
		SortNewestFirst(p.Pages)
	}
}

// linkTranslations gives every page its published translations.
func (s *Site) linkTranslations() {
	for _, p := range s.Pages {
		p.Translations = p.Translations[:0]
		for _, lang := range s.Config.Languages {
			if t := s.items[p.Key][lang]; t != nil && t != p {
				p.Translations = append(p.Translations, t)
			}
		}
	}
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
	if p.Lang == lang {
		return true
	}
	if s.files[p.Key][lang] {
		return false
	}
	if p.Consent.Languages != nil && !slices.Contains(p.Consent.Languages, lang) {
		return false
	}
	// Of several foreign versions, list only the first in site language order.
	for _, l := range s.Config.Languages {
		if l == p.Lang {
			return true
		}
		if l != lang && s.items[p.Key][l] != nil {
			return false
		}
	}
	return true
}

// Fallback is where p's language switch leads for lang when p has no
// translation there: the same section in that language, else its home.
func (s *Site) Fallback(p *Page, lang string) *Page {
	if p.Section != "" {
		if sec := s.items[p.Section+"/_index"][lang]; sec != nil {
			return sec
		}
	}
	return s.Home[lang]
}

// SortNewestFirst orders pages by date, newest first, then by path so that the
// order never depends on the order files were read in.
func SortNewestFirst(pages []*Page) {
	slices.SortFunc(pages, func(a, b *Page) int {
		if c := b.Date.Compare(a.Date); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
}

// ref resolves a cross-reference from p to the item slug in section, in p's
// language. A reference to a skipped or unknown item is dropped with a warning.
func (s *Site) ref(p *Page, section, slug string) *Page {
	target := path.Join(p.Lang, section, slug) + "/"
	if t := s.byPath[target]; t != nil {
		return t
	}
	if file, skipped := s.unpublished[target]; skipped {
		s.Warnings = append(s.Warnings, fmt.Sprintf("%s: cross-reference to %s dropped: it is not published", p.Source.Path, file))
	} else {
		s.Warnings = append(s.Warnings, fmt.Sprintf("%s: %s %q: no such item in %s/ (%s)", p.Source.Path, map[string]string{SectionTalents: "talents", SectionEmployers: "employer"}[section], slug, section, p.Lang))
	}
	return nil
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
func (s *Site) Page(urlPath string) *Page { return s.byPath[urlPath] }

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
