package watch

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestFsnotifyStaysHere: file events become Changes in this package; no other
// package of the module sees fsnotify, and this one depends on no stage of
// the builder (it sits on top, beside the server).
func TestFsnotifyStaysHere(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		inWatch := filepath.Dir(p) == filepath.Join(root, "internal", "watch")
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "github.com/fsnotify/") && !inWatch {
				t.Errorf("%s imports %s: only internal/watch may see file events", p, path)
			}
			if inWatch && strings.HasPrefix(path, "kakehashi") {
				t.Errorf("%s imports %s: the watcher depends on no builder stage", p, path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
