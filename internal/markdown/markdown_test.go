package markdown

import (
	"errors"
	"strings"
	"testing"
)

type skipped map[string]string

func (s skipped) Unpublished(p string) (string, bool) {
	for prefix, file := range s {
		if strings.HasPrefix(p, prefix) {
			return file, true
		}
	}
	return "", false
}

func convert(t *testing.T, src string, p Page) Result {
	t.Helper()
	r, err := New().Convert([]byte(src), p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSoftBreaks(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"between Japanese characters: no space", "日本語の文が\n続きます。", "<p>日本語の文が続きます。</p>\n"},
		// CSS Text 3 segment break rules: a break touching a Japanese character
		// is removed; spacing between scripts is the stylesheet's job.
		{"Japanese then English", "日本語の文\nEnglish follows", "<p>日本語の文English follows</p>\n"},
		{"English then Japanese", "Go and\n日本語", "<p>Go and日本語</p>\n"},
		{"mixed line ending in Japanese punctuation", "Go言語、\nPython", "<p>Go言語、Python</p>\n"},
		{"English lines keep their break", "one line\nnext line", "<p>one line\nnext line</p>\n"},
		{"after Japanese punctuation", "「引用」\nの後", "<p>「引用」の後</p>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(convert(t, tt.src, Page{}).HTML); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFeatures(t *testing.T) {
	src := "# 見出し\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ https://example.com/x\n\nNote[^1].\n\n[^1]: Footnote.\n\n<script>alert(1)</script>\n"
	got := string(convert(t, src, Page{}).HTML)
	for _, want := range []string{`<h1 id="見出し">`, "<table>", "<del>old</del>", `<a href="https://example.com/x">`, `class="footnote-ref"`, "<!-- raw HTML omitted -->"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<script>") {
		t.Error("raw HTML passed through")
	}
}

func TestLinksToSkippedItems(t *testing.T) {
	p := Page{Path: "en/employers/acme/", BaseURL: "https://example.org/site/", Links: skipped{"en/talents/gone/": "content/talents/gone.en.md"}}
	tests := []struct{ name, src, want string }{
		{"root-relative", "[her story](/site/en/talents/gone/)", "<p>her story</p>\n"},
		{"relative", "[her story](../../talents/gone/)", "<p>her story</p>\n"},
		{"absolute with base URL", "[her story](https://example.org/site/en/talents/gone/)", "<p>her story</p>\n"},
		{"file under the item", "![photo](/site/en/talents/gone/gone.jpg)", "<p></p>\n"},
		{"autolink", "See https://example.org/site/en/talents/gone/ now", "<p>See  now</p>\n"},
		{"published link kept and rebased", "[ok](/en/talents/ok/)", `<p><a href="/site/en/talents/ok/">ok</a></p>` + "\n"},
		{"other site", "[x](https://other.example/en/talents/gone/)", `<p><a href="https://other.example/en/talents/gone/">x</a></p>` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := convert(t, tt.src, p)
			if r.HTML != tt.want {
				t.Errorf("got %q, want %q", r.HTML, tt.want)
			}
			if strings.Contains(tt.want, "gone") {
				return
			}
			if strings.Contains(r.HTML, "gone") && len(r.Dropped) == 0 {
				t.Error("link to a skipped item kept")
			}
		})
	}
	if r := convert(t, "[a](/site/en/talents/gone/)", p); len(r.Dropped) != 1 || r.Dropped[0] != "content/talents/gone.en.md" {
		t.Errorf("Dropped = %v", r.Dropped)
	}
}

func TestSummaryIsFirstParagraph(t *testing.T) {
	r := convert(t, "## Heading\n\nFirst **bold** [link](/x/) para\ngraph.\n\nSecond.", Page{})
	if r.Summary != "First bold link para graph." {
		t.Errorf("Summary = %q", r.Summary)
	}
	r = convert(t, "最初の段落は\n日本語です。", Page{})
	if r.Summary != "最初の段落は日本語です。" {
		t.Errorf("Japanese summary = %q", r.Summary)
	}
}

func TestLinksThroughAnAliasOfTheSite(t *testing.T) {
	p := Page{Path: "en/employers/acme/", BaseURL: "https://org.github.io/site/", Aliases: []string{"https://example.org/"}, Links: skipped{"en/talents/gone/": "content/talents/gone.en.md"}}
	r := convert(t, "[her story](https://example.org/en/talents/gone/) and [ok](https://example.org/en/talents/ok/)", p)
	if strings.Contains(r.HTML, "gone") || len(r.Dropped) != 1 {
		t.Errorf("link through the site's other address kept: %s", r.HTML)
	}
}

// WithFinish: the Result holds what finish returned, and the buffer the
// Converter reuses does not show through an earlier Result.
func TestFinish(t *testing.T) {
	calls := 0
	finish := func(html []byte) (string, error) {
		calls++
		return "<!--f-->" + string(html), nil
	}
	finished := New(WithFinish(finish))
	docs := []string{"# One\n\nFirst *story*.\n", "Second story, longer than the first one, with a [link](/en/x/).\n", "三つ目。\n"}
	var got []Result
	for _, d := range docs {
		r, err := finished.Convert([]byte(d), Page{Path: "en/talents/x/"})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	for i, d := range docs {
		want := "<!--f-->" + convert(t, d, Page{Path: "en/talents/x/"}).HTML
		if got[i].HTML != want {
			t.Errorf("doc %d: %q, want %q", i, got[i].HTML, want)
		}
	}
	if calls != len(docs) {
		t.Errorf("finish called %d times, want %d", calls, len(docs))
	}
	failing := New(WithFinish(func([]byte) (string, error) { return "", errors.New("no") }))
	if _, err := failing.Convert([]byte("text\n"), Page{}); err == nil || err.Error() != "no" {
		t.Errorf("finish's error: %v", err)
	}
}
