package build_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kakehashi/internal/build"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGoldenPages compares one page of each kind, in both languages where the
// kind exists in both, with files under testdata/golden (run with -update to
// accept a change, then read the diff before committing it).
func TestGoldenPages(t *testing.T) {
	src := writeSite(t, siteFiles)
	checkGolden(t, src, "", []string{
		"index.html",
		"404.html",
		"ja/index.html",
		"en/index.html",
		"en/talents/index.html",
		"en/talents/ok/index.html",
		"ja/talents/ok/index.html",
		"en/talents/alias/index.html",
		"en/employers/acme/index.html",
		"en/feed.xml",
		"sitemap.xml",
	})
}

// TestGoldenSampleSite covers every page kind in both languages on the sample
// site in the repository root.
func TestGoldenSampleSite(t *testing.T) {
	var pages []string
	for _, lang := range []string{"ja", "en"} {
		for _, p := range []string{"index.html", "talents/index.html", "talents/farida-n/index.html", "talents/thiha-a/index.html",
			"employers/index.html", "employers/yuzuakari-care/index.html", "about/organisation/index.html",
			"skills/index.html", "skills/networking/index.html", "industry/care/index.html", "feed.xml"} {
			pages = append(pages, lang+"/"+p)
		}
	}
	pages = append(pages, "ja/talents/samuel-n/index.html", "ja/talents/yulia-m/index.html")
	checkGolden(t, "../..", "sample_", pages)
}

func checkGolden(t *testing.T, src, prefix string, pages []string) {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := build.Run(build.Options{Source: src, Destination: dest, Now: now, NoMinify: true}); err != nil {
		t.Fatal(err)
	}
	for _, page := range pages {
		t.Run(page, func(t *testing.T) {
			got, err := os.ReadFile(filepath.Join(dest, page))
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", prefix+strings.ReplaceAll(page, "/", "_"))
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from %s:\n%s", page, golden, lineDiff(string(want), string(got)))
			}
		})
	}
}

// lineDiff shows the first lines that differ, enough to see what changed.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n- %s\n+ %s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}
