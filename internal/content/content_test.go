package content_test

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/content"
)

var cfg = &config.Config{Languages: []string{"ja", "en"}}

func TestParseForms(t *testing.T) {
	tests := []struct {
		name, file, text string
		lang, key, slug  string
		title            string
		bodyLine         int
	}{
		{"YAML", "content/talents/a.en.md", "---\ntitle: A\n---\nBody\n", "en", "talents/a", "a", "A", 4},
		{"TOML", "content/talents/a.ja.md", "+++\ntitle = \"A\"\n+++\nBody\n", "ja", "talents/a", "a", "A", 4},
		{"BOM", "content/talents/a.en.md", "\ufeff---\ntitle: A\n---\nBody\n", "en", "talents/a", "a", "A", 4},
		{"CRLF", "content/talents/a.en.md", "---\r\ntitle: A\r\n---\r\nBody\r\n", "en", "talents/a", "a", "A", 4},
		{"no language suffix is the default language", "content/talents/a.md", "---\ntitle: A\n---\n", "ja", "talents/a", "a", "A", 4},
		{"blank lines before front matter", "content/a.en.md", "\n\n---\ntitle: A\n---\nBody\n", "en", "a", "a", "A", 6},
		{"slug from front matter", "content/talents/a.en.md", "---\ntitle: A\nslug: other\n---\n", "en", "talents/a", "other", "A", 5},
		{"section index", "content/talents/_index.en.md", "---\ntitle: T\n---\n", "en", "talents/_index", "_index", "T", 4},
		{"dots in slug are not a language", "content/talents/a.b.md", "---\ntitle: A\n---\n", "ja", "talents/a.b", "a.b", "A", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := content.Parse(tt.file, []byte(tt.text), cfg)
			if tt.slug == "a.b" {
				if err == nil {
					t.Fatal("a slug with a dot was accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if src.Lang != tt.lang || src.Key != tt.key || src.Slug != tt.slug || src.Meta.Title != tt.title || src.BodyLine != tt.bodyLine {
				t.Errorf("got lang %q key %q slug %q title %q bodyLine %d", src.Lang, src.Key, src.Slug, src.Meta.Title, src.BodyLine)
			}
			if strings.Contains(string(src.Body), "\r") {
				t.Error("CR left in body")
			}
		})
	}
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"broken YAML", "---\ntitle: A\nskills: [a, b\ndate: 2024-01-01\n---\n", "content/talents/x.en.md:"},
		{"bad indentation", "---\ntitle: A\n  consent: x\n---\n", "content/talents/x.en.md:3:"},
		{"broken TOML", "+++\ntitle = \"A\"\n[consent\n+++\n", "content/talents/x.en.md:3:"},
		{"never closed", "---\ntitle: A\n", "content/talents/x.en.md:1: front matter opened with --- is never closed"},
		{"no front matter", "just text\n", "content/talents/x.en.md:1: no front matter"},
		{"bad UTF-8", "---\ntitle: A\n---\nok\n\xff\xfe\n", "content/talents/x.en.md:5: not valid UTF-8"},
		{"bad date", "---\ntitle: A\ndate: 15/06/2023\n---\n", "content/talents/x.en.md:3: date \"15/06/2023\" is not a date"},
		{"skills as text", "---\ntitle: A\nskills: go, linux\n---\n", "content/talents/x.en.md:3: skills must be a list"},
		{"title as list", "---\ntitle: [a]\n---\n", "content/talents/x.en.md:2: title must be text"},
		{"slug with slash", "---\ntitle: A\nslug: ../x\n---\n", "content/talents/x.en.md:3: slug"},
		{"photo outside", "---\ntitle: A\nphoto: ../../x.jpg\n---\n", "content/talents/x.en.md:3: photo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := content.Parse("content/talents/x.en.md", []byte(tt.text), cfg)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestUnknownLanguageSuffix(t *testing.T) {
	_, err := content.Parse("content/talents/x.fr.md", []byte("---\ntitle: A\n---\n"), cfg)
	if err == nil || !strings.Contains(err.Error(), `language "fr" is not in site.yaml`) {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadReportsEveryBrokenFile(t *testing.T) {
	fsys := fstest.MapFS{
		"content/a.en.md":        {Data: []byte("---\ntitle: [\n---\n")},
		"content/b.en.md":        {Data: []byte("---\ntitle: ok\n---\n")},
		"content/c/d.en.md":      {Data: []byte("no front matter")},
		"content/photo.jpg":      {Data: []byte("not read")},
		"content/.hidden.en.md":  {Data: []byte("ignored")},
		"content/c/.#lock.en.md": {Data: []byte("ignored")},
	}
	_, err := content.Load(fsys, cfg)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"content/a.en.md:", "content/c/d.en.md:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %s: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), ".hidden") || strings.Contains(err.Error(), ".#lock") {
		t.Errorf("hidden files were read: %v", err)
	}
}

func TestLoadIsSortedAndGroupsTranslations(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, name := range []string{"content/talents/b.ja.md", "content/talents/a.en.md", "content/talents/a.ja.md", "content/_index.en.md"} {
		fsys[name] = &fstest.MapFile{Data: []byte("---\ntitle: x\ndate: 2024-02-29\n---\n")}
	}
	srcs, err := content.Load(fsys, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range srcs {
		got = append(got, s.Key+"@"+s.Lang)
	}
	if strings.Join(got, " ") != "_index@en talents/a@en talents/a@ja talents/b@ja" {
		t.Errorf("got %v", got)
	}
	if !srcs[1].Meta.Date.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date = %v", srcs[1].Meta.Date)
	}
}
