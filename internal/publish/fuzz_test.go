package publish

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCheckPath checks that every output path CheckPath accepts lands inside
// the output folder. Seeds live in testdata/fuzz/FuzzCheckPath and run as
// ordinary tests.
func FuzzCheckPath(f *testing.F) {
	for _, s := range []string{
		"index.html", "en/talents/a/index.html", "ja/talents/あおば/photo.jpg", "a/.b", "a..b/c", "...",
		"", ".", "..", "../x", "a/../../x", "a/../b", "/etc/passwd", "//x", "a//b", "a/./b", "a/", "./a",
		"a\\..\\..\\x", "..\\x", "C:\\x", "C:x", "\\\\server\\share", "a\x00b", "a/..", "a/b/../..", "~/x", "$HOME/x",
	} {
		f.Add(s)
	}
	root := filepath.Join(string(filepath.Separator)+"srv", "site", "public")
	f.Fuzz(func(t *testing.T, rel string) {
		if CheckPath(rel) != nil {
			return
		}
		switch {
		case rel == "" || strings.ContainsRune(rel, 0) || strings.Contains(rel, "\\"):
			t.Fatalf("accepted %q: empty, NUL or backslash", rel)
		case filepath.IsAbs(rel) || filepath.IsAbs(filepath.FromSlash(rel)) || filepath.VolumeName(filepath.FromSlash(rel)) != "":
			t.Fatalf("accepted the absolute path %q", rel)
		}
		full := filepath.Join(root, filepath.FromSlash(rel))
		if !strings.HasPrefix(full, root+string(filepath.Separator)) {
			t.Fatalf("accepted %q, which lands at %s, outside %s", rel, full, root)
		}
		if r, err := filepath.Rel(root, full); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			t.Fatalf("accepted %q, which is %q from the root", rel, r)
		}
	})
}
