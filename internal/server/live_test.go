package server

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"kakehashi"
	"kakehashi/internal/build"
	"kakehashi/internal/publish"
	"kakehashi/internal/render"
	"kakehashi/internal/watch"
)

// testOptions are the build options of the preview tests: a fixed day, so that
// two builds of the same files are byte for byte equal.
func testOptions() build.Options {
	return build.Options{Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), BaseURL: "http://127.0.0.1:1313/"}
}

func copySite(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if err := os.CopyFS(dir, os.DirFS("testdata/site")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// live is the preview loop the serve command runs, on a copy of the test site:
// watcher → session → server.
type live struct {
	t       *testing.T
	dir     string
	opts    build.Options
	srv     *Server
	ts      *httptest.Server
	rebuilt chan rebuild
}

type rebuild struct {
	changes []watch.Change
	err     error
}

func startLive(t *testing.T, opts build.Options) *live {
	t.Helper()
	l := &live{t: t, dir: copySite(t), opts: opts, srv: New(), rebuilt: make(chan rebuild, 64)}
	opts.RenderOptions = append(opts.RenderOptions, Inject())
	session := build.NewSession(l.dir, opts)
	w, err := watch.New(l.dir, watch.WithDebounce(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := session.Rebuild(nil)
	if err != nil {
		t.Fatal(err)
	}
	l.srv.Swap(snap)
	go func() {
		for batch := range w.Changes() {
			var paths []string
			for _, c := range batch {
				paths = append(paths, c.Path)
			}
			snap, err := session.Rebuild(paths)
			if err != nil {
				l.srv.Fail(err)
			} else {
				l.srv.Swap(snap)
			}
			l.rebuilt <- rebuild{batch, err}
		}
		close(l.rebuilt)
	}()
	l.ts = httptest.NewServer(l.srv)
	t.Cleanup(func() { l.srv.Close(); l.ts.Close(); w.Close() })
	return l
}

func (l *live) write(rel, data string) {
	l.t.Helper()
	p := filepath.Join(l.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		l.t.Fatal(err)
	}
	// Save the way many editors do: a temporary file renamed over the old one.
	tmp := filepath.Join(filepath.Dir(p), ".~"+filepath.Base(p)+".tmp")
	if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
		l.t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		l.t.Fatal(err)
	}
}

func (l *live) read(rel string) string {
	l.t.Helper()
	data, err := os.ReadFile(filepath.Join(l.dir, filepath.FromSlash(rel)))
	if err != nil {
		l.t.Fatal(err)
	}
	return string(data)
}

func (l *live) remove(rel string) {
	l.t.Helper()
	if err := os.Remove(filepath.Join(l.dir, filepath.FromSlash(rel))); err != nil {
		l.t.Fatal(err)
	}
}

func (l *live) rename(from, to string) {
	l.t.Helper()
	if err := os.Rename(filepath.Join(l.dir, filepath.FromSlash(from)), filepath.Join(l.dir, filepath.FromSlash(to))); err != nil {
		l.t.Fatal(err)
	}
}

// wait waits until a rebuild has seen every path, and returns the last rebuild's error.
func (l *live) wait(paths ...string) error {
	l.t.Helper()
	var err error
	timeout := time.After(10 * time.Second)
	for len(paths) > 0 {
		select {
		case r := <-l.rebuilt:
			err = r.err
			paths = slices.DeleteFunc(paths, func(p string) bool {
				return slices.ContainsFunc(r.changes, func(c watch.Change) bool { return c.Path == p })
			})
		case <-timeout:
			l.t.Fatalf("no rebuild for %v", paths)
		}
	}
	return err
}

// served returns the files being served.
func (l *live) served() map[string][]byte {
	snap, _ := l.srv.Snapshot()
	files, err := snap.Files.ReadAll()
	if err != nil {
		l.t.Fatal(err)
	}
	return files
}

// fullBuild builds the site folder as it is now from scratch, the way the
// server does but without any state carried over.
func (l *live) fullBuild() (map[string][]byte, error) {
	opts := l.opts
	opts.RenderOptions = append(opts.RenderOptions, Inject())
	mem := publish.NewMem()
	_, err := build.Into(os.DirFS(l.dir), mem, opts)
	return mem.Map(), err
}

// equal reports the first difference between two builds.
func equal(got, want map[string][]byte) error {
	var paths []string
	for p := range want {
		paths = append(paths, p)
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		g, gok := got[p]
		w, wok := want[p]
		switch {
		case !gok:
			return fmt.Errorf("%s: missing from the served site", p)
		case !wok:
			return fmt.Errorf("%s: served, but not in a full build", p)
		case !bytes.Equal(g, w):
			i := 0
			for i < len(g) && i < len(w) && g[i] == w[i] {
				i++
			}
			return fmt.Errorf("%s differs at byte %d:\n served: %q\n  built: %q", p, i, excerpt(g, i), excerpt(w, i))
		}
	}
	return nil
}

func excerpt(b []byte, i int) string {
	return string(b[max(0, i-60):min(len(b), i+60)])
}

// contains lists the served files that contain s.
func contains(files map[string][]byte, s string) []string {
	var out []string
	for p, data := range files {
		if bytes.Contains(data, []byte(s)) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

const talentEN = "content/talents/amina-k.en.md"
const talentJA = "content/talents/amina-k.ja.md"

func TestConsentFlipUpdatesEveryPage(t *testing.T) {
	l := startLive(t, testOptions())
	traces := func() []string {
		files := l.served()
		var all []string
		for _, s := range []string{"amina-k", "A network engineer&#39;s second start", "A network engineer's second start", "ネットワークエンジニアの再出発"} {
			all = append(all, contains(files, s)...)
		}
		slices.Sort(all)
		return slices.Compact(all)
	}
	before := traces()
	for _, want := range []string{"en/talents/amina-k/index.html", "en/talents/index.html", "en/index.html", "en/feed.xml", "en/employers/city-systems/index.html", "ja/talents/amina-k/index.html", "ja/feed.xml", "ja/employers/city-systems/index.html", "sitemap.xml"} {
		if !slices.Contains(before, want) {
			t.Fatalf("before the flip, %s does not show the talent; traces in %v", want, before)
		}
	}
	en, ja := l.read(talentEN), l.read(talentJA)

	// Withdraw consent in both languages: one save each, as a volunteer would.
	l.write(talentEN, strings.Replace(en, "publish: true", "publish: false", 1))
	l.write(talentJA, strings.Replace(ja, "publish: true", "publish: false", 1))
	if err := l.wait(talentEN, talentJA); err != nil {
		t.Fatal(err)
	}
	if got := traces(); len(got) > 0 {
		t.Errorf("after withdrawing consent the talent is still in %v", got)
	}
	if err := equal(l.served(), must(l.fullBuild())); err != nil {
		t.Error(err)
	}
	if _, body := get(t, l.ts.URL+"/en/talents/amina-k/"); !strings.Contains(body, "404") {
		t.Errorf("the withdrawn page is still served")
	}

	// And give it back.
	l.write(talentEN, en)
	l.write(talentJA, ja)
	if err := l.wait(talentEN, talentJA); err != nil {
		t.Fatal(err)
	}
	if got := traces(); !slices.Equal(got, before) {
		t.Errorf("after consenting again the talent is in %v, want %v", got, before)
	}
}

func TestConsentFlipOneLanguage(t *testing.T) {
	l := startLive(t, testOptions())
	l.write(talentEN, strings.Replace(l.read(talentEN), "publish: true", "publish: false", 1))
	if err := l.wait(talentEN); err != nil {
		t.Fatal(err)
	}
	files := l.served()
	if got := contains(files, "/en/talents/amina-k/"); len(got) > 0 {
		t.Errorf("the English page is withdrawn but linked from %v", got)
	}
	if _, ok := files["ja/talents/amina-k/index.html"]; !ok {
		t.Errorf("the Japanese page went too")
	}
	if err := equal(files, must(l.fullBuild())); err != nil {
		t.Error(err)
	}
}

func TestDraftsAndUnconsented(t *testing.T) {
	draft := func(l *live) {
		l.write(talentEN, strings.Replace(l.read(talentEN), "date: 2023-06-15", "date: 2023-06-15\ndraft: true", 1))
		if err := l.wait(talentEN); err != nil {
			t.Fatal(err)
		}
	}
	withdraw := func(l *live) {
		l.write(talentEN, strings.Replace(l.read(talentEN), "publish: true", "publish: false", 1))
		if err := l.wait(talentEN); err != nil {
			t.Fatal(err)
		}
	}
	page := "en/talents/amina-k/index.html"
	t.Run("draft hidden", func(t *testing.T) {
		l := startLive(t, testOptions())
		draft(l)
		if _, ok := l.served()[page]; ok {
			t.Error("a draft is served without --drafts")
		}
	})
	t.Run("draft shown with banner", func(t *testing.T) {
		opts := testOptions()
		opts.Drafts = true
		l := startLive(t, opts)
		draft(l)
		if p := l.served()[page]; !bytes.Contains(p, []byte("DRAFT / 下書き")) {
			t.Errorf("a draft with --drafts has no banner: %s", p)
		}
		if err := equal(l.served(), must(l.fullBuild())); err != nil {
			t.Error(err)
		}
	})
	t.Run("unconsented hidden", func(t *testing.T) {
		l := startLive(t, testOptions())
		withdraw(l)
		if _, ok := l.served()[page]; ok {
			t.Error("an unconsented item is served without --unconsented")
		}
	})
	t.Run("unconsented watermarked", func(t *testing.T) {
		opts := testOptions()
		opts.Unconsented = true
		l := startLive(t, opts)
		withdraw(l)
		p := l.served()[page]
		for _, want := range []string{"NOT CONSENTED — NOT FOR PUBLICATION / 同意なし・公開不可", `<meta name="robots" content="noindex, nofollow">`} {
			if !bytes.Contains(p, []byte(want)) {
				t.Errorf("an unconsented item with --unconsented lacks %q", want)
			}
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestRandomEditsEqualFullBuild makes a random sequence of the edits
// volunteers make (text, consent, drafts, new, renamed and deleted files,
// cross-references, layouts, settings, styles, broken files and their fixes)
// through the watcher, and after each checks that the served site equals a
// full build of the same files, or, when the files are broken, that the last
// good site is still served with the error shown.
func TestRandomEditsEqualFullBuild(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("KAKEHASHI_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	t.Logf("seed %d (rerun with KAKEHASHI_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	opts := testOptions()
	opts.Drafts = rng.IntN(2) == 0
	l := startLive(t, opts)
	lastGood := must(l.fullBuild())
	footer := string(must(fs.ReadFile(kakehashi.Theme, "layouts/partials/footer.html")))
	n := 0
	items := func() []string {
		var out []string
		_ = filepath.WalkDir(filepath.Join(l.dir, "content"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") && !strings.Contains(p, "_index") {
				rel, _ := filepath.Rel(l.dir, p)
				out = append(out, filepath.ToSlash(rel))
			}
			return nil
		})
		sort.Strings(out)
		return out
	}
	pick := func() string {
		it := items()
		if len(it) == 0 {
			return ""
		}
		return it[rng.IntN(len(it))]
	}
	newTalent := func(slug, lang, employer string) string {
		return fmt.Sprintf("---\ntitle: \"Story %s %s\"\nname: \"Real Name %s\"\nalias: \"%s\"\nrole: \"Role\"\nemployer: %s\ndate: 2024-0%d-1%d\nconsent:\n  publish: true\n---\nThe story of %s, told in %s.\n",
			slug, lang, slug, strings.ToUpper(slug[:1])+".", employer, 1+rng.IntN(9), rng.IntN(9), slug, lang)
	}
	edits := []struct {
		name string
		do   func() []string
	}{
		{"edit text", func() []string {
			p := pick()
			if p == "" {
				return nil
			}
			l.write(p, l.read(p)+fmt.Sprintf("\nA new sentence number %d.\n", n))
			return []string{p}
		}},
		{"flip consent", func() []string {
			p := pick()
			if p == "" {
				return nil
			}
			s := l.read(p)
			if strings.Contains(s, "publish: true") {
				s = strings.Replace(s, "publish: true", "publish: false", 1)
			} else {
				s = strings.Replace(s, "publish: false", "publish: true", 1)
			}
			l.write(p, s)
			return []string{p}
		}},
		{"flip draft", func() []string {
			p := pick()
			if p == "" {
				return nil
			}
			s := l.read(p)
			if strings.Contains(s, "\ndraft: true") {
				s = strings.Replace(s, "\ndraft: true", "", 1)
			} else {
				s = strings.Replace(s, "\nconsent:", "\ndraft: true\nconsent:", 1)
			}
			l.write(p, s)
			return []string{p}
		}},
		{"new talent", func() []string {
			slug := fmt.Sprintf("new-%d", n)
			emp := []string{"city-systems", "nowhere-inc"}[rng.IntN(2)]
			p := "content/talents/" + slug + ".en.md"
			l.write(p, newTalent(slug, "en", emp))
			ps := []string{p}
			if rng.IntN(2) == 0 {
				q := "content/talents/" + slug + ".ja.md"
				l.write(q, newTalent(slug, "ja", emp))
				ps = append(ps, q)
			}
			return ps
		}},
		{"new folder", func() []string {
			p := fmt.Sprintf("content/news/n%d.en.md", n)
			l.write(p, fmt.Sprintf("---\ntitle: \"News %d\"\ndate: 2024-05-05\nconsent:\n  publish: true\n---\nNews.\n", n))
			return []string{p}
		}},
		{"delete", func() []string {
			p := pick()
			if p == "" {
				return nil
			}
			l.remove(p)
			return []string{p}
		}},
		{"rename", func() []string {
			p := pick()
			if p == "" {
				return nil
			}
			dir, base := filepath.Dir(filepath.FromSlash(p)), filepath.Base(p)
			q := filepath.ToSlash(filepath.Join(dir, fmt.Sprintf("r%d-%s", n, base)))
			l.rename(p, q)
			return []string{p, q}
		}},
		{"employer reference", func() []string {
			p := pick()
			if p == "" || !strings.Contains(p, "talents/") {
				return nil
			}
			s := l.read(p)
			if strings.Contains(s, "employer: city-systems") {
				s = strings.Replace(s, "employer: city-systems", "employer: nowhere-inc", 1)
			} else if i := strings.Index(s, "\ndate:"); i >= 0 {
				s = regexp.MustCompile(`\nemployer: .*`).ReplaceAllString(s, "")
				s = strings.Replace(s, "\ndate:", "\nemployer: city-systems\ndate:", 1)
			}
			l.write(p, s)
			return []string{p}
		}},
		{"layout", func() []string {
			p := "layouts/partials/footer.html"
			l.write(p, strings.Replace(footer, "<footer", fmt.Sprintf("<p>layout edit %d</p><footer", n), 1))
			return []string{p}
		}},
		{"settings", func() []string {
			s := l.read("site.yaml")
			s = regexp.MustCompile(`en: "Test Site[^"]*"`).ReplaceAllString(s, fmt.Sprintf(`en: "Test Site %d"`, n))
			l.write("site.yaml", s)
			return []string{"site.yaml"}
		}},
		{"style", func() []string {
			p := "static/theme/extra.css"
			l.write(p, fmt.Sprintf(".extra { color: #%06x; }\n", rng.IntN(1<<24)))
			return []string{p}
		}},
		{"break a file", func() []string {
			p := pick()
			if p == "" || strings.Contains(l.read(p), brokenMark) {
				return nil
			}
			l.write(p, strings.Replace(l.read(p), "---\n", "---\n"+brokenMark, 1))
			return []string{p}
		}},
		{"break a layout", func() []string {
			p := "layouts/partials/footer.html"
			l.write(p, `{{ define "footer" }}<footer>{{ if }}</footer>{{ end }}`)
			return []string{p}
		}},
		{"fix", func() []string {
			var fixed []string
			for _, p := range items() {
				if s := l.read(p); strings.Contains(s, brokenMark) {
					l.write(p, strings.Replace(s, brokenMark, "", 1))
					fixed = append(fixed, p)
				}
			}
			p := "layouts/partials/footer.html"
			if data, err := os.ReadFile(filepath.Join(l.dir, p)); err == nil && strings.Contains(string(data), "{{ if }}") {
				l.write(p, footer)
				fixed = append(fixed, p)
			}
			return fixed
		}},
	}
	// Deletes are rarer than the rest, so that the site does not empty; a
	// broken file stays broken for a few edits, on average.
	weights := map[string]int{"edit text": 3, "flip consent": 3, "flip draft": 2, "new talent": 2, "delete": 1, "fix": 5}
	var deck []int
	for i, e := range edits {
		for range max(1, weights[e.name]) {
			deck = append(deck, i)
		}
	}
	for n = 0; n < 30; n++ {
		e := edits[deck[rng.IntN(len(deck))]]
		paths := e.do()
		if len(paths) == 0 {
			continue
		}
		waited := time.Now()
		err := l.wait(paths...)
		t.Logf("step %d: %s %v: rebuilt after %v", n, e.name, paths, time.Since(waited).Round(time.Millisecond))
		want, werr := l.fullBuild()
		if (err != nil) != (werr != nil) {
			t.Fatalf("step %d: rebuild error %v, full build error %v", n, err, werr)
		}
		if werr != nil {
			t.Logf("step %d: broken as expected: %v", n, werr)
			if len(l.srv.Problems()) == 0 {
				t.Fatalf("step %d: build failed (%v) but no overlay", n, werr)
			}
			want = lastGood
		} else if ps := l.srv.Problems(); len(ps) > 0 {
			t.Fatalf("step %d: the files are fine, but the overlay still shows %v", n, ps)
		}
		if err := equal(l.served(), want); err != nil {
			t.Fatalf("step %d (%s %v): %v", n, e.name, paths, err)
		}
		lastGood = want
	}
}

// brokenMark makes front matter unreadable.
const brokenMark = "broken: [unclosed\n"

// TestInjectNeverInBuild checks both sides: the script is in every preview
// page, and in no file of a build without the server's option.
func TestInjectNeverInBuild(t *testing.T) {
	dir := copySite(t)
	mem := publish.NewMem()
	if _, err := build.Into(os.DirFS(dir), mem, testOptions()); err != nil {
		t.Fatal(err)
	}
	if got := contains(mem.Map(), "__kakehashi"); len(got) > 0 {
		t.Errorf("a build without the preview option has the live script in %v", got)
	}
	opts := testOptions()
	opts.RenderOptions = []render.Option{Inject()}
	mem = publish.NewMem()
	if _, err := build.Into(os.DirFS(dir), mem, opts); err != nil {
		t.Fatal(err)
	}
	for p, data := range mem.Map() {
		if strings.HasSuffix(p, ".html") && !bytes.Contains(data, []byte(scriptTag)) {
			t.Errorf("preview page %s has no live script", p)
		}
	}
}

// TestSymlinkNeverServed: a link in static/ to a file outside the site fails
// the build (the overlay says so) and its target is never served.
func TestSymlinkNeverServed(t *testing.T) {
	l := startLive(t, testOptions())
	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("top secret outside the site"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(l.dir, "static", "secret.txt")); err != nil {
		t.Skip(err)
	}
	if err := l.wait("static/secret.txt"); err == nil {
		t.Fatal("a symbolic link in static/ built")
	}
	for _, p := range []string{"/secret.txt", "/static/secret.txt"} {
		if resp, body := get(t, l.ts.URL+p); resp.StatusCode != 404 || strings.Contains(body, "top secret") {
			t.Errorf("GET %s: status %d, body has the secret: %v", p, resp.StatusCode, strings.Contains(body, "top secret"))
		}
	}
	if ps := l.srv.Problems(); len(ps) != 1 || ps[0].File != "static/secret.txt" {
		t.Errorf("overlay %v, want the link named", ps)
	}
}
