package content

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kakehashi/internal/fileerr"
	"kakehashi/internal/imagemeta"
)

// ValidSlug keeps slugs to what is safe in a URL path segment and a file
// name on every system: a letter or digit, then letters, digits, '_' and
// '-' (`^[\p{L}\p{N}][\p{L}\p{N}_-]*$`): no separators, no dots that could
// climb, no NUL.
func ValidSlug(s string) bool { return namePattern(s, "_-") }

// validFolder is what a folder under content/ may be called: it becomes part
// of every address under it (`^[\p{L}\p{N}][\p{L}\p{N}._-]*$`).
func validFolder(s string) bool { return namePattern(s, "._-") }

// namePattern reports whether s is a letter or digit followed by letters,
// digits and the ASCII bytes of more; checked per file, so without regexp.
func namePattern(s, more string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'):
		case r < utf8.RuneSelf && i > 0 && strings.IndexByte(more, byte(r)) >= 0:
		case r >= utf8.RuneSelf && r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsNumber(r)):
		default:
			return false
		}
	}
	return true
}

// readMeta fills Meta from Front. A field of the wrong type is an error with its
// line: unlike consent, these fields decide nothing about publication, and a
// volunteer should fix them rather than see the story vanish.
func (s *Source) readMeta() error {
	m := &s.Meta
	var err error
	str := func(key string) string {
		if err != nil {
			return ""
		}
		var v string
		v, err = s.stringField(key)
		return v
	}
	m.Title = str("title")
	m.Name = str("name")
	m.Alias = str("alias")
	m.Role = str("role")
	m.Summary = str("summary")
	m.Photo = str("photo")
	m.Employer = str("employer")
	m.Company = str("company")
	m.Industry = str("industry")
	slug := str("slug")
	if err != nil {
		return err
	}
	if m.Skills, err = s.listField("skills"); err != nil {
		return err
	}
	if m.Talents, err = s.listField("talents"); err != nil {
		return err
	}
	if m.Date, err = s.dateField("date"); err != nil {
		return err
	}
	// A draft flag of the wrong type is the consent decision's to judge (it skips).
	m.Draft, _ = s.Front["draft"].(bool)
	if m.Photo != "" {
		if m.Photo, err = s.resolve(m.Photo); err != nil {
			return err
		}
	}
	if slug != "" && !s.IsIndex {
		s.Slug = slug
	}
	if !s.IsIndex && !ValidSlug(s.Slug) {
		return fileerr.Errorf(s.Path, s.Line("slug"), "slug %q may hold only letters, digits, - and _: rename it, like amina-k", s.Slug)
	}
	for _, ref := range append([]string{m.Employer}, m.Talents...) {
		if ref != "" && !ValidSlug(ref) {
			key := "talents"
			if ref == m.Employer {
				key = "employer"
			}
			return fileerr.Errorf(s.Path, s.Line(key), "%s: %q is not a slug: refer to items by their slug, like amina-k", key, ref)
		}
	}
	return nil
}

func (s *Source) stringField(key string) (string, error) {
	switch v := s.Front[key].(type) {
	case nil:
		return "", nil
	case string:
		return strings.TrimSpace(v), nil
	case int, int64, float64, uint64:
		return fmt.Sprint(v), nil
	default:
		return "", fileerr.Errorf(s.Path, s.Line(key), "%s must be text, not %s: write it as one line of text, in quotes if it holds a colon", key, TypeName(v))
	}
}

func (s *Source) listField(key string) ([]string, error) {
	switch v := s.Front[key].(type) {
	case nil:
		return nil, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			switch e := e.(type) {
			case string:
				if e = strings.TrimSpace(e); e != "" {
					out = append(out, e)
				}
			case int, int64, float64:
				out = append(out, fmt.Sprint(e))
			default:
				return nil, fileerr.Errorf(s.Path, s.Line(key), "%s: each entry must be text, not %s: write each entry as a word or in quotes", key, TypeName(e))
			}
		}
		return out, nil
	default:
		return nil, fileerr.Errorf(s.Path, s.Line(key), "%s must be a list such as [a, b], not %s: write it in square brackets", key, TypeName(v))
	}
}

func (s *Source) dateField(key string) (time.Time, error) {
	switch v := s.Front[key].(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC), nil
	case string:
		if t, err := ParseDate(v); err == nil {
			return t, nil
		}
		return time.Time{}, fileerr.Errorf(s.Path, s.Line(key), "%s %q is not a date: write it as YYYY-MM-DD, like 2023-06-15", key, v)
	default:
		return time.Time{}, fileerr.Errorf(s.Path, s.Line(key), "%s must be a date like 2023-06-15, not %s", key, TypeName(v))
	}
}

// ParseDate reads YYYY-MM-DD, the one date format of front matter.
func ParseDate(s string) (time.Time, error) {
	return time.Parse("2006-01-02", strings.TrimSpace(s))
}

// TypeName names the kind of a decoded front matter value the way a volunteer would say it.
func TypeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "empty"
	case bool:
		return "true/false"
	case string:
		return "the text " + strconv.Quote(v)
	case int, int64, uint64, float64:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "a block of keys"
	case time.Time:
		return "a date"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// resolve turns a file reference relative to the content file's folder into a
// slash path from the site root, refusing anything that leaves content/.
func (s *Source) resolve(ref string) (string, error) {
	bad := func(why string) error {
		return fileerr.Errorf(s.Path, s.Line("photo"), "photo %q %s: put the photo beside the story in %s/ and name it relative to it, like amina-k.jpg", ref, why, Dir)
	}
	switch {
	case strings.ContainsRune(ref, 0):
		return "", bad("contains a NUL byte")
	case strings.Contains(ref, "\\"):
		return "", bad("uses \\ as a separator")
	case strings.HasPrefix(ref, "/") || (len(ref) > 1 && ref[1] == ':'):
		return "", bad("is an absolute path")
	case strings.Contains(ref, "://"):
		return "", bad("is a URL")
	case strings.IndexFunc(ref, unicode.IsControl) >= 0:
		return "", bad("contains a control character")
	}
	p := path.Join(path.Dir(s.Path), ref)
	if !strings.HasPrefix(p, Dir+"/") {
		return "", bad("points outside the content folder")
	}
	if _, ok := imagemeta.FormatOf(p); !ok {
		// Anything else (another story's .md, notes) would be copied out as is.
		return "", bad("is not a .jpg, .jpeg, .png or .webp image")
	}
	return p, nil
}
