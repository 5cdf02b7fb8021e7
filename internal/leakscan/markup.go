package leakscan

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"unicode/utf8"
)

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
//
// Most markup is a start or end tag whose name is plain bytes, read here
// directly; anything else (an escaped name character, a comment, a
// doctype, a name at the end of the text) goes to markupSlow, which reads
// every case. Both give the same for every text (TestMarkupFast).
func (st *stream) markup(text []byte, i, j int) (int, bool) {
	n := len(text)
	if j >= n {
		return 0, false
	}
	s := j // where the name starts
	if text[j] == '/' {
		s++
	}
	if s >= n || !isASCIILetter(rune(text[s])) {
		return st.markupSlow(text, i, j)
	}
	e := s + 1 // where the name ends
	for e < n && tagNameByte[text[e]] {
		e++
	}
	if e >= n || e-s > maxFastName {
		return st.markupSlow(text, i, j)
	}
	d := text[e]
	if st.kinds[d] == kSpecial {
		return st.markupSlow(text, i, j) // an escaped name character, maybe
	}
	var inner, end int
	if s == j { // a start tag
		if !(isSpaceASCII(d) || d == '/' || d == '>') {
			return 0, false
		}
		if d == '>' {
			inner, end = e, e+1
		} else {
			var ok bool
			if inner, end, ok = st.findClose(text, e, true); !ok {
				st.fails++
				return 0, false
			}
		}
	} else if d == '>' {
		end = e + 1
	} else {
		var ok bool
		if _, end, ok = st.findClose(text, s, false); !ok {
			st.fails++
			return 0, false
		}
	}
	// st.tagBoundary(text[s:e], end), with the name read in one load.
	if st.segN > 0 {
		st.flushSeg()
	}
	st.pend |= fTag
	inline := false
	if l := e - s; l <= 7 {
		var k uint64
		if s+8 <= n {
			k = lower8(binary.LittleEndian.Uint64(text[s:])&(1<<(8*l)-1)) | uint64(l)<<56
		} else {
			k = tagKey(text[s:e])
		}
		inline = inlineKeys.slot[k*inlineKeys.mul>>56] == k
	}
	if !inline {
		st.pend |= fBreak
		st.brk = end
	}
	if s == j && inner > e {
		st.scanInside(text, e, inner)
	}
	return end, true
}

// maxFastName bounds the names markup reads itself (far below maxTag, so
// that the end of an end tag's name is always within the reach of
// findClose).
const maxFastName = 64

