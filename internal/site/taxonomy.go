package site

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"kakehashi/internal/content"
)

// Taxonomy groups items of one section by the terms of one field.
type Taxonomy struct {
	Name    string // also the URL segment: /<lang>/skills/<term>/
	Section string
	terms   func(*content.Meta) []string
}

// Taxonomies are the site's term groupings.
var Taxonomies = []Taxonomy{
	{Name: "skills", Section: SectionTalents, terms: func(m *content.Meta) []string { return m.Skills }},
	{Name: "industry", Section: SectionEmployers, terms: func(m *content.Meta) []string {
		if m.Industry == "" {
			return nil
		}
		return []string{m.Industry}
	}},
}

// addTaxonomies adds, per language, a page per term and an index of terms.
// Only published items count, so a term whose items are all skipped does not exist.
func (s *Site) addTaxonomies() {
	type termKey struct{ tax, lang, slug string }
	terms := map[termKey]*Page{}
	var keys []termKey
	for _, p := range s.Pages {
		if !p.IsItem() || p.Source == nil {
			continue
		}
		for _, tax := range Taxonomies {
			if p.Section != tax.Section {
				continue
			}
			list := tax.terms(&p.Source.Meta)
			if len(list) == 0 {
				continue
			}
			for _, lang := range s.Config.Languages {
				if !s.ListedIn(p, lang) {
					continue
				}
				for _, term := range list {
					slug := TermSlug(term)
					if slug == "" {
						continue
					}
					k := termKey{tax.Name, lang, slug}
					tp := terms[k]
					if tp == nil {
						tp = &Page{Kind: KindTerm, Lang: lang, Key: tax.Name + "/" + slug, Section: tax.Name, Slug: slug,
							Path: lang + "/" + tax.Name + "/" + slug + "/", Title: term, Taxonomy: tax.Name, Term: term}
						terms[k] = tp
						keys = append(keys, k)
					}
					if len(tp.Pages) == 0 || tp.Pages[len(tp.Pages)-1] != p {
						tp.Pages = append(tp.Pages, p)
					}
				}
			}
		}
	}
	slices.SortFunc(keys, func(a, b termKey) int {
		return cmp.Or(strings.Compare(a.tax, b.tax), strings.Compare(a.lang, b.lang), strings.Compare(a.slug, b.slug))
	})
	var index *Page
	for _, k := range keys {
		if index == nil || index.Taxonomy != k.tax || index.Lang != k.lang {
			index = &Page{Kind: KindTerms, Lang: k.lang, Key: k.tax + "/_index", Section: k.tax, Slug: k.tax,
				Path: k.lang + "/" + k.tax + "/", Title: k.tax, Taxonomy: k.tax}
			s.generate(index)
		}
		tp := terms[k]
		SortNewestFirst(tp.Pages)
		s.generate(tp)
		index.Pages = append(index.Pages, tp)
	}
	sortByPath(s.Pages)
}

// TermURL returns the path of a term's page in lang, or "" if it has none.
func (s *Site) TermURL(taxonomy, lang, term string) string {
	p := s.byPath[lang+"/"+taxonomy+"/"+TermSlug(term)+"/"]
	if p == nil || p.Kind != KindTerm {
		return ""
	}
	return p.Path
}

// TermSlug makes a term safe as a path segment: lower case, letters and
// digits of any script, words joined by hyphens.
func TermSlug(term string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.TrimSpace(term) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
