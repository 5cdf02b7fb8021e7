package render

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"kakehashi/internal/config"
	"kakehashi/internal/content"
	"kakehashi/internal/search"
	"kakehashi/internal/site"
)

type checkingWriter struct {
	checked map[string]string
	calls   int
}

func (w *checkingWriter) Write(string, []byte) error { return nil }

func (w *checkingWriter) CheckText(rel string, text []byte) error {
	w.checked[rel] = string(text)
	w.calls++
	if strings.Contains(string(text), "Secret Name") {
		return errors.New(rel + ": leak")
	}
	return nil
}

func TestSearchTextGoesThroughTheWritersCheck(t *testing.T) {
	check := map[string]func(w Writer, docs []search.Doc) error{
		"checkDocs (preview)": func(w Writer, docs []search.Doc) error {
			return checkDocs(w, "en/search.json", docs, make([]int, len(docs)), nil)
		},
		"buildIndex (one-off build)": func(w Writer, docs []search.Doc) error {
			_, err := buildIndex(w, "en/search.json", len(docs), func(k int) search.Doc { return docs[k] })
			return err
		},
	}
	for name, check := range check {
		t.Run(name, func(t *testing.T) {
			w := &checkingWriter{checked: map[string]string{}}
			docs := []search.Doc{{URL: "/en/b/", Title: "B", Text: "clean"}, {URL: "/en/a/", Title: "A title", Text: "Body with Secret Name inside"}}
			if err := check(w, docs); err == nil || !strings.Contains(err.Error(), "/en/a/") {
				t.Fatalf("the writer's check did not stop the index at the story: %v", err)
			}
			if !strings.Contains(w.checked["en/search.json"], "A title") {
				t.Errorf("title not checked: %q", w.checked)
			}
		})
	}
}

// buildIndex writes the index search.Build writes, taking the documents
// in order, each once.
func TestBuildIndexIsSearchBuild(t *testing.T) {
	docs := []search.Doc{{URL: "/en/a/", Title: "A", Text: "one two"}, {URL: "/en/b/", Title: "B", Text: "two 日本語"}}
	want, err := search.Build(docs)
	if err != nil {
		t.Fatal(err)
	}
	w := &checkingWriter{checked: map[string]string{}}
	var asked []int
	got, err := buildIndex(w, "en/search.json", len(docs), func(k int) search.Doc {
		asked = append(asked, k)
		return docs[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(asked, []int{0, 1}) {
		t.Errorf("documents asked for: %v, want [0 1]", asked)
	}
	if string(got) != string(want) {
		t.Errorf("buildIndex = %s, want %s", got, want)
	}
	if w.calls != 2 {
		t.Errorf("%d texts checked, want 2", w.calls)
	}
}

// TestSearchTextCheckedOncePerNeedles: in the preview server, a story's
// search text is scanned again only when it changed or the needles did.
func TestSearchTextCheckedOncePerNeedles(t *testing.T) {
	w := &checkingWriter{checked: map[string]string{}}
	c := NewCache()
	docs := []search.Doc{{URL: "/en/a/", Title: "A", Text: "one"}, {URL: "/en/b/", Title: "B", Text: "two"}}
	srcs := []*content.Source{{Path: "content/a.md"}, {Path: "content/b.md"}}
	r := &Renderer{cfg: &config.Config{Languages: []string{"en"}}}
	s := &site.Site{Pages: []*site.Page{{Source: srcs[0]}, {Source: srcs[1]}}}
	begin := func() *fingerprinter { return c.begin(r, s) }
	run := func() {
		t.Helper()
		f := begin()
		if err := checkDocs(w, "en/search.json", docs, []int{0, 1}, f); err != nil {
			t.Fatal(err)
		}
		c.end(f)
	}
	run()
	if w.calls != 2 {
		t.Fatalf("first render checked %d texts, want 2", w.calls)
	}
	run()
	if w.calls != 2 {
		t.Errorf("unchanged texts were checked again (%d checks)", w.calls)
	}
	docs[1].Text = "two, edited"
	run()
	if w.calls != 3 {
		t.Errorf("after one edit: %d checks in all, want 3", w.calls)
	}
	c.Epoch++ // other needles
	run()
	if w.calls != 5 {
		t.Errorf("after the needles changed: %d checks in all, want 5", w.calls)
	}
	// A leak is still found in a text that changed into one.
	docs[0].Text = "now with Secret Name"
	if err := checkDocs(w, "en/search.json", docs, []int{0, 1}, begin()); err == nil || !strings.Contains(err.Error(), "/en/a/") {
		t.Errorf("leak in an edited text: err = %v", err)
	}
}

func TestVisibleText(t *testing.T) {
	var b strings.Builder
	writeVisibleText(&b, `<p>Hello <a href="/x/">world</a> &amp; 日本</p><ul><li>one</li></ul>`)
	got := b.String()
	if strings.Join(strings.Fields(got), " ") != "| Hello world & 日本 | | | one | |" {
		t.Errorf("writeVisibleText wrote %q", got)
	}
}

// searchText is the shown fields and the body's visible text, each once,
// a space apart; references are decoded in the body only.
func TestSearchText(t *testing.T) {
	src := &content.Source{Meta: content.Meta{Role: "Nurse", Company: "A&amp;B Care", Skills: []string{"care", "ja"}}}
	for _, tt := range []struct {
		name, body, want string
		skills           []string
	}{
		{"plain body", "<p>Hello <em>world</em></p>", " | Hello world | ", []string{"care", "ja"}},
		{"references in the body", "<p>Tom &amp; Jerry &quot;x&quot;</p>", ` | Tom & Jerry "x" | `, []string{"care", "ja"}},
		{"no skills", "<p>x</p>", " | x | ", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src.Meta.Skills = tt.skills
			p := &site.Page{Name: "Amina K.", Source: src}
			want := strings.Join([]string{p.Name, "Nurse", "A&amp;B Care", strings.Join(tt.skills, " "), tt.want}, " ")
			if got := searchText(p, tt.body); got != want {
				t.Errorf("searchText = %q, want %q", got, want)
			}
		})
	}
}
