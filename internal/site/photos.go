package site

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// checkPhoto makes sure the photo is a regular file inside content/, reached
// through no symbolic link (a link could point at any file on the machine).
func (s *Site) checkPhoto(file string) error {
	if s.fsys == nil {
		return nil
	}
	parts := strings.Split(file, "/")
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		info, err := lstat(s.fsys, p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("photo %s not found", file)
			}
			return err
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("photo %s is reached through the symbolic link %s: copy the photo into the content folder instead", file, p)
		}
		if i == len(parts)-1 && !info.Mode().IsRegular() {
			return fmt.Errorf("photo %s is not a file", file)
		}
	}
	return nil
}

func lstat(fsys fs.FS, name string) (fs.FileInfo, error) {
	if l, ok := fsys.(fs.ReadLinkFS); ok {
		return l.Lstat(name)
	}
	return fs.Stat(fsys, name)
}
