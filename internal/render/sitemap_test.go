package render

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
	"kakehashi/internal/minifier"
	"kakehashi/internal/site"
)

// compactSitemap writes what encoding/xml and the minifier write together,
// and leaves addresses XML would escape to them.
func TestCompactSitemapAsMarshalled(t *testing.T) {
	for _, tt := range []struct {
		name, baseURL, slug string
		compact             bool
	}{
		{"plain", "https://example.org/site/", "", true},
		{"ampersand in the base URL", "https://example.org/?a=1&b=2/", "", false},
		{"quote in the base URL", "https://example.org/it's/", "", false},
		{"non-ASCII slug", "https://example.org/", "café", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := sitemapSite(t, tt.baseURL, tt.slug)
			r := &Renderer{cfg: s.Config, minify: true}
			marshalled, err := marshalXML(r.sitemapSet(s))
			if err != nil {
				t.Fatal(err)
			}
			want, err := minifier.File("application/xml", marshalled)
			if err != nil {
				t.Fatal(err)
			}
			compact, ok := compactSitemap(r.sitemapSet(s))
			if ok != tt.compact {
				t.Fatalf("compactSitemap took it: %v, want %v", ok, tt.compact)
			}
			if ok && !bytes.Equal(compact, want) {
				t.Errorf("compact sitemap differs from the marshalled one minified:\n%s\nwant:\n%s", compact, want)
			}
			got, minified, err := r.sitemap(s)
			if err != nil {
				t.Fatal(err)
			}
			if !minified {
				if got, err = minifier.File("application/xml", got); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(got, want) {
				t.Errorf("sitemap (minified %v) differs from the marshalled one minified", minified)
			}
			if again, _ := minifier.File("application/xml", bytes.Clone(got)); !bytes.Equal(again, got) {
				t.Errorf("minifying the sitemap again changes it")
			}
		})
	}
}

// sitemapSite is a site of stories with and without dates and
// translations; slug, if not empty, names one of them.
func sitemapSite(t *testing.T, baseURL, slug string) *site.Site {
	t.Helper()
	cfg := &config.Config{Languages: []string{"ja", "en"}, BaseURL: baseURL}
	rng := rand.New(rand.NewPCG(5, 6))
	files := map[string]string{}
	for i := range 40 {
		section := []string{"talents", "employers"}[rng.IntN(2)]
		name := fmt.Sprintf("s%03d", i)
		if i == 7 && slug != "" {
			name = slug
		}
		date := ""
		if rng.IntN(3) != 0 {
			date = "date: " + time.Date(2024, 1, 1+rng.IntN(20), 0, 0, 0, 0, time.UTC).Format("2006-01-02") + "\n"
		}
		for _, lang := range []string{"ja", "en"} {
			if rng.IntN(3) == 0 {
				continue
			}
			files[fmt.Sprintf("content/%s/%s.%s.md", section, name, lang)] = fmt.Sprintf("---\ntitle: Story %d\n%sconsent:\n  publish: true\n---\nBody.\n", i, date)
		}
	}
	sources := parsedSources(t, cfg, files)
	s, err := site.Build(cfg, sources, site.Options{Consent: consent.Options{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// parsedSources parses files (path: text) as content files, sorted by path
// as the loader gives them.
func parsedSources(t *testing.T, cfg *config.Config, files map[string]string) []*content.Source {
	t.Helper()
	var sources []*content.Source
	for _, p := range slices.Sorted(maps.Keys(files)) {
		src, err := content.Parse(p, []byte(files[p]), cfg)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, src)
	}
	return sources
}
