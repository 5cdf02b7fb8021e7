package build_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"kakehashi/internal/build"
	"kakehashi/internal/publish"
	"kakehashi/internal/render"
	"kakehashi/internal/search"
)

var now = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// siteFiles is a small site with one item for each way of not being published.
// Every string marked UNIQUE appears only in its own unpublished file.
var siteFiles = map[string]string{
	"site.yaml":            "title: { ja: \"テストサイト\", en: \"Test Site\" }\nbaseURL: https://example.org/\nlanguages: [ja, en]\n",
	"content/_index.en.md": "---\ntitle: Home\n---\nWelcome.\n",
	"content/_index.ja.md": "---\ntitle: ホーム\n---\nようこそ。\n",
	"content/talents/ok.en.md": `---
title: "Open engineer story"
name: "Consented Person"
alias: "C.P."
role: "Engineer"
skills: [go]
employer: acme
date: 2024-01-02
consent:
  publish: true
  real_name: true
  given_by: "Consented Person"
---
A published story. Links: [withdrawn one](/en/talents/withdrawn/), [expired](../expired/), [abs](https://example.org/en/talents/wrongtype/).
`,
	"content/talents/ok.ja.md": `---
title: "公開されているエンジニアの話"
name: "コンセント・パーソン"
alias: "C.P."
date: 2024-01-02
consent:
  publish: true
  real_name: true
---
公開されている物語です。
`,
	"content/talents/alias.en.md": `---
title: "Alias only story"
name: "Hidden Realname"
alias: "H.R."
date: 2024-02-01
consent:
  publish: true
  real_name: false
  given_by: "Hidden Realname"
---
This story is shown under an alias.
`,
	"content/talents/withdrawn.en.md": `---
title: "UNIQUE withdrawn title Qzxw"
name: "Withdrawn Personname"
alias: "W.P."
date: 2024-03-01
consent:
  publish: false
---
UNIQUE withdrawn body sentence about a river crossing at night.
`,
	"content/talents/expired.en.md": `---
title: "UNIQUE expired title Vbnm"
name: "Expired Personname"
date: 2024-03-02
consent:
  publish: true
  expires: 2026-11-25
---
UNIQUE expired body sentence about a long winter in the mountains.
`,
	"content/talents/wrongtype.en.md": `---
title: "UNIQUE wrongtype title Hjkl"
name: "Wrongtype Personname"
date: 2024-03-03
consent:
  publish: "true"
---
UNIQUE wrongtype body sentence about the quoted true value here.
`,
	"content/talents/jaonly.en.md": `---
title: "UNIQUE english translation title Tyui"
name: "Jaonly Personname"
date: 2024-03-04
consent:
  publish: true
  languages: [ja]
---
UNIQUE english only sentence that must not be published at all.
`,
	"content/talents/jaonly.ja.md": `---
title: "日本語だけの物語"
date: 2024-03-04
consent:
  publish: true
  languages: [ja]
---
日本語だけで公開される物語です。
`,
	"content/talents/draft.en.md": `---
title: "UNIQUE draft title Asdf"
name: "Draft Personname"
date: 2024-03-05
draft: true
consent:
  publish: true
---
UNIQUE draft body sentence that is still being written.
`,
	"content/talents/noconsent.en.md": `---
title: "UNIQUE noconsent title Ghjk"
name: "Noconsent Personname"
date: 2024-03-06
---
UNIQUE noconsent body sentence without any consent block.
`,
	"content/employers/acme.en.md": `---
title: "Acme hires"
company: "Acme Test Co."
industry: IT
talents: [ok, withdrawn, expired]
date: 2024-04-01
consent:
  publish: true
  approved_by: "Acme PR Desk Person"
---
Acme's story.
`,
}

// unique are the strings that must never reach the output.
var unique = []string{
	"Qzxw", "Vbnm", "Hjkl", "Tyui", "Asdf", "Ghjk",
	"river crossing", "long winter", "quoted true value", "must not be published", "still being written", "without any consent",
	"Withdrawn Personname", "Expired Personname", "Wrongtype Personname", "Jaonly Personname", "Draft Personname", "Noconsent Personname",
	"Hidden Realname", "Acme PR Desk Person",
	"talents/withdrawn", "talents/expired", "talents/wrongtype", "talents/draft", "talents/noconsent", "en/talents/jaonly",
}

