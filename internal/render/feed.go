package render

import (
	"bytes"
	"encoding/xml"
	"time"

	"kakehashi/internal/site"
)

// feedSize is how many of the newest items a language's feed carries.
const feedSize = 20

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr,omitempty"`
	Href     string `xml:"href,attr"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Lang    string     `xml:"xml:lang,attr,omitempty"`
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary string     `xml:"summary,omitempty"`
}

// feed writes the Atom feed of lang. Its updated time is the newest entry's
// date, never the time of the build, so that identical input gives identical output.
func (r *Renderer) feed(b *viewBuilder, lang string, items []*site.Page) ([]byte, error) {
	f := atomFeed{
		Lang:    lang,
		Title:   r.cfg.Title[lang],
		ID:      r.cfg.BaseURL + lang + "/",
		Updated: atomTime(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)),
		Links: []atomLink{
			{Rel: "self", Href: r.cfg.BaseURL + lang + "/feed.xml"},
			{Rel: "alternate", Href: r.cfg.BaseURL + lang + "/", HrefLang: lang},
		},
		Author: atomAuthor{Name: r.cfg.Title[lang]},
	}
	if len(items) > 0 && !items[0].Date.IsZero() {
		f.Updated = atomTime(items[0].Date)
	}
	for _, p := range items {
		e := atomEntry{
			Title:   p.Title,
			ID:      b.permalink(p),
			Updated: f.Updated,
			Links:   []atomLink{{Rel: "alternate", Href: b.permalink(p), HrefLang: lang}},
			Summary: b.bodies[b.index[p]].summary,
		}
		if !p.Date.IsZero() {
			e.Updated = atomTime(p.Date)
		}
		for _, t := range p.Translations {
			e.Links = append(e.Links, atomLink{Rel: "alternate", Href: b.permalink(t), HrefLang: t.Lang})
		}
		f.Entries = append(f.Entries, e)
	}
	return marshalXML(f)
}

// itemsOf are the stories published in lang, newest first: those of lang
// in the list of lang's home page (which is sorted so, and lists every story
// of its language), or, without a home page, sorted here.
func itemsOf(s *site.Site, lang string) []*site.Page {
	if home := s.Home[lang]; home != nil {
		items := make([]*site.Page, 0, len(home.Pages))
		for _, p := range home.Pages {
			if p.Lang == lang {
				items = append(items, p)
			}
		}
		return items
	}
	return sortedItemsOf(s, lang)
}

func sortedItemsOf(s *site.Site, lang string) []*site.Page {
	var items []*site.Page
	for _, p := range s.Pages {
		if p.Lang == lang && p.IsItem() {
			items = append(items, p)
		}
	}
	site.SortNewestFirst(items)
	return items
}

// feedItems are the newest items of lang, at most feedSize.
func feedItems(s *site.Site, lang string) []*site.Page {
	items := itemsOf(s, lang)
	if len(items) > feedSize {
		items = items[:feedSize]
	}
	return items
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	XHTML   string       `xml:"xmlns:xhtml,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string      `xml:"loc"`
	LastMod string      `xml:"lastmod,omitempty"`
	Alts    []xhtmlLink `xml:"xhtml:link"`
}

type xhtmlLink struct {
	Rel      string `xml:"rel,attr"`
	HrefLang string `xml:"hreflang,attr"`
	Href     string `xml:"href,attr"`
}

// sitemap lists every published page with its hreflang alternates (itself
// included, as search engines expect). minified tells whether it is
// minified already (see compactSitemap).
func (r *Renderer) sitemap(s *site.Site) (data []byte, minified bool, err error) {
	set := r.sitemapSet(s)
	if r.minify {
		if data, ok := compactSitemap(set); ok {
			return data, true, nil
		}
	}
	data, err = marshalXML(set)
	return data, false, err
}

// sitemapSet is what the sitemap lists, however it is written.
func (r *Renderer) sitemapSet(s *site.Site) urlset {
	set := urlset{XHTML: "http://www.w3.org/1999/xhtml"}
	for _, p := range s.Pages {
		u := sitemapURL{Loc: r.cfg.BaseURL + p.Path}
		if !p.Date.IsZero() {
			u.LastMod = p.Date.Format("2006-01-02")
		}
		if len(p.Translations) > 0 {
			for _, lang := range r.cfg.Languages {
				t := p
				if lang != p.Lang {
					t = p.Translation(lang)
				}
				if t != nil {
					u.Alts = append(u.Alts, xhtmlLink{Rel: "alternate", HrefLang: lang, Href: r.cfg.BaseURL + t.Path})
				}
			}
		}
		set.URLs = append(set.URLs, u)
	}
	return set
}

// sitemapHead is how the minified sitemap starts.
const sitemapHead = `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">`

// compactSitemap writes set as encoding/xml and the minifier would together
// (TestCompactSitemapAsMarshalled), straight: a line per page through
// reflection and a second pass was a fiftieth of a build. It leaves (ok
// false) a set holding a character XML escapes to the long way.
func compactSitemap(set urlset) (data []byte, ok bool) {
	b := bytes.NewBuffer(make([]byte, 0, 256*len(set.URLs)))
	b.WriteString(sitemapHead)
	for _, u := range set.URLs {
		if !xmlPlain(u.Loc) || !xmlPlain(u.LastMod) {
			return nil, false
		}
		b.WriteString("<url><loc>")
		b.WriteString(u.Loc)
		b.WriteString("</loc>")
		if u.LastMod != "" {
			b.WriteString("<lastmod>")
			b.WriteString(u.LastMod)
			b.WriteString("</lastmod>")
		}
		for _, alt := range u.Alts {
			if !xmlPlain(alt.Rel) || !xmlPlain(alt.HrefLang) || !xmlPlain(alt.Href) {
				return nil, false
			}
			b.WriteString(`<xhtml:link rel="`)
			b.WriteString(alt.Rel)
			b.WriteString(`" hreflang="`)
			b.WriteString(alt.HrefLang)
			b.WriteString(`" href="`)
			b.WriteString(alt.Href)
			b.WriteString(`"/>`)
		}
		b.WriteString("</url>")
	}
	b.WriteString("</urlset>")
	return b.Bytes(), true
}

// xmlPlain reports whether s is printable ASCII that XML writes as it is.
func xmlPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' {
			return false
		}
	}
	return true
}

func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
