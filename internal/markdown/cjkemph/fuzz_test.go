package cjkemph

import (
	"bytes"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// touchesRule reports whether src contains a character the CJK-friendly rule
// treats differently from CommonMark: a CJK character or a variation
// selector. Text without one must render exactly as plain goldmark does.
func touchesRule(src string) bool {
	for _, r := range src {
		if isCJK(r) || isVariationSelector(r) || isIdeographicVariationSelector(r) {
			return true
		}
	}
	return false
}

// FuzzEmphasis checks that the extension never panics and that, for input
// the rule does not touch, the output is byte-for-byte goldmark's, both bare
// and in the site configuration. Seeds live in testdata/fuzz/FuzzEmphasis.
func FuzzEmphasis(f *testing.F) {
	for _, s := range []string{
		"**「強調」**です",
		"*foo**bar**baz*",
		"大塚\ufe00**(a)** 禰\U000e0100_(b)_ “\ufe01c”\ufe01~~d~~",
		"a ~~b~~ c\n\n| *x* |\n| - |\n| _y_ |\n\n[^1]\n\n[^1]: **n**",
		"\ufe00**(a)**\n> \ufe01_x_\n塚\n\ufe00~~(b)~~",
		"| 禰\U000e0100*(c)* |\n| - |\n\n- “\ufe01__d__",
	} {
		f.Add(s)
	}
	site := []goldmark.Extender{
		extension.GFM,
		extension.Footnote,
		extension.NewCJK(extension.WithEastAsianLineBreaks(), extension.WithEscapedSpace()),
	}
	pairs := []struct {
		name        string
		plain, ours goldmark.Markdown
	}{
		{"bare", goldmark.New(), goldmark.New(goldmark.WithExtensions(Extension))},
		{"site", goldmark.New(goldmark.WithExtensions(site...)),
			goldmark.New(goldmark.WithExtensions(append(site[:len(site):len(site)], Extension, Strikethrough)...))},
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			t.Skip("long inputs only find goldmark's own slow paths")
		}
		compare := !touchesRule(src)
		for _, p := range pairs {
			got, gotPanic := convert(p.ours, src)
			want, wantPanic := convert(p.plain, src)
			switch {
			case gotPanic != nil && wantPanic == nil:
				t.Fatalf("%s: %q panics only with the extension: %v", p.name, src, gotPanic)
			case gotPanic != nil:
				// goldmark's own bug, not ours: v1.8.7's EastAsianLineBreaks
				// renderer panics on a line of bare UTF-8 continuation bytes
				// (yuin/goldmark#597; seed f2ac605b4f1c3283).
			case compare && got != want:
				t.Errorf("%s: %q\n got: %q\nwant: %q", p.name, src, got, want)
			}
		}
	})
}

// convert renders src, turning a panic into a value.
func convert(md goldmark.Markdown, src string) (out string, panicked any) {
	defer func() { panicked = recover() }()
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		panic(err)
	}
	return buf.String(), nil
}
