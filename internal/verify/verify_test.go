package verify_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"kakehashi/internal/build"
	"kakehashi/internal/guard"
	"kakehashi/internal/imagemeta"
	"kakehashi/internal/publish"
	"kakehashi/internal/verify"
)

// hostile is the hostile corpus of the audit package: consent written every
// wrong way, and a few correct items around it.
const hostile = "../audit/testdata/hostile"

var now = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

var (
	builtOnce sync.Once
	builtDir  string
	builtErr  error
)

// built returns a fresh copy of the hostile corpus's output, built once per
// test binary with Now fixed.
func built(t *testing.T) string {
	t.Helper()
	builtOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kakehashi-verify-")
		if err != nil {
			builtErr = err
			return
		}
		builtDir = filepath.Join(dir, "public")
		_, builtErr = build.Run(build.Options{Source: hostile, Destination: builtDir, Now: now})
	})
	if builtErr != nil {
		t.Fatal(builtErr)
	}
	dest := filepath.Join(t.TempDir(), "public")
	copyDir(t, builtDir, dest)
	return dest
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(filepath.Dir(builtDir))
	}
	os.Exit(code)
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCleanOutputPasses(t *testing.T) {
	out := built(t)
	r, err := verify.Run(hostile, out, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		t.Errorf("finding on a clean build: %s", f)
	}
	if r.Files < 15 || r.Needles < 50 {
		t.Errorf("scanned %d files for %d needles: too few, the corpus was not read", r.Files, r.Needles)
	}
	if len(r.Decisions) == 0 {
		t.Error("no decisions in the report")
	}
}

// Tampering helpers: each edits the output folder dir.
func write(rel, data string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func appendTo(rel, data string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		old, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, append(old, data...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyIn copies a site file (relative to the corpus) into the output, as is
// or stripped of its metadata.
func copyIn(src, rel string, strip bool) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(hostile, filepath.FromSlash(src)))
		if err != nil {
			t.Fatal(err)
		}
		if strip {
			if data, err = imagemeta.Strip(imagemeta.JPEG, data); err != nil {
				t.Fatal(err)
			}
		}
		write(rel, string(data))(t, dir)
	}
}

