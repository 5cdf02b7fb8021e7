package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"
	"time"

	"kakehashi/internal/site"
)

// View is what a page template sees. It is built from consented data only:
// the real name appears only where consented, record fields (given_by,
// approved_by) never, and templates have no way to reach the raw front matter.
type View struct {
	r *Renderer
	s *site.Site

	Kind      string
	Lang      string
	SiteTitle string
	// Description is the site's description in this language.
	Description string
	Title       string
	// URL is the page's address from the site root, with the base path ("/en/talents/x/");
	// Permalink the absolute address.
	URL       string
	Permalink string
	Date      time.Time
	// DateISO is for <time datetime>, DateText for readers; both empty without a date.
	DateISO, DateText string
	Content           template.HTML
	Summary           string
	// Name is the real name where consented, otherwise the alias.
	Name     string
	Role     string
	Company  string
	Industry string
	Skills   []string
	// SkillLinks are Skills with their labels in this language and the
	// addresses of their pages (URL empty where a skill has none);
	// IndustryLink is Industry so (nil without one).
	SkillLinks   []Link
	IndustryLink *Link
	Photo        *Photo
	Minutes      int
	Employer     *Card
	Talents      []Card
	Pages        []Card
	// Alternates are the page in every published language, this one included.
	Alternates []Alt
	// XDefault is the hreflang="x-default" address: the default language's
	// version of the page, or the language entry page when there is none.
	XDefault string
	// Taxonomy is set on term pages and taxonomy indexes ("skills").
	Taxonomy string
	// Switch links to the other languages: the translation where it exists, else that language's home.
	Switch []Alt
	// Nav lists this language's sections.
	Nav     []Link
	HomeURL string
	Base    string // the base path, "/" or "/site/"
	// Languages are the site's home pages, default language first (root pages).
	Languages []Alt
	// Draft and Unconsented can be true only in the preview server (--drafts, --unconsented).
	Draft       bool
	Unconsented bool
	// Inject is raw HTML the preview server adds before </body> (never set by build).
	Inject template.HTML
}

// Card is a page as listed on another page.
type Card struct {
	Kind     string
	Title    string
	URL      string
	Date     time.Time
	Name     string
	Role     string
	Company  string
	Industry string
	Summary  string
	Photo    *Photo
	// DateISO is for <time datetime>, DateText for readers; both empty without a date.
	DateISO  string
	DateText string
	// Lang is the card's page language; Marker names it ("English", "日本語")
	// when it differs from the list's language (an untranslated item).
	Lang   string
	Marker string
	// Count is the number of items of a term (on a taxonomy index).
	Count int
	// HTML is the card rendered by the theme's "card" template (partials/card.html).
	HTML template.HTML
}

// Photo is a published photo.
type Photo struct {
	URL string
	Alt string
}

// Alt is a page in one language.
type Alt struct {
	Lang string
	// Name is the language's own name ("日本語", "English").
	Name string
	URL  string
	// Permalink is absolute (for hreflang).
	Permalink string
	Current   bool
}

// Link is a titled address.
type Link struct {
	Title string
	URL   string
	// Here is set on the link to the page itself, Ancestor on links to the
	// sections the page is in (in Nav: for aria-current and breadcrumbs).
	Here, Ancestor bool
}

// T returns the UI string key in the page's language.
func (v *View) T(key string) (string, error) { return v.r.T(v.Lang, key) }

// TIn returns the UI string key in lang (for pages that speak every language, like 404).
func (v *View) TIn(lang, key string) (string, error) { return v.r.T(lang, key) }

// FormatDate writes a date the way the page's language does.
func (v *View) FormatDate(t time.Time) string { return FormatDate(v.Lang, t) }

// ISODate is the machine-readable form for <time datetime>.
func (v *View) ISODate(t time.Time) string { return t.Format("2006-01-02") }

// TermLabel translates a taxonomy term through site.yaml's terms table.
func (v *View) TermLabel(term string) string { return v.r.termLabel(v.Lang, term) }

// TermURL is the address of a term's page in this language ("" if it has none).
func (v *View) TermURL(taxonomy, term string) string {
	if p := v.s.TermURL(taxonomy, v.Lang, term); p != "" {
		return v.Base + p
	}
	return ""
}

func (r *Renderer) termLabel(lang, term string) string {
	if l := r.cfg.Terms[term][lang]; l != "" {
		return l
	}
	if l := r.cfg.Terms[site.TermSlug(term)][lang]; l != "" {
		return l
	}
	return term
}

