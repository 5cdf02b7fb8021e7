package leakscan

import (
	"html"
	"unicode/utf8"
)

// The decoders below turn one escaped character of the original text into
// the character it stands for, and say how many original bytes it took, so
// that positions still map back to the original. They never allocate on the
// common paths: a name hidden behind "&#39;" or "\u5c71" costs no more than
// the plain one.

// noRune marks the absence of a second rune (few entities expand to two).
const noRune rune = -1

// maxEntityName is longer than any HTML5 entity name ("CounterClockwiseContourIntegral").
const maxEntityName = 40

// entity decodes the character reference at text[i] (text[i] == '&').
func entity(text []byte, i int) (r1, r2 rune, n int, ok bool) {
	return entityAfter(text, i+1)
}

// entityAfter decodes a character reference whose '&' stands just before
// text[i+1]; n counts the '&'. Split out so that the second reference in
// "&amp;#39;" can be read without an '&' of its own.
func entityAfter(text []byte, j int) (r1, r2 rune, n int, ok bool) {
	i := j - 1
	if j >= len(text) {
		return 0, noRune, 0, false
	}
	if text[j] == '#' {
		return numericEntity(text, i)
	}
	for j < len(text) && j-i <= maxEntityName && isASCIIAlnum(text[j]) {
		j++
	}
	name := text[i+1 : j]
	if len(name) == 0 {
		return 0, noRune, 0, false
	}
	semi := j < len(text) && text[j] == ';'
	if r, found := commonEntities[string(name)]; found {
		// Browsers accept the legacy names without ';' too; accepting every
		// table name that way only ever finds more.
		if semi {
			j++
		}
		return r, noRune, j - i, true
	}
	if !semi {
		return 0, noRune, 0, false
	}
	j++
	// Rare names: the html package knows all of HTML5. This allocates, but
	// only for references outside the common table.
	raw := "&" + string(text[i+1:j])
	dec := html.UnescapeString(raw)
	if dec == raw || dec == "" {
		return 0, noRune, 0, false
	}
	r1, size := utf8.DecodeRuneInString(dec)
	r2 = noRune
	if size < len(dec) {
		r2, _ = utf8.DecodeRuneInString(dec[size:])
	}
	return r1, r2, j - i, true
}

// numericEntity decodes &#NNN; and &#xHHH; (the ';' may be missing, as
// browsers allow).
func numericEntity(text []byte, i int) (rune, rune, int, bool) {
	j := i + 2
	hex := false
	if j < len(text) && text[j]|0x20 == 'x' {
		hex = true
		j++
	}
	d0 := j
	v := 0
	for ; j < len(text); j++ {
		d, ok := digitVal(text[j], hex)
		if !ok {
			break
		}
		if v <= utf8.MaxRune {
			if hex {
				v = v*16 + d
			} else {
				v = v*10 + d
			}
		}
	}
	if j == d0 {
		return 0, noRune, 0, false
	}
	if j < len(text) && text[j] == ';' {
		j++
	}
	return numericRune(v), noRune, j - i, true
}

// numericRune applies the HTML5 rules for numeric references: C1 controls
// are read as Windows-1252 (&#150; is an en dash), invalid values as U+FFFD.
func numericRune(v int) rune {
	switch {
	case v >= 0x80 && v <= 0x9f:
		return win1252[v-0x80]
	case v == 0 || v > utf8.MaxRune || (v >= 0xd800 && v <= 0xdfff):
		return utf8.RuneError
	}
	return rune(v)
}

var win1252 = [32]rune{
	'\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
	'\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
	'\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
	'\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178',
}

// commonEntities are decoded without allocating. Anything else that ends in
// ';' goes through html.UnescapeString.
var commonEntities = map[string]rune{
	"amp": '&', "AMP": '&', "lt": '<', "LT": '<', "gt": '>', "GT": '>',
	"quot": '"', "QUOT": '"', "apos": '\'', "nbsp": '\u00a0', "shy": '\u00ad',
	"ensp": '\u2002', "emsp": '\u2003', "thinsp": '\u2009', "zwnj": '\u200c',
	"zwj": '\u200d', "lrm": '\u200e', "rlm": '\u200f', "ndash": '\u2013',
	"mdash": '\u2014', "lsquo": '\u2018', "rsquo": '\u2019', "sbquo": '\u201a',
	"ldquo": '\u201c', "rdquo": '\u201d', "bdquo": '\u201e', "hellip": '\u2026',
	"laquo": '\u00ab', "raquo": '\u00bb', "lsaquo": '\u2039', "rsaquo": '\u203a',
	"middot": '\u00b7', "bull": '\u2022', "copy": '\u00a9', "reg": '\u00ae',
	"trade": '\u2122', "deg": '\u00b0', "times": '\u00d7', "divide": '\u00f7',
	"euro": '\u20ac', "yen": '\u00a5', "pound": '\u00a3', "cent": '\u00a2',
	"sect": '\u00a7', "para": '\u00b6', "dagger": '\u2020', "prime": '\u2032',
	"iexcl": '\u00a1', "iquest": '\u00bf',
	"Agrave": 'À', "Aacute": 'Á', "Acirc": 'Â', "Atilde": 'Ã', "Auml": 'Ä', "Aring": 'Å',
	"AElig": 'Æ', "Ccedil": 'Ç', "Egrave": 'È', "Eacute": 'É', "Ecirc": 'Ê', "Euml": 'Ë',
	"Igrave": 'Ì', "Iacute": 'Í', "Icirc": 'Î', "Iuml": 'Ï', "ETH": 'Ð', "Ntilde": 'Ñ',
	"Ograve": 'Ò', "Oacute": 'Ó', "Ocirc": 'Ô', "Otilde": 'Õ', "Ouml": 'Ö', "Oslash": 'Ø',
	"Ugrave": 'Ù', "Uacute": 'Ú', "Ucirc": 'Û', "Uuml": 'Ü', "Yacute": 'Ý', "THORN": 'Þ',
	"szlig": 'ß', "agrave": 'à', "aacute": 'á', "acirc": 'â', "atilde": 'ã', "auml": 'ä',
	"aring": 'å', "aelig": 'æ', "ccedil": 'ç', "egrave": 'è', "eacute": 'é', "ecirc": 'ê',
	"euml": 'ë', "igrave": 'ì', "iacute": 'í', "icirc": 'î', "iuml": 'ï', "eth": 'ð',
	"ntilde": 'ñ', "ograve": 'ò', "oacute": 'ó', "ocirc": 'ô', "otilde": 'õ', "ouml": 'ö',
	"oslash": 'ø', "ugrave": 'ù', "uacute": 'ú', "ucirc": 'û', "uuml": 'ü', "yacute": 'ý',
	"thorn": 'þ', "yuml": 'ÿ', "Scaron": 'Š', "scaron": 'š', "OElig": 'Œ', "oelig": 'œ',
	"Yuml": 'Ÿ',
}