func TestTamperedOutputFails(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, dir string)
		// The first finding: its file, kind and a substring of its text.
		file, kind, text string
		// Other kinds that must be among the findings.
		also []string
	}{
		{
			name:   "title of a skipped item injected into a page",
			tamper: appendTo("en/index.html", "<p>The lantern keeper of Quorvath</p>"),
			file:   "en/index.html", kind: guard.KindTitle, text: "The lantern keeper of Quorvath",
		},
		{
			name:   "title split by tags and entities",
			tamper: appendTo("ja/index.html", "<p>The lantern <em>keeper</em> of Qu&#111;rvath</p>"),
			file:   "ja/index.html", kind: guard.KindTitle, text: "The lantern keeper of Quorvath",
		},
		{
			name:   "distinctive sentence in an attribute",
			tamper: appendTo("en/talents/index.html", `<img alt="She still keeps the brass key of the Brindlemoss lighthouse in her coat pocket.">`),
			file:   "en/talents/index.html", kind: guard.KindSentence, text: "Brindlemoss lighthouse",
		},
		{
			name:   "real name without consent in the feed",
			tamper: appendTo("en/feed.xml", "<!-- by OTTOLINE  brackwater -->"),
			file:   "en/feed.xml", kind: guard.KindRealName, text: "Ottoline Brackwater",
		},
		{
			name:   "real name escaped in a JSON file",
			tamper: write("search.json", `[{"t":"Ottoline Brackw\u0061ter"}]`),
			file:   "search.json", kind: guard.KindRealName, text: "Ottoline Brackwater",
			also: []string{verify.KindUnexpected},
		},
		{
			name:   "JPEG with EXIF GPS dropped into the output",
			tamper: copyIn("content/talents/ok-published.jpg", "en/leak.jpg", false),
			file:   "en/leak.jpg", kind: verify.KindMetadata, text: "EXIF",
			also: []string{verify.KindUnreachable},
		},
		{
			name:   "consented photo with its metadata back",
			tamper: copyIn("content/talents/ok-published.jpg", "ja/talents/ok-published/ok-published.jpg", false),
			file:   "ja/talents/ok-published/ok-published.jpg", kind: verify.KindMetadata, text: "EXIF",
		},
		{
			name:   "photo whose consent is not given, stripped and renamed",
			tamper: copyIn("content/talents/ok-no-photo.jpg", "en/talents/ok-real-name/portrait.jpg", true),
			file:   "en/talents/ok-real-name/portrait.jpg", kind: verify.KindUnconsented, text: "content/talents/ok-no-photo.jpg",
		},
		{
			name:   "photo of a withdrawn item",
			tamper: copyIn("content/talents/publish-false.jpg", "theme/bg.jpg", true),
			file:   "theme/bg.jpg", kind: verify.KindUnconsented, text: "content/talents/publish-false.jpg",
		},
		{
			name:   "not a valid image",
			tamper: write("en/broken.png", "Ottoline Brackwater"),
			file:   "en/broken.png", kind: verify.KindInvalidImage, text: "not a valid PNG",
			also: []string{guard.KindRealName, verify.KindUnreachable},
		},
		{
			name: "real name after the end of an image",
			tamper: func(t *testing.T, dir string) {
				copyIn("content/talents/ok-published.jpg", "ja/talents/ok-published/ok-published.jpg", true)(t, dir)
				appendTo("ja/talents/ok-published/ok-published.jpg", "Ottoline Brackwater")(t, dir)
			},
			file: "ja/talents/ok-published/ok-published.jpg", kind: verify.KindMetadata, text: "trailing data",
			also: []string{guard.KindRealName},
		},
		{
			name:   "stale page of an item skipped in every language",
			tamper: write("en/talents/publish-yes/index.html", "<h1>The lantern keeper of Drummaloch</h1>"),
			file:   "en/talents/publish-yes/index.html", kind: verify.KindSkippedPage, text: "en/talents/publish-yes/",
			also: []string{guard.KindTitle},
		},
		{
			name:   "stale page of the skipped translation",
			tamper: write("en/talents/ok-ja-only/index.html", "<h1>old</h1>"),
			file:   "en/talents/ok-ja-only/index.html", kind: verify.KindSkippedPage, text: "en/talents/ok-ja-only/",
		},
		{
			name:   "slug of a skipped item in a file name",
			tamper: write("downloads/Consnet.txt", "hello"),
			file:   "downloads/Consnet.txt", kind: verify.KindSkippedSlug, text: "consnet",
		},
		{
			name:   "relative link to a skipped item",
			tamper: appendTo("en/employers/ok-employer/index.html", `<a href="../../talents/pubilsh/">more</a>`),
			file:   "en/employers/ok-employer/index.html", kind: verify.KindLink, text: "../../talents/pubilsh/",
		},
		{
			name:   "absolute link to the skipped translation in the sitemap",
			tamper: appendTo("sitemap.xml", "<url><loc>https://example.org/en/talents/ok-ja-only/</loc></url>"),
			file:   "sitemap.xml", kind: verify.KindLink, text: "en/talents/ok-ja-only",
		},
		{
			name:   "file left from an earlier build",
			tamper: write("en/old/index.html", "<p>nothing personal</p>"),
			file:   "en/old/index.html", kind: verify.KindUnexpected, text: "en/old/index.html",
		},
		{
			name:   "hidden file",
			tamper: write(".DS_Store", "\x00\x00\x00\x01Bud1"),
			file:   ".DS_Store", kind: verify.KindUnexpected, text: ".DS_Store",
		},
		{
			name: "symbolic link",
			tamper: func(t *testing.T, dir string) {
				if err := os.Symlink("/etc/hostname", filepath.Join(dir, "host.txt")); err != nil {
					t.Skip(err)
				}
			},
			file: "host.txt", kind: verify.KindSymlink, text: "host.txt",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := built(t)
			tc.tamper(t, out)
			findings, err := verify.Verify(hostile, out, now)
			if err != nil {
				t.Fatal(err)
			}
			if len(findings) == 0 {
				t.Fatal("no findings")
			}
			first := findings[0]
			if first.File != tc.file || first.Kind != tc.kind || !strings.Contains(strings.ToLower(first.Text), strings.ToLower(tc.text)) {
				t.Errorf("first finding = %s\nwant file %s, kind %q, text containing %q", first, tc.file, tc.kind, tc.text)
			}
			kinds := map[string]bool{}
			for _, f := range findings {
				kinds[f.Kind] = true
				if f.File != tc.file {
					t.Errorf("finding in an untouched file: %s", f)
				}
			}
			for _, k := range tc.also {
				if !kinds[k] {
					t.Errorf("no %q finding among %v", k, findings)
				}
			}
			if s := first.String(); !strings.HasPrefix(s, tc.file) || !strings.Contains(s, first.Text) {
				t.Errorf("String() = %q does not name the file and the string", s)
			}
		})
	}
}

// TestLineNumbers checks that a finding in a text file carries its line.
func TestLineNumbers(t *testing.T) {
	out := built(t)
	appendTo("robots.txt", "\n\nThe lantern keeper of Caskwell\n")(t, out)
	findings, err := verify.Verify(hostile, out, now)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(out, "robots.txt"))
	want := strings.Count(string(data), "\n") - 0 // the title is on the last line
	if len(findings) != 1 || findings[0].Line != want {
		t.Fatalf("findings = %v, want one on line %d", findings, want)
	}
}

// TestConsentEndsAfterBuild verifies an output built before an item's
// consent ended: on and after the end date, its pages are findings.
func TestConsentEndsAfterBuild(t *testing.T) {
	out := built(t)
	later := time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC) // ok-published expires
	findings, err := verify.Verify(hostile, out, later)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, f := range findings {
		files[f.File] = true
	}
	for _, want := range []string{"en/talents/ok-published/index.html", "ja/talents/ok-published/index.html", "ja/talents/ok-published/ok-published.jpg"} {
		if !files[want] {
			t.Errorf("no finding for %s after consent ended; findings: %v", want, findings)
		}
	}
	if findings, err := verify.Verify(hostile, out, later.AddDate(0, 0, -1)); err != nil || len(findings) != 0 {
		t.Errorf("the day before consent ends: %v, %v; want no findings", findings, err)
	}
}

