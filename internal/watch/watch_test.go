package watch

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// newSite makes a site folder with the watched folders and a few files.
func newSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"site.yaml", "content/talents/a.en.md", "content/talents/b.en.md", "layouts/base.html", "static/theme/site.css", "public/index.html"} {
		write(t, dir, f, "x")
	}
	return dir
}

func write(t *testing.T, root, rel, data string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// warnings collects warnings safely.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) add(m string) { w.mu.Lock(); w.msgs = append(w.msgs, m); w.mu.Unlock() }

func (w *warnings) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.msgs, "\n")
}

func start(t *testing.T, root string, opts ...Option) *Watcher {
	t.Helper()
	w, err := New(root, append([]Option{WithDebounce(10 * time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// waitFor reads batches until every path in want has been reported, and
// returns the batches read.
func waitFor(t *testing.T, w *Watcher, want ...Change) [][]Change {
	t.Helper()
	var batches [][]Change
	missing := slices.Clone(want)
	deadline := time.After(5 * time.Second)
	for len(missing) > 0 {
		select {
		case b, ok := <-w.Changes():
			if !ok {
				t.Fatalf("Changes closed; still missing %v", missing)
			}
			batches = append(batches, b)
			missing = slices.DeleteFunc(missing, func(c Change) bool { return slices.Contains(b, c) })
		case <-deadline:
			t.Fatalf("no change reported for %v; got %v", missing, batches)
		}
	}
	return batches
}

// quiet asserts that no batch arrives for a while.
func quiet(t *testing.T, w *Watcher, d time.Duration) {
	t.Helper()
	select {
	case b := <-w.Changes():
		t.Fatalf("unexpected changes %v", b)
	case <-time.After(d):
	}
}

func content(p string) Change { return Change{Content, p} }

// saves are the ways editors save a file, each done by the watcher modes below.
var saves = []struct {
	name string
	save func(t *testing.T, root string)
	want []Change
}{
	{"write in place", func(t *testing.T, root string) {
		write(t, root, "content/talents/a.en.md", "in place")
	}, []Change{content("content/talents/a.en.md")}},
	{"temp file then rename (Helix, VS Code, Go's renameio)", func(t *testing.T, root string) {
		write(t, root, "content/talents/.a.en.md.tmp123", "renamed")
		must(t, os.Rename(filepath.Join(root, "content/talents/.a.en.md.tmp123"), filepath.Join(root, "content/talents/a.en.md")))
	}, []Change{content("content/talents/a.en.md")}},
	{"backup by rename, then write (Vim)", func(t *testing.T, root string) {
		p := filepath.Join(root, "content/talents/a.en.md")
		write(t, root, "content/talents/4913", "")
		must(t, os.Remove(filepath.Join(root, "content/talents/4913")))
		must(t, os.Rename(p, p+"~"))
		write(t, root, "content/talents/a.en.md", "vim")
		must(t, os.Remove(p+"~"))
	}, []Change{content("content/talents/a.en.md")}},
	{"delete then create", func(t *testing.T, root string) {
		must(t, os.Remove(filepath.Join(root, "content/talents/a.en.md")))
		time.Sleep(20 * time.Millisecond)
		write(t, root, "content/talents/a.en.md", "recreated")
	}, []Change{content("content/talents/a.en.md")}},
	{"delete", func(t *testing.T, root string) {
		must(t, os.Remove(filepath.Join(root, "content/talents/b.en.md")))
	}, []Change{content("content/talents/b.en.md")}},
	{"rename", func(t *testing.T, root string) {
		must(t, os.Rename(filepath.Join(root, "content/talents/b.en.md"), filepath.Join(root, "content/talents/c.en.md")))
	}, []Change{content("content/talents/b.en.md"), content("content/talents/c.en.md")}},
	{"new folder with a file", func(t *testing.T, root string) {
		write(t, root, "content/news/2024/first.en.md", "new")
	}, []Change{content("content/news/2024/first.en.md")}},
	{"layout, static and settings", func(t *testing.T, root string) {
		write(t, root, "layouts/base.html", "l")
		write(t, root, "static/theme/site.css", "s")
		write(t, root, "site.yaml", "c")
	}, []Change{{Layout, "layouts/base.html"}, {Static, "static/theme/site.css"}, {Config, "site.yaml"}}},
	{"new layouts folder", func(t *testing.T, root string) {
		write(t, root, "layouts/partials/extra.html", "p")
	}, []Change{{Layout, "layouts/partials/extra.html"}}},
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSaves(t *testing.T) {
	modes := map[string][]Option{
		"events": nil,
		"poll":   {WithPoll(20 * time.Millisecond)},
	}
	for mode, opts := range modes {
		for _, s := range saves {
			t.Run(mode+"/"+s.name, func(t *testing.T) {
				t.Parallel()
				root := newSite(t)
				w := start(t, root, opts...)
				if mode == "events" && w.Polling() {
					t.Skip("file events unavailable here")
				}
				s.save(t, root)
				for _, b := range waitFor(t, w, s.want...) {
					for _, c := range b {
						if strings.Contains(c.Path, "~") || strings.Contains(c.Path, "4913") || strings.Contains(c.Path, "/.") {
							t.Errorf("editor leftover reported: %v", c)
						}
					}
				}
			})
		}
	}
}

func TestFolderCreatedAfterStartIsWatched(t *testing.T) {
	root := newSite(t)
	w := start(t, root)
	write(t, root, "content/new/a/b/x.en.md", "1")
	waitFor(t, w, content("content/new/a/b/x.en.md"))
	time.Sleep(50 * time.Millisecond)
	write(t, root, "content/new/a/b/x.en.md", "2")
	write(t, root, "content/new/a/b/y.en.md", "3")
	waitFor(t, w, content("content/new/a/b/x.en.md"), content("content/new/a/b/y.en.md"))
	if w.Polling() {
		t.Errorf("fell back to polling")
	}
}

func TestContentFolderCreatedAfterStart(t *testing.T) {
	root := t.TempDir()
	write(t, root, "site.yaml", "x")
	w := start(t, root)
	write(t, root, "content/talents/a.en.md", "1")
	waitFor(t, w, content("content/talents/a.en.md"))
	time.Sleep(30 * time.Millisecond)
	write(t, root, "content/talents/a.en.md", "2")
	waitFor(t, w, content("content/talents/a.en.md"))
}

func TestIgnoredPathsAreQuiet(t *testing.T) {
	root := newSite(t)
	w := start(t, root)
	write(t, root, "public/index.html", "rebuilt")
	write(t, root, "public/en/x/index.html", "rebuilt")
	write(t, root, ".git/index", "x")
	write(t, root, "content/talents/.a.en.md.swp", "x")
	write(t, root, "README.md", "x")
	quiet(t, w, 150*time.Millisecond)
}

func TestBurstIsOneBatch(t *testing.T) {
	root := newSite(t)
	w := start(t, root, WithDebounce(50*time.Millisecond))
	for i := range 20 {
		write(t, root, "content/talents/a.en.md", fmt.Sprint(i))
		write(t, root, "content/talents/b.en.md", fmt.Sprint(i))
	}
	batches := waitFor(t, w, content("content/talents/a.en.md"), content("content/talents/b.en.md"))
	if len(batches) > 2 {
		t.Errorf("a burst of 40 writes gave %d batches, want 1 (or 2 on a slow machine): %v", len(batches), batches)
	}
}

func TestChangesWhileReaderIsBusyAreKept(t *testing.T) {
	root := newSite(t)
	w := start(t, root)
	write(t, root, "content/talents/a.en.md", "1")
	time.Sleep(100 * time.Millisecond) // the reader is busy rebuilding
	write(t, root, "layouts/base.html", "2")
	time.Sleep(100 * time.Millisecond)
	write(t, root, "static/theme/site.css", "3")
	time.Sleep(50 * time.Millisecond)
	b := waitFor(t, w, content("content/talents/a.en.md"), Change{Layout, "layouts/base.html"}, Change{Static, "static/theme/site.css"})
	if len(b) != 1 {
		t.Errorf("changes made while the reader was busy came in %d batches, want 1: %v", len(b), b)
	}
}

func TestFallsBackToPollingWhenEventsDoNotArrive(t *testing.T) {
	root := newSite(t)
	var warns warnings
	w := start(t, root, WithVerify(30*time.Millisecond), WithWarnings(warns.add), func(c *config) {
		c.dropEvents, c.grace, c.pollEvery = true, 50*time.Millisecond, 20*time.Millisecond
	})
	write(t, root, "content/talents/a.en.md", "from the VM host")
	waitFor(t, w, content("content/talents/a.en.md"))
	if !w.Polling() {
		t.Fatal("not polling after a missed event")
	}
	if !strings.Contains(warns.String(), "no file event arrived") || !strings.Contains(warns.String(), "polling every") {
		t.Errorf("warnings = %q, want one naming the missed event and the polling", warns.String())
	}
	write(t, root, "content/talents/b.en.md", "later")
	waitFor(t, w, content("content/talents/b.en.md"))
}

func TestVerifyDoesNotFallBackWhenEventsArrive(t *testing.T) {
	root := newSite(t)
	var warns warnings
	w := start(t, root, WithVerify(20*time.Millisecond), WithWarnings(warns.add))
	for i := range 10 {
		write(t, root, "content/talents/a.en.md", fmt.Sprint(i))
		write(t, root, fmt.Sprintf("content/s%d/x.en.md", i), "x")
		waitFor(t, w, content("content/talents/a.en.md"))
	}
	time.Sleep(1200 * time.Millisecond) // longer than the grace a change has to get its event
	if w.Polling() {
		t.Errorf("fell back to polling although every event arrived: %s", warns.String())
	}
}

func TestInotifyLimit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("inotify is Linux only")
	}
	root := newSite(t)
	inUse := watchesInUse()
	limit := func(n int) Option {
		f := filepath.Join(t.TempDir(), "max_user_watches")
		must(t, os.WriteFile(f, []byte(fmt.Sprintln(n)), 0o644))
		return func(c *config) { c.limitFile = f }
	}
	t.Run("near", func(t *testing.T) {
		var warns warnings
		w := start(t, root, WithWarnings(warns.add), limit(inUse+8))
		if !strings.Contains(warns.String(), "limit is near") || !strings.Contains(warns.String(), "sysctl fs.inotify.max_user_watches") {
			t.Errorf("warnings = %q, want the limit is near, and how to raise it", warns.String())
		}
		if w.Polling() {
			t.Errorf("polling although the watches fit")
		}
	})
	t.Run("reached", func(t *testing.T) {
		var warns warnings
		w := start(t, root, WithWarnings(warns.add), limit(inUse+2))
		if !w.Polling() || !strings.Contains(warns.String(), "polling every") {
			t.Fatalf("polling=%v, warnings %q: want a fall back to polling with a warning", w.Polling(), warns.String())
		}
		write(t, root, "content/talents/a.en.md", "still seen")
		waitFor(t, w, content("content/talents/a.en.md"))
	})
	t.Run("far", func(t *testing.T) {
		var warns warnings
		start(t, root, WithWarnings(warns.add), limit(inUse+10000))
		if warns.String() != "" {
			t.Errorf("unexpected warnings %q", warns.String())
		}
	})
}

// TestWatchesFoldersNotFiles makes sure a large folder costs no file handles.
func TestWatchesFoldersNotFiles(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts /proc/self/fd")
	}
	root := newSite(t)
	for i := range 2000 {
		write(t, root, fmt.Sprintf("content/talents/t%04d.en.md", i), "x")
	}
	before := openFiles(t)
	w := start(t, root)
	if got := openFiles(t) - before; got > 8 {
		t.Errorf("watching 2000 files opened %d file handles; want a few (one per watcher, not per file)", got)
	}
	if w.Folders() != 6 {
		t.Errorf("Folders() = %d, want 6 (root, content, content/talents, layouts, static, static/theme)", w.Folders())
	}
}

func openFiles(t *testing.T) int {
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	return len(fds)
}

func TestCloseClosesChanges(t *testing.T) {
	w := start(t, newSite(t))
	must(t, w.Close())
	if _, ok := <-w.Changes(); ok {
		t.Error("Changes still open after Close")
	}
	must(t, w.Close())
}

func TestNewRejectsMissingFolder(t *testing.T) {
	if _, err := New(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("New on a missing folder succeeded")
	}
}

func TestEndlessBurstStillDelivers(t *testing.T) {
	root := newSite(t)
	w := start(t, root, WithDebounce(50*time.Millisecond), func(c *config) { c.maxWait = 200 * time.Millisecond })
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				os.WriteFile(filepath.Join(root, "content/talents/a.en.md"), []byte(fmt.Sprint(i)), 0o644)
			}
		}
	}()
	defer func() { close(stop); <-done }()
	select {
	case b := <-w.Changes():
		if !slices.Contains(b, content("content/talents/a.en.md")) {
			t.Errorf("batch %v", b)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a file written without pause is never reported")
	}
}

// TestRapidFoldersNoneMissed makes folders and saves files in them at once,
// racing the watcher's setup of each new folder. No scan may cover up: every
// file must come from events and the reads of new folders.
func TestRapidFoldersNoneMissed(t *testing.T) {
	root := newSite(t)
	w := start(t, root, WithVerify(0))
	var want []Change
	for i := range 30 {
		rel := fmt.Sprintf("content/r%d/a/b/x.en.md", i)
		dir := filepath.Join(root, filepath.FromSlash(path.Dir(rel)))
		must(t, os.MkdirAll(dir, 0o755))
		tmp := filepath.Join(dir, ".x.en.md.tmp")
		must(t, os.WriteFile(tmp, []byte("x"), 0o644))
		must(t, os.Rename(tmp, filepath.Join(dir, "x.en.md")))
		want = append(want, content(rel))
	}
	waitFor(t, w, want...)
	if w.Polling() {
		t.Error("fell back to polling")
	}
}

// TestMovedFolderIsReported moves a folder of stories in and out of content/.
func TestMovedFolderIsReported(t *testing.T) {
	root := newSite(t)
	outside := t.TempDir()
	write(t, outside, "news/a.en.md", "a")
	write(t, outside, "news/b.en.md", "b")
	w := start(t, root)
	must(t, os.Rename(filepath.Join(outside, "news"), filepath.Join(root, "content/news")))
	waitFor(t, w, content("content/news/a.en.md"), content("content/news/b.en.md"))
	must(t, os.Rename(filepath.Join(root, "content/news"), filepath.Join(root, "content/old-news")))
	waitFor(t, w, content("content/news"), content("content/old-news/a.en.md"))
	write(t, root, "content/old-news/a.en.md", "edited after the move")
	waitFor(t, w, content("content/old-news/a.en.md"))
}
