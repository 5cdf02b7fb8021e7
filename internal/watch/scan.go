package watch

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// stamp is what a scan remembers of one path.
type stamp struct {
	size int64
	mod  int64
	mode fs.FileMode
}

// tree is one scan of a site folder: every watched path (files and folders)
// by its site-relative slash path.
type tree map[string]stamp

// scan records site.yaml and everything under content/, layouts/ and static/
// that Classify accepts. Symbolic links are recorded, never followed. It also
// returns the watched folders (absolute paths), the root first.
func scan(root string) (tree, []string) {
	t := tree{}
	dirs := []string{root}
	if info, err := os.Lstat(filepath.Join(root, ConfigFile)); err == nil {
		t[ConfigFile] = stampOf(info)
	}
	for _, top := range []string{"content", "layouts", "static"} {
		walkDir(root, filepath.Join(root, top), t, &dirs)
	}
	return t, dirs
}

// walkDir adds dir and everything below it to t (nil: folders only).
func walkDir(root, dir string, t tree, dirs *[]string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // vanished or unreadable: the next event or scan tells
		}
		c, ok := Classify(root, p)
		if !ok {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			*dirs = append(*dirs, p)
		}
		if t != nil {
			if info, err := d.Info(); err == nil {
				t[c.Path] = stampOf(info)
			}
		}
		return nil
	})
}

func stampOf(info fs.FileInfo) stamp {
	s := stamp{size: info.Size(), mode: info.Mode()}
	if !info.IsDir() {
		s.mod = info.ModTime().UnixNano()
	} else {
		s.size = 0 // a folder's size and time change with its entries, which are compared one by one
	}
	return s
}

// diff lists the paths that differ between two scans, sorted.
func diff(root string, old, cur tree) []Change {
	var out []Change
	add := func(rel string) {
		if c, ok := Classify(root, filepath.Join(root, filepath.FromSlash(rel))); ok {
			out = append(out, c)
		}
	}
	for p, s := range cur {
		if o, ok := old[p]; !ok || o != s {
			add(p)
		}
	}
	for p := range old {
		if _, ok := cur[p]; !ok {
			add(p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
