package render

import (
	"bytes"
	"strings"
	"sync"
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

type memWriter struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (w *memWriter) Write(rel string, data []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.files[rel] = bytes.Clone(data)
	return nil
}

// Finish lets go of every story's HTML once its page and its language's
// search index have read it, and the index still holds every story's words.
func TestFinishLetsGoOfEveryBody(t *testing.T) {
	s := sitemapSite(t, "https://example.org/", "")
	r, err := New(s.Config, theme.New(nil).Sub("layouts"))
	if err != nil {
		t.Fatal(err)
	}
	pr, err := r.Prepare(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := &memWriter{files: map[string][]byte{}}
	if _, _, err := r.Finish(pr, w); err != nil {
		t.Fatal(err)
	}
	for i, bd := range pr.bodies {
		if bd.html != "" {
			t.Errorf("page %s still holds its HTML", s.Pages[i].Path)
		}
	}
	for _, lang := range s.Config.Languages {
		index := string(w.files[lang+"/search.json"])
		items := itemsOf(s, lang)
		if len(items) == 0 {
			t.Fatalf("%s: no stories", lang)
		}
		for _, p := range items {
			if !strings.Contains(index, `"/`+p.Path+`"`) {
				t.Errorf("%s: %s is not in the index", lang, p.Path)
			}
		}
		// Every story's text is "Body.": the term is in the body part.
		if _, body, ok := strings.Cut(index, `"body":{`); !ok || !strings.Contains(body, `"body":[`) {
			t.Errorf("%s: the stories' words are not in the index: %.300s", lang, index)
		}
	}
}
