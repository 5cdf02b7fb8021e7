package content

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"kakehashi/internal/config"
	"kakehashi/internal/diskfs"
	"kakehashi/internal/fileerr"
)

// MaxFileSize bounds one content file. A story is a few KB; a file far larger is
// a mistake (a pasted PDF, a generated dump) and would only slow every build.
// It is also what bounds the Markdown converter's memory: on hostile 1 MB
// inputs goldmark allocates up to about 250 MB, on 8 MB ones up to 1.9 GB.
// Parse enforces it, and ReadFile never reads more than one byte past it.
const MaxFileSize = 1 << 20

// Load reads every Markdown file under content/ in fsys, in parallel, and
// returns them sorted by path. All broken files are reported at once.
func Load(fsys fs.FS, cfg *config.Config) ([]*Source, error) {
	paths, err := Walk(fsys)
	if err != nil {
		return nil, err
	}
	sources := make([]*Source, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	// Twice as many readers as processors: each file is a few system calls
	// (time a reader waits rather than works) and a short parse.
	for w := 0; w < 2*runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				sources[i], errs[i] = ReadFile(fsys, paths[i], cfg)
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return sources, nil
}

// Walk lists the Markdown files under content/, sorted. Hidden files and
// editor leftovers (".#x.md", "x.md~") are not content.
func Walk(fsys fs.FS) ([]string, error) {
	if l, ok := fsys.(fs.ReadLinkFS); ok {
		// WalkDir follows a link at its root: look at the folder itself first.
		if info, err := l.Lstat(Dir); err == nil && info.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("%s/: is a symbolic link; content must live in the site folder: move it there", Dir)
		}
	}
	var paths []string
	err := fs.WalkDir(fsys, Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == Dir && errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("%s/: not found: a site folder needs a content folder", Dir)
			}
			return err
		}
		name := d.Name()
		if p != Dir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// A link can point anywhere on the machine; content must live in content/.
			return fileerr.Errorf(p, 0, "symbolic links are not allowed in %s/: copy the file instead", Dir)
		}
		if !d.IsDir() && strings.HasSuffix(name, ".md") {
			if !d.Type().IsRegular() {
				// A pipe or a device would block the build or never end.
				return fileerr.Errorf(p, 0, "not a regular file (%v): content files must be plain files", d.Type())
			}
			paths = append(paths, p)
		}
		return nil
	})
	sort.Strings(paths)
	return paths, err
}

// ReadFile reads and parses one content file.
func ReadFile(fsys fs.FS, p string, cfg *config.Config) (*Source, error) {
	data, mode, size, err := diskfs.ReadRegular(fsys, p, MaxFileSize)
	switch {
	case err != nil:
		return nil, fileerr.New(p, 0, err)
	case !mode.IsRegular():
		return nil, notRegular(p, mode)
	case data == nil:
		return nil, tooLarge(p, size)
	}
	return Parse(p, data, cfg)
}

func notRegular(p string, mode fs.FileMode) error {
	return fileerr.Errorf(p, 0, "not a regular file (%v): content files must be plain files", mode)
}

func tooLarge(p string, size int64) error {
	return fileerr.Errorf(p, 0, "file is %.1f MB; content files are limited to %d KB: split the story or remove pasted data", float64(size)/(1<<20), MaxFileSize>>10)
}

