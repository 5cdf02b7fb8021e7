//go:build unix

package publish

import (
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOutputPermissions builds with an empty umask, so that the modes seen are
// exactly the ones the code asks for: folders 0755, files 0644, nothing
// writable by group or others however the machine is set up.
func TestOutputPermissions(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dest := filepath.Join(t.TempDir(), "site", "public")
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	f := New(d)
	for _, p := range []string{"index.html", "en/talents/a/index.html", "en/feed.xml", "theme/site.css"} {
		if err := f.Write(p, []byte("<p>x</p>")); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(dest, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o644)
		if e.IsDir() {
			want = 0o755 | fs.ModeDir
		}
		if info.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, info.Mode(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
