package render

import (
	"html"
	"strings"

	"kakehashi/internal/search"
	"kakehashi/internal/site"
)

// searchDocs are the published stories listed in lang, newest first, as the
// search index sees them: what their pages show, built from the same
// consented views (the real name only where consented, links to skipped
// items already reduced to their words).
func (b *viewBuilder) searchDocs(lang string) []search.Doc {
	var items []*site.Page
	for _, p := range b.s.Pages {
		if p.IsItem() && p.Lang == lang {
			items = append(items, p)
		}
	}
	site.SortNewestFirst(items)
	docs := make([]search.Doc, 0, len(items))
	for _, p := range items {
		v := b.page(p)
		text := strings.Join([]string{v.Name, v.Role, v.Company, strings.Join(v.Skills, " "), visibleText(string(v.Content))}, " ")
		docs = append(docs, search.Doc{URL: v.URL, Title: v.Title, Text: text})
	}
	return docs
}

// visibleText reduces rendered HTML to the text a reader sees.
func visibleText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		// A tag separates words the way the browser's layout does.
		b.WriteByte(' ')
		s = s[i+j+1:]
	}
	return html.UnescapeString(b.String())
}
