package publish

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteFile: a new file gets the bytes, an existing longer one is cut
// to them, an empty one is made, and a failure names the file.
func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "a.html")
	for _, data := range []string{"a longer first version", "short", ""} {
		if err := writeFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil || string(got) != data {
			t.Fatalf("read %q (%v), wrote %q", got, err, data)
		}
	}
	missing := filepath.Join(dir, "no", "such", "folder", "b.html")
	err := writeFile(missing, []byte("x"), 0o644)
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != missing || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "b.html") {
		t.Errorf("writing into a missing folder: %v", err)
	}
}
