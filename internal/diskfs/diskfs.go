// Package diskfs is os.DirFS with a cheap way to read a whole file.
//
// A build reads thousands of small Markdown files. Through os.DirFS each
// costs an *os.File: an open, a try at the network poller (which refuses
// regular files), four fcntl calls, a stat, two reads (the second to see
// the end) and a close. ReadRegular does the same work in an open, a stat,
// one read and a close.
package diskfs

import (
	"io"
	"io/fs"
	"os"
)

// FS is the folder root as a file system: os.DirFS(root), plus ReadRegular.
type FS struct {
	fs.FS
	root string
}

// Dir returns the folder root as a file system.
func Dir(root string) FS { return FS{FS: os.DirFS(root), root: root} }

// A RegularReader reads regular files whole.
type RegularReader interface {
	// ReadRegular reads the file name if it is a regular file of at most
	// limit bytes. Otherwise it reads nothing and returns no data, with
	// the file's mode (when it is no regular file) or its size (when it is
	// too large), so that the caller can say why.
	ReadRegular(name string, limit int64) (data []byte, mode fs.FileMode, size int64, err error)
}

// ReadRegular reads name from fsys as RegularReader says: through fsys's
// own ReadRegular when it has one, otherwise by Open, Stat and Read.
func ReadRegular(fsys fs.FS, name string, limit int64) ([]byte, fs.FileMode, int64, error) {
	if rr, ok := fsys.(RegularReader); ok {
		return rr.ReadRegular(name, limit)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	return readOpen(f, limit)
}

// readOpen reads an open file as RegularReader says.
func readOpen(f fs.File, limit int64) ([]byte, fs.FileMode, int64, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, 0, 0, err
	}
	if !st.Mode().IsRegular() {
		return nil, st.Mode().Type(), st.Size(), nil
	}
	if st.Size() > limit {
		return nil, 0, st.Size(), nil
	}
	// Into a buffer of the size at the stat and a byte more, to see the
	// end without growing (io.ReadAll starts at 512 bytes and copies a
	// story of a few KB several times over); through a limit, as the size
	// may have changed since.
	r := io.LimitReader(f, limit+1)
	data := make([]byte, 0, max(st.Size(), 0)+1)
	for {
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, 0, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // it grew since the stat
		}
	}
	if int64(len(data)) > limit {
		return nil, 0, int64(len(data)), nil
	}
	return data, 0, int64(len(data)), nil
}

// ReadRegular implements RegularReader.
func (d FS) ReadRegular(name string, limit int64) ([]byte, fs.FileMode, int64, error) {
	if !fs.ValidPath(name) {
		return nil, 0, 0, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	data, mode, size, err := readRegular(d.root+"/"+name, limit)
	if pe, ok := err.(*fs.PathError); ok {
		pe.Path = name // as os.DirFS names it
	}
	return data, mode, size, err
}

// ReadDir keeps listing a folder one call (fs.ReadDir would otherwise open
// it as a file): FS embeds an interface, which hides os.DirFS's methods.
func (d FS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(d.FS, name) }

// ReadFile is os.DirFS's.
func (d FS) ReadFile(name string) ([]byte, error) { return fs.ReadFile(d.FS, name) }

// Stat is os.DirFS's.
func (d FS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(d.FS, name) }

// Lstat is os.DirFS's (the build refuses symbolic links by it).
func (d FS) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(d.FS, name) }

// ReadLink is os.DirFS's.
func (d FS) ReadLink(name string) (string, error) { return fs.ReadLink(d.FS, name) }
