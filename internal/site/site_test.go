package site_test

import (
	"strings"
	"testing"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
	"kakehashi/internal/site"
)

var cfg = &config.Config{Languages: []string{"ja", "en"}, BaseURL: "https://example.org/"}

func buildSite(t *testing.T, files map[string]string) *site.Site {
	t.Helper()
	var sources []*content.Source
	for name, text := range files {
		src, err := content.Parse(name, []byte(text), cfg)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, src)
	}
	s, err := site.Build(cfg, sources, site.Options{Consent: consent.Options{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func item(title, extra string) string {
	return "---\ntitle: \"" + title + "\"\ndate: 2024-01-01\n" + extra + "consent:\n  publish: true\n---\nBody.\n"
}

func paths(pages []*site.Page) []string {
	var out []string
	for _, p := range pages {
		out = append(out, p.Path)
	}
	return out
}

func TestUntranslatedItems(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		listed bool // is ja/talents/x/ in the English lists?
	}{
		{"only in Japanese: listed in English with a marker", map[string]string{
			"content/talents/x.ja.md": item("日本語だけ", ""),
		}, true},
		{"consent excludes English: not listed", map[string]string{
			"content/talents/x.ja.md": strings.Replace(item("日本語だけ", ""), "publish: true", "publish: true\n  languages: [ja]", 1),
		}, false},
		{"English translation exists but is skipped: not listed", map[string]string{
			"content/talents/x.ja.md": item("日本語", ""),
			"content/talents/x.en.md": strings.Replace(item("English", ""), "publish: true", "publish: false", 1),
		}, false},
		{"English translation published: its own page is listed instead", map[string]string{
			"content/talents/x.ja.md": item("日本語", ""),
			"content/talents/x.en.md": item("English", ""),
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := buildSite(t, tt.files)
			ja := s.Page("ja/talents/x/")
			if ja == nil {
				t.Fatal("Japanese page missing")
			}
			for _, list := range []*site.Page{s.Page("en/talents/"), s.Home["en"]} {
				if list == nil {
					t.Fatal("English list page missing")
				}
				got := strings.Contains(strings.Join(paths(list.Pages), " "), "ja/talents/x/")
				if got != tt.listed {
					t.Errorf("%s lists ja/talents/x/ = %v, want %v (%v)", list.Path, got, tt.listed, paths(list.Pages))
				}
			}
			if ja.Translation("en") == nil {
				if fb := s.Fallback(ja, "en"); fb == nil || fb.Path != "en/talents/" {
					t.Errorf("language switch of an untranslated page leads to %v, want en/talents/", fb)
				}
			}
		})
	}
}

func TestTaxonomiesCountOnlyPublishedItems(t *testing.T) {
	s := buildSite(t, map[string]string{
		"content/talents/a.en.md":   item("A", "skills: [go, Linux]\n"),
		"content/talents/b.en.md":   item("B", "skills: [go]\n"),
		"content/talents/c.en.md":   strings.Replace(item("C", "skills: [go, secretskill]\n"), "publish: true", "publish: false", 1),
		"content/employers/e.en.md": item("E", "industry: IT\n"),
		"content/employers/f.en.md": strings.Replace(item("F", "industry: hidden-industry\n"), "publish: true", "publish: \"true\"", 1),
	})
	goPage := s.Page("en/skills/go/")
	if goPage == nil || len(goPage.Pages) != 2 {
		t.Fatalf("en/skills/go/ = %v, want 2 items", goPage)
	}
	if s.Page("en/skills/linux/") == nil {
		t.Error("term with a capital letter has no page at its lower-case slug")
	}
	for _, gone := range []string{"en/skills/secretskill/", "en/industry/hidden-industry/"} {
		if s.Page(gone) != nil {
			t.Errorf("%s exists though all its items are skipped", gone)
		}
	}
	index := s.Page("en/skills/")
	if index == nil || strings.Join(paths(index.Pages), " ") != "en/skills/go/ en/skills/linux/" {
		t.Errorf("skills index = %v", index)
	}
	if s.Page("en/industry/it/") == nil {
		t.Error("industry term page missing")
	}
}

func TestTermSlug(t *testing.T) {
	for in, want := range map[string]string{"Go": "go", "machine learning": "machine-learning", " C++ ": "c", "介護": "介護", "../x": "x"} {
		if got := site.TermSlug(in); got != want {
			t.Errorf("TermSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCrossReferencesToSkippedItemsAreDropped(t *testing.T) {
	s := buildSite(t, map[string]string{
		"content/talents/ok.en.md":     item("OK", "employer: gone\n"),
		"content/talents/hidden.en.md": strings.Replace(item("Hidden", ""), "publish: true", "publish: false", 1),
		"content/employers/gone.en.md": strings.Replace(item("Gone", ""), "publish: true", "expires: 2020-01-01\n  publish: true", 1),
		"content/employers/open.en.md": item("Open", "talents: [ok, hidden, nobody]\n"),
	})
	if p := s.Page("en/talents/ok/"); p.Employer != nil {
		t.Error("talent links a skipped employer")
	}
	if got := paths(s.Page("en/employers/open/").Talents); strings.Join(got, " ") != "en/talents/ok/" {
		t.Errorf("employer talents = %v, want only the published one", got)
	}
	warn := strings.Join(s.Warnings, "\n")
	for _, w := range []string{"content/talents/ok.en.md: cross-reference to content/employers/gone.en.md dropped", "content/employers/open.en.md: cross-reference to content/talents/hidden.en.md dropped", `"nobody": no such item`} {
		if !strings.Contains(warn, w) {
			t.Errorf("warnings lack %q:\n%s", w, warn)
		}
	}
}

func TestTermSlugOfSlugs(t *testing.T) {
	for _, term := range []string{"go", "machine-learning", "c99", "a-b-c", "-go", "go-", "a--b", "Go", "go ", "ü", "", "-"} {
		if want := site.SlugOf(term); site.TermSlug(term) != want {
			t.Errorf("TermSlug(%q) = %q, want %q", term, site.TermSlug(term), want)
		}
	}
}

func TestSortNewestFirst(t *testing.T) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	pages := []*site.Page{
		{Path: "b/", Date: day(2024, 1, 1)}, {Path: "a/", Date: day(2024, 1, 1)}, {Path: "c/", Date: day(2025, 1, 1)},
		{Path: "d/"}, {Path: "e/", Date: day(2024, 1, 1).Add(time.Nanosecond)}, {Path: "f/", Date: day(2024, 1, 1).In(time.FixedZone("x", 9*3600))},
	}
	site.SortNewestFirst(pages)
	if got := strings.Join(paths(pages), " "); got != "c/ e/ a/ b/ f/ d/" {
		t.Errorf("order %s", got)
	}
}
