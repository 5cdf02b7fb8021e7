package search

import (
	_ "embed"
	"encoding/binary"
	"math/bits"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Splitting text into terms is the hot path of Build: it runs over every
// character of every page. It gives the terms of strings.ToLower(norm.NFKC.
// String(s)) split by the rules of the package doc (ref_test.go keeps the
// straightforward version, and equal_test.go checks this one against it),
// but
//
//   - normalises only the stretches of text that are not NFKC already (in
//     practice a full-width letter or a half-width kana here and there),
//     and maps full-width ASCII itself;
//   - classifies a rune with one look-up in a table of the BMP rather than
//     unicode.Is on four scripts, and decodes the three-byte runes of CJK
//     text in line;
//   - takes ASCII words eight bytes at a time, lower-casing them as it
//     copies them into one buffer of the document's words;
//   - gives CJK terms as numbers (cjkKey) rather than strings, and words as
//     places in that buffer: nothing is allocated per term.

// Rune flags: the class of the rune's lower case, and two properties.
const (
	classSep  = 0 // ends a run: punctuation, space, symbols
	classWord = 1 // letters, numbers and marks
	classCJK  = 2 // Han, kana, Hangul and ー: indexed by pairs
	classMask = 3

	// flagSafe marks a rune that is NFKC as it stands and before which
	// normalisation can split the text (a starter that combines with
	// nothing before it): text made of such runes only is NFKC already,
	// and a stretch of other runes can be normalised on its own from the
	// last such rune before it to the next one after it.
	flagSafe = 4
	// flagLower marks a rune that unicode.ToLower changes.
	flagLower = 8
)

// runeFlags returns the flags of r, computed from the Unicode tables.
func runeFlags(r rune) uint8 {
	var f uint8
	switch lr := unicode.ToLower(r); {
	case isCJK(lr):
		f = classCJK
	case isWordRune(lr):
		f = classWord
	}
	if unicode.ToLower(r) != r {
		f |= flagLower
	}
	var b [utf8.UTFMax]byte
	s := b[:utf8.EncodeRune(b[:], r)]
	if norm.NFKC.Properties(s).BoundaryBefore() && norm.NFKC.IsNormal(s) {
		f |= flagSafe
	}
	return f
}

// bmpFlags holds runeFlags of every rune of the Basic Multilingual Plane.
// It is read from runeflags.bin, which TestRuneFlagsFile checks against
// computeBMPFlags and rewrites with -update (after a Go or x/text upgrade
// with new Unicode tables): computing it at run time took 17 ms, a third
// of the build of a small site.
var bmpFlags = sync.OnceValue(func() *[0x10000]uint8 {
	t := new([0x10000]uint8)
	copy(t[:], runeFlagsFile)
	return t
})

//go:embed runeflags.bin
var runeFlagsFile string

// computeBMPFlags computes bmpFlags from the Unicode tables.
func computeBMPFlags() *[0x10000]uint8 {
	t := new([0x10000]uint8)
	for r := range t {
		if r < 0xD800 || r > 0xDFFF {
			t[r] = runeFlags(rune(r))
		}
	}
	return t
}

// flagsOf returns the flags of the rune r decoded in size bytes: an invalid
// byte (utf8.RuneError of size 1) is a separator that is not safe.
func flagsOf(t *[0x10000]uint8, r rune, size int) uint8 {
	switch {
	case r < 0x10000 && size > 1:
		return t[r]
	case size == 1: // ASCII is in the table; anything else is an invalid byte
		if r < utf8.RuneSelf {
			return t[r]
		}
		return classSep
	}
	return runeFlags(r)
}

// nfkc returns norm.NFKC.String(s). scratch is a buffer to reuse; the
// result may be s itself.
func nfkc(t *[0x10000]uint8, s string, scratch *[]byte) string {
	var out []byte
	done, boundary := 0, 0 // s[:done] is in out; a safe rune starts at boundary
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf { // ASCII is safe
			boundary = i
			i++
			continue
		}
		var f uint8
		size := 3
		if c >= 0xE1 && c != 0xED && c <= 0xEF && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			f = t[uint16(c&0x0F)<<12|uint16(s[i+1]&0x3F)<<6|uint16(s[i+2]&0x3F)] // decoded in line
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return nfkcInvalid(s)
			}
			f = flagsOf(t, r, size)
		}
		if f&flagSafe != 0 {
			boundary = i
			i += size
			continue
		}
		// Normalise from the last safe rune (which may combine with what
		// follows it) to the next one. Full-width ASCII alone, the most
		// common case, maps rune by rune.
		j, wide := i, true
		for j < len(s) && s[j] >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[j:])
			if r == utf8.RuneError && size == 1 {
				return nfkcInvalid(s)
			}
			if flagsOf(t, r, size)&flagSafe != 0 {
				break
			}
			wide = wide && '！' <= r && r <= '～'
			j += size
		}
		if out == nil {
			out = (*scratch)[:0]
		}
		if wide {
			out = append(out, s[done:i]...)
			for k := i; k < j; k += 3 {
				r, _ := utf8.DecodeRuneInString(s[k:])
				out = append(out, byte(r-('！'-'!')))
			}
		} else {
			out = append(out, s[done:boundary]...)
			out = norm.NFKC.AppendString(out, s[boundary:j])
		}
		done, boundary, i = j, j, j
	}
	if out == nil {
		return s
	}
	out = append(out, s[done:]...)
	*scratch = out
	return string(out)
}

