package render

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

var englishMonths = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// FormatDate writes a date as readers of lang expect: 2023年6月15日, 15 June 2023.
func FormatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	switch lang {
	case "ja", "zh":
		return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
	default:
		return fmt.Sprintf("%d %s %d", t.Day(), englishMonths[t.Month()-1], t.Year())
	}
}

// Reading speeds: Japanese is read by characters, English by words.
const (
	japaneseCharsPerMinute = 500
	englishWordsPerMinute  = 200
)

// ReadingMinutes estimates the reading time of Markdown text, at least one minute.
func ReadingMinutes(lang string, text []byte) int {
	var n, perMinute int
	if lang == "ja" {
		n, perMinute = countReadable(text), japaneseCharsPerMinute
	} else {
		n, perMinute = countFields(text), englishWordsPerMinute
	}
	return max(1, (n+perMinute/2)/perMinute)
}

// countFields is len(strings.Fields(string(text))) without the copies: a
// Markdown body is read once per page and build.
func countFields(text []byte) int {
	n := 0
	inField := false
	for i := 0; i < len(text); {
		if i+8 <= len(text) {
			if x := binary.LittleEndian.Uint64(text[i:]); x&hi8 == 0 {
				// Eight ASCII bytes: a field starts at each byte that is
				// not a space and follows one.
				space := asciiSpace8(x)
				after := space << 8
				if !inField {
					after |= 0x80
				}
				n += bits.OnesCount64(^space & after & hi8)
				inField = space>>63 == 0
				i += 8
				continue
			}
		}
		c := text[i]
		space := false
		if c < utf8.RuneSelf {
			space = asciiSpace[c]
			i++
		} else {
			r, size := utf8.DecodeRune(text[i:])
			space = unicode.IsSpace(r)
			i += size
		}
		if !space && !inField {
			n++
		}
		inField = !space
	}
	return n
}

const (
	ones8 = 0x0101010101010101
	hi8   = 0x8080808080808080
)

// asciiSpace8 sets the high bit of each byte of x (eight ASCII bytes) that
// is ASCII white space: '\t' to '\r' or ' '. Each byte is computed on its
// own: with the high bits clear, no sum or difference below carries or
// borrows into the next byte.
func asciiSpace8(x uint64) uint64 {
	z := x ^ ' '*ones8 // zero where x is ' '
	isSpace := ^(z&^hi8 + 0x7f*ones8 | z)
	atLeastTab := (x | hi8) - '\t'*ones8
	atMostCR := ('\r'|0x80)*ones8 - x
	return (isSpace | atLeastTab&atMostCR) & hi8
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// countReadable counts the characters that are read: not spaces,
// punctuation or symbols.
func countReadable(text []byte) int {
	n := 0
	bmp := notReadableBMP()
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || c >= 0x7f || (c < ' ' && !asciiSpace[c]) {
				n++
			}
			i++
			continue
		}
		// Kana and kanji are three bytes: decoded here without a call
		// (a lead byte E1-EC or EE-EF and two continuation bytes are
		// always a valid rune; E0, ED and what is not valid go to utf8).
		if i+2 < len(text) && (c >= 0xe1 && c <= 0xec || c >= 0xee) && c <= 0xef && text[i+1]&0xc0 == 0x80 && text[i+2]&0xc0 == 0x80 {
			r := rune(c&0x0f)<<12 | rune(text[i+1]&0x3f)<<6 | rune(text[i+2]&0x3f)
			if bmp[r>>6]&(1<<(r&63)) == 0 {
				n++
			}
			i += 3
			continue
		}
		r, size := utf8.DecodeRune(text[i:])
		if readable(r) {
			n++
		}
		i += size
	}
	return n
}

// readable reports whether r is neither space, punctuation nor symbol.
// Unicode's tables are searched per rune; a Japanese story has thousands of
// runes, nearly all in the Basic Multilingual Plane, which a bit per rune
// covers in 8 KB.
func readable(r rune) bool {
	if r < 0x10000 {
		return notReadableBMP()[r>>6]&(1<<(r&63)) == 0
	}
	return !unicode.IsSpace(r) && !unicode.IsPunct(r) && !unicode.IsSymbol(r)
}

var notReadableBMP = sync.OnceValue(func() *[0x10000 / 64]uint64 {
	var bits [0x10000 / 64]uint64
	for r := rune(0); r < 0x10000; r++ {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			bits[r>>6] |= 1 << (r & 63)
		}
	}
	return &bits
})

// Summary lengths: Japanese counts characters, English words.
const (
	summaryRunes = 120
	summaryWords = 40
)

// Summarize shortens a summary: at a character count for text in Japanese,
// at a word boundary otherwise; never mid-character.
func Summarize(lang, s string) string {
	s = collapseSpace(s)
	if lang == "ja" || hasEastAsian(s) {
		if utf8.RuneCountInString(s) <= summaryRunes {
			return s
		}
		n := 0
		for i := range s {
			if n == summaryRunes {
				return strings.TrimSpace(s[:i]) + "…"
			}
			n++
		}
		return s
	}
	// One space stands between words now: the cut is at the space that
	// ends the last word kept.
	at, words := 0, 0
	for words < summaryWords {
		i := strings.IndexByte(s[at:], ' ')
		if i < 0 {
			return s
		}
		at, words = at+i+1, words+1
	}
	return strings.TrimRight(s[:at-1], ",;:") + "…"
}

// collapseSpace is strings.Join(strings.Fields(s), " "), and s itself when
// that is s (one ASCII space between words, none at the ends), as it
// mostly is.
func collapseSpace(s string) string {
	prevSpace := true // at the start, a space would be leading
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				return strings.Join(strings.Fields(s), " ")
			}
			i += size - 1
			prevSpace = false
			continue
		}
		if asciiSpace[c] {
			if c != ' ' || prevSpace {
				return strings.Join(strings.Fields(s), " ")
			}
			prevSpace = true
			continue
		}
		prevSpace = false
	}
	if prevSpace && s != "" {
		return strings.Join(strings.Fields(s), " ") // a trailing space
	}
	return s
}

func hasEastAsian(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}
