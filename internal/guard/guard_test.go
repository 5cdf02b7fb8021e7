package guard_test

import (
	"strings"
	"testing"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
	"kakehashi/internal/guard"
	"kakehashi/internal/site"
)

func build(t *testing.T, files map[string]string) (*guard.Fingerprints, error) {
	t.Helper()
	cfg := &config.Config{Languages: []string{"ja", "en"}, BaseURL: "https://example.org/"}
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
	return guard.Check(s)
}

const hidden = `---
title: Hidden story
name: "Amina Karimi"
alias: "A.K."
consent:
  publish: true
  real_name: false
  given_by: "Amina Karimi"
---
A story told under an alias.
`

const withdrawn = `---
title: Withdrawn story
name: "山田 花子"
consent:
  publish: false
---
Gone.
`

func employer(body string) string {
	return "---\ntitle: Employer\ncompany: Co\nconsent:\n  publish: true\n  approved_by: PR\n---\nIntro line.\n" + body + "\n"
}

func TestRealNameInAnotherStory(t *testing.T) {
	tests := []struct {
		name string
		body string
		leak bool
	}{
		{"exact", "We hired Amina Karimi last year.", true},
		{"lower case", "we hired amina karimi last year.", true},
		{"upper case", "AMINA KARIMI joined us.", true},
		{"full-width letters", "Ａｍｉｎａ　Ｋａｒｉｍｉ joined us.", true},
		{"extra spaces", "Amina    Karimi joined us.", true},
		{"line break between names", "Amina\nKarimi joined us.", true},
		{"withdrawn person, Japanese, no space", "山田花子さんが入社しました。", true},
		{"withdrawn person, ideographic space", "山田　花子さん", true},
		{"split by emphasis", "We hired **Amina** Karimi.", true},
		{"alias is fine", "We hired A.K. last year.", false},
		{"other person", "We hired Amina Kamal.", false},
		{"part of a longer word", "Aminas Karimiova is someone else.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := build(t, map[string]string{
				"content/talents/amina-k.en.md":    hidden,
				"content/talents/hanako.ja.md":     withdrawn,
				"content/employers/city-sys.en.md": employer(tt.body),
			})
			if !tt.leak {
				if err != nil {
					t.Fatalf("false alarm: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("a real name without consent in another story did not fail the check")
			}
			msg := err.Error()
			if !strings.Contains(msg, "content/employers/city-sys.en.md:") || !strings.Contains(msg, "is not consented for publication") {
				t.Errorf("error does not name the file and rule: %v", err)
			}
			if !strings.Contains(msg, ":9: ") && !strings.Contains(msg, ":10: ") {
				t.Errorf("error does not give the body line: %v", err)
			}
		})
	}
}

func TestRealNameInTitleAndOwnBody(t *testing.T) {
	_, err := build(t, map[string]string{
		"content/talents/amina-k.en.md": strings.Replace(hidden, "A story told under an alias.", "Amina Karimi tells her story.", 1),
	})
	if err == nil || !strings.Contains(err.Error(), "content/talents/amina-k.en.md:10: real name of amina-k is not consented") {
		t.Fatalf("own body: %v", err)
	}
	_, err = build(t, map[string]string{
		"content/talents/amina-k.en.md": hidden,
		"content/talents/other.en.md":   "---\ntitle: \"Working with Amina Karimi\"\nconsent:\n  publish: true\n---\nx\n",
	})
	if err == nil || !strings.Contains(err.Error(), "content/talents/other.en.md:2: real name of amina-k") {
		t.Fatalf("title: %v", err)
	}
}

func TestShortNamesAreNotMatchedAlone(t *testing.T) {
	short := "---\ntitle: S\nname: \"Li\"\nconsent:\n  publish: false\n---\nx\n"
	if _, err := build(t, map[string]string{
		"content/talents/li.en.md":         short,
		"content/employers/city-sys.en.md": employer("Li and others like Linux."),
	}); err != nil {
		t.Fatalf("a 2-character name raised an alarm: %v", err)
	}
}

func TestConsentedNameIsAllowed(t *testing.T) {
	consented := strings.Replace(hidden, "real_name: false", "real_name: true", 1)
	if _, err := build(t, map[string]string{
		"content/talents/amina-k.en.md":    consented,
		"content/employers/city-sys.en.md": employer("We hired Amina Karimi."),
	}); err != nil {
		t.Fatalf("consented name refused: %v", err)
	}
}

func TestFingerprintsOfSkippedItems(t *testing.T) {
	fp, err := build(t, map[string]string{
		"content/talents/hanako.ja.md":  strings.Replace(withdrawn, "Gone.", "この文章は撤回された物語にしかない特別な一文です。", 1),
		"content/talents/amina-k.en.md": hidden,
	})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, n := range fp.Needles {
		kinds[n.Text] = n.Kind
	}
	want := map[string]string{
		"山田 花子":           guard.KindRealName,
		"Amina Karimi":    guard.KindRealName,
		"Withdrawn story": guard.KindTitle,
		"talents/hanako/": guard.KindSlug,
		"この文章は撤回された物語にしかない特別な一文です。": guard.KindSentence,
	}
	for text, kind := range want {
		if kinds[text] != kind {
			t.Errorf("fingerprint %q: kind %q, want %q (all: %v)", text, kinds[text], kind, kinds)
		}
	}
	if _, ok := kinds["Hidden story"]; ok {
		t.Error("a published title is fingerprinted")
	}
}
