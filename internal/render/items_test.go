package render

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/site"
)

// itemsOf reads each language's stories off its home page's list; it must
// give what collecting and sorting them gives, ties of date included, with
// untranslated, skipped and (in a preview) unconsented stories about.
func TestItemsOfIsTheSortedStories(t *testing.T) {
	cfg := &config.Config{Languages: []string{"ja", "en"}, BaseURL: "https://example.org/"}
	rng := rand.New(rand.NewPCG(3, 4))
	files := map[string]string{}
	for i := range 300 {
		section := []string{"talents", "employers", "news"}[rng.IntN(3)]
		date := time.Date(2024, 1, 1+rng.IntN(20), 0, 0, 0, 0, time.UTC).Format("2006-01-02")
		for _, lang := range []string{"ja", "en"} {
			if rng.IntN(4) == 0 {
				continue // untranslated, or missing in both
			}
			publish := rng.IntN(6) != 0
			files[fmt.Sprintf("content/%s/s%03d.%s.md", section, i, lang)] = fmt.Sprintf("---\ntitle: Story %d\ndate: %s\nconsent:\n  publish: %t\n---\nBody.\n", i, date, publish)
		}
	}
	sources := parsedSources(t, cfg, files)
	for _, unconsented := range []bool{false, true} {
		s, err := site.Build(cfg, sources, site.Options{Consent: consent.Options{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}, Unconsented: unconsented})
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range cfg.Languages {
			got, want := itemsOf(s, lang), sortedItemsOf(s, lang)
			if len(want) < 100 || !slices.Equal(got, want) {
				t.Errorf("unconsented=%v, %s: itemsOf gives %d stories, sorting gives %d, or another order", unconsented, lang, len(got), len(want))
			}
		}
	}
}
