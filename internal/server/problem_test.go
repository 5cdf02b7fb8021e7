package server

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kakehashi/internal/build"
	"kakehashi/internal/fileerr"
	"kakehashi/internal/publish"
)

func TestProblems(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []Problem
	}{
		{"nil", nil, nil},
		{"file error", fileerr.Errorf("content/a.en.md", 4, "found unexpected end of stream"),
			[]Problem{{"content/a.en.md", 4, "found unexpected end of stream"}}},
		{"joined", errors.Join(fileerr.Errorf("content/a.en.md", 4, "one"), fileerr.Errorf("content/b.en.md", 0, "two")),
			[]Problem{{"content/a.en.md", 4, "one"}, {"content/b.en.md", 0, "two"}}},
		{"wrapped", fmt.Errorf("load: %w", fileerr.Errorf("content/a.en.md", 4, "one")),
			[]Problem{{"content/a.en.md", 4, "load: one"}}},
		{"leak", &publish.LeakError{File: "en/index.html", Line: 3},
			[]Problem{{"en/index.html", 3, `leak: the  "" of , which is not consented for publication, is in the output; nothing was published`}}},
		{"template execution", errors.New(`layouts/talent.html: rendering en/x/index.html: template: talent.html:3:3: executing "main" at <.Nope>: can't evaluate field Nope`),
			[]Problem{{"layouts/talent.html", 3, `rendering en/x/index.html: template: talent.html:3:3: executing "main" at <.Nope>: can't evaluate field Nope`}}},
		{"template in base", errors.New(`layouts/home.html: rendering en/index.html: template: base.html:2:3: executing "base.html" at <.Nope>: nope`),
			[]Problem{{"layouts/base.html", 2, `rendering en/index.html: template: base.html:2:3: executing "base.html" at <.Nope>: nope`}}},
		{"template in a partial", errors.New(`layouts/home.html: rendering en/index.html: template: card.html:7:3: executing "card" at <.Nope>: nope`),
			[]Problem{{"layouts/partials/card.html", 7, `rendering en/index.html: template: card.html:7:3: executing "card" at <.Nope>: nope`}}},
		{"partial folder", errors.New(`layouts/partials: template: footer.html:1: missing value for if`),
			[]Problem{{"layouts/partials/footer.html", 1, `template: footer.html:1: missing value for if`}}},
		{"no position", errors.New("something broke"), []Problem{{"", 0, "something broke"}}},
	}
	for _, tt := range tests {
		got := Problems(tt.err)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: Problems = %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

// TestProblemsOfRealBuilds breaks a copy of the test site in each way a
// volunteer might, and checks that the overlay names the file and line.
func TestProblemsOfRealBuilds(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		file  string
		line  int
	}{
		{"bad YAML", map[string]string{"content/talents/omar-s.en.md": "---\ntitle: \"x\nfoo: [\n---\nbody\n"}, "content/talents/omar-s.en.md", 4},
		{"template execution", map[string]string{"layouts/talent.html": "{{ define \"main\" }}\n<p>\n{{ .Nope }}</p>{{ end }}\n"}, "layouts/talent.html", 3},
		{"template syntax", map[string]string{"layouts/talent.html": "{{ define \"main\" }}\n<p>\n{{ if }}</p>{{ end }}\n"}, "layouts/talent.html", 3},
		{"partial", map[string]string{"layouts/partials/card.html": "{{ define \"card\" }}\n\n{{ .Nope }}{{ end }}\n"}, "layouts/partials/card.html", 3},
		{"site.yaml", map[string]string{"site.yaml": "title: [\nlanguages: ja\n"}, "site.yaml", 2},
		{"UI strings", map[string]string{"layouts/i18n/en.yaml": "a: [\n"}, "layouts/i18n/en.yaml", 1},
		{"symbolic link in static", map[string]string{"static/secret": "@/etc/passwd"}, "static/secret", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copySite(t)
			for p, data := range tt.files {
				full := filepath.Join(dir, filepath.FromSlash(p))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if strings.HasPrefix(data, "@") {
					err := os.Symlink(data[1:], full)
					if err != nil {
						t.Skip(err)
					}
					continue
				}
				if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := build.Into(os.DirFS(dir), publish.NewMem(), testOptions())
			ps := Problems(err)
			if len(ps) != 1 || ps[0].File != tt.file || ps[0].Line != tt.line || ps[0].Message == "" {
				t.Errorf("Problems(%v) = %q, want one in %s line %d", err, ps, tt.file, tt.line)
			}
		})
	}
}