// Asset is the address of a theme file under static/.
func (v *View) Asset(p string) string { return v.Base + strings.TrimPrefix(p, "/") }

// viewBuilder turns graph pages into views.
type viewBuilder struct {
	r      *Renderer
	s      *site.Site
	bodies []body
	index  map[*site.Page]int
	fp     *fingerprinter // nil without a Cache
	// cards caches each page's card per list language: an item is listed on
	// many pages (its section, the home page, every term it has), and the
	// card template dominated the build before it ran once per card.
	cards sync.Map // cardKey → Card

	errMu sync.Mutex
	err   error // the first card error; Render fails with it
}

func (b *viewBuilder) fail(err error) {
	b.errMu.Lock()
	if b.err == nil {
		b.err = err
	}
	b.errMu.Unlock()
}

type cardKey struct {
	page *site.Page
	lang string
}

func (b *viewBuilder) url(p *site.Page) string { return b.r.cfg.BasePath() + p.Path }

func (b *viewBuilder) permalink(p *site.Page) string { return b.r.cfg.BaseURL + p.Path }

// card shows p in a list of language lang.
func (b *viewBuilder) card(p *site.Page, lang string) Card {
	key := cardKey{p, lang}
	if c, ok := b.cards.Load(key); ok {
		return c.(Card)
	}
	c := b.newCard(p, lang)
	var f uint64
	if b.fp != nil {
		f = b.fp.card(p, lang)
	}
	if h, ok := b.fp.cache().cardHTML(f); ok {
		c.HTML = h
	} else {
		buf := cardBufs.Get().(*bytes.Buffer)
		buf.Reset()
		if err := b.r.theme(lang).executeCard(buf, c); err != nil {
			err = b.r.explain(err, func(ts *templates) error { return ts.executeCard(io.Discard, c) })
			b.fail(fmt.Errorf("layouts/partials/card.html: %w", err))
		} else {
			c.HTML = template.HTML(buf.String())
			b.fp.cache().storeCardHTML(f, c.HTML)
		}
		cardBufs.Put(buf)
	}
	b.cards.Store(key, c)
	return c
}

// cardBufs are the buffers cards are rendered into before their HTML is
// copied out: thousands of cards, a few buffers.
var cardBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (b *viewBuilder) newCard(p *site.Page, lang string) Card {
	c := Card{Kind: string(p.Kind), Title: p.Title, URL: b.url(p), Date: p.Date, Name: p.Name, Lang: p.Lang}
	if p.Lang != lang {
		c.Marker = b.langName(p.Lang)
	}
	if p.Kind == site.KindTerm {
		c.Title = b.r.termLabel(lang, p.Term)
		c.Count = len(p.Pages)
	}
	if src := p.Source; src != nil && !src.IsIndex {
		c.Role, c.Company, c.Industry = src.Meta.Role, src.Meta.Company, src.Meta.Industry
	}
	c.Summary = b.bodies[b.index[p]].summary
	c.Photo = b.photo(p)
	c.DateISO, c.DateText = dates(p.Lang, p.Date)
	return c
}

func (b *viewBuilder) photo(p *site.Page) *Photo {
	if p.Photo == nil {
		return nil
	}
	return &Photo{URL: b.r.cfg.BasePath() + p.Photo.Path, Alt: p.Name}
}