// markupSlow is markup for every case.
func (st *stream) markupSlow(text []byte, i, j int) (int, bool) {
	if j >= len(text) {
		return 0, false
	}
	r, k := st.next(text, j)
	switch {
	case isASCIILetter(r): // start tag
		nameStart := j
		k = st.skipTagName(text, k)
		if k >= len(text) {
			return 0, false
		}
		if r, _ := st.next(text, k); !(r < utf8.RuneSelf && isSpaceASCII(byte(r)) || r == '/' || r == '>') {
			return 0, false
		}
		inner, end, ok := st.findClose(text, k, true)
		if !ok {
			st.fails++
			return 0, false
		}
		st.tagBoundary(text[nameStart:k], end)
		st.scanInside(text, k, inner)
		return end, true
	case r == '/': // end tag
		if k >= len(text) {
			return 0, false
		}
		if r, _ := st.next(text, k); !isASCIILetter(r) {
			return 0, false
		}
		nameStart := st.skipTagName(text, k)
		_, end, ok := st.findClose(text, k, false)
		if !ok {
			st.fails++
			return 0, false
		}
		st.tagBoundary(text[k:nameStart], end)
		return end, true
	case r == '!':
		if hasRawPrefix(text, k, "--") {
			inner, end, ok := st.findCommentEnd(text, k+2)
			if !ok {
				st.fails++
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
			st.fails++
			return 0, false
		}
		st.zeroWidth()
		st.scanInside(text, k, inner)
		return end, true
	}
	return 0, false
}

// skipTagName returns the end of the run of tag name characters from k.
func (st *stream) skipTagName(text []byte, k int) int {
	for k < len(text) {
		c := text[k]
		if tagNameByte[c] {
			k++
			continue
		}
		if st.kinds[c] != kSpecial {
			break
		}
		r, k2 := st.next(text, k) // an escaped name character?
		if !isTagNameChar(r) {
			break
		}
		k = k2
	}
	return k
}

var tagNameByte = func() (t [256]bool) {
	for c := range t {
		t[c] = isTagNameChar(rune(c))
	}
	return t
}()

func isTagNameChar(r rune) bool {
	return isASCIILetter(r) || r >= '0' && r <= '9' || r == '-' || r == ':' || r == '_' || r == '.'
}

// hasRawPrefix reports whether the raw (undecoded) text at k starts with s.
// Markers like "--" and "[CDATA[" are never escaped in practice.
func hasRawPrefix(text []byte, k int, s string) bool {
	return len(text)-k >= len(s) && string(text[k:k+len(s)]) == s
}

// findClose finds the '>' that closes a tag whose inside starts at k. With
// quotes, a '>' inside a quoted attribute value (a quote right after an
// '=', give or take white space) does not close it. It returns where the
// closing '>' starts and where it ends.
//
// Characters are compared once decoded (an escaped quote or '>' counts),
// but only bytes that may start an escape are decoded: any other byte
// stands for itself, or is part of a character that is none of these.
//
// The bytes between those that matter (names, most of a quoted value) are
// skipped eight at a time.
func (st *stream) findClose(text []byte, k int, quotes bool) (inner, end int, ok bool) {
	limit := min(len(text), k+maxTag)
	ck := &st.bt.closeKinds
	eq := false // the last character outside quotes that is not white space is '='
	for k < limit {
		c := text[k]
		var r rune
		k2 := k + 1
		switch ck[c] {
		case ckOther:
			// Most likely a name: skip to the next byte that may not be
			// ckOther.
			eq = false
			k++
			for k+8 <= limit {
				m := tagStops8(binary.LittleEndian.Uint64(text[k:]))
				if m == 0 {
					k += 8
					continue
				}
				k += bits.TrailingZeros64(m) >> 3
				break
			}
			continue
		case ckSpace:
			k++
			continue
		case ckEq:
			eq = true
			k++
			continue
		case ckClose:
			return k, k2, true
		case ckQuote:
			r = rune(c)
		default: // may be escaped
			r, k2 = st.next(text, k)
			switch {
			case r == '>':
				return k, k2, true
			case r == '"' || r == '\'':
			case r >= utf8.RuneSelf || !isSpaceASCII(byte(r)):
				eq = r == '='
				k = k2
				continue
			default:
				k = k2
				continue
			}
		}
		// A quote.
		k = k2
		if !quotes || !eq {
			eq = false
			continue
		}
		// A quoted value: skip to the same quote, eight bytes at a time
		// to the next that is the quote or may be escaped.
		for {
			k = st.skipTo(text, k, limit, byte(r))
			if k >= limit {
				return 0, 0, false
			}
			b := text[k]
			if ck[b] != ckSpecial {
				k++
				if rune(b) == r {
					break
				}
				continue
			}
			q, k2 := st.next(text, k)
			k = k2
			if q == r {
				break
			}
		}
	}
	return 0, 0, false
}

// tagStops8 returns the high bit of the lowest byte of x that is below
// '(' (white space, control characters, the quotes, '&', '%', and '!',
// '#', '$'), '=', '>' or '\\', and maybe of some bytes above it; 0 if there
// is none. Every byte that is not ckOther in some mode is among them.
func tagStops8(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	lt := (x - ones*'(') &^ x
	e, g, b := x^(ones*'='), x^(ones*'>'), x^(ones*'\\')
	return (lt | (e-ones)&^e | (g-ones)&^g | (b-ones)&^b) & highs
}

// skipTo returns the position of the first byte from k (before limit)
// that is q or may start an escape (ckSpecial), or limit.
func (st *stream) skipTo(text []byte, k, limit int, q byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	e8 := &st.bt.escape8
	qq, e0, e1, e2 := ones*uint64(q), e8[0], e8[1], e8[2]
	for k+8 <= limit {
		x := binary.LittleEndian.Uint64(text[k:])
		a, b, c, d := x^qq, x^e0, x^e1, x^e2
		if m := ((a-ones)&^a | (b-ones)&^b | (c-ones)&^c | (d-ones)&^d) & highs; m != 0 {
			return k + bits.TrailingZeros64(m)>>3
		}
		k += 8
	}
	ck := &st.bt.closeKinds
	for k < limit && text[k] != q && ck[text[k]] != ckSpecial {
		k++
	}
	return k
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

// tagBoundary marks a tag named name (raw bytes, possibly escaped), which
// ends just before text[end], between the characters around it.
func (st *stream) tagBoundary(name []byte, end int) {
	st.zeroWidth()
	if !isInlineName(name) {
		st.pend |= fBreak
		st.brk = end
	}
}

// isInlineName reports whether name, lower-cased, is in inlineTags.
func isInlineName(name []byte) bool {
	if len(name) == 0 || len(name) > 7 {
		return false // the longest inline name has six letters
	}
	k := tagKey(name)
	return inlineKeys.slot[k*inlineKeys.mul>>56] == k
}

// tagKey packs a name of at most seven bytes, lower-cased, and its length.
func tagKey(name []byte) uint64 {
	k := uint64(len(name)) << 56
	for i, c := range name {
		k |= uint64(lowerASCII[c]) << (8 * i)
	}
	return k
}

// inlineKeys is a perfect hash table of the tagKeys of inlineTags.
var inlineKeys = func() (t struct {
	mul  uint64
	slot [256]uint64
}) {
	for t.mul = 0x9e3779b97f4a7c15; ; t.mul += 2 {
		clear(t.slot[:])
		ok := true
		for name := range inlineTags {
			k := tagKey([]byte(name))
			h := k * t.mul >> 56
			if t.slot[h] != 0 {
				ok = false
				break
			}
			t.slot[h] = k
		}
		if ok {
			return t
		}
	}
}()

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
	inside := text[from:to]
	blank := true
	for _, c := range inside {
		if !isSpaceASCII(c) {
			blank = false
			break
		}
	}
	if blank {
		return
	}
	// Pages repeat the same tags (a head, icons, navigation): an inside
	// seen before in which the automaton found no key at all has none
	// this time either, being the same bytes.
	if len(inside) > maxClean {
		st.sub.run(inside, st.base+from)
		return
	}
	h := maphash.Bytes(cleanSeed, inside)
	c := st.ctx.clean
	set := &c.sets[h%uint64(len(c.sets))]
	if set[0].hash == h && set[0].text == string(inside) {
		return
	}
	if set[1].hash == h && set[1].text == string(inside) {
		set[0], set[1] = set[1], set[0]
		return
	}
	st.sub.run(inside, st.base+from)
	if st.sub.reports == 0 {
		// Kept the second time it is seen clean: most insides are
		// seen once (they hold a page's own address), and only their
		// hashes are kept, apart, so that they do not push out those
		// that come again (a head's, a card's).
		if d := &c.seen[h>>(64-cleanSeenBits)]; *d == h {
			set[1] = set[0]
			set[0] = cleanSlot{hash: h, text: string(inside)}
		} else {
			*d = h
		}
	}
}

// cleanInsides remembers tag insides in which no key was found: the hash
// of those seen once, and, in sets of two (the more recent first), those
// seen twice or more.
type cleanInsides struct {
	seen [1 << cleanSeenBits]uint64
	sets [1024][2]cleanSlot
}

const cleanSeenBits = 12

// cleanSlot is a tag inside in which no key was found, and its hash.
type cleanSlot struct {
	hash uint64
	text string
}

// maxClean bounds the insides remembered.
const maxClean = 512

var cleanSeed = maphash.MakeSeed()
