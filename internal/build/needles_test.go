package build_test

import (
	"encoding/json"
	"os"
	"testing"

	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
	"kakehashi/internal/guard"
	"kakehashi/internal/site"
)

// TestWriteNeedles writes the fingerprints of the site in
// KAKEHASHI_NEEDLES_SITE, as JSON, to KAKEHASHI_NEEDLES_OUT, for
// leakscan's BenchmarkBuildScan (which cannot import the guard):
//
//	KAKEHASHI_NEEDLES_SITE=SITE KAKEHASHI_NEEDLES_OUT=needles.json go test ./internal/build -run TestWriteNeedles
func TestWriteNeedles(t *testing.T) {
	dir, out := os.Getenv("KAKEHASHI_NEEDLES_SITE"), os.Getenv("KAKEHASHI_NEEDLES_OUT")
	if dir == "" || out == "" {
		t.Skip("KAKEHASHI_NEEDLES_SITE and KAKEHASHI_NEEDLES_OUT are not set")
	}
	fsys := os.DirFS(dir)
	cfg, err := config.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	sources, err := content.Load(fsys, cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := site.Build(cfg, sources, site.Options{Consent: consent.Options{Now: now}, FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	fp, err := guard.Check(s)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(fp.Needles)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d needles", len(fp.Needles))
}
