// Package theme merges a site's own layouts/ and static/ with the default
// theme embedded in the binary: a site file wins over the embedded file of the
// same name.
package theme

import (
	"errors"
	"io/fs"
	"path"
	"sort"

	"kakehashi"
)

// Overlay is a read-only file system whose files come from top where they
// exist, and from bottom otherwise. Directories are merged.
type Overlay struct {
	top, bottom fs.FS
	// prefix is the overlay's folder in the site ("layouts"), for messages;
	// linkErr is set when that folder is reached through a symbolic link.
	prefix  string
	linkErr error
}

// ErrLink is the error for a symbolic link in the site's layouts/ or static/:
// it could point at any file on the machine.
var ErrLink = errors.New("is a symbolic link: links are not allowed in layouts/ and static/, copy the file instead")

// checkLinks refuses a name reached through a symbolic link in the top layer.
func (o *Overlay) checkLinks(name string) error {
	if o.linkErr != nil {
		return o.linkErr
	}
	l, ok := o.top.(fs.ReadLinkFS)
	if !ok || name == "." {
		return nil
	}
	for i := 0; i <= len(name); i++ {
		if i < len(name) && name[i] != '/' {
			continue
		}
		info, err := l.Lstat(name[:i])
		if err != nil {
			return nil // missing here: the bottom layer may have it
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return &fs.PathError{Op: "open", Path: path.Join(o.prefix, name[:i]), Err: ErrLink}
		}
	}
	return nil
}

// New returns the theme for a site folder: the site's files over the embedded ones.
func New(site fs.FS) *Overlay { return &Overlay{top: site, bottom: kakehashi.Theme} }

// Open opens name from the top layer, falling back to the bottom layer.
func (o *Overlay) Open(name string) (fs.File, error) {
	if o.top != nil {
		if err := o.checkLinks(name); err != nil {
			return nil, err
		}
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

// Glob is fs.Glob, except that a name reached through a symbolic link is an
// error, not a missing file (html/template's ParseFS globs every name).
func (o *Overlay) Glob(pattern string) ([]string, error) {
	names, err := fs.Glob(struct{ fs.ReadDirFS }{o}, pattern)
	if err == nil && len(names) == 0 && o.top != nil {
		if err := o.checkLinks(pattern); err != nil {
			return nil, err
		}
	}
	return names, err
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
	for i, layer := range []fs.FS{o.bottom, o.top} {
		if layer == nil {
			continue
		}
		if i == 1 { // the site's own layer
			if err := o.checkLinks(name); err != nil {
				return nil, err
			}
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
	sub2 := &Overlay{top: sub(o.top), bottom: sub(o.bottom), prefix: path.Join(o.prefix, dir), linkErr: o.linkErr}
	if o.top != nil && sub2.linkErr == nil {
		sub2.linkErr = o.checkLinks(dir)
	}
	return sub2
}
