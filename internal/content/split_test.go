package content

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/adrg/frontmatter"

	"kakehashi/internal/config"
)

// libraryFront splits raw with adrg/frontmatter, which the content format's
// front matter rules follow.
func libraryFront(raw []byte) (delim string, front, body []byte, found bool) {
	var fmts []*frontmatter.Format
	for _, f := range formats {
		fmts = append(fmts, frontmatter.NewFormat(f.delim, f.delim, func(data []byte, _ any) error {
			delim, front = f.delim, bytes.Clone(data)
			return nil
		}))
	}
	body, err := frontmatter.MustParse(bytes.NewReader(raw), new(struct{}), fmts...)
	if errors.Is(err, frontmatter.ErrNotFound) {
		return "", nil, nil, false
	}
	if err != nil {
		panic(err) // a bytes.Reader cannot fail
	}
	return delim, front, body, true
}

// checkSplit fails t unless splitFront splits raw as adrg/frontmatter does.
func checkSplit(t *testing.T, raw []byte) {
	t.Helper()
	f, _, front, bodyStart, found := splitFront(raw)
	delim, wantFront, wantBody, wantFound := libraryFront(raw)
	if found != wantFound {
		t.Fatalf("%q: splitFront found front matter: %v, adrg/frontmatter: %v", raw, found, wantFound)
	}
	if !found {
		return
	}
	if f.delim != delim || !bytes.Equal(front, wantFront) || !bytes.Equal(raw[bodyStart:], wantBody) {
		t.Fatalf("%q: splitFront gives %s %q, body %q; adrg/frontmatter gives %s %q, body %q", raw, f.delim, front, raw[bodyStart:], delim, wantFront, wantBody)
	}
}

var splitCases = []string{
	"---\ntitle: a\n---\nbody\n",
	"\n\n  \n---\ntitle: a\n---\n",
	"---\ntitle: a\n---",
	"---\ntitle: a\n  ---  \nbody",
	"+++\ntitle = 'a'\n+++\n\nbody\n",
	"+++\na\n---\nb\n+++\n",
	"---\n---\n",
	"---\n",
	"---",
	"",
	"\n",
	"\n\n",
	"title: a\n---\n",
	"--- \ntitle: a\n---\n",
	"---\ntitle: a\n",
	"---\ntitle: a\n\n",
	"\u3000---\na\n---\n",
	"---\na\n\u00a0---\u00a0\nb",
	"---\na\n----\n---\nb",
}

func TestSplitFrontAsFrontmatter(t *testing.T) {
	for _, c := range splitCases {
		checkSplit(t, []byte(c))
	}
}

func FuzzSplitFrontAsFrontmatter(f *testing.F) {
	for _, c := range splitCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkSplit(t, raw)
	})
}

// A file without front matter, or with front matter never closed, is
// refused on the line where the front matter should open, after any blank
// lines.
func TestFrontErrorsNameTheOpeningLine(t *testing.T) {
	cfg := &config.Config{Languages: []string{"en"}}
	for src, want := range map[string]string{
		"":                       "x.en.md:1: no front matter",
		"\n\n":                   "x.en.md:2: no front matter",
		"\n\ntext\n":             "x.en.md:3: no front matter",
		"\n  \n---":              "x.en.md:3: front matter opened with --- is never closed",
		"\n\n---\ntitle: A\n":    "x.en.md:3: front matter opened with --- is never closed",
		"+++\ntitle = 'A'\n":     "x.en.md:1: front matter opened with +++ is never closed",
		"---\ntitle: A\n--- x\n": "x.en.md:1: front matter opened with --- is never closed",
	} {
		_, err := Parse("content/talents/x.en.md", []byte(src), cfg)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", src, err, want)
		}
	}
}
