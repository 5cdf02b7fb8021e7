package markdown

import (
	"strconv"

	"kakehashi/internal/byteset"

	"github.com/yuin/goldmark/util"
)

// textWriter is goldmark's html.DefaultWriter (without EscapedSpace, which
// the site's flavour does not use), byte for byte, but it copies the runs
// between the bytes that need work in one write each instead of looking
// at them one by one: writing text was a sixth of a conversion. writer_test.go
// checks it against goldmark's on random and adversarial text.
type textWriter struct{}

// writeSpecial is what Write must look at: a NUL, a reference, an escape.
var writeSpecial = byteset.Of("\x00&\\")

// rawEscapes are util.EscapeHTMLByte's replacements.
var rawEscapes = [256][]byte{0: []byte("\ufffd"), '"': []byte("&quot;"), '&': []byte("&amp;"), '<': []byte("&lt;"), '>': []byte("&gt;")}

// rawSpecial is what rawEscapes replaces.
var rawSpecial = byteset.Of("\x00\"&<>")

var replacementCharacter = []byte("\ufffd")

// Write writes source resolving character references and backslash escapes.
func (d textWriter) Write(writer util.BufWriter, source []byte) {
	escaped := false
	var ok bool
	limit := len(source)
	n := 0
	for i := 0; i < limit; i++ {
		if !escaped {
			if i = byteset.Next(source, i, writeSpecial); i == limit {
				break
			}
		}
		c := source[i]
		if escaped && util.IsPunct(c) {
			d.RawWrite(writer, source[n:i-1])
			n = i
			escaped = false
			continue
		}
		if c == '\x00' {
			d.RawWrite(writer, source[n:i])
			d.RawWrite(writer, replacementCharacter)
			n = i + 1
			escaped = false
			continue
		}
		if c == '&' {
			pos := i
			next := i + 1
			if next < limit && source[next] == '#' {
				nnext := next + 1
				if nnext < limit {
					nc := source[nnext]
					if nc == 'x' || nc == 'X' {
						start := nnext + 1
						i, ok = util.ReadWhile(source, [2]int{start, limit}, util.IsHexDecimal)
						if ok && i < limit && source[i] == ';' && i-start < 7 {
							v, _ := strconv.ParseUint(util.BytesToReadOnlyString(source[start:i]), 16, 32)
							d.RawWrite(writer, source[n:pos])
							n = i + 1
							escapeRune(writer, rune(v))
							continue
						}
					} else if nc >= '0' && nc <= '9' {
						start := nnext
						i, ok = util.ReadWhile(source, [2]int{start, limit}, util.IsNumeric)
						if ok && i < limit && i-start < 8 && source[i] == ';' {
							v, _ := strconv.ParseUint(util.BytesToReadOnlyString(source[start:i]), 10, 32)
							d.RawWrite(writer, source[n:pos])
							n = i + 1
							escapeRune(writer, rune(v))
							continue
						}
					}
				}
			} else {
				start := next
				i, ok = util.ReadWhile(source, [2]int{start, limit}, util.IsAlphaNumeric)
				if ok && i < limit && source[i] == ';' {
					name := util.BytesToReadOnlyString(source[start:i])
					entity, ok := util.LookUpHTML5EntityByName(name)
					if ok {
						d.RawWrite(writer, source[n:pos])
						n = i + 1
						d.RawWrite(writer, entity.Characters)
						continue
					}
				}
			}
			i = next - 1
		}
		if c == '\\' {
			escaped = true
			continue
		}
		escaped = false
	}
	d.RawWrite(writer, source[n:])
}

// RawWrite writes source with '"', '&', '<' and '>' escaped and NUL replaced.
func (textWriter) RawWrite(writer util.BufWriter, source []byte) {
	n := 0
	for i := byteset.Next(source, 0, rawSpecial); i < len(source); i = byteset.Next(source, i+1, rawSpecial) {
		_, _ = writer.Write(source[n:i])
		_, _ = writer.Write(rawEscapes[source[i]])
		n = i + 1
	}
	if n < len(source) {
		_, _ = writer.Write(source[n:])
	}
}

// SecureWrite writes source with NUL replaced.
func (textWriter) SecureWrite(writer util.BufWriter, source []byte) {
	n := 0
	for i, c := range source {
		if c == 0 {
			_, _ = writer.Write(source[n:i])
			_, _ = writer.Write(replacementCharacter)
			n = i + 1
		}
	}
	if n < len(source) {
		_, _ = writer.Write(source[n:])
	}
}

func escapeRune(writer util.BufWriter, r rune) {
	if r < 256 {
		if v := util.EscapeHTMLByte(byte(r)); v != nil {
			_, _ = writer.Write(v)
			return
		}
	}
	_, _ = writer.WriteRune(util.ToValidRune(r))
}