func writeSite(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// readTree returns every file under dir by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func runBuild(t *testing.T, src, dest string) *build.Result {
	t.Helper()
	res, err := build.Run(build.Options{Source: src, Destination: dest, Now: now})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return res
}

func TestNothingUnconsentedReachesTheOutput(t *testing.T) {
	src := writeSite(t, siteFiles)
	dest := filepath.Join(t.TempDir(), "public")
	res := runBuild(t, src, dest)
	files := readTree(t, dest)
	for _, must := range []string{"en/talents/ok/index.html", "ja/talents/ok/index.html", "en/talents/alias/index.html", "ja/talents/jaonly/index.html", "en/feed.xml", "sitemap.xml", "en/employers/acme/index.html"} {
		if files[must] == nil {
			t.Errorf("%s missing from the output", must)
		}
	}
	for name, data := range files {
		lower := bytes.ToLower(data)
		for _, s := range unique {
			if bytes.Contains(lower, bytes.ToLower([]byte(s))) {
				t.Errorf("%s contains %q", name, s)
			}
		}
	}
	// The search indexes are an output channel too: nothing unique to a skipped
	// item, nor a real name without consent, can be found in them.
	for _, lang := range []string{"ja", "en"} {
		index := files[lang+"/search.json"]
		if index == nil {
			t.Fatalf("%s/search.json missing", lang)
		}
		for _, s := range unique {
			if urls, err := search.Holding(index, s); err != nil || len(urls) > 0 {
				t.Errorf("%s/search.json finds %q in %v (%v)", lang, s, urls, err)
			}
		}
	}
	if urls, _ := search.Holding(files["en/search.json"], "Consented Person"); len(urls) != 1 {
		t.Errorf("search does not find the consented name: %v", urls)
	}
	// The alias is shown where the real name is not consented; the consented name is shown.
	if !bytes.Contains(files["en/talents/alias/index.html"], []byte("H.R.")) {
		t.Error("alias page does not show the alias")
	}
	if !bytes.Contains(files["en/talents/ok/index.html"], []byte("Consented Person")) {
		t.Error("consented real name not shown")
	}
	// Links to skipped items keep their words and lose their address.
	ok := string(files["en/talents/ok/index.html"])
	for _, words := range []string{"withdrawn one", "expired", "abs"} {
		if !strings.Contains(ok, words) {
			t.Errorf("link text %q lost", words)
		}
	}
	// The employer lists only its published talent.
	acme := string(files["en/employers/acme/index.html"])
	if !strings.Contains(acme, `href="/en/talents/ok/"`) {
		t.Error("employer page does not link its published talent")
	}
	// A page in one language switches to the other language's section, not to a 404.
	jaonly := string(files["ja/talents/jaonly/index.html"])
	if !strings.Contains(jaonly, `href="/en/talents/" hreflang="en"`) || strings.Contains(jaonly, `hreflang="en" href="https://example.org/en/talents/jaonly/"`) {
		t.Error("ja-only page: language switch or alternates wrong")
	}
	// Every skip is reported with file and reason.
	var skipped []string
	for _, sk := range res.Site.Skipped {
		skipped = append(skipped, sk.String())
	}
	sort.Strings(skipped)
	want := []string{
		"content/talents/draft.en.md: skipped: draft",
		"content/talents/expired.en.md: skipped: consent expired on 2026-11-25",
		"content/talents/jaonly.en.md: skipped: consent not given for language en (consent.languages: [ja])",
		"content/talents/noconsent.en.md: skipped: no consent block",
		"content/talents/withdrawn.en.md: skipped: consent.publish is false: not consented or withdrawn",
		`content/talents/wrongtype.en.md: skipped: consent.publish must be true or false, not the text "true": remove the quotes`,
	}
	if strings.Join(skipped, "\n") != strings.Join(want, "\n") {
		t.Errorf("skips:\n%s\nwant:\n%s", strings.Join(skipped, "\n"), strings.Join(want, "\n"))
	}
}