func (b *viewBuilder) page(p *site.Page) *View {
	cfg := b.r.cfg
	bd := b.bodies[b.index[p]]
	v := b.common(p.Lang)
	v.Kind = string(p.Kind)
	v.Title = p.Title
	v.URL = b.url(p)
	v.Permalink = b.permalink(p)
	v.markNav()
	v.Date = p.Date
	v.DateISO, v.DateText = dates(p.Lang, p.Date)
	v.Content = bd.html
	v.Summary = bd.summary
	v.Name = p.Name
	v.Photo = b.photo(p)
	if src := p.Source; src != nil && !src.IsIndex {
		v.Role, v.Company, v.Industry = src.Meta.Role, src.Meta.Company, src.Meta.Industry
		v.Skills = src.Meta.Skills
		for _, skill := range v.Skills {
			v.SkillLinks = append(v.SkillLinks, Link{Title: v.TermLabel(skill), URL: v.TermURL("skills", skill)})
		}
		if v.Industry != "" {
			v.IndustryLink = &Link{Title: v.TermLabel(v.Industry), URL: v.TermURL("industry", v.Industry)}
		}
		v.Minutes = bd.minutes
		v.Draft = p.Consent.Draft
		v.Unconsented = p.Unconsented
	}
	if p.Kind == site.KindHome && v.Title == "" {
		v.Title = cfg.Title[p.Lang]
	}
	if p.Kind == site.KindSection && (p.Source == nil || p.Title == "") {
		if t, err := b.r.T(p.Lang, "section."+p.Section); err == nil {
			v.Title = t
		}
	}
	switch p.Kind {
	case site.KindTerm:
		v.Title = b.r.termLabel(p.Lang, p.Term)
		v.Taxonomy = p.Taxonomy
	case site.KindTerms:
		v.Taxonomy = p.Taxonomy
		if t, err := b.r.T(p.Lang, "taxonomy."+p.Taxonomy); err == nil {
			v.Title = t
		}
	}
	if p.Employer != nil {
		c := b.card(p.Employer, p.Lang)
		v.Employer = &c
	}
	if len(p.Talents) > 0 {
		v.Talents = make([]Card, 0, len(p.Talents))
	}
	for _, t := range p.Talents {
		v.Talents = append(v.Talents, b.card(t, p.Lang))
	}
	if list := listed(p); len(list) > 0 {
		// A list page holds thousands of cards: one slice of them.
		v.Pages = make([]Card, 0, len(list))
		for _, c := range list {
			v.Pages = append(v.Pages, b.card(c, p.Lang))
		}
	}
	for _, lang := range cfg.Languages {
		t := p
		if lang != p.Lang {
			t = p.Translation(lang)
		}
		if t != nil {
			v.Alternates = append(v.Alternates, Alt{Lang: lang, Name: b.langName(lang), URL: b.url(t), Permalink: b.permalink(t), Current: t == p})
			if lang == cfg.DefaultLanguage() {
				v.XDefault = b.permalink(t)
			}
		}
		if lang == p.Lang {
			continue
		}
		target := t
		if target == nil {
			target = b.s.Fallback(p, lang)
		}
		if target != nil {
			v.Switch = append(v.Switch, Alt{Lang: lang, Name: b.langName(lang), URL: b.url(target), Permalink: b.permalink(target)})
		}
	}
	return v
}

// common fills what every page in lang shares.
func (b *viewBuilder) common(lang string) *View {
	cfg := b.r.cfg
	v := &View{r: b.r, s: b.s, XDefault: cfg.BaseURL, Lang: lang, SiteTitle: cfg.Title[lang], Description: cfg.Description[lang], Base: cfg.BasePath()}
	if home := b.s.Home[lang]; home != nil {
		v.HomeURL = b.url(home)
	}
	for _, sec := range b.s.Sections[lang] {
		title := sec.Title
		if t, err := b.r.T(lang, "section."+sec.Section); err == nil && (sec.Source == nil || title == "") {
			title = t
		}
		v.Nav = append(v.Nav, Link{Title: title, URL: b.url(sec)})
	}
	return v
}

// dates are t for <time datetime> and for readers of lang; both empty for no date.
func dates(lang string, t time.Time) (iso, text string) {
	if t.IsZero() {
		return "", ""
	}
	return t.Format("2006-01-02"), FormatDate(lang, t)
}

// markNav marks the links of Nav that lead to the page or to a section it is in.
func (v *View) markNav() {
	for i := range v.Nav {
		l := &v.Nav[i]
		l.Here = l.URL == v.URL
		l.Ancestor = len(l.URL) < len(v.URL) && strings.HasPrefix(v.URL, l.URL)
	}
}

// root is the view of the pages outside any language: the language entry and 404.
func (b *viewBuilder) root() *View {
	cfg := b.r.cfg
	v := b.common(cfg.DefaultLanguage())
	v.Kind = "root"
	v.Title = cfg.Title[cfg.DefaultLanguage()]
	v.URL = cfg.BasePath()
	v.Permalink = cfg.BaseURL
	for _, lang := range cfg.Languages {
		if home := b.s.Home[lang]; home != nil {
			v.Languages = append(v.Languages, Alt{Lang: lang, Name: b.langName(lang), URL: b.url(home), Permalink: b.permalink(home)})
		}
	}
	return v
}

func (b *viewBuilder) langName(lang string) string {
	if n, err := b.r.T(lang, "language.name"); err == nil {
		return n
	}
	return lang
}

// homeCards is how many of the newest stories the home page features.
const homeCards = 12

// listed are the pages p shows as cards.
func listed(p *site.Page) []*site.Page {
	if p.Kind == site.KindHome && len(p.Pages) > homeCards {
		return p.Pages[:homeCards]
	}
	return p.Pages
}