// nfkcInvalid normalises s, which is not valid UTF-8, as a whole: what norm
// makes of invalid UTF-8 depends on what follows it.
func nfkcInvalid(s string) string { return norm.NFKC.String(s) }

// token is a term of a text: a CJK term by its cjkKey, or a word by where
// its lower-cased bytes are in the tokenizer's words.
type token struct {
	key    uint64 // 0 for a word
	off, n int32
}

// cjkKey numbers a CJK term by its runes: r2 < 0 for a lone character.
// Keys are not 0 (CJK runes are U+1100 and above).
func cjkKey(r1, r2 rune) uint64 {
	if r2 < 0 {
		return uint64(r1)
	}
	return uint64(r1)<<21 | uint64(r2)
}

// appendCJK appends the text of the CJK term with the key.
func appendCJK(b []byte, key uint64) []byte {
	if key >= 1<<21 {
		b = utf8.AppendRune(b, rune(key>>21))
		key &= 1<<21 - 1
	}
	return utf8.AppendRune(b, rune(key))
}

// tokenizer splits text into terms; its buffers are reused from one text to
// the next.
type tokenizer struct {
	norm  []byte
	words []byte // the words of the texts split since reset
}

// reset forgets the words of the texts split so far.
func (z *tokenizer) reset() { z.words = z.words[:0] }

// text returns the term tk.
func (z *tokenizer) text(tk token) string {
	if tk.key != 0 {
		return string(appendCJK(nil, tk.key))
	}
	return string(z.words[tk.off : tk.off+tk.n])
}

// split appends the terms of s to toks in order, repeats included.
func (z *tokenizer) split(s string, toks []token) []token {
	// Most text is NFKC already: split it as it is, unless a rune that
	// is not safe turns up.
	n, w := len(toks), len(z.words)
	if toks, ok := z.splitNFKC(s, toks, true); ok {
		return toks
	}
	z.words = z.words[:w]
	toks, _ = z.splitNFKC(nfkc(bmpFlags(), s, &z.norm), toks[:n], false)
	return toks
}

// endRun ends a run of n runes of class: a word of two runes or more is a
// term (a shorter one is dropped from words, where it starts at start), and
// a CJK rune standing alone is a term of its own (prev).
func endRun(toks []token, words []byte, class uint8, n, start int, prev rune) ([]token, []byte) {
	switch {
	case class == classWord && n > 1:
		toks = append(toks, token{off: int32(start), n: int32(len(words) - start)})
	case class == classWord:
		words = words[:start]
	case class == classCJK && n == 1:
		toks = append(toks, token{key: cjkKey(prev, -1)})
	}
	return toks, words
}

