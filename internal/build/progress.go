package build

import (
	"io/fs"
	"strings"
	"sync/atomic"

	"kakehashi/internal/diskfs"
	"kakehashi/internal/publish"
)

// Progress counts a running build's work, for a progress line. Safe to read
// while the build runs.
type Progress struct {
	// Loaded counts content files read, Written output files finished.
	Loaded  atomic.Int64
	Written atomic.Int64
}

// countingFS counts the Markdown files read through it.
type countingFS struct {
	fs.FS
	p *Progress
}

func (c countingFS) Open(name string) (fs.File, error) {
	f, err := c.FS.Open(name)
	if err == nil && strings.HasSuffix(name, ".md") {
		c.p.Loaded.Add(1)
	}
	return f, err
}

// ReadRegular counts the Markdown files read whole (see diskfs).
func (c countingFS) ReadRegular(name string, limit int64) ([]byte, fs.FileMode, int64, error) {
	data, mode, size, err := diskfs.ReadRegular(c.FS, name, limit)
	if err == nil && strings.HasSuffix(name, ".md") {
		c.p.Loaded.Add(1)
	}
	return data, mode, size, err
}

// ReadDir keeps directory listing fast (fs.ReadDir would otherwise open the folder as a file).
func (c countingFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(c.FS, name) }

// Lstat keeps the symbolic link checks of photos working through the wrapper.
func (c countingFS) Lstat(name string) (fs.FileInfo, error) {
	if l, ok := c.FS.(fs.ReadLinkFS); ok {
		return l.Lstat(name)
	}
	return fs.Stat(c.FS, name)
}

// ReadLink is the other half of fs.ReadLinkFS.
func (c countingFS) ReadLink(name string) (string, error) {
	if l, ok := c.FS.(fs.ReadLinkFS); ok {
		return l.ReadLink(name)
	}
	return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
}

// countingTarget counts the files put into it.
type countingTarget struct {
	publish.Target
	p *Progress
}

func (c countingTarget) Put(rel string, data []byte) error {
	err := c.Target.Put(rel, data)
	if err == nil {
		c.p.Written.Add(1)
	}
	return err
}
