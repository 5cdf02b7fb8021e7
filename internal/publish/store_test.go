package publish

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

func TestStoreKeepsBuildsApart(t *testing.T) {
	dir := t.TempDir()
	s := NewStore(dir)
	b1 := s.Build()
	for rel, data := range map[string]string{"a.html": "same", "b.html": "same", "c.css": "one"} {
		if err := b1.Put(rel, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	first := b1.Files()
	if n := count(t, dir); n != 2 {
		t.Errorf("three files with two contents: %d stored, want 2", n)
	}

	b2 := s.Build()
	if err := b2.Keep("a.html", first); err != nil {
		t.Fatal(err)
	}
	if err := b2.Put("c.css", []byte("two")); err != nil {
		t.Fatal(err)
	}
	if err := b2.Put("d.html", []byte("new")); err != nil {
		t.Fatal(err)
	}
	second := b2.Files()
	if err := b2.Keep("missing.html", first); err == nil {
		t.Error("kept a file the last build does not have")
	}

	// The first build reads as it was, though the second changed c.css.
	if data, ok, err := first.Get("c.css"); !ok || err != nil || string(data) != "one" {
		t.Errorf("first build's c.css = %q, %v, %v", data, ok, err)
	}
	if data, ok, err := second.Get("c.css"); !ok || err != nil || string(data) != "two" {
		t.Errorf("second build's c.css = %q, %v, %v", data, ok, err)
	}
	if _, ok, err := second.Get("b.html"); ok || err != nil {
		t.Errorf("second build has b.html: %v %v", ok, err)
	}
	diff := first.Diff(second)
	slices.Sort(diff)
	if !slices.Equal(diff, []string{"b.html", "c.css", "d.html"}) {
		t.Errorf("Diff = %v", diff)
	}
	if !first.Same(second, "a.html") || first.Same(second, "c.css") {
		t.Error("Same is wrong")
	}

	// Collecting for both keeps everything; for the second alone drops
	// what only the first used ("one").
	if err := s.collect([]*Files{second, first}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, dir); n != 4 {
		t.Errorf("after collecting for both builds: %d stored, want 4", n)
	}
	if err := s.collect([]*Files{second}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, dir); n != 3 {
		t.Errorf("after collecting for the second build: %d stored, want 3", n)
	}
	if _, _, err := first.Get("c.css"); err == nil {
		t.Error("a collected file still reads")
	}
	// Bytes collected and then stored again are written again.
	b3 := s.Build()
	if err := b3.Put("c.css", []byte("one")); err != nil {
		t.Fatal(err)
	}
	if data, _, err := b3.Files().Get("c.css"); err != nil || string(data) != "one" {
		t.Errorf("stored again: %q %v", data, err)
	}
}

func TestStoredFileOfTheWrongSizeIsAnError(t *testing.T) {
	dir := t.TempDir()
	s := NewStore(dir)
	b := s.Build()
	if err := b.Put("a.html", []byte("twelve bytes")); err != nil {
		t.Fatal(err)
	}
	files := b.Files()
	entries, _ := os.ReadDir(dir)
	if err := os.WriteFile(filepath.Join(dir, entries[0].Name()), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := files.Get("a.html"); !ok || err == nil {
		t.Errorf("a truncated stored file read without error (ok %v)", ok)
	}
}

func TestMemKeepsFromAStore(t *testing.T) {
	s := NewStore(t.TempDir())
	b := s.Build()
	if err := b.Put("a.html", []byte("x")); err != nil {
		t.Fatal(err)
	}
	m := NewMem()
	if err := m.Keep("a.html", b.Files()); err != nil {
		t.Fatal(err)
	}
	if got := string(m.Map()["a.html"]); got != "x" {
		t.Errorf("kept %q", got)
	}
}

func count(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// Collect leaves a little garbage rather than going through every file after each edit.
func TestCollectWaitsForGarbage(t *testing.T) {
	dir := t.TempDir()
	s := NewStore(dir)
	var last *Files
	for i := range 200 {
		b := s.Build()
		if err := b.Put("a.html", []byte(fmt.Sprint("version ", i))); err != nil {
			t.Fatal(err)
		}
		if err := b.Put("b.html", []byte("same")); err != nil {
			t.Fatal(err)
		}
		files := b.Files()
		if err := s.Collect(files, last); err != nil {
			t.Fatal(err)
		}
		last = files
		if n := count(t, dir); n > 2+64+2 {
			t.Fatalf("after %d builds of 2 files the store holds %d", i+1, n)
		}
		if data, _, err := files.Get("a.html"); err != nil || string(data) != fmt.Sprint("version ", i) {
			t.Fatalf("build %d: %q %v", i, data, err)
		}
	}
}

// A build started from the last one keeps what it keeps without copying,
// and does not hold on to files it neither kept nor wrote.
func TestBuildFromDropsWhatItDidNotMake(t *testing.T) {
	s := NewStore(t.TempDir())
	b1 := s.Build()
	for _, rel := range []string{"a.html", "b.html", "c.html"} {
		if err := b1.Put(rel, []byte(rel)); err != nil {
			t.Fatal(err)
		}
	}
	first := b1.Files()
	b2 := s.BuildFrom(first)
	if err := b2.Keep("a.html", first); err != nil {
		t.Fatal(err)
	}
	if err := b2.Put("c.html", []byte("new c")); err != nil {
		t.Fatal(err)
	}
	if err := b2.Put("d.html", []byte("d")); err != nil {
		t.Fatal(err)
	}
	if err := b2.Keep("gone.html", first); err == nil {
		t.Error("kept a file the last build does not have")
	}
	second := b2.Files()
	if got := second.Paths(); !slices.Equal(got, []string{"a.html", "c.html", "d.html"}) {
		t.Errorf("second build holds %v", got)
	}
	if data, _, _ := second.Get("c.html"); string(data) != "new c" {
		t.Errorf("c.html = %q", data)
	}
	if got := first.Paths(); !slices.Equal(got, []string{"a.html", "b.html", "c.html"}) {
		t.Errorf("the first build changed: %v", got)
	}
	// Everything kept, nothing dropped.
	b3 := s.BuildFrom(second)
	for _, rel := range second.Paths() {
		if err := b3.Keep(rel, second); err != nil {
			t.Fatal(err)
		}
	}
	if got := b3.Files().Paths(); !slices.Equal(got, second.Paths()) {
		t.Errorf("third build holds %v", got)
	}
}

func TestKeepAll(t *testing.T) {
	s := NewStore(t.TempDir())
	b1 := s.Build()
	for _, rel := range []string{"a.html", "b.html", "c.html", "d.html"} {
		if err := b1.Put(rel, []byte(rel)); err != nil {
			t.Fatal(err)
		}
	}
	first := b1.Files()
	b2 := s.BuildFrom(first)
	if err := KeepAll(b2, []string{"a.html", "c.html", "d.html"}, first); err != nil {
		t.Fatal(err)
	}
	if got := b2.Files().Paths(); !slices.Equal(got, []string{"a.html", "c.html", "d.html"}) {
		t.Errorf("kept %v", got)
	}
	for _, rels := range [][]string{{"gone.html"}, {"a.html", "b.html", "gone.html"}} {
		if err := KeepAll(s.BuildFrom(first), rels, first); err == nil {
			t.Errorf("kept %v, which the last build does not all have", rels)
		}
	}
	m := NewMem()
	if err := KeepAll(m, []string{"b.html"}, first); err != nil || string(m.Map()["b.html"]) != "b.html" {
		t.Errorf("into memory: %v %q", err, m.Map()["b.html"])
	}
}

// TestChangedSince: a build made from another knows what it changed, the
// same paths as Diff finds, over random builds of random edits.
func TestChangedSince(t *testing.T) {
	s := NewStore(t.TempDir())
	b := s.Build()
	for i := range 20 {
		if err := b.Put(fmt.Sprintf("f%d.html", i), []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	prev := b.Files()
	if _, ok := prev.ChangedSince(nil); ok {
		t.Error("a build made from nothing knows its changes")
	}
	for round := range 200 {
		next := s.BuildFrom(prev)
		for i := range 25 {
			rel := fmt.Sprintf("f%d.html", i)
			switch (round*7 + i*13) % 5 {
			case 0: // dropped
			case 1: // written again, other bytes
				if err := next.Put(rel, []byte{byte(round), byte(i)}); err != nil {
					t.Fatal(err)
				}
			case 2: // written again, the same bytes (or new)
				data, ok, _ := prev.Get(rel)
				if !ok {
					data = []byte{byte(i)}
				}
				if err := next.Put(rel, data); err != nil {
					t.Fatal(err)
				}
			default: // kept
				if prev.Has(rel) {
					if err := next.Keep(rel, prev); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		files := next.Files()
		got, ok := files.ChangedSince(prev)
		if !ok {
			t.Fatalf("round %d: a build made from the last does not know its changes", round)
		}
		want := prev.Diff(files)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: ChangedSince = %v, Diff = %v", round, got, want)
		}
		if _, ok := files.ChangedSince(files); ok {
			t.Fatalf("round %d: knows its changes since a build it was not made from", round)
		}
		prev = files
	}
}

// TestFilesDoNotKeepTheBuildBefore: a preview makes each build from the
// last; were each to hold the one before, every build of the session would
// stay in memory.
func TestFilesDoNotKeepTheBuildBefore(t *testing.T) {
	s := NewStore(t.TempDir())
	b := s.Build()
	if err := b.Put("a.html", []byte("a")); err != nil {
		t.Fatal(err)
	}
	first := b.Files()
	collected := make(chan struct{})
	runtime.AddCleanup(first, func(struct{}) { close(collected) }, struct{}{})
	next := s.BuildFrom(first)
	if err := next.Keep("a.html", first); err != nil {
		t.Fatal(err)
	}
	second := next.Files()
	first, next = nil, nil
	for range 20 {
		runtime.GC()
		select {
		case <-collected:
			runtime.KeepAlive(second)
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("a build keeps the build it was made from in memory")
}
