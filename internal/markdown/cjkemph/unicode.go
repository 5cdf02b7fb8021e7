package cjkemph

import (
	"unicode"

	"github.com/yuin/goldmark/util"
)

// isSpace and isPunct are goldmark's own definitions of Unicode whitespace
// and Unicode punctuation (P and S categories), so that text without CJK
// characters is classified exactly as goldmark classifies it.
func isSpace(r rune) bool { return util.IsSpaceRune(r) }
func isPunct(r rune) bool { return util.IsPunctRune(r) }

// isCJK reports whether r is a "CJK character": East Asian Width W, F or H
// and not a default emoji presentation character, or Script=Hangul.
func isCJK(r rune) bool {
	return r >= 0x1100 && unicode.Is(cjkTable, r)
}

// isVariationSelector reports whether r is a "Non-emoji General-use
// Variation Selector": U+FE00–U+FE0E, i.e. the Variation Selectors block
// without the emoji presentation selector U+FE0F.
func isVariationSelector(r rune) bool {
	return r >= 0xfe00 && r <= 0xfe0e
}

// isIdeographicVariationSelector reports whether r is in the Variation
// Selectors Supplement block, U+E0100–U+E01EF.
func isIdeographicVariationSelector(r rune) bool {
	return r >= 0xe0100 && r <= 0xe01ef
}

// isCJKAmbiguousPunct reports whether base followed by vs is a "CJK
// ambiguous punctuation sequence": a standardized variation sequence
// requesting the fullwidth form of a punctuation character whose East Asian
// Width is A. As of Unicode 17 these are the curly quotes with U+FE01.
func isCJKAmbiguousPunct(base, vs rune) bool {
	if vs != 0xfe01 {
		return false
	}
	switch base {
	case '\u2018', '\u2019', '\u201c', '\u201d':
		return true
	}
	return false
}

// cjkTable lists the "CJK characters". It is transcribed from the spec's
// generated ranges.md
// (https://github.com/tats-u/markdown-cjk-friendly/blob/main/ranges.md,
// Unicode 16/17 data), which derives it from EastAsianWidth.txt,
// emoji-data.txt (Emoji_Presentation) and Scripts.txt; unassigned code
// points in the CJK ideograph blocks count as W, as UAX #11 directs.
var cjkTable = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x1100, Hi: 0x11ff, Stride: 1},
		{Lo: 0x20a9, Hi: 0x20a9, Stride: 1},
		{Lo: 0x2329, Hi: 0x232a, Stride: 1},
		{Lo: 0x2630, Hi: 0x2637, Stride: 1},
		{Lo: 0x268a, Hi: 0x268f, Stride: 1},
		{Lo: 0x2e80, Hi: 0x2e99, Stride: 1},
		{Lo: 0x2e9b, Hi: 0x2ef3, Stride: 1},
		{Lo: 0x2f00, Hi: 0x2fd5, Stride: 1},
		{Lo: 0x2ff0, Hi: 0x303e, Stride: 1},
		{Lo: 0x3041, Hi: 0x3096, Stride: 1},
		{Lo: 0x3099, Hi: 0x30ff, Stride: 1},
		{Lo: 0x3105, Hi: 0x312f, Stride: 1},
		{Lo: 0x3131, Hi: 0x318e, Stride: 1},
		{Lo: 0x3190, Hi: 0x31e5, Stride: 1},
		{Lo: 0x31ef, Hi: 0x321e, Stride: 1},
		{Lo: 0x3220, Hi: 0x3247, Stride: 1},
		{Lo: 0x3250, Hi: 0xa48c, Stride: 1},
		{Lo: 0xa490, Hi: 0xa4c6, Stride: 1},
		{Lo: 0xa960, Hi: 0xa97c, Stride: 1},
		{Lo: 0xac00, Hi: 0xd7a3, Stride: 1},
		{Lo: 0xd7b0, Hi: 0xd7c6, Stride: 1},
		{Lo: 0xd7cb, Hi: 0xd7fb, Stride: 1},
		{Lo: 0xf900, Hi: 0xfaff, Stride: 1},
		{Lo: 0xfe10, Hi: 0xfe19, Stride: 1},
		{Lo: 0xfe30, Hi: 0xfe52, Stride: 1},
		{Lo: 0xfe54, Hi: 0xfe66, Stride: 1},
		{Lo: 0xfe68, Hi: 0xfe6b, Stride: 1},
		{Lo: 0xff01, Hi: 0xffbe, Stride: 1},
		{Lo: 0xffc2, Hi: 0xffc7, Stride: 1},
		{Lo: 0xffca, Hi: 0xffcf, Stride: 1},
		{Lo: 0xffd2, Hi: 0xffd7, Stride: 1},
		{Lo: 0xffda, Hi: 0xffdc, Stride: 1},
		{Lo: 0xffe0, Hi: 0xffe6, Stride: 1},
		{Lo: 0xffe8, Hi: 0xffee, Stride: 1},
	},
	R32: []unicode.Range32{
		{Lo: 0x16fe0, Hi: 0x16fe4, Stride: 1},
		{Lo: 0x16ff0, Hi: 0x16ff6, Stride: 1},
		{Lo: 0x17000, Hi: 0x18cd5, Stride: 1},
		{Lo: 0x18cff, Hi: 0x18d1e, Stride: 1},
		{Lo: 0x18d80, Hi: 0x18df2, Stride: 1},
		{Lo: 0x1aff0, Hi: 0x1aff3, Stride: 1},
		{Lo: 0x1aff5, Hi: 0x1affb, Stride: 1},
		{Lo: 0x1affd, Hi: 0x1affe, Stride: 1},
		{Lo: 0x1b000, Hi: 0x1b122, Stride: 1},
		{Lo: 0x1b132, Hi: 0x1b132, Stride: 1},
		{Lo: 0x1b150, Hi: 0x1b152, Stride: 1},
		{Lo: 0x1b155, Hi: 0x1b155, Stride: 1},
		{Lo: 0x1b164, Hi: 0x1b167, Stride: 1},
		{Lo: 0x1b170, Hi: 0x1b2fb, Stride: 1},
		{Lo: 0x1d300, Hi: 0x1d356, Stride: 1},
		{Lo: 0x1d360, Hi: 0x1d376, Stride: 1},
		{Lo: 0x1f200, Hi: 0x1f200, Stride: 1},
		{Lo: 0x1f202, Hi: 0x1f202, Stride: 1},
		{Lo: 0x1f210, Hi: 0x1f219, Stride: 1},
		{Lo: 0x1f21b, Hi: 0x1f22e, Stride: 1},
		{Lo: 0x1f230, Hi: 0x1f231, Stride: 1},
		{Lo: 0x1f237, Hi: 0x1f237, Stride: 1},
		{Lo: 0x1f23b, Hi: 0x1f23b, Stride: 1},
		{Lo: 0x1f240, Hi: 0x1f248, Stride: 1},
		{Lo: 0x1f260, Hi: 0x1f265, Stride: 1},
		{Lo: 0x20000, Hi: 0x3fffd, Stride: 1},
	},
}
