package site

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"kakehashi/internal/fileerr"
)

// attachPhotos gives each page whose photo is consented a Photo. Translations
// share one copy, under the first consenting translation's folder, so that a
// photo is published once.
func (s *Site) attachPhotos() error {
	var errs []error
	placed := map[string]*Photo{} // source file → photo
	for _, lang := range s.Config.Languages {
		for _, p := range s.Pages {
			if p.Lang != lang || p.Source == nil || p.Source.IsIndex || !p.Consent.Photo || p.Source.Meta.Photo == "" {
				continue
			}
			src := p.Source.Meta.Photo
			if ph := placed[src]; ph != nil {
				p.Photo = ph
				continue
			}
			if err := s.checkPhoto(src); err != nil {
				errs = append(errs, fileerr.New(p.Source.Path, p.Source.Line("photo"), err))
				continue
			}
			ph := &Photo{Source: src, Path: p.Path + path.Base(src)}
			placed[src] = ph
			p.Photo = ph
			s.Photos = append(s.Photos, ph)
		}
	}
	return errors.Join(errs...)
}

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
