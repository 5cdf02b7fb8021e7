package diskfs

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// TestReadRegular reads files of every kind through FS (raw system calls)
// and through the generic Open/Stat/Read path over os.DirFS, and wants the
// same answers from both.
func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	const limit = 10000
	write := func(name string, size int) {
		if err := os.WriteFile(filepath.Join(dir, name), bytes.Repeat([]byte("あ."), size/4+1)[:size], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, size := range map[string]int{"empty.md": 0, "one.md": 1, "page.md": 4096, "limit.md": limit, "over.md": limit + 1, "big.md": 3 * limit} {
		write(name, size)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder"), 0o755); err != nil {
		t.Fatal(err)
	}
	fifo := mkfifo(filepath.Join(dir, "pipe.md")) == nil

	tests := []struct {
		name     string
		wantData int         // bytes read; -1: none
		wantMode fs.FileMode // for files that are no regular files
		wantSize int64       // for files too large
		wantErr  error       // errors.Is
	}{
		{"empty.md", 0, 0, 0, nil},
		{"one.md", 1, 0, 1, nil},
		{"page.md", 4096, 0, 4096, nil},
		{"limit.md", limit, 0, limit, nil},
		{"over.md", -1, 0, limit + 1, nil},
		{"big.md", -1, 0, 3 * limit, nil},
		{"folder", -1, fs.ModeDir, -1, nil},
		{"missing.md", -1, 0, -1, fs.ErrNotExist},
		{"../outside.md", -1, 0, -1, fs.ErrInvalid},
		{"/abs.md", -1, 0, -1, fs.ErrInvalid},
	}
	if fifo {
		tests = append(tests, struct {
			name     string
			wantData int
			wantMode fs.FileMode
			wantSize int64
			wantErr  error
		}{"pipe.md", -1, fs.ModeNamedPipe, -1, nil})
	}
	for _, tt := range tests {
		for _, via := range []struct {
			name string
			fsys fs.FS
		}{{"raw", Dir(dir)}, {"generic", os.DirFS(dir)}} {
			if tt.name == "pipe.md" && via.name == "generic" {
				continue // os.Open waits for a writer (content.Walk refuses pipes first)
			}
			data, mode, size, err := ReadRegular(via.fsys, tt.name, limit)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("%s %s: error %v, want %v", via.name, tt.name, err, tt.wantErr)
				}
				var pe *fs.PathError
				if errors.As(err, &pe) && pe.Path != tt.name {
					t.Errorf("%s %s: error names %q", via.name, tt.name, pe.Path)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s %s: %v", via.name, tt.name, err)
				continue
			}
			if mode.Type() != tt.wantMode {
				t.Errorf("%s %s: mode %v, want %v", via.name, tt.name, mode, tt.wantMode)
			}
			if tt.wantData < 0 {
				if data != nil {
					t.Errorf("%s %s: read %d bytes, want none", via.name, tt.name, len(data))
				}
			} else {
				want, _ := os.ReadFile(filepath.Join(dir, tt.name))
				if !bytes.Equal(data, want) || data == nil {
					t.Errorf("%s %s: read %d bytes, want %d", via.name, tt.name, len(data), len(want))
				}
			}
			if tt.wantSize >= 0 && size != tt.wantSize {
				t.Errorf("%s %s: size %d, want %d", via.name, tt.name, size, tt.wantSize)
			}
		}
	}
}

// TestReadRegularOtherFS reads through a file system that is not on disk.
func TestReadRegularOtherFS(t *testing.T) {
	fsys := fstest.MapFS{"a.md": {Data: []byte("# A\n")}, "d": {Mode: fs.ModeDir}}
	if data, _, _, err := ReadRegular(fsys, "a.md", 100); err != nil || string(data) != "# A\n" {
		t.Errorf("a.md: %q, %v", data, err)
	}
	if data, _, size, err := ReadRegular(fsys, "a.md", 3); err != nil || data != nil || size != 4 {
		t.Errorf("a.md over the limit: %q, size %d, %v", data, size, err)
	}
	if data, mode, _, err := ReadRegular(fsys, "d", 100); err != nil || data != nil || !mode.IsDir() {
		t.Errorf("d: %q, %v, %v", data, mode, err)
	}
}

// TestFSIsDirFS: the rest of FS is os.DirFS.
func TestFSIsDirFS(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(Dir(dir), "a.txt"); err != nil {
		t.Fatal(err)
	}
}