func TestWithdrawnStoryDisappearsFromEarlierOutput(t *testing.T) {
	files := map[string]string{}
	for k, v := range siteFiles {
		files[k] = v
	}
	src := writeSite(t, files)
	dest := filepath.Join(t.TempDir(), "public")
	runBuild(t, src, dest)
	if _, err := os.Stat(filepath.Join(dest, "en/talents/alias/index.html")); err != nil {
		t.Fatal("first build lacks the page to withdraw")
	}
	withdrawn := strings.Replace(siteFiles["content/talents/alias.en.md"], "publish: true", "publish: false", 1)
	if err := os.WriteFile(filepath.Join(src, "content/talents/alias.en.md"), []byte(withdrawn), 0o644); err != nil {
		t.Fatal(err)
	}
	runBuild(t, src, dest)
	for name, data := range readTree(t, dest) {
		if strings.Contains(name, "talents/alias") {
			t.Errorf("stale file of the withdrawn story left: %s", name)
		}
		if bytes.Contains(data, []byte("Alias only story")) || bytes.Contains(data, []byte("talents/alias")) {
			t.Errorf("%s still mentions the withdrawn story", name)
		}
	}
}

func TestFailedBuildLeavesPreviousOutputIntact(t *testing.T) {
	src := writeSite(t, siteFiles)
	dest := filepath.Join(t.TempDir(), "public")
	runBuild(t, src, dest)
	before := readTree(t, dest)
	broken := "---\ntitle: \"Broken\nconsent:\n  publish: true\n---\nBody\n"
	if err := os.WriteFile(filepath.Join(src, "content/talents/broken.en.md"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := build.Run(build.Options{Source: src, Destination: dest, Now: now})
	if err == nil {
		t.Fatal("build with broken YAML succeeded")
	}
	if !strings.Contains(err.Error(), "content/talents/broken.en.md:") {
		t.Errorf("error does not name the file: %v", err)
	}
	after := readTree(t, dest)
	if len(before) != len(after) {
		t.Fatalf("file count changed: %d → %d", len(before), len(after))
	}
	for name, data := range before {
		if !bytes.Equal(after[name], data) {
			t.Errorf("%s changed after a failed build", name)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(dest))
	if len(entries) != 1 {
		t.Errorf("a failed build left work folders behind: %v", entries)
	}
}

func TestBuildsAreByteIdentical(t *testing.T) {
	src := writeSite(t, siteFiles)
	a := filepath.Join(t.TempDir(), "a")
	b := filepath.Join(t.TempDir(), "b")
	runBuild(t, src, a)
	runBuild(t, src, b)
	ta, tb := readTree(t, a), readTree(t, b)
	if len(ta) != len(tb) {
		t.Fatalf("%d files vs %d", len(ta), len(tb))
	}
	for name, data := range ta {
		if !bytes.Equal(tb[name], data) {
			t.Errorf("%s differs between two builds of the same input", name)
		}
	}
}

func TestBeforeSwapCanRefuseTheOutput(t *testing.T) {
	src := writeSite(t, siteFiles)
	dest := filepath.Join(t.TempDir(), "public")
	runBuild(t, src, dest)
	before := readTree(t, dest)
	var sawWorkFolder bool
	_, err := build.Run(build.Options{Source: src, Destination: dest, Now: now, BeforeSwap: func(res *build.Result, out fs.FS) error {
		_, statErr := fs.Stat(out, "en/talents/ok/index.html")
		sawWorkFolder = statErr == nil && len(res.Written) > 0 && res.Fingerprints != nil
		return fmt.Errorf("refused")
	}})
	if err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("err = %v", err)
	}
	if !sawWorkFolder {
		t.Error("BeforeSwap did not see the finished output")
	}
	after := readTree(t, dest)
	for name, data := range before {
		if !bytes.Equal(after[name], data) {
			t.Errorf("%s changed though the output was refused", name)
		}
	}
}

func TestSerialBuildEqualsParallelBuild(t *testing.T) {
	src := writeSite(t, siteFiles)
	_ = writeCorpus(src, 60)
	parallel := filepath.Join(t.TempDir(), "parallel")
	runBuild(t, src, parallel)
	old := runtime.GOMAXPROCS(1)
	serial := filepath.Join(t.TempDir(), "serial")
	runBuild(t, src, serial)
	runtime.GOMAXPROCS(old)
	// The renderer starts twice as many workers as processors: one worker
	// renders every page in turn.
	oneWorker := filepath.Join(t.TempDir(), "one-worker")
	if _, err := build.Run(build.Options{Source: src, Destination: oneWorker, Now: now,
		RenderOptions: []render.Option{render.WithWorkers(1)}}); err != nil {
		t.Fatal(err)
	}
	a := readTree(t, parallel)
	for _, other := range []string{serial, oneWorker} {
		b := readTree(t, other)
		if len(a) != len(b) {
			t.Fatalf("%d files in parallel, %d in %s", len(a), len(b), filepath.Base(other))
		}
		for name, data := range a {
			if !bytes.Equal(b[name], data) {
				t.Errorf("%s differs between a parallel build and %s", name, filepath.Base(other))
			}
		}
	}
}

// TestSubfolderDeploy: with a base URL in a subfolder, every address the site
// links to carries the subfolder.
func TestSubfolderDeploy(t *testing.T) {
	src := writeSite(t, siteFiles)
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := build.Run(build.Options{Source: src, Destination: dest, Now: now, BaseURL: "https://org.github.io/site/"}); err != nil {
		t.Fatal(err)
	}
	attr := regexp.MustCompile(`(?:href|src|data-index|content)="(/[^"]*)"`)
	checked := 0
	for name, data := range readTree(t, dest) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		for _, m := range attr.FindAllSubmatch(data, -1) {
			checked++
			if !strings.HasPrefix(string(m[1]), "/site/") {
				t.Errorf("%s links %s outside the subfolder", name, m[1])
			}
		}
		for _, abs := range regexp.MustCompile(`https://org\.github\.io(/[^"]*)"`).FindAllSubmatch(data, -1) {
			if !strings.HasPrefix(string(abs[1]), "/site/") {
				t.Errorf("%s has absolute address %s outside the subfolder", name, abs[1])
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d addresses checked", checked)
	}
	feed := string(readTree(t, dest)["en/feed.xml"])
	if !strings.Contains(feed, "https://org.github.io/site/en/talents/ok/") {
		t.Error("feed links lack the subfolder")
	}
}

// TestOneOffBuildLetsTheSourcesTextGo: once consent, the guard and the
// Markdown are done, a one-off build holds no source's text (a large site's
// heap is mostly that), and its output is as it was.
func TestOneOffBuildLetsTheSourcesTextGo(t *testing.T) {
	src := writeSite(t, siteFiles)
	mem := publish.NewMem()
	res, err := build.Into(os.DirFS(src), mem, build.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Site.Pages) == 0 {
		t.Fatal("no pages")
	}
	for _, p := range res.Site.Pages {
		if p.Source != nil && (p.Source.Raw != nil || p.Source.Body != nil || p.Source.Front != nil) {
			t.Errorf("%s: the source's text is still held after the build", p.Source.Path)
		}
	}
	// A preview keeps its sources for the next rebuild.
	s := build.NewSession(src, build.Options{Now: now})
	snap, err := s.Rebuild(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range snap.Result.Site.Pages {
		if p.Source != nil && p.Source.Raw == nil {
			t.Errorf("%s: a preview let go of the source's text", p.Source.Path)
		}
	}
}

// TestContentLoadedTellsTheContentSize: the hook the CLI sizes its memory
// limit by is told the size of the Markdown read, once.
func TestContentLoadedTellsTheContentSize(t *testing.T) {
	src := writeSite(t, siteFiles)
	var want int64
	for name, body := range siteFiles {
		if strings.HasPrefix(name, "content/") && strings.HasSuffix(name, ".md") {
			want += int64(len(body))
		}
	}
	var got []int64
	_, err := build.Run(build.Options{Source: src, Destination: filepath.Join(t.TempDir(), "public"), Now: now,
		ContentLoaded: func(n int64) { got = append(got, n) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != want {
		t.Errorf("ContentLoaded told %v, want [%d]", got, want)
	}
}
