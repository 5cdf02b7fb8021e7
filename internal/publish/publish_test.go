package publish

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestCheckPath(t *testing.T) {
	ok := []string{"index.html", "en/talents/a/index.html", "ja/talents/あおば/a.jpg", "a..b/c", "a/.b", "..."}
	for _, p := range ok {
		if err := CheckPath(p); err != nil {
			t.Errorf("CheckPath(%q) = %v", p, err)
		}
	}
	bad := []string{
		"", ".", "..", "../x", "a/../../x", "a/..", "a/../b", "/etc/passwd", "//x", "a//b", "a/./b", "./a", "a/",
		"a\\..\\..\\x", "..\\x", "C:\\x", "\\\\server\\share\\x", "a\x00b", "a/b\x00/../../..",
	}
	for _, p := range bad {
		err := CheckPath(p)
		if err == nil {
			t.Errorf("CheckPath(%q) accepted it", p)
			continue
		}
		if !strings.Contains(err.Error(), "output path") {
			t.Errorf("CheckPath(%q): unclear error %v", p, err)
		}
	}
}

// tree lists every path under dir (links not followed), for before/after comparisons.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestDirRefusesPathsOutsideTheWorkFolder(t *testing.T) {
	parent := t.TempDir()
	d, err := NewDir(filepath.Join(parent, "public"))
	if err != nil {
		t.Fatal(err)
	}
	before := tree(t, parent)
	f := New(d)
	for _, p := range []string{"../escape.html", "../../escape.html", "/tmp/escape.html", "a/../../escape.html", "..\\escape.html", "x\x00.html", ""} {
		if err := d.Put(p, []byte("x")); err == nil {
			t.Errorf("Dir.Put(%q) accepted it", p)
		}
		if err := f.Write(p, []byte("x")); err == nil {
			t.Errorf("Funnel.Write(%q) accepted it", p)
		}
	}
	if after := tree(t, parent); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("refused writes changed the folder:\n%v\n→\n%v", before, after)
	}
	if err := d.Abort(); err != nil {
		t.Fatal(err)
	}
}

func TestCommitReplacesAndAbortKeeps(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	build := func(files map[string]string) *Dir {
		d, err := NewDir(dest)
		if err != nil {
			t.Fatal(err)
		}
		for p, s := range files {
			if err := d.Put(p, []byte(s)); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	if err := build(map[string]string{"a/index.html": "1", "old.html": "1"}).Commit(); err != nil {
		t.Fatal(err)
	}
	if err := build(map[string]string{"a/index.html": "2"}).Commit(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tree(t, dest), " "); got != ". a a/index.html" {
		t.Errorf("after the second commit: %s", got)
	}
	if err := build(map[string]string{"a/index.html": "3"}).Abort(); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dest, "a/index.html")); string(data) != "2" {
		t.Errorf("an aborted build changed the output: %q", data)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("work folders left: %v", entries)
	}
}

func TestLeftoversAreRemovedButNothingElse(t *testing.T) {
	parent := t.TempDir()
	outside := t.TempDir()
	keep := filepath.Join(outside, "precious.txt")
	if err := os.WriteFile(keep, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	mk := func(name string) {
		if err := os.MkdirAll(filepath.Join(parent, name, "en"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Leftovers of killed builds beside the output: a work folder, and an
	// output moved aside (the swap finished, its removal did not).
	mk("public")
	mk(".public.kakehashi-tmp-0123456789ab")
	mk(".public.kakehashi-tmp-0123456789ab-old")
	// Not ours: another site's work folder, and look-alikes.
	mk(".other.kakehashi-tmp-0123456789ab")
	mk("public.kakehashi-tmp-0123456789ab")
	mk(".public-backup")
	// A leftover name that is a link to a folder outside: the link goes, the folder stays.
	if err := os.Symlink(outside, filepath.Join(parent, ".public.kakehashi-tmp-link")); err != nil {
		t.Fatal(err)
	}
	d, err := NewDir(filepath.Join(parent, "public"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	var names []string
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		if filepath.Join(parent, e.Name()) != d.Path() {
			names = append(names, e.Name())
		}
	}
	if got := strings.Join(names, " "); got != ".other.kakehashi-tmp-0123456789ab .public-backup public public.kakehashi-tmp-0123456789ab" {
		t.Errorf("after NewDir: %s", got)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a file outside the output was removed through a link: %v", err)
	}
}

func TestImageSizeLimit(t *testing.T) {
	f := New(NewMem())
	big := make([]byte, MaxImageSize+1)
	copy(big, "\xff\xd8\xff")
	err := f.Write("en/talents/a/a.jpg", big)
	if err == nil || !strings.Contains(err.Error(), "en/talents/a/a.jpg: image is 20.0 MB; images are limited to 20 MB") {
		t.Errorf("err = %v", err)
	}
}

// TestOutputMovedAsideIsRestored: without an atomic exchange, Commit moves the
// previous output aside before moving the new one in. A build killed between
// the two leaves no destination; the next build must put the previous output
// back, not delete it with the other leftovers.
func TestOutputMovedAsideIsRestored(t *testing.T) {
	parent := t.TempDir()
	aside := filepath.Join(parent, ".public.kakehashi-tmp-0123456789ab-old")
	if err := os.MkdirAll(filepath.Join(aside, "en"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(aside, "en", "index.html"), []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(parent, ".public.kakehashi-tmp-0123456789ab"), 0o755); err != nil {
		t.Fatal(err)
	}
	d, err := NewDir(filepath.Join(parent, "public"))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Abort(); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(parent, "public", "en", "index.html")); string(data) != "previous" {
		t.Errorf("previous output not restored: %q, %v", data, err)
	}
	if got := strings.Join(tree(t, parent), " "); got != ". public public/en public/en/index.html" {
		t.Errorf("after NewDir and Abort: %s", got)
	}
}

// removeAll deletes a tree in parallel, and never what a link inside it points to.
func TestRemoveAllKeepsWhatLinksPointTo(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(root, "outside")
	if err := os.MkdirAll(filepath.Join(outside, "keep"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "keep", "file"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tree := filepath.Join(root, "tree")
	for _, p := range []string{"a.html", "en/index.html", "en/talents/x/index.html", "en/talents/y/p.jpg", "ja/a/b/c/d.html"} {
		full := filepath.Join(tree, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, link := range []string{"link", "en/link"} {
		if err := os.Symlink(outside, filepath.Join(tree, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := removeAll(tree); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(tree); !os.IsNotExist(err) {
		t.Errorf("tree still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outside, "keep", "file")); err != nil {
		t.Errorf("a linked folder outside the tree was removed: %v", err)
	}
}