// langSuffix splits "name.en" (or "name.pt-BR") into the name and the
// language, as `^(.+)\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)$` would; ok is
// false when stem has no such suffix.
func langSuffix(stem string) (name, lang string, ok bool) {
	i := strings.LastIndexByte(stem, '.')
	if i <= 0 || strings.IndexByte(stem[:i], '\n') >= 0 {
		return "", "", false
	}
	name, lang = stem[:i], stem[i+1:]
	base, region, hasRegion := strings.Cut(lang, "-")
	if len(base) < 2 || len(base) > 3 || strings.Trim(base, "abcdefghijklmnopqrstuvwxyz") != "" {
		return "", "", false
	}
	if hasRegion && (len(region) < 2 || len(region) > 8 || strings.Trim(region, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "") {
		return "", "", false
	}
	return name, lang, true
}

// Parse parses one content file; p is its slash path from the site root.
func Parse(p string, data []byte, cfg *config.Config) (*Source, error) {
	if len(data) > MaxFileSize {
		return nil, tooLarge(p, int64(len(data)))
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if bytes.IndexByte(data, '\r') >= 0 {
		// CRLF and a lone CR are both one line end (as in CommonMark); CR CR LF is two.
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	if !utf8.Valid(data) {
		return nil, fileerr.Errorf(p, invalidUTF8Line(data), "not valid UTF-8 text: save the file as UTF-8")
	}
	s := &Source{Path: p, Raw: data}
	if err := s.setPathParts(cfg); err != nil {
		return nil, err
	}
	if err := s.parseFront(); err != nil {
		return nil, err
	}
	if err := s.readMeta(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Source) setPathParts(cfg *config.Config) error {
	rel := strings.TrimPrefix(s.Path, Dir+"/")
	s.Dir = path.Dir(rel)
	if s.Dir == "." {
		s.Dir = ""
	}
	if s.Dir != "" {
		for _, seg := range strings.Split(s.Dir, "/") {
			if !validFolder(seg) {
				return fileerr.Errorf(s.Path, 0, "folder name %q may hold only letters, digits, ., - and _ (it becomes part of the address): rename the folder", seg)
			}
		}
	}
	s.Section, _, _ = strings.Cut(s.Dir, "/")
	stem := strings.TrimSuffix(path.Base(rel), ".md")
	s.Lang = cfg.DefaultLanguage()
	if name, lang, ok := langSuffix(stem); ok {
		if !cfg.HasLanguage(lang) {
			return fileerr.Errorf(s.Path, 0, "language %q is not in site.yaml's languages %v: rename the file or add the language", lang, cfg.Languages)
		}
		stem, s.Lang = name, lang
	}
	s.IsIndex = stem == "_index"
	s.Slug = stem
	s.Key = path.Join(s.Dir, stem)
	return nil
}

// frontFormat is a front matter delimiter and the decoder of what it encloses.
type frontFormat struct {
	delim  string
	decode func(data []byte, v any) error
}

var formats = []frontFormat{
	{"---", decodeYAML},
	{"+++", decodeTOML},
}

// decodeTOML decodes TOML; its errors carry the line of the byte where the
// error was found (the decoder's own line count runs one ahead when that byte
// ends a line).
func decodeTOML(data []byte, v any) error {
	if len(data) > MaxFrontMatterSize {
		return frontTooLarge(len(data))
	}
	if err := tomlDepth(data); err != nil {
		return err
	}
	_, err := toml.Decode(string(data), v)
	var pe toml.ParseError
	if errors.As(err, &pe) && pe.Position.Start >= 0 && pe.Position.Start <= len(data) {
		line := bytes.Count(data[:pe.Position.Start], []byte("\n")) + 1
		return fmt.Errorf("toml: line %d: %s", line, pe.Message)
	}
	if err != nil {
		return err
	}
	if m, ok := v.(*map[string]any); ok {
		return checkTOML(*m)
	}
	return nil
}

// frontFormatOf is the format whose delimiter the line is, nil if none.
func frontFormatOf(line []byte) *frontFormat {
	for i := range formats {
		if string(line) == formats[i].delim {
			return &formats[i]
		}
	}
	return nil
}

// splitFront finds the front matter of raw as adrg/frontmatter does
// (TestSplitFrontAsFrontmatter): the first line that is not blank must be
// a delimiter, the first later line that is the same delimiter closes it,
// white space around either ignored. open is the line of the first line
// that is not blank (from 0), f its format if it is a delimiter (also when
// it is never closed, for the error); front is what lies between the two
// delimiters, body what follows the closing line. The library reads the
// file line by line through a buffer and a string per line, a fortieth of
// a build; this reads it in place.
func splitFront(raw []byte) (f *frontFormat, open int, front []byte, bodyStart int, found bool) {
	off := 0
	// nextLine returns the line at off, trimmed, and moves past it; atEOF
	// when the line has no line end.
	nextLine := func() (line []byte, atEOF bool) {
		rest := raw[off:]
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			off = len(raw)
			return bytes.TrimSpace(rest), true
		}
		off += i + 1
		return bytes.TrimSpace(rest[:i]), false
	}
	for {
		line, atEOF := nextLine()
		if len(line) == 0 && !atEOF && off < len(raw) {
			open++
			continue
		}
		// A delimiter on the last line, without a line end, opens nothing.
		if f = frontFormatOf(line); f == nil || atEOF {
			return f, open, nil, 0, false
		}
		break
	}
	start := off
	for {
		lineStart := off
		line, atEOF := nextLine()
		if string(line) == f.delim {
			return f, open, raw[start:lineStart], off, true
		}
		if atEOF {
			return f, open, nil, 0, false
		}
	}
}

func (s *Source) parseFront() error {
	f, open, front, bodyStart, found := splitFront(s.Raw)
	switch {
	case !found && f != nil:
		return fileerr.Errorf(s.Path, open+1, "front matter opened with %s is never closed: add a line with %s after it", f.delim, f.delim)
	case !found:
		return fileerr.Errorf(s.Path, open+1, "no front matter: add a --- (YAML) or +++ (TOML) block with at least title and consent at the top of the file")
	}
	var m map[string]any
	if err := f.decode(front, &m); err != nil {
		var le *limitError
		if errors.As(err, &le) {
			le.offset = open + 1
			return fileerr.New(s.Path, open+1+le.line, le)
		}
		fe := fileerr.FromYAML(s.Path, open+1, err)
		fe.Err = fmt.Errorf("%w: check the quotes, colons and indentation on this line and the one before", fe.Err)
		return fe
	}
	if m == nil {
		m = map[string]any{}
	}
	s.Front = m
	s.Body = s.Raw[bodyStart:]
	s.BodyLine = bytes.Count(s.Raw[:bodyStart], []byte("\n")) + 1
	return nil
}

func invalidUTF8Line(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		if r == utf8.RuneError && n <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[n:]
	}
	return line
}

func lineOfKey(front []byte, key string) int { return fileerr.LineOf(front, key) }
