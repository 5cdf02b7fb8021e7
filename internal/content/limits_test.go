package content_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"kakehashi/internal/content"
)

// billionLaughs is the classic YAML bomb: ten lines that expand to 10^9 values.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		fmt.Fprintf(&b, "%s: &%s [%s]\n", n, n, strings.TrimSuffix(strings.Repeat("*"+prev+", ", 10), ", "))
		prev = n
	}
	return b.String()
}

func keys(n int, format string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, format, i)
	}
	return b.String()
}

// TestFrontMatterLimits: hostile front matter ends with an error naming the
// file and line, quickly and within little memory.
func TestFrontMatterLimits(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"billion laughs", "---\n" + billionLaughs() + "---\n", ":5: front matter holds more than 10000 values"},
		{"alias to itself", "---\na: &a [x, *a]\n---\n", ":2: alias *a refers to the block that contains it"},
		{"merge bomb", "---\na: &a {x: 1, y: 2}\nb: &b {<<: *a, k: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]}\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n---\n", "front matter holds more than 10000 values"},
		{"YAML nested deep", "---\na: " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\n---\n", ":2: front matter is nested more than 32 levels deep"},
		{"YAML nested very deep", "---\na: " + strings.Repeat("[", 60000) + "\n---\n", ":2: yaml: exceeded max depth"},
		{"TOML arrays nested deep", "+++\nx = 1\na = " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\n+++\n", ":3: front matter is nested more than 32 levels deep"},
		{"TOML inline tables nested deep", "+++\na = " + strings.Repeat("{b=", 16000) + "1" + strings.Repeat("}", 16000) + "\n+++\n", "front matter is nested more than 32 levels deep"},
		{"TOML brackets in strings are not nesting", "+++\na = \"" + strings.Repeat("[", 40) + "\" # " + strings.Repeat("{", 40) + "\nb = '''\n" + strings.Repeat("[", 40) + "'''\n+++\n", ""},
		{"YAML duplicate key", "---\ntitle: A\nname: B\ntitle: C\n---\n", `:4: "title" is set twice: keep one (first set on line 2)`},
		{"YAML many duplicate keys", "---\n" + keys(12000, "k%d: 1\n")[:60000] + keys(100, "k%d: 2\n") + "---\n", "holds more than 256 keys"},
		{"YAML many keys", "---\n" + keys(5000, "key%d: 1\n") + "---\n", ":2: a block of front matter holds more than 256 keys"},
		{"YAML many keys inline", "---\nconsent: {" + keys(5000, "k%d: 1, ") + "publish: true}\n---\n", ":2: a block of front matter holds more than 256 keys"},
		{"TOML many keys", "+++\n" + keys(5000, "key%d = 1\n") + "+++\n", "a block of front matter holds more than 256 keys"},
		{"front matter too large", "---\ntitle: \"" + strings.Repeat("x", 70<<10) + "\"\n---\n", ":1: front matter is 71 KB; it is limited to 64 KB"},
		{"TOML too large", "+++\n" + strings.Repeat("[", 512<<10) + "\n+++\n", ":1: front matter is 513 KB; it is limited to 64 KB"},
		{"file too large", "---\ntitle: A\n---\n" + strings.Repeat("x", content.MaxFileSize), ": file is 1.0 MB; content files are limited to 1024 KB"},
		{"file at the limit", "---\ntitle: A\n---\n" + strings.Repeat("x", content.MaxFileSize-20), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := content.Parse("content/talents/x.en.md", []byte(tt.text), cfg)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
			} else if err == nil || !strings.HasPrefix(err.Error(), "content/talents/x.en.md") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %.300v\nwant %q", err, tt.want)
			}
			// Generous bounds: a shared, slow machine must not make this flaky.
			if took > 3*time.Second {
				t.Errorf("took %v", took)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16*uint64(len(tt.text))+64<<20 {
				t.Errorf("allocated %d MB for a %d KB file", alloc>>20, len(tt.text)>>10)
			}
		})
	}
}

// lyingFS reports every file as 10 bytes long, as some virtual file systems
// do, so that only the read itself can enforce the size limit.
type lyingFS struct{ fstest.MapFS }

func (l lyingFS) Open(name string) (fs.File, error) {
	f, err := l.MapFS.Open(name)
	if err != nil {
		return nil, err
	}
	return lyingFile{f}, nil
}

type lyingFile struct{ fs.File }

func (f lyingFile) Stat() (fs.FileInfo, error) {
	info, err := f.File.Stat()
	return lyingInfo{info}, err
}

func (f lyingFile) Read(p []byte) (int, error) { return f.File.Read(p) }

type lyingInfo struct{ fs.FileInfo }

func (lyingInfo) Size() int64 { return 10 }

// TestLoadEnforcesMaxFileSize: the limit holds on the Load path, whether the
// size is known before reading or not, and names the file.
func TestLoadEnforcesMaxFileSize(t *testing.T) {
	big := append([]byte("---\ntitle: A\n---\n"), bytes.Repeat([]byte("x"), content.MaxFileSize)...)
	files := fstest.MapFS{
		"content/talents/big.en.md": {Data: big},
		"content/talents/ok.en.md":  {Data: []byte("---\ntitle: A\n---\n")},
	}
	for name, fsys := range map[string]fs.FS{"honest": files, "lying": lyingFS{files}} {
		_, err := content.Load(fsys, cfg)
		if err == nil || !strings.Contains(err.Error(), "content/talents/big.en.md: file is 1.0 MB; content files are limited to 1024 KB") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
