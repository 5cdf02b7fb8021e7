package site

import (
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

// TermURL returns the path of a term's page in lang, or "" if it has none.
func (s *Site) TermURL(taxonomy, lang, term string) string {
	p := s.terms[lang+"/"+taxonomy+"/"+TermSlug(term)+"/"]
	if p == nil {
		return ""
	}
	return p.Path
}

// TermSlug makes a term safe as a path segment: lower case, letters and
// digits of any script, words joined by hyphens.
func TermSlug(term string) string {
	if isSlug(term) {
		return term // the common case, and what the rule below makes of it
	}
	return slugOf(term)
}

// slugOf is TermSlug's rule, for any term.
func slugOf(term string) string {
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

// isSlug reports whether TermSlug(term) is term itself: lower-case ASCII
// letters and digits, words joined by single hyphens (most terms).
func isSlug(term string) bool {
	if term == "" || term[0] == '-' || term[len(term)-1] == '-' {
		return false
	}
	for i := 0; i < len(term); i++ {
		switch c := term[i]; {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
		case c == '-' && term[i-1] != '-':
		default:
			return false
		}
	}
	return true
}
