package guard_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
	"kakehashi/internal/guard"
	"kakehashi/internal/leakscan"
	"kakehashi/internal/site"
)

// A Checker kept between builds (the preview server) reuses the needles,
// the compiled set and the findings of unchanged sources; after any edit it
// must give exactly what a fresh Check of the same sources gives.
func TestCheckerAfterEditsEqualsFreshCheck(t *testing.T) {
	cfg := &config.Config{Languages: []string{"ja", "en"}, BaseURL: "https://example.org/"}
	opts := site.Options{Consent: consent.Options{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}}
	variants := func(i int) []string {
		name := fmt.Sprintf("Person%02d Fullname", i)
		front := func(publish, realName bool, title string) string {
			return fmt.Sprintf("---\ntitle: %s\nname: %q\nalias: A%02d\nconsent:\n  publish: %t\n  real_name: %t\n  given_by: %q\n---\n", title, name, i, publish, realName, name)
		}
		long := fmt.Sprintf("This sentence belongs to story number %d and to no other story at all.", i)
		return []string{
			front(true, false, fmt.Sprintf("Story %d", i)) + long + "\n",
			front(true, true, fmt.Sprintf("Story %d", i)) + long + "\n",
			front(false, false, fmt.Sprintf("Story %d", i)) + long + "\n",
			front(true, false, "Shared title") + "Another body of text for the story, long enough to count.\n",
			front(false, false, "Shared title") + long + " It names " + fmt.Sprintf("Person%02d Fullname", (i+1)%8) + ".\n",
			front(true, false, fmt.Sprintf("Story %d", i)) + "It mentions " + fmt.Sprintf("Person%02d Fullname", (i+3)%8) + " by name.\n",
			// The same story with a consent record added, and with its body edited.
			strings.Replace(front(true, false, fmt.Sprintf("Story %d", i)), "consent:\n", "consent:\n  approved_by: \"Recorder Number"+fmt.Sprint(i)+"\"\n", 1) + long + "\n",
			front(true, false, fmt.Sprintf("Story %d", i)) + long + " Edited.\n",
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	files := map[string]*content.Source{}
	parse := func(path, text string) *content.Source {
		src, err := content.Parse(path, []byte(text), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return src
	}
	for i := range 8 {
		for _, lang := range []string{"ja", "en"} {
			p := fmt.Sprintf("content/talents/t%02d.%s.md", i, lang)
			files[p] = parse(p, variants(i)[0])
		}
	}
	var kept guard.Checker
	for round := range 200 {
		// Edit one to three files; the others keep their *content.Source.
		for range 1 + rng.IntN(3) {
			i, lang := rng.IntN(8), []string{"ja", "en"}[rng.IntN(2)]
			p := fmt.Sprintf("content/talents/t%02d.%s.md", i, lang)
			vs := variants(i)
			files[p] = parse(p, vs[rng.IntN(len(vs))])
		}
		var sources []*content.Source
		for _, src := range files {
			sources = append(sources, src)
		}
		slices.SortFunc(sources, func(a, b *content.Source) int { return strings.Compare(a.Path, b.Path) })
		s, err := site.Build(cfg, sources, opts)
		if err != nil {
			t.Fatal(err)
		}
		got, gotErr := kept.Check(s)
		want, wantErr := guard.Check(s)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("round %d: kept checker error %v, fresh %v", round, gotErr, wantErr)
		}
		if wantErr != nil {
			continue
		}
		if !slices.Equal(got.Needles, want.Needles) {
			t.Fatalf("round %d: kept checker needles\n%v\nfresh\n%v", round, got.Needles, want.Needles)
		}
		if got.Key() != want.Key() {
			t.Fatalf("round %d: keys differ", round)
		}
	}
}

// An edit of a skipped story changes its fingerprints at once, even though
// nothing else about the site changed: its new sentences and title are
// needles, the old ones no longer.
func TestKeptCheckerSeesAnEditedSkippedStory(t *testing.T) {
	cfg := &config.Config{Languages: []string{"ja", "en"}, BaseURL: "https://example.org/"}
	opts := site.Options{Consent: consent.Options{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}}
	parse := func(path, text string) *content.Source {
		src, err := content.Parse(path, []byte(text), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return src
	}
	published := parse("content/talents/a.en.md", "---\ntitle: Published\nconsent:\n  publish: true\n---\nA published story with enough words to matter.\n")
	var kept guard.Checker
	for _, sentence := range []string{
		"The first version of this withdrawn story says something quite distinctive.",
		"The second version of this withdrawn story says something else entirely distinctive.",
	} {
		skipped := parse("content/talents/b.en.md", "---\ntitle: Withdrawn\nconsent:\n  publish: false\n---\n"+sentence+"\n")
		s, err := site.Build(cfg, []*content.Source{published, skipped}, opts)
		if err != nil {
			t.Fatal(err)
		}
		fp, err := kept.Check(s)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(fp.Needles, func(n leakscan.Needle) bool { return n.Text == sentence }) {
			t.Errorf("after the edit, %q is not a needle: %v", sentence, fp.Needles)
		}
	}
}
