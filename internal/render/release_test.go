package render

import (
	"bytes"
	"testing"

	"kakehashi/internal/theme"
)

// Prepare lets go of a converted page's source text only once told that no
// one else reads it, and the HTML is the same either way.
func TestPrepareReleasesSourcesWhenTold(t *testing.T) {
	convert := func(released bool) (*Prepared, int) {
		s := sitemapSite(t, "https://example.org/", "")
		r, err := New(s.Config, theme.New(nil).Sub("layouts"))
		if err != nil {
			t.Fatal(err)
		}
		pr, err := r.Prepare(s, nil, ReleaseSources(func() bool { return released }))
		if err != nil {
			t.Fatal(err)
		}
		kept := 0
		for _, p := range s.Pages {
			if p.Source != nil && p.Source.Raw != nil {
				kept++
			}
		}
		return pr, kept
	}
	held, keptHeld := convert(false)
	freed, keptFreed := convert(true)
	if keptHeld == 0 {
		t.Fatal("no source text held without release")
	}
	if keptFreed != 0 {
		t.Errorf("%d sources still hold their text after release", keptFreed)
	}
	if len(held.bodies) != len(freed.bodies) {
		t.Fatalf("%d bodies, %d with release", len(held.bodies), len(freed.bodies))
	}
	converted := 0
	for i := range held.bodies {
		a, b := held.bodies[i], freed.bodies[i]
		if a.html != b.html || a.summary != b.summary || a.minutes != b.minutes {
			t.Errorf("page %d converts differently when released", i)
		}
		if bytes.Contains([]byte(a.html), []byte("Body.")) {
			converted++
		}
	}
	if converted == 0 {
		t.Error("no page converted")
	}
}
