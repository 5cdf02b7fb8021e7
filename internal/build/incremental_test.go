package build_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"kakehashi/internal/build"
	"kakehashi/internal/publish"
)

// fullBuild builds dir from scratch into memory.
func fullBuild(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	mem := publish.NewMem()
	if _, err := build.Into(os.DirFS(dir), mem, build.Options{Now: now}); err != nil {
		t.Fatalf("full build: %v", err)
	}
	return mem.Map()
}

func sameFiles(t *testing.T, step string, files *publish.Files, want map[string][]byte) {
	t.Helper()
	got, err := files.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	var diffs []string
	for p, w := range want {
		if g, ok := got[p]; !ok {
			diffs = append(diffs, "missing "+p)
		} else if !bytes.Equal(g, w) {
			diffs = append(diffs, "differs "+p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, "extra "+p)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		if len(diffs) > 8 {
			diffs = append(diffs[:8], "…")
		}
		t.Fatalf("after %s, the incremental build differs from a full build:\n%s", step, strings.Join(diffs, "\n"))
	}
}

type editor struct {
	t   *testing.T
	dir string
	r   *rand.Rand
}

func (e *editor) files(prefix string) []string {
	var out []string
	_ = filepath.WalkDir(filepath.Join(e.dir, prefix), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") && !strings.Contains(p, "_index") {
			rel, _ := filepath.Rel(e.dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func (e *editor) read(rel string) string {
	data, err := os.ReadFile(filepath.Join(e.dir, rel))
	if err != nil {
		e.t.Fatal(err)
	}
	return string(data)
}

func (e *editor) write(rel, text string) {
	p := filepath.Join(e.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// edit makes one random change and returns its description and the changed paths.
func (e *editor) edit(i int) (string, []string) {
	items := e.files("content")
	f := items[e.r.Intn(len(items))]
	text := e.read(f)
	switch e.r.Intn(10) {
	case 0:
		e.write(f, text+fmt.Sprintf("\nA new paragraph %d.\n", i))
		return "body edit of " + f, []string{f}
	case 1:
		if strings.Contains(text, "publish: true") {
			e.write(f, strings.Replace(text, "publish: true", "publish: false", 1))
		} else {
			e.write(f, strings.Replace(text, "publish: false", "publish: true", 1))
		}
		return "consent flip of " + f, []string{f}
	case 2:
		e.write(f, strings.Replace(text, "title: \"", fmt.Sprintf("title: \"Edited %d ", i), 1))
		return "title edit of " + f, []string{f}
	case 3:
		e.write(f, strings.Replace(text, "date: 20", "date: 19", 1))
		return "date edit of " + f, []string{f}
	case 4:
		if err := os.Remove(filepath.Join(e.dir, f)); err != nil {
			e.t.Fatal(err)
		}
		return "delete of " + f, []string{f}
	case 5:
		n := fmt.Sprintf("content/talents/new-%d.en.md", i)
		e.write(n, fmt.Sprintf("---\ntitle: \"New story %d\"\nalias: \"N.%d\"\nskills: [go, new%d]\nemployer: acme\ndate: 2025-01-%02d\nconsent:\n  publish: true\n---\nA new story number %d.\n", i, i, i%3, 1+i%28, i))
		return "new file " + n, []string{n}
	case 6:
		to := strings.Replace(f, ".md", "", 1)
		to = to[:strings.LastIndex(to, ".")] + fmt.Sprintf("-renamed%d", i) + to[strings.LastIndex(to, "."):] + ".md"
		if err := os.Rename(filepath.Join(e.dir, f), filepath.Join(e.dir, to)); err != nil {
			e.t.Fatal(err)
		}
		return "rename " + f + " → " + to, []string{f, to}
	case 7:
		if strings.Contains(text, "draft: true") {
			e.write(f, strings.Replace(text, "draft: true", "draft: false", 1))
		} else {
			e.write(f, strings.Replace(text, "---\n", "---\ndraft: true\n", 1))
		}
		return "draft flip of " + f, []string{f}
	case 8:
		e.write("static/extra.css", fmt.Sprintf("body { margin: %dpx }\n", i))
		return "static edit", []string{"static/extra.css"}
	default:
		e.write("content/talents/_index.en.md", fmt.Sprintf("---\ntitle: Talents %d\n---\nSection text %d.\n", i, i))
		return "section text edit", []string{"content/talents/_index.en.md"}
	}
}

func TestIncrementalEqualsFullBuildAfterRandomEdits(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testIncrementalAfterRandomEdits(t, nil) })
	// The preview keeps its files in a folder: the same, and the folder
	// holds no more than the last two builds.
	t.Run("store", func(t *testing.T) { testIncrementalAfterRandomEdits(t, publish.NewStore(t.TempDir())) })
}

func testIncrementalAfterRandomEdits(t *testing.T, store *publish.Store) {
	dir := writeSite(t, siteFiles)
	inc := build.NewIncremental(os.DirFS(dir), build.Options{Now: now, Store: store})
	got, _, err := inc.Build(nil)
	if err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "the first build", got, fullBuild(t, dir))
	e := &editor{t: t, dir: dir, r: rand.New(rand.NewSource(7))}
	for i := 0; i < 60; i++ {
		step, changed := e.edit(i)
		got, _, err := inc.Build(changed)
		mem := publish.NewMem()
		_, fullErr := build.Into(os.DirFS(dir), mem, build.Options{Now: now})
		if (err == nil) != (fullErr == nil) {
			t.Fatalf("after %s: incremental error %v, full build error %v", step, err, fullErr)
		}
		if err != nil {
			continue
		}
		sameFiles(t, fmt.Sprintf("step %d (%s)", i, step), got, mem.Map())
		if store != nil {
			if n := storedFiles(t, store); n > 2*got.Len()+64 {
				t.Fatalf("step %d: the store holds %d files for builds of %d", i, n, got.Len())
			}
		}
	}
}

// storedFiles counts the files in a store's folder.
func storedFiles(t *testing.T, store *publish.Store) int {
	entries, err := os.ReadDir(store.Dir())
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestIncrementalRendersOnlyWhatChanged(t *testing.T) {
	dir := writeSite(t, siteFiles)
	inc := build.NewIncremental(os.DirFS(dir), build.Options{Now: now})
	before, _, err := inc.Build(nil)
	if err != nil {
		t.Fatal(err)
	}
	first, err := before.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f := "content/talents/alias.en.md"
	text, _ := os.ReadFile(filepath.Join(dir, f))
	if err := os.WriteFile(filepath.Join(dir, f), append(text, []byte("\nOne more line.\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	after, res, err := inc.Build([]string{f})
	if err != nil {
		t.Fatal(err)
	}
	// The page itself and the lists and feeds that show its card are rendered again, nothing else.
	if rendered := res.Files - res.Reused; rendered > 8 || res.Reused == 0 {
		t.Errorf("a body edit rendered %d of %d files again", rendered, res.Files)
	}
	var changed []string
	files, err := after.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for p, data := range files {
		if !bytes.Equal(first[p], data) {
			changed = append(changed, p)
		}
	}
	sort.Strings(changed)
	if strings.Join(changed, " ") != "en/search.json en/talents/alias/index.html" {
		t.Errorf("a body edit changed %v", changed)
	}
}

func TestIncrementalDoesNotForgetABrokenFile(t *testing.T) {
	dir := writeSite(t, siteFiles)
	inc := build.NewIncremental(os.DirFS(dir), build.Options{Now: now})
	if _, _, err := inc.Build(nil); err != nil {
		t.Fatal(err)
	}
	broken := "content/talents/ok.en.md"
	if err := os.WriteFile(filepath.Join(dir, broken), []byte("---\ntitle: [\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := inc.Build([]string{broken}); err == nil {
		t.Fatal("broken file built")
	}
	// Saving another file must not make the broken one look fixed.
	other := "content/talents/alias.en.md"
	text, _ := os.ReadFile(filepath.Join(dir, other))
	if err := os.WriteFile(filepath.Join(dir, other), append(text, "\nMore.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := inc.Build([]string{other}); err == nil || !strings.Contains(err.Error(), broken) {
		t.Fatalf("after another save: err = %v, want the broken file's error", err)
	}
	// A broken layout too.
	if err := os.MkdirAll(filepath.Join(dir, "layouts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, broken), []byte(siteFiles[broken]), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "layouts/talent.html"), []byte("{{ define \"main\" }}{{ .Nope }"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := inc.Build([]string{broken, "layouts/talent.html"}); err == nil {
		t.Fatal("broken layout built")
	}
	if _, _, err := inc.Build([]string{other}); err == nil || !strings.Contains(err.Error(), "talent.html") {
		t.Fatalf("after another save: err = %v, want the layout's error", err)
	}
	if err := os.Remove(filepath.Join(dir, "layouts/talent.html")); err != nil {
		t.Fatal(err)
	}
	got, _, err := inc.Build([]string{"layouts/talent.html"})
	if err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "fixing everything", got, fullBuild(t, dir))
}
