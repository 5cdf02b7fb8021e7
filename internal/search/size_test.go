package search_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
	"kakehashi/internal/search"
)

// markup is what plainText drops from Markdown: link targets, images, HTML
// comments and tags. Rough, but the renderer passes real page text anyway.
var markup = regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|<!--.*?-->|<[^>]+>|\[\^\d+\]:?`)

func plainText(md []byte) string { return markup.ReplaceAllString(string(md), "]") }

// sampleDocs returns the published items of the sample site in the repository
// root, per language, as the renderer would pass them (roughly).
func sampleDocs(t *testing.T) map[string][]search.Doc {
	t.Helper()
	fsys := os.DirFS("../..")
	cfg, err := config.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	sources, err := content.Load(fsys, cfg)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	out := map[string][]search.Doc{}
	for _, s := range sources {
		if !s.IsIndex && !consent.Decide(s.Front, s.Lang, consent.Options{Now: now}).Publish {
			continue
		}
		m := s.Meta
		url := path.Join("/", s.Lang, s.Section, s.Slug) + "/"
		if s.IsIndex {
			url = path.Join("/", s.Lang, s.Dir) + "/"
		}
		out[s.Lang] = append(out[s.Lang], search.Doc{
			URL:   url,
			Title: m.Title,
			Text:  strings.Join([]string{m.Alias, m.Role, m.Company, plainText(s.Body)}, "\n"),
		})
	}
	return out
}

// TestSizeOnSampleSite bounds the index against the text it indexes, and logs
// what a reader downloads (go test -v -run Size).
func TestSizeOnSampleSite(t *testing.T) {
	for lang, docs := range sampleDocs(t) {
		text := 0
		for _, d := range docs {
			text += len(d.Title) + len(d.Text)
		}
		ix := build(t, docs)
		var gz bytes.Buffer
		w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		w.Write(ix)
		w.Close()
		t.Logf("%s: %d docs, %d bytes of text → index %d bytes, %d gzipped", lang, len(docs), text, len(ix), gz.Len())
		// Japanese text is 3 bytes a character and each character starts a
		// bigram key of 6 bytes: about twice the text before gzip, a third of it after.
		if len(ix) > text*2 {
			t.Errorf("%s: index is %d bytes for %d bytes of text: more than 2×", lang, len(ix), text)
		}
		if gz.Len() > 32<<10 {
			t.Errorf("%s: index is %d bytes gzipped, more than 32 KB for a %d-page site", lang, gz.Len(), len(docs))
		}
	}
}

// TestSizeGrowsWithVocabularyNotText: a site of many stories that share their
// words costs a few bytes per story, not a copy of each story.
func TestSizeGrowsWithVocabularyNotText(t *testing.T) {
	body := strings.Repeat("難民認定申請中のエンジニアが東京の会社でネットワークの仕事を始めました。", 20) +
		strings.Repeat("She restarted her career as a network engineer in Tokyo. ", 20)
	var docs []search.Doc
	for i := 0; i < 500; i++ {
		docs = append(docs, search.Doc{URL: fmt.Sprintf("/ja/talents/p%03d/", i), Title: fmt.Sprintf("物語 %d", i), Text: body})
	}
	ix := build(t, docs)
	if per := len(ix) / len(docs); per > 400 {
		t.Errorf("index costs %d bytes per story (%d in all)", per, len(ix))
	}
}