// backslash decodes a JSON/JavaScript escape at text[i] (text[i] == '\\').
func backslash(text []byte, i int) (rune, int, bool) {
	j := i + 1
	if j >= len(text) {
		return 0, 0, false
	}
	c := text[j]
	switch c {
	case 'u':
		if j+1 < len(text) && text[j+1] == '{' { // ES6 \u{1F600}
			k, v := j+2, 0
			for ; k < len(text) && k-j-2 < 7; k++ {
				d, ok := digitVal(text[k], true)
				if !ok {
					break
				}
				v = v*16 + d
			}
			if k == j+2 || k >= len(text) || text[k] != '}' {
				return 0, 0, false
			}
			return numericRune(v), k + 1 - i, true
		}
		v, ok := hexN(text, j+1, 4)
		if !ok {
			return 0, 0, false
		}
		switch {
		case v >= 0xd800 && v < 0xdc00: // high surrogate: JSON writes astral runes as pairs
			if lo, ok := hexN(text, i+8, 4); ok && text[i+6] == '\\' && text[i+7] == 'u' && lo >= 0xdc00 && lo < 0xe000 {
				return rune(0x10000 + (v-0xd800)<<10 + (lo - 0xdc00)), 12, true
			}
			return utf8.RuneError, 6, true
		case v >= 0xdc00 && v < 0xe000:
			return utf8.RuneError, 6, true
		}
		return rune(v), 6, true
	case 'x':
		v, ok := hexN(text, j+1, 2)
		if !ok {
			return 0, 0, false
		}
		return rune(v), 4, true
	case 'n':
		return '\n', 2, true
	case 'r':
		return '\r', 2, true
	case 't':
		return '\t', 2, true
	case 'f':
		return '\f', 2, true
	case 'v':
		return '\v', 2, true
	case 'b':
		return '\b', 2, true
	}
	if c < utf8.RuneSelf {
		return rune(c), 2, true // \" \' \/ \\ and JavaScript's identity escapes
	}
	r, size := utf8.DecodeRune(text[j:])
	return r, 1 + size, true
}

// percent decodes a URL escape of one UTF-8 character at text[i]
// (text[i] == '%'), e.g. "%E5%B1%B1" for "山".
func percent(text []byte, i int) (rune, int, bool) {
	b0, ok := hexN(text, i+1, 2)
	if !ok {
		return 0, 0, false
	}
	if b0 < utf8.RuneSelf {
		return rune(b0), 3, true
	}
	var need int
	switch {
	case b0 >= 0xc2 && b0 <= 0xdf:
		need = 2
	case b0 >= 0xe0 && b0 <= 0xef:
		need = 3
	case b0 >= 0xf0 && b0 <= 0xf4:
		need = 4
	default:
		return 0, 0, false
	}
	var buf [utf8.UTFMax]byte
	buf[0] = byte(b0)
	for k := 1; k < need; k++ {
		p := i + 3*k
		if p >= len(text) || text[p] != '%' {
			return 0, 0, false
		}
		b, ok := hexN(text, p+1, 2)
		if !ok {
			return 0, 0, false
		}
		buf[k] = byte(b)
	}
	r, size := utf8.DecodeRune(buf[:need])
	if r == utf8.RuneError || size != need {
		return 0, 0, false
	}
	return r, 3 * need, true
}

// hexN reads exactly n hex digits at text[i:].
func hexN(text []byte, i, n int) (int, bool) {
	if i < 0 || i+n > len(text) {
		return 0, false
	}
	v := 0
	for k := i; k < i+n; k++ {
		d, ok := digitVal(text[k], true)
		if !ok {
			return 0, false
		}
		v = v*16 + d
	}
	return v, true
}

func digitVal(c byte, hex bool) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case !hex:
		return 0, false
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isASCIILetter(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}
