// Package content walks a site's content/ folder and parses each Markdown
// file's front matter. It decides nothing about publication: that is the
// consent package's job; it only reports what the files say.
package content

import (
	"time"
)

// Dir is the content folder of a site.
const Dir = "content"

// Source is one parsed content file.
type Source struct {
	// Path is the slash-separated path from the site root, e.g. "content/talents/amina-k.en.md".
	Path string
	// Section is the first folder under content/ ("talents"), or "" at the root.
	Section string
	// Dir is the slash path of the file's folder under content/ ("talents", "talents/2024").
	Dir string
	// Slug is the file name without language and extension, or the front matter's slug.
	Slug string
	// Lang is the language from the file name suffix, or the default language.
	Lang string
	// Key groups translations: Dir + "/" + file stem without language.
	Key string
	// IsIndex marks an _index file: the text of a section or of the home page.
	IsIndex bool

	// Front is the decoded front matter as written: consent decisions read it raw
	// so that a value of the wrong type is seen as such.
	Front map[string]any
	Meta  Meta
	// Raw is the whole file, without BOM and with LF line ends; Body is the part
	// after the front matter and BodyLine its first line in the file.
	Raw      []byte
	Body     []byte
	BodyLine int
}

// ReleaseText lets go of the file's text and decoded front matter (Raw,
// Body, Front) for a caller done with them; the rest stays.
func (s *Source) ReleaseText() { s.Raw, s.Body, s.Front = nil, nil, nil }

// Meta holds the typed front matter fields the site uses (consent excluded).
type Meta struct {
	Title   string
	Name    string // real name: shown only with consent
	Alias   string
	Role    string
	Summary string
	Skills  []string
	// Photo is resolved to a slash path from the site root ("content/talents/a.jpg").
	Photo    string
	Employer string
	Company  string
	Industry string
	Talents  []string
	Date     time.Time
	Draft    bool
}

// Line returns the 1-based line of key in the front matter, or 1 if it is not found.
func (s *Source) Line(key string) int {
	if n := lineOfKey(s.Raw[:len(s.Raw)-len(s.Body)], key); n > 0 {
		return n
	}
	return 1
}
