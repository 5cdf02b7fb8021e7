package build_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kakehashi/internal/build"
	"kakehashi/internal/publish"
)

// sessionSite copies the preview server's test site.
func sessionSite(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if err := os.CopyFS(dir, os.DirFS("../server/testdata/site")); err != nil {
		t.Fatal(err)
	}
	return dir
}

var sessionOptions = build.Options{Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), BaseURL: "http://127.0.0.1:1313/"}

func sessionEdit(t *testing.T, dir, rel string, edit func(string) string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	data, _ := os.ReadFile(p)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(edit(string(data))), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sessionSame(t *testing.T, dir string, snap *build.Snapshot) {
	t.Helper()
	mem := publish.NewMem()
	if _, err := build.Into(os.DirFS(dir), mem, sessionOptions); err != nil {
		t.Fatalf("full build: %v", err)
	}
	want := mem.Map()
	got := readSnapshot(t, snap)
	if len(want) != len(got) {
		t.Fatalf("session has %d files, a full build %d", len(got), len(want))
	}
	for p, w := range want {
		if !bytes.Equal(got[p], w) {
			t.Fatalf("%s differs from a full build", p)
		}
	}
}

// TestSessionKeepsFailingUntilFixed: a file still broken keeps the build
// failing whatever else is saved meanwhile; the fix alone makes it succeed.
func TestSessionKeepsFailingUntilFixed(t *testing.T) {
	dir := sessionSite(t)
	s := build.NewSession(dir, sessionOptions)
	if _, err := s.Rebuild(nil); err != nil {
		t.Fatal(err)
	}
	const a, b, footer = "content/talents/amina-k.en.md", "content/talents/omar-s.en.md", "layouts/partials/footer.html"
	breakIt := func(s string) string { return strings.Replace(s, "---\n", "---\nbroken: [\n", 1) }
	fixIt := func(s string) string { return strings.Replace(s, "broken: [\n", "", 1) }
	edit := func(s string) string { return s + "\nOne more line.\n" }

	sessionEdit(t, dir, a, breakIt)
	if _, err := s.Rebuild([]string{a}); err == nil {
		t.Fatal("broken front matter built")
	}
	sessionEdit(t, dir, b, edit)
	if _, err := s.Rebuild([]string{b}); err == nil || !strings.Contains(err.Error(), a) {
		t.Fatalf("another file saved while %s is broken: error %v, want the broken file named", a, err)
	}
	sessionEdit(t, dir, a, fixIt)
	snap, err := s.Rebuild([]string{a})
	if err != nil {
		t.Fatalf("after the fix: %v", err)
	}
	sessionSame(t, dir, snap)

	sessionEdit(t, dir, footer, func(string) string { return `{{ define "footer" }}{{ if }}{{ end }}` })
	if _, err := s.Rebuild([]string{footer}); err == nil {
		t.Fatal("a broken layout built")
	}
	sessionEdit(t, dir, b, edit)
	if _, err := s.Rebuild([]string{b}); err == nil {
		t.Fatal("a content save while a layout is broken built with the old layout")
	}
	if err := os.Remove(filepath.Join(dir, footer)); err != nil {
		t.Fatal(err)
	}
	snap, err = s.Rebuild([]string{footer})
	if err != nil {
		t.Fatalf("after removing the broken layout: %v", err)
	}
	sessionSame(t, dir, snap)
}

func readSnapshot(t *testing.T, snap *build.Snapshot) map[string][]byte {
	t.Helper()
	files, err := snap.Files.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestSessionSnapshotsAreImmutable(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testSnapshotsAreImmutable(t, sessionOptions) })
	t.Run("store", func(t *testing.T) {
		opts := sessionOptions
		opts.Store = publish.NewStore(t.TempDir())
		testSnapshotsAreImmutable(t, opts)
	})
}

func testSnapshotsAreImmutable(t *testing.T, opts build.Options) {
	dir := sessionSite(t)
	s := build.NewSession(dir, opts)
	first, err := s.Rebuild(nil)
	if err != nil {
		t.Fatal(err)
	}
	copyOf := map[string][]byte{}
	for p, d := range readSnapshot(t, first) {
		copyOf[p] = bytes.Clone(d)
	}
	const a = "content/talents/amina-k.en.md"
	sessionEdit(t, dir, a, func(s string) string { return strings.Replace(s, "Original paragraph one.", "Changed.", 1) })
	second, err := s.Rebuild([]string{a})
	if err != nil {
		t.Fatal(err)
	}
	page := "en/talents/amina-k/index.html"
	if bytes.Equal(readSnapshot(t, second)[page], readSnapshot(t, first)[page]) {
		t.Fatal("the edit did not change the page")
	}
	sessionSame(t, dir, second)
	firstNow := readSnapshot(t, first)
	for p, d := range copyOf {
		if !bytes.Equal(firstNow[p], d) {
			t.Errorf("%s of the first snapshot changed after the second rebuild", p)
		}
	}
	if second.Result.Took <= 0 {
		t.Errorf("Result.Took not set")
	}
}
