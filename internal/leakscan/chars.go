package leakscan

import (
	"unicode"
	"unicode/utf8"
)

// Character classes used by the normaliser and the boundary rules. They are
// plain functions of one rune, so needle and haystack are treated alike.

// lowerASCII maps an ASCII byte to its lower case; other bytes map to themselves.
var lowerASCII = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if i >= 'A' && i <= 'Z' {
			t[i] = byte(i) + 'a' - 'A'
		}
	}
	return t
}()

func isSpaceASCII(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// isFastCJK reports runes that need no work: no case, no compatibility
// decomposition, and never combining with what stands before them. They are
// most of a Japanese text, so they skip the normalisation tables.
func isFastCJK(r rune) bool {
	return r >= 0x4e00 && r <= 0x9fff || // CJK unified ideographs
		r >= 0x3041 && r <= 0x3096 || // hiragana
		r >= 0x30a1 && r <= 0x30fc || // katakana
		r >= 0xac00 && r <= 0xd7a3 // Hangul syllables
}

// isDenseScript reports scripts written without spaces between words, or
// with names usually written unspaced: white space between two such
// characters in the haystack is ignored (so "山田太郎" matches "山田 太郎").
func isDenseScript(r rune) bool {
	if isFastCJK(r) {
		return true
	}
	if r < 0x2e80 {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// isZeroWidth reports characters that are dropped: invisible format
// characters (soft hyphen, zero-width space and joiners, BOM, bidi marks)
// and variation selectors. Either could hide a name from a plain search
// while the browser shows it intact.
func isZeroWidth(r rune) bool {
	switch {
	case r < 0xad:
		return false
	case r >= 0xfe00 && r <= 0xfe0f, r >= 0xe0100 && r <= 0xe01ef,
		r >= 0x180b && r <= 0x180d, r == 0x180f, r == 0x034f:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// foldTable holds fold(r) for the alphabets that need it most (Latin,
// Greek, Cyrillic, Armenian), avoiding two binary searches per rune.
const foldTableSize = 0x590

var foldTable = func() (t [foldTableSize]rune) {
	for i := range t {
		t[i] = unicode.ToLower(unicode.ToUpper(rune(i)))
	}
	return t
}()

// fold is simple case folding: lower(upper(r)) maps "Σ", "σ" and "ς" alike,
// and "ı" with "i"; "ß" is handled by the caller (it becomes "ss").
func fold(r rune) rune {
	if r < foldTableSize {
		return foldTable[r]
	}
	if isFastCJK(r) {
		return r
	}
	return unicode.ToLower(unicode.ToUpper(r))
}

// isSpacedWord reports letters and digits of scripts that put spaces
// between words, where a needle must not match inside a longer word.
func isSpacedWord(r rune) bool {
	if r < utf8.RuneSelf {
		c := byte(r)
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	if unicode.IsDigit(r) {
		return true
	}
	if !unicode.IsLetter(r) {
		return false
	}
	return unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic, unicode.Armenian, unicode.Georgian)
}

// continuesWord reports whether r, next to a match of a needle that starts
// or ends with a spaced-script letter, makes the match part of a longer word.
func continuesWord(r rune) bool {
	return isSpacedWord(r) || r >= 0x300 && unicode.IsMark(r)
}

// isCompatJamo reports Hangul compatibility and half-width jamo, whose NFKC
// forms are conjoining jamo.
func isCompatJamo(r rune) bool {
	return r >= 0x3131 && r <= 0x318e || r >= 0xffa0 && r <= 0xffdc
}
