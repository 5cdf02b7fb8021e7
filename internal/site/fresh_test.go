package site_test

import (
	"slices"
	"strings"
	"testing"

	"kakehashi/internal/consent"
	"kakehashi/internal/content"
	"kakehashi/internal/site"
)

// A save that changes one story gives new pages only where the graph
// changed: the story's page and every page that points to it, directly or
// through others (a page of an earlier build is never changed, so a page
// that points to a new page is new too). The rest are the last build's.
func TestSaveMakesFewNewPages(t *testing.T) {
	c := newCorpus(t, 1, 2000, false)
	slices.SortFunc(c.sources, func(a, b *content.Source) int { return strings.Compare(a.Path, b.Path) })
	opts := site.Options{Consent: consent.Options{Now: benchNow}, Memo: site.NewMemo()}
	last, err := site.Build(c.cfg, c.sources, opts)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := site.Build(c.cfg, c.sources, opts); site.Fresh(last, again) != 0 || &again.Pages[0] != &last.Pages[0] {
		t.Errorf("a build of the same sources made %d new pages", site.Fresh(last, again))
	}
	for _, i := range []int{len(c.sources) / 3, 10, 100, 1000, 2000, 3000, 4000} {
		d := *c.docFor(c.sources[i])
		d.title += " (edited)"
		src := c.parse(t, &d)
		c.sources[i] = src
		s, err := site.Build(c.cfg, c.sources, opts)
		if err != nil {
			t.Fatal(err)
		}
		// The pages that reach the story's page.
		into := map[*site.Page][]*site.Page{}
		for _, p := range s.Pages {
			for _, list := range [][]*site.Page{p.Translations, p.Talents, p.Pages, {p.Employer}} {
				for _, q := range list {
					into[q] = append(into[q], p)
				}
			}
		}
		reach := map[*site.Page]bool{}
		var queue []*site.Page
		for _, p := range s.Pages {
			if p.Source == src {
				queue = append(queue, p)
			}
		}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			if !reach[p] {
				reach[p] = true
				queue = append(queue, into[p]...)
			}
		}
		changed := 0
		for _, p := range s.Pages {
			if reach[p] {
				changed++
			}
		}
		fresh := site.Fresh(last, s)
		t.Logf("%s: %d new pages of %d; %d reach it", d.path, fresh, len(s.Pages), changed)
		if fresh > changed {
			t.Errorf("%s: %d new pages, but only %d reach the changed one", d.path, fresh, changed)
		}
		last = s
	}
}
