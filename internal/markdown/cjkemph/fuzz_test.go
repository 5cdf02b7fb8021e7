package cjkemph

import (
	"bytes"
	"strings"
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
		extension.NewCJK(extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksCSS3Draft), extension.WithEscapedSpace()),
	}
	pairs := []struct {
		name        string
		plain, ours goldmark.Markdown
		// validUTF8 replaces invalid UTF-8 before converting: goldmark
		// v1.8.7's EastAsianLineBreaks renderer panics in util.ToRune on a
		// text line of bare continuation bytes, with or without this
		// extension (cf. yuin/goldmark#597; seeds f2ac605b4f1c3283 and
		// 18e7656e3b913b56).
		validUTF8 bool
	}{
		{"bare", goldmark.New(), goldmark.New(goldmark.WithExtensions(Extension)), false},
		{"site", goldmark.New(goldmark.WithExtensions(site...)),
			goldmark.New(goldmark.WithExtensions(append(site[:len(site):len(site)], Extension, Strikethrough)...)), true},
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			t.Skip("long inputs only find goldmark's own slow paths")
		}
		for _, p := range pairs {
			in := src
			if p.validUTF8 {
				in = strings.ToValidUTF8(src, "\ufffd")
			}
			got := convert(t, p.ours, in)
			if touchesRule(in) {
				continue
			}
			if want := convert(t, p.plain, in); got != want {
				t.Errorf("%s: %q\n got: %q\nwant: %q", p.name, in, got, want)
			}
		}
	})
}

// convert renders src; a panic fails the test with the input.
func convert(t *testing.T, md goldmark.Markdown, src string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	return buf.String()
}
