// Package theme merges a site's own layouts/ and static/ with the default
// theme embedded in the binary: a site file wins over the embedded file of the
// same name.
package theme

import (
	"errors"
	"io/fs"
	"sort"

	"kakehashi"
)

// Overlay is a read-only file system whose files come from top where they
// exist, and from bottom otherwise. Directories are merged.
type Overlay struct {
	top, bottom fs.FS
}

// New returns the theme for a site folder: the site's files over the embedded ones.
func New(site fs.FS) *Overlay { return &Overlay{top: site, bottom: kakehashi.Theme} }

// Open opens name from the top layer, falling back to the bottom layer.
func (o *Overlay) Open(name string) (fs.File, error) {
	if o.top != nil {
		f, err := o.top.Open(name)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return o.bottom.Open(name)
}

// ReadDir merges the entries of both layers, sorted by name.
func (o *Overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]fs.DirEntry{}
	var firstErr error
	found := false
	for _, layer := range []fs.FS{o.bottom, o.top} {
		if layer == nil {
			continue
		}
		entries, err := fs.ReadDir(layer, name)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) && firstErr == nil {
				firstErr = err
			}
			continue
		}
		found = true
		for _, e := range entries {
			seen[e.Name()] = e
		}
	}
	if !found {
		if firstErr != nil {
			return nil, firstErr
		}
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	out := make([]fs.DirEntry, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// ReadLayers returns the contents of name in every layer that has it, bottom
// (embedded) first, so that a caller can merge files key by key.
func (o *Overlay) ReadLayers(name string) ([][]byte, error) {
	var out [][]byte
	for _, layer := range []fs.FS{o.bottom, o.top} {
		if layer == nil {
			continue
		}
		data, err := fs.ReadFile(layer, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, data)
	}
	if len(out) == 0 {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return out, nil
}

// Sub returns the overlay of one folder of both layers ("layouts", "static").
func (o *Overlay) Sub(dir string) *Overlay {
	sub := func(f fs.FS) fs.FS {
		if f == nil {
			return nil
		}
		s, err := fs.Sub(f, dir)
		if err != nil {
			return nil
		}
		return s
	}
	return &Overlay{top: sub(o.top), bottom: sub(o.bottom)}
}