// TestRealNameInSource: a published source that names a person without
// consent is a finding against the source, and the output is still checked.
func TestRealNameInSource(t *testing.T) {
	out := built(t)
	site := filepath.Join(t.TempDir(), "site")
	copyDir(t, hostile, site)
	p := filepath.Join(site, "content", "employers", "ok-employer.en.md")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(data, "\nThanks to Ottoline Brackwater.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	write("en/leak.jpg", "not an image")(t, out)
	findings, err := verify.Verify(site, out, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) == 0 || findings[0].Kind != verify.KindSourceLeak || findings[0].File != "content/employers/ok-employer.en.md" || findings[0].Line == 0 {
		t.Fatalf("first finding = %v, want a %q in content/employers/ok-employer.en.md with its line", findings, verify.KindSourceLeak)
	}
	var imageChecked bool
	for _, f := range findings {
		imageChecked = imageChecked || f.File == "en/leak.jpg"
	}
	if !imageChecked {
		t.Errorf("the output was not checked after the source finding: %v", findings)
	}
}

func TestDrafts(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	if _, err := build.Run(build.Options{Source: hostile, Destination: out, Now: now, Drafts: true}); err != nil {
		t.Fatal(err)
	}
	findings, err := verify.Verify(hostile, out, now)
	if err != nil {
		t.Fatal(err)
	}
	var pageFound bool
	for _, f := range findings {
		pageFound = pageFound || f.File == "en/talents/draft-true/index.html" && f.Kind == verify.KindSkippedPage
	}
	if !pageFound {
		t.Errorf("a drafts build verified without drafts: no %q finding for the draft's page among %v", verify.KindSkippedPage, findings)
	}
	if findings, err := verify.Verify(hostile, out, now, verify.WithDrafts(true)); err != nil || len(findings) != 0 {
		t.Errorf("with drafts: %v, %v; want no findings", findings, err)
	}
}

func TestErrors(t *testing.T) {
	if _, err := verify.Verify(hostile, filepath.Join(t.TempDir(), "missing"), now); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing output folder: %v", err)
	}
	if _, err := verify.Verify(t.TempDir(), built(t), now); err == nil || !strings.Contains(err.Error(), "site.yaml") {
		t.Errorf("site folder without site.yaml: %v", err)
	}
}

// TestScanMemoryOutput runs Scan the way a build can before its swap: on an
// output held in memory, with the set of files the build wrote.
func TestScanMemoryOutput(t *testing.T) {
	fsys := os.DirFS(hostile)
	mem := publish.NewMem()
	res, err := build.Into(fsys, mem, build.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	fp, err := guard.Check(res.Site)
	if err != nil {
		t.Fatal(err)
	}
	out := fstest.MapFS{}
	expected := map[string]bool{}
	for p, data := range mem.Map() {
		out[p] = &fstest.MapFile{Data: data}
		expected[p] = true
	}
	in := verify.Input{Site: res.Site, Fingerprints: fp, SiteFS: fsys, Expected: expected}
	rep, err := verify.Scan(in, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 0 || rep.Files != len(expected) {
		t.Fatalf("clean output: %d files scanned of %d, findings %v", rep.Files, len(expected), rep.Findings)
	}
	out["en/index.html"] = &fstest.MapFile{Data: append(slices.Clone(out["en/index.html"].Data), "Ysolde Ambercroftsdottir"...)}
	if rep, err = verify.Scan(in, out); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Kind != guard.KindRealName || rep.Findings[0].File != "en/index.html" {
		t.Errorf("findings = %v, want the real name in en/index.html", rep.Findings)
	}
	// Without fingerprints and without the expected set, paths and images are still checked.
	out["en/talents/consnet/index.html"] = &fstest.MapFile{Data: []byte("x")}
	if rep, err = verify.Scan(verify.Input{Site: res.Site}, out); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Kind != verify.KindSkippedPage {
		t.Errorf("findings = %v, want only the page of the skipped item", rep.Findings)
	}
}

func TestFindingString(t *testing.T) {
	tests := []struct {
		f    verify.Finding
		want string
	}{
		{verify.Finding{File: "en/index.html", Line: 12, Kind: guard.KindTitle, Text: "A title", Owner: "talents/x", Detail: "content/talents/x.en.md is skipped: draft"},
			`en/index.html:12: title "A title" of talents/x: content/talents/x.en.md is skipped: draft`},
		{verify.Finding{File: "a.jpg", Kind: verify.KindMetadata, Text: "EXIF, XMP"},
			`a.jpg: image metadata "EXIF, XMP"`},
		{verify.Finding{File: "x.txt", Kind: verify.KindUnexpected, Text: "x.txt\n", Detail: "why"},
			`x.txt: file not written by the build "x.txt\n": why`},
	}
	for _, tc := range tests {
		if got := tc.f.String(); got != tc.want {
			t.Errorf("String() = %s\nwant       %s", got, tc.want)
		}
	}
}
