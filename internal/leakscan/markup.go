package leakscan

import "unicode/utf8"

// Markup, with WithHTML. A tag is zero-width in the text around it, so that
// "Amina <em>Karimi</em>" and "Ami<b>na</b>" read as the browser shows them.
// What is inside a tag (attribute values: alt, title, content, href) and
// inside a comment is scanned on its own, as a separate little text: a name
// in an attribute is found, and the attribute does not break the text
// around the tag.
//
// Tags are recognised on decoded characters, so escaped markup ("&lt;em&gt;"
// in an RSS description, "\u003cem\u003e" in JSON with WithEscapes) counts as
// a tag too.

// maxTag bounds how far the end of a tag is looked for; an unclosed "<"
// (as in "a<b" in a script) is then taken as text.
const maxTag = 64 << 10

// next decodes the character at text[k] and returns it with the position after it.
func (st *stream) next(text []byte, k int) (rune, int) {
	if b := text[k]; b < utf8.RuneSelf && st.kinds[b] != kSpecial {
		return rune(b), k + 1
	}
	r, _, n := st.decode(text, k)
	return r, k + n
}

// markup tries to read markup starting with the '<' at text[i:j]. It
// returns the position after it and true when it was markup.
func (st *stream) markup(text []byte, i, j int) (int, bool) {
	if j >= len(text) {
		return 0, false
	}
	r, k := st.next(text, j)
	switch {
	case isASCIILetter(r): // start tag
		nameStart := j
		for k < len(text) {
			r, k2 := st.next(text, k)
			if !isTagNameChar(r) {
				break
			}
			k = k2
		}
		if k >= len(text) {
			return 0, false
		}
		if r, _ := st.next(text, k); !(r < utf8.RuneSelf && isSpaceASCII(byte(r)) || r == '/' || r == '>') {
			return 0, false
		}
		inner, end, ok := st.findClose(text, k, true)
		if !ok {
			return 0, false
		}
		st.tagBoundary(text[nameStart:k])
		st.scanInside(text, k, inner)
		return end, true
	case r == '/': // end tag
		if k >= len(text) {
			return 0, false
		}
		if r, _ := st.next(text, k); !isASCIILetter(r) {
			return 0, false
		}
		nameStart := k
		for nameStart < len(text) {
			r, k2 := st.next(text, nameStart)
			if !isTagNameChar(r) {
				break
			}
			nameStart = k2
		}
		_, end, ok := st.findClose(text, k, false)
		if !ok {
			return 0, false
		}
		st.tagBoundary(text[k:nameStart])
		return end, true
	case r == '!':
		if hasRawPrefix(text, k, "--") {
			inner, end, ok := st.findCommentEnd(text, k+2)
			if !ok {
				return 0, false
			}
			st.zeroWidth()
			st.scanInside(text, k+2, inner)
			return end, true
		}
		if hasRawPrefix(text, k, "[CDATA[") {
			// Only the marker is markup; the data is text.
			st.zeroWidth()
			return k + len("[CDATA["), true
		}
		fallthrough // <!DOCTYPE ...>
	case r == '?': // <?xml ...?>
		inner, end, ok := st.findClose(text, k, false)
		if !ok {
			return 0, false
		}
		st.zeroWidth()
		st.scanInside(text, k, inner)
		return end, true
	}
	return 0, false
}

func isTagNameChar(r rune) bool {
	return isASCIILetter(r) || r >= '0' && r <= '9' || r == '-' || r == ':' || r == '_' || r == '.'
}

// hasRawPrefix reports whether the raw (undecoded) text at k starts with s.
// Markers like "--" and "[CDATA[" are never escaped in practice.
func hasRawPrefix(text []byte, k int, s string) bool {
	return len(text)-k >= len(s) && string(text[k:k+len(s)]) == s
}

// findClose finds the '>' that closes a tag whose inside starts at k. With
// quotes, a '>' inside a quoted attribute value does not close it. It
// returns where the closing '>' starts and where it ends.
func (st *stream) findClose(text []byte, k int, quotes bool) (inner, end int, ok bool) {
	var q rune
	var last rune // last non-space character outside quotes
	limit := min(len(text), k+maxTag)
	for k < limit {
		r, k2 := st.next(text, k)
		switch {
		case q != 0:
			if r == q {
				q = 0
			}
		case r == '>':
			return k, k2, true
		case quotes && (r == '"' || r == '\'') && last == '=':
			q = r
		case r >= utf8.RuneSelf || !isSpaceASCII(byte(r)):
			last = r
		}
		k = k2
	}
	return 0, 0, false
}

// findCommentEnd finds "-->" from k.
func (st *stream) findCommentEnd(text []byte, k int) (inner, end int, ok bool) {
	limit := min(len(text), k+maxTag)
	var p1, p2 rune // the two characters before
	for k < limit {
		r, k2 := st.next(text, k)
		if r == '>' && p1 == '-' && p2 == '-' {
			// The inside ends before the "--"; they were single bytes
			// unless escaped, and scanning two extra characters is harmless.
			return k, k2, true
		}
		p2, p1 = p1, r
		k = k2
	}
	return 0, 0, false
}

// inlineTags only style or link words inside a run of text: a name split by
// them ("Amina <em>Karimi</em>") still reads as one. Every other tag (a
// paragraph, a list item, a table cell, a <time>) separates runs of text,
// and a match must not span it: "Engineer</span> <time>15 June" does not
// spell the title "Engineer 15".
var inlineTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "br": true, "cite": true, "code": true,
	"data": true, "del": true, "dfn": true, "em": true, "font": true, "i": true, "ins": true, "kbd": true,
	"mark": true, "nobr": true, "q": true, "rb": true, "rp": true, "rt": true, "rtc": true, "ruby": true,
	"s": true, "samp": true, "small": true, "span": true, "strike": true, "strong": true, "sub": true,
	"sup": true, "tt": true, "u": true, "var": true, "wbr": true,
}

// tagBoundary marks a tag named name (raw bytes, possibly escaped) between
// the characters around it.
func (st *stream) tagBoundary(name []byte) {
	var lower [16]byte
	n := 0
	for _, c := range name {
		if n == len(lower) || c >= utf8.RuneSelf {
			n = len(lower) + 1
			break
		}
		lower[n] = lowerASCII[c]
		n++
	}
	st.zeroWidth()
	if n > len(lower) || !inlineTags[string(lower[:n])] {
		st.pend |= fBreak
	}
}

// zeroWidth marks markup between the characters around it.
func (st *stream) zeroWidth() {
	if st.segN > 0 {
		st.flushSeg()
	}
	st.pend |= fTag
}

// scanInside scans text[from:to] as a separate text.
func (st *stream) scanInside(text []byte, from, to int) {
	if st.sub == nil || to <= from {
		return
	}
	blank := true
	for _, c := range text[from:to] {
		if !isSpaceASCII(c) {
			blank = false
			break
		}
	}
	if !blank {
		st.sub.run(text[from:to], st.base+from)
	}
}
