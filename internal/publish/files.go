package publish

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Files are the files of one finished build, by output path: read-only once
// made, so that a server can keep serving them while the next build runs.
// Their bytes are held in memory (Mem) or in a private folder (Store).
type Files struct {
	dir string // the Store's folder; "" when the bytes are in memory
	m   map[string]object
	// id numbers the Files a Store hands out (0: other Files); base is
	// the id of the build these were made from, and changed the paths
	// where they differ from it (see ChangedSince). Not a pointer: a
	// preview's builds would all stay reachable, each from the next.
	id, base uint64
	changed  []string
}

// object is one file's bytes: in memory, or in dir under the name of their hash.
type object struct {
	data []byte
	sum  sum
	size int
}

// sum names stored bytes: their SHA-256, cut to 128 bits.
type sum [16]byte

// FilesOf makes Files of bytes in memory (tests, and small fixed sites).
func FilesOf(m map[string][]byte) *Files {
	f := &Files{m: make(map[string]object, len(m))}
	for rel, data := range m {
		f.m[rel] = object{data: data, size: len(data)}
	}
	return f
}

// Len is the number of files.
func (f *Files) Len() int { return len(f.m) }

// Has reports whether there is a file at rel.
func (f *Files) Has(rel string) bool {
	_, ok := f.m[rel]
	return ok
}

// Get returns the bytes of the file at rel. ok is false when there is no
// such file; err reports a stored file that could not be read.
func (f *Files) Get(rel string) (data []byte, ok bool, err error) {
	o, ok := f.m[rel]
	if !ok {
		return nil, false, nil
	}
	if f.dir == "" {
		return o.data, true, nil
	}
	// Only names this build stored are ever opened: no request path reaches
	// the folder.
	data, err = os.ReadFile(filepath.Join(f.dir, o.sum.name()))
	if err == nil && len(data) != o.size {
		err = fmt.Errorf("stored file %s has %d bytes, want %d", rel, len(data), o.size)
	}
	if err != nil {
		return nil, true, err
	}
	return data, true, nil
}

// Paths lists the paths, sorted.
func (f *Files) Paths() []string { return sortedKeys(f.m) }

// Same reports whether f and g both have a file at rel with the same bytes.
func (f *Files) Same(g *Files, rel string) bool {
	a, ok1 := f.m[rel]
	b, ok2 := g.m[rel]
	switch {
	case !ok1 || !ok2 || a.size != b.size:
		return false
	case f.dir != "" && g.dir != "":
		return a.sum == b.sum
	case f.dir == "" && g.dir == "":
		return len(a.data) == 0 || &a.data[0] == &b.data[0] || bytes.Equal(a.data, b.data)
	}
	x, _, err1 := f.Get(rel)
	y, _, err2 := g.Get(rel)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// ChangedSince lists the paths where f differs from g (as Diff, and maybe a
// file kept from a third build with the same bytes), when f was built from
// g and so knows them without going through every file: a preview asks
// after each rebuild, and an edit changes a file or two. ok is false when
// f does not know.
func (f *Files) ChangedSince(g *Files) (paths []string, ok bool) {
	if f.base == 0 || f.base != g.id {
		return nil, false
	}
	return f.changed, true
}

// Diff lists the paths that one of f and g has and the other has not, or
// that hold other bytes, in no particular order.
func (f *Files) Diff(g *Files) []string {
	var out []string
	for rel := range f.m {
		if !g.Has(rel) || !f.Same(g, rel) {
			out = append(out, rel)
		}
	}
	for rel := range g.m {
		if !f.Has(rel) {
			out = append(out, rel)
		}
	}
	return out
}

// ReadAll returns every file's bytes (tests compare whole builds with it).
func (f *Files) ReadAll() (map[string][]byte, error) {
	out := make(map[string][]byte, len(f.m))
	for rel := range f.m {
		data, _, err := f.Get(rel)
		if err != nil {
			return nil, err
		}
		out[rel] = data
	}
	return out, nil
}

// A Keeper is a Target that can take a file of an earlier build as it is,
// without its bytes passing through again.
type Keeper interface {
	Target
	Keep(rel string, from *Files) error
}

// KeepAll is Keep for many files: at once where the target can (a Store's
// build started from from), else one by one.
func KeepAll(k Keeper, rels []string, from *Files) error {
	if all, ok := k.(interface {
		KeepAll(rels []string, from *Files) error
	}); ok {
		return all.KeepAll(rels, from)
	}
	return keepEach(k, rels, from)
}

// keepEach keeps rels one by one.
func keepEach(k Keeper, rels []string, from *Files) error {
	for _, rel := range rels {
		if err := k.Keep(rel, from); err != nil {
			return err
		}
	}
	return nil
}

// keep copies rel's entry from one Files into a map of entries.
func keep(m map[string]object, rel string, from *Files) error {
	o, ok := from.m[rel]
	if !ok {
		return errMissing(rel)
	}
	m[rel] = o
	return nil
}

// keptBytes are the bytes of rel in from, for a target that does not share
// from's way of holding them.
func keptBytes(rel string, from *Files) ([]byte, error) {
	data, ok, err := from.Get(rel)
	if err == nil && !ok {
		err = errMissing(rel)
	}
	return data, err
}

func errMissing(rel string) error {
	return fmt.Errorf("%s: kept file missing from the last build", rel)
}

// sortedKeys lists a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
