package site

import (
	"sort"
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
	for _, tax := range Taxonomies {
		for _, lang := range s.Config.Languages {
			terms := map[string]*Page{}
			for _, p := range s.Pages {
				if !p.IsItem() || p.Section != tax.Section || p.Source == nil || !s.ListedIn(p, lang) {
					continue
				}
				for _, term := range tax.terms(&p.Source.Meta) {
					slug := TermSlug(term)
					if slug == "" {
						continue
					}
					tp := terms[slug]
					if tp == nil {
						tp = &Page{Kind: KindTerm, Lang: lang, Key: tax.Name + "/" + slug, Section: tax.Name, Slug: slug,
							Path: lang + "/" + tax.Name + "/" + slug + "/", Title: term, Taxonomy: tax.Name, Term: term}
						terms[slug] = tp
					}
					if len(tp.Pages) == 0 || tp.Pages[len(tp.Pages)-1] != p {
						tp.Pages = append(tp.Pages, p)
					}
				}
			}
			if len(terms) == 0 {
				continue
			}
			index := &Page{Kind: KindTerms, Lang: lang, Key: tax.Name + "/_index", Section: tax.Name, Slug: tax.Name,
				Path: lang + "/" + tax.Name + "/", Title: tax.Name, Taxonomy: tax.Name}
			slugs := make([]string, 0, len(terms))
			for slug := range terms {
				slugs = append(slugs, slug)
			}
			sort.Strings(slugs)
			s.generate(index)
			for _, slug := range slugs {
				tp := terms[slug]
				SortNewestFirst(tp.Pages)
				s.generate(tp)
				index.Pages = append(index.Pages, tp)
			}
		}
	}
	sort.Slice(s.Pages, func(i, j int) bool { return s.Pages[i].Path < s.Pages[j].Path })
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