// splitNFKC splits s, which is NFKC. If check, it gives up (false) at the
// first rune that is not safe (s may not be NFKC).
func (z *tokenizer) splitNFKC(s string, toks []token, check bool) ([]token, bool) {
	t := bmpFlags()
	words := z.words
	class := uint8(classSep)
	n, start := 0, len(words) // runes of the current run; where its word starts in words
	var prev rune             // the last rune of the current CJK run
	for i := 0; i < len(s); {
		c := s[i]
		r, size := rune(c), 1
		var f uint8
		switch {
		case c < utf8.RuneSelf:
			f = t[c]
		case c >= 0xE1 && c != 0xED && c <= 0xEF && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
			// A three-byte rune (kana, kanji, hangul), decoded in line.
			r, size = rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
			f = t[uint16(r)]
		default:
			r, size = utf8.DecodeRuneInString(s[i:])
			f = flagsOf(t, r, size)
		}
		if check && f&flagSafe == 0 {
			return toks, false
		}
		if f&classMask != class {
			// The run ends at i.
			toks, words = endRun(toks, words, class, n, start, prev)
			class, n, start = f&classMask, 0, len(words)
		}
		switch class {
		case classWord:
			if c < utf8.RuneSelf {
				// Take the ASCII letters and digits that follow at once.
				var j int
				words, j = appendWord(t, words, s, i, max(MaxWordRunes-n, 0))
				n += j - i
				i = j
				if i == len(s) || s[i] >= utf8.RuneSelf {
					continue
				}
				// The word ends at an ASCII separator, as English words
				// do: end it here, and skip the separators.
				if n > 1 {
					toks = append(toks, token{off: int32(start), n: int32(len(words) - start)})
				} else {
					words = words[:start]
				}
				class, n, start = classSep, 0, len(words)
				for i++; i < len(s) && s[i] < utf8.RuneSelf && t[s[i]]&classMask == classSep; i++ {
				}
				continue
			}
			if n < MaxWordRunes {
				if f&flagLower != 0 {
					words = utf8.AppendRune(words, unicode.ToLower(r))
				} else {
					words = append(words, s[i:i+size]...)
				}
			}
			n++
		case classCJK:
			// CJK runes have no case: the pair is the text's own runes.
			if n > 0 {
				toks = append(toks, token{key: cjkKey(prev, r)})
			}
			prev = r
			n++
		}
		i += size
	}
	toks, words = endRun(toks, words, class, n, start, prev)
	z.words = words
	return toks, true
}

// appendWord appends to words the ASCII letters and digits that start at
// s[i], lower-cased, at most room of them, and returns where they end. It
// looks at eight bytes at a time: c|0x20 lower-cases a letter and keeps a
// digit.
func appendWord(t *[0x10000]uint8, words []byte, s string, i, room int) ([]byte, int) {
	k := len(words)
	words = slices.Grow(words, room+8)
	buf := words[k : k+room+8] // eight bytes are stored at buf[m] while m < room
	m := 0
	for {
		if i+8 > len(s) {
			for ; i < len(s) && s[i] < utf8.RuneSelf && t[s[i]]&classMask == classWord; i++ {
				if m < room {
					buf[m] = s[i] | 0x20
					m++
				}
			}
			break
		}
		x := load8(s, i)
		if m < room {
			binary.LittleEndian.PutUint64(buf[m:], x|0x20*ones8)
		}
		if stop := ^alnum8(x) & hi8; stop != 0 {
			d := bits.TrailingZeros64(stop) >> 3
			m = min(m+d, max(m, room))
			i += d
			break
		}
		m = min(m+8, max(m, room))
		i += 8
	}
	return words[:k+m], i
}

// Eight bytes at a time.
const (
	ones8 = 0x0101010101010101
	hi8   = 0x8080808080808080
)

// load8 returns s[i:i+8] as a little-endian number.
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// alnum8 sets the high bit of each byte of x that is an ASCII letter or
// digit.
func alnum8(x uint64) uint64 {
	// For bytes below 0x80: ge sets the high bit of those >= lo, le of
	// those <= hi (no byte borrows from the next).
	ge := func(v uint64, lo byte) uint64 { return (v | hi8) - uint64(lo)*ones8 }
	le := func(v uint64, hi byte) uint64 { return uint64(hi|0x80)*ones8 - v }
	v := x &^ hi8
	l := v | 0x20*ones8
	return (ge(l, 'a')&le(l, 'z') | ge(v, '0')&le(v, '9')) &^ x & hi8
}
