package render

import (
	"fmt"
	"html"
	"strings"

	"kakehashi/internal/search"
	"kakehashi/internal/site"
)

// searchDocs are the documents of items (the published stories listed in
// a language, newest first; see searchDoc), and each one's page index.
func (b *viewBuilder) searchDocs(items []*site.Page) ([]search.Doc, []int) {
	docs := make([]search.Doc, 0, len(items))
	at := make([]int, 0, len(items))
	for _, p := range items {
		i := b.index[p]
		at = append(at, i)
		docs = append(docs, b.searchDoc(p, i))
	}
	return docs, at
}

// searchDoc is story p (page i) as the search index sees it: what its page
// shows, built from the same consented views (the real name only where
// consented, links to skipped items already reduced to their words).
func (b *viewBuilder) searchDoc(p *site.Page, i int) search.Doc {
	if d, ok := b.fp.doc(i); ok {
		return d
	}
	bd := &b.bodies[i]
	text := bd.search
	if text == "" {
		text = searchText(p, string(bd.html))
	}
	d := search.Doc{URL: b.url(p), Title: p.Title, Text: text}
	b.fp.storeDoc(i, d)
	return d
}

// searchText is what the index holds of a story besides its title: the
// fields its page shows (see page), nothing else, and the visible text of
// its body.
func searchText(p *site.Page, body string) string {
	m := &p.Source.Meta
	var b strings.Builder
	n := len(p.Name) + len(m.Role) + len(m.Company) + len(body) + 4
	for _, skill := range m.Skills {
		n += len(skill) + 1
	}
	b.Grow(n)
	for _, field := range []string{p.Name, m.Role, m.Company} {
		b.WriteString(field)
		b.WriteByte(' ')
	}
	for i, skill := range m.Skills {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(skill)
	}
	b.WriteByte(' ')
	writeVisibleText(&b, body)
	return b.String()
}

// TextChecker is a Writer that can also check text that is published only
// in a derived form (the publish funnel runs its leak scan on it).
type TextChecker interface {
	// CheckText must not keep text: the caller reuses it.
	CheckText(rel string, text []byte) error
}

// checkDocs runs the writer's leak scan over the text a search index is made
// from: the index holds it only split into terms, which no scan of the index
// file itself could read back whole. Each story's text is checked on its
// own, so that a rebuild checks only the texts that changed.
// at gives each doc's page in the site (see searchDocs).
func checkDocs(w Writer, rel string, docs []search.Doc, at []int, fp *fingerprinter) error {
	tc, ok := w.(TextChecker)
	if !ok {
		return nil
	}
	var text []byte // reused: the check keeps none of it
	for i, d := range docs {
		if fp.textChecked(at[i], d.Title, d.Text) {
			continue
		}
		var err error
		if text, err = checkDoc(tc, rel, d, text); err != nil {
			return err
		}
		fp.storeTextChecked(at[i], d.Title, d.Text)
	}
	return nil
}

// checkDoc checks the title and text of d, joined in buf (returned for
// reuse) as the index holds them apart.
func checkDoc(tc TextChecker, rel string, d search.Doc, buf []byte) ([]byte, error) {
	buf = append(append(append(buf[:0], d.Title...), "\n|\n"...), d.Text...)
	if err := tc.CheckText(rel, buf); err != nil {
		return buf, fmt.Errorf("the search text of %s: %w", d.URL, err)
	}
	return buf, nil
}

// buildIndex is checkDocs and search.Build for an index built once, of n
// documents that doc makes one by one: each story's text is made, checked,
// split into terms and let go in turn, so that a large site's texts are
// never all held at once.
func buildIndex(w Writer, rel string, n int, doc func(k int) search.Doc) ([]byte, error) {
	tc, _ := w.(TextChecker)
	var text []byte // reused: the check keeps none of it
	b := search.NewBuilder()
	for k := range n {
		d := doc(k)
		if tc != nil {
			var err error
			if text, err = checkDoc(tc, rel, d, text); err != nil {
				return nil, err
			}
		}
		if err := b.Add(d); err != nil {
			return nil, fmt.Errorf("%s: %w", rel, err)
		}
	}
	return b.Bytes(), nil
}

// writeVisibleText writes the text a reader sees of rendered HTML s to b.
// Inline tags vanish ("Ami<em>na</em>" reads "Amina"); every other tag ends
// a run of text and becomes " | ", so that neither the index nor the leak
// scan joins the end of one paragraph to the start of the next.
func writeVisibleText(b *strings.Builder, s string) {
	if strings.IndexByte(s, '&') >= 0 {
		// References are decoded in the text as a whole, after the tags
		// are gone: written to a builder of its own first.
		var t strings.Builder
		t.Grow(len(s))
		writeTextRuns(&t, s)
		b.WriteString(html.UnescapeString(t.String()))
		return
	}
	writeTextRuns(b, s)
}

// writeTextRuns writes s without its tags, each tag but an inline one
// written as " | ".
func writeTextRuns(b *strings.Builder, s string) {
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			return
		}
		if !inlineTag(s[i+1 : i+j]) {
			b.WriteString(" | ")
		}
		s = s[i+j+1:]
	}
}

// inlineTag reports whether the tag body ("em", "/a", `a href="/x/"`) is an
// inline tag of the kind goldmark writes.
func inlineTag(tag string) bool {
	tag = strings.TrimPrefix(tag, "/")
	if i := strings.IndexAny(tag, " \t\n/"); i >= 0 {
		tag = tag[:i]
	}
	switch strings.ToLower(tag) {
	case "a", "em", "strong", "code", "del", "s", "span", "b", "i", "u", "mark", "small", "sub", "sup", "br", "wbr", "ruby", "rt", "rp", "abbr", "kbd", "q", "cite":
		return true
	}
	return false
}
