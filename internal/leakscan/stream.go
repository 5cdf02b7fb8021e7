package leakscan

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// A stream normalises one text into a window of normalised bytes, each
// with the span of original bytes it came from and a few flags, and (when
// it belongs to a Scanner) runs the automaton over that window. The window
// is reused: once matched, all but the last few bytes (enough for the
// longest needle and the character before it) are dropped, so memory does
// not grow with the text.
//
// White space and markup are not written as bytes: they become flags on the
// next byte (fWS, fTag), so a needle key never contains a space and the
// automaton never sees one; whether white space was allowed where it was
// found is checked afterwards, on the rare candidate match.

// Flags of a normalised byte.
const (
	fRune uint8 = 1 << iota // first byte of a rune
	fWS                     // white space between this rune and the one before
	fTag                    // markup (a tag, a comment) between this rune and the one before
)

// Byte kinds in the fill loop.
const (
	kPlain   uint8 = iota // ASCII byte that stands for itself
	kSpace                // ASCII white space
	kHigh                 // first byte of a multi-byte (or invalid) UTF-8 sequence
	kSpecial              // starts a character reference, escape or tag, depending on the mode
)

// mode says what a stream decodes.
type mode uint8

const (
	mEntities mode = 1 << iota // HTML character references
	mEscapes                   // backslash and percent escapes
	mTags                      // tags, comments and escaped tags are zero-width
)

func kindTable(m mode) *[256]uint8 {
	var t [256]uint8
	for i := range t {
		c := byte(i)
		switch {
		case c >= utf8.RuneSelf:
			t[i] = kHigh
		case isSpaceASCII(c):
			t[i] = kSpace
		case c == '&' && m&mEntities != 0, c == '<' && m&mTags != 0,
			(c == '\\' || c == '%') && m&mEscapes != 0:
			t[i] = kSpecial
		}
	}
	return &t
}

// segCap bounds an NFKC segment (a starter and the marks that combine with
// it); longer runs of marks are cut, as the Unicode stream-safe format does.
const segCap = 64

// chunk is how many normalised bytes are produced before they are matched.
const chunk = 4 << 10

// slack is room kept free after the chunk for the output of one step.
const slack = 1024

type stream struct {
	sc    *Scanner  // nil when only normalising
	ctx   *findCtx  // where matches go; nil when only normalising
	sub   *stream   // scans the inside of tags; nil when tags are off
	mode  mode
	kinds *[256]uint8
	base  int // offset of the text in the original haystack

	// The window of normalised bytes: the rune starting at buf[k] came
	// from original bytes starting at start[k]; the rune ending at buf[k]
	// from original bytes ending at end[k]. Other entries are stale.
	buf   []byte
	start []int
	end   []int
	fl    []uint8
	w     int   // bytes written
	m     int   // bytes matched
	pos0  int   // stream position of buf[0]
	pend  uint8 // flags for the next rune written
	hist  int   // bytes kept when sliding
	limit int   // fill stops at this many bytes

	// The NFKC segment being collected.
	seg      [segCap]byte
	segN     int
	segRunes int
	segRune  rune // first rune of the segment
	segFast  bool // a single fast rune needs no normalisation
	segProps norm.Properties
	segStart int
	segEnd   int
	scratch  []byte

	// Matching state.
	state   uint32
	waiting []raw // matches waiting for the next rune to check the word boundary
}

func newStream(sc *Scanner, ctx *findCtx, m mode, hist int) *stream {
	st := &stream{sc: sc, ctx: ctx, mode: m, kinds: kindTable(m), hist: hist}
	size := hist + chunk + slack
	if sc == nil {
		size = 2 * slack
	}
	st.alloc(size)
	st.limit = size - slack
	st.scratch = make([]byte, 0, 4*segCap)
	return st
}

func (st *stream) alloc(size int) {
	buf := make([]byte, size)
	start := make([]int, size)
	end := make([]int, size)
	fl := make([]uint8, size)
	copy(buf, st.buf[:st.w])
	copy(start, st.start[:st.w])
	copy(end, st.end[:st.w])
	copy(fl, st.fl[:st.w])
	st.buf, st.start, st.end, st.fl = buf, start, end, fl
}

func (st *stream) reset(base int) {
	st.base = base
	st.w, st.m, st.pos0 = 0, 0, 0
	st.pend = 0
	st.segN, st.segRunes = 0, 0
	st.state = 0
	st.waiting = st.waiting[:0]
}

// fill normalises text from i until the window is full or the text ends,
// and returns where it stopped. The common bytes (ASCII letters, white
// space, kana and kanji) are handled inline on local copies of the state;
// everything else goes through the segmenter.
func (st *stream) fill(text []byte, i int) int {
	kinds := st.kinds
	n := len(text)
	buf, start, end, fl := st.buf, st.start, st.end, st.fl
	base, limit := st.base, st.limit
	w, pend := st.w, st.pend
	for i < n && w < limit {
		b := text[i]
		if st.segN == 0 {
			switch kinds[b] {
			case kPlain:
				if i+1 < n && text[i+1] >= utf8.RuneSelf {
					break // a combining mark may follow: let the segmenter decide
				}
				buf[w] = lowerASCII[b]
				start[w] = base + i
				end[w] = base + i + 1
				fl[w] = pend | fRune
				pend = 0
				w++
				i++
				continue
			case kSpace:
				pend |= fWS
				i++
				continue
			case kHigh:
				if b < 0xe3 || b > 0xe9 || i+2 >= n || text[i+1]&0xc0 != 0x80 || text[i+2]&0xc0 != 0x80 {
					break
				}
				// Most of a Japanese text: a kana or kanji that needs no
				// work, written straight out unless a mark may follow.
				// (A mark written as a character reference after it is
				// not composed; a mark never is, in practice.)
				r := rune(b&0x0f)<<12 | rune(text[i+1]&0x3f)<<6 | rune(text[i+2]&0x3f)
				if !isFastCJK(r) || !boundaryNext(text, i+3) {
					break
				}
				buf[w], buf[w+1], buf[w+2] = b, text[i+1], text[i+2]
				start[w] = base + i
				end[w+2] = base + i + 3
				fl[w], fl[w+1], fl[w+2] = pend|fRune, 0, 0
				pend = 0
				w += 3
				i += 3
				continue
			}
		}
		st.w, st.pend = w, pend
		i = st.fillSlow(text, i)
		w, pend = st.w, st.pend
		buf, start, end, fl = st.buf, st.start, st.end, st.fl // put may have grown them
	}
	st.w, st.pend = w, pend
	return i
}

// fillSlow handles one character at text[i] through the segmenter.
func (st *stream) fillSlow(text []byte, i int) int {
	b := text[i]
	switch st.kinds[b] {
	case kPlain:
		if st.segN > 0 {
			st.flushSeg()
		}
		st.addRune(rune(b), i, i+1)
		return i + 1
	case kSpace:
		if st.segN > 0 {
			st.flushSeg()
		}
		st.pend |= fWS
		return i + 1
	case kHigh:
		r, size := utf8.DecodeRune(text[i:])
		st.addRune(r, i, i+size)
		return i + size
	}
	return st.special(text, i)
}

// special handles a byte that may start a character reference, an escape
// or a tag.
func (st *stream) special(text []byte, i int) int {
	r1, r2, n := st.decode(text, i)
	if r1 == '<' && st.mode&mTags != 0 {
		if j, ok := st.markup(text, i, i+n); ok {
			return j
		}
	}
	st.addRune(r1, i, i+n)
	if r2 != noRune {
		st.addRune(r2, i, i+n)
	}
	return i + n
}

// decode reads one (possibly escaped) character at text[i].
func (st *stream) decode(text []byte, i int) (r1, r2 rune, n int) {
	b := text[i]
	switch {
	case b == '&' && st.mode&mEntities != 0:
		if r1, r2, n, ok := entity(text, i); ok {
			if r1 == '&' && r2 == noRune && i+n < len(text) && (text[i+n] == '#' || isASCIIAlnum(text[i+n])) {
				// Double escaped, as in "&amp;#39;" from a template
				// escaping what was already escaped.
				if s1, s2, m, ok := entityAfter(text, i+n); ok {
					return s1, s2, n + m - 1
				}
			}
			return r1, r2, n
		}
	case b == '\\' && st.mode&mEscapes != 0:
		if r, n, ok := backslash(text, i); ok {
			return r, noRune, n
		}
	case b == '%' && st.mode&mEscapes != 0:
		if r, n, ok := percent(text, i); ok {
			return r, noRune, n
		}
	}
	if b < utf8.RuneSelf {
		return rune(b), noRune, 1
	}
	r, size := utf8.DecodeRune(text[i:])
	return r, noRune, size
}

// addRune adds a rune to the NFKC segment, first writing out the segment
// before it when the rune cannot combine with it.
func (st *stream) addRune(r rune, start, end int) {
	var enc [utf8.UTFMax]byte
	n := utf8.EncodeRune(enc[:], r)
	fast := r < utf8.RuneSelf || isFastCJK(r)
	var p norm.Properties
	boundary := true
	if !fast {
		p = norm.NFKC.Properties(enc[:n])
		boundary = p.BoundaryBefore()
	}
	if st.segN > 0 && (boundary || st.segN+n > segCap) {
		st.flushSeg()
	}
	if st.segN == 0 {
		st.segStart, st.segRune, st.segFast, st.segProps = start, r, fast, p
	}
	copy(st.seg[st.segN:], enc[:n])
	st.segN += n
	st.segRunes++
	st.segEnd = end
}

// flushSeg normalises the collected segment and writes it out.
func (st *stream) flushSeg() {
	start, end := st.segStart, st.segEnd
	n := st.segN
	st.segN = 0
	if st.segRunes == 1 && (st.segFast || st.segProps.Decomposition() == nil) {
		// One rune without a decomposition is its own NFKC.
		st.segRunes = 0
		if r := st.segRune; r >= utf8.RuneSelf && isFastCJK(r) {
			st.put(st.seg[:n], start, end)
		} else {
			st.emit(r, start, end)
		}
		return
	}
	st.segRunes = 0
	out := norm.NFKC.Append(st.scratch[:0], st.seg[:n]...)
	st.scratch = out[:0]
	for k := 0; k < len(out); {
		r, size := utf8.DecodeRune(out[k:])
		k += size
		st.emit(r, start, end)
	}
}

// emit writes one NFKC-normalised rune: white space becomes a flag,
// invisible characters vanish, everything else is case folded.
func (st *stream) emit(r rune, start, end int) {
	var enc [utf8.UTFMax]byte
	if r < utf8.RuneSelf {
		c := byte(r)
		if isSpaceASCII(c) {
			st.pend |= fWS
			return
		}
		enc[0] = lowerASCII[c]
		st.put(enc[:1], start, end)
		return
	}
	if unicode.IsSpace(r) {
		st.pend |= fWS
		return
	}
	if isZeroWidth(r) {
		return
	}
	r = fold(r)
	if r == 'ß' {
		enc[0] = 's'
		st.put(enc[:1], start, end)
		st.put(enc[:1], start, end)
		return
	}
	n := utf8.EncodeRune(enc[:], r)
	st.put(enc[:n], start, end)
}

// put writes the bytes of one rune.
func (st *stream) put(p []byte, start, end int) {
	if st.w+len(p)+8 > len(st.buf) {
		st.alloc(2 * len(st.buf))
	}
	w := st.w
	for k, c := range p {
		st.buf[w+k] = c
		st.fl[w+k] = 0
	}
	// start is only read where a rune starts, end where one ends.
	st.start[w] = st.base + start
	st.end[w+len(p)-1] = st.base + end
	st.fl[w] = st.pend | fRune
	st.pend = 0
	st.w = w + len(p)
}

// boundaryNext reports whether the rune at text[j] surely cannot combine
// with the rune before it (a cheap test for the common cases; false means
// "ask the tables").
func boundaryNext(text []byte, j int) bool {
	if j >= len(text) || text[j] < utf8.RuneSelf {
		return true
	}
	b := text[j]
	if b >= 0xe4 && b <= 0xe9 { // U+4000–U+9FFF: ideographs, no marks
		return true
	}
	if b == 0xe3 && j+2 < len(text) {
		r := rune(b&0x0f)<<12 | rune(text[j+1]&0x3f)<<6 | rune(text[j+2]&0x3f)
		return isFastCJK(r)
	}
	return false
}

// normalizeKey returns the normal form of s without its spaces, and the
// byte positions in it that had a space before them.
func normalizeKey(s string) (key []byte, gaps []int) {
	st := newStream(nil, nil, 0, 0)
	text := []byte(s)
	i := 0
	for {
		i = st.fill(text, i)
		done := i >= len(text)
		if done && st.segN > 0 {
			st.flushSeg()
		}
		for k := 0; k < st.w; k++ {
			if st.fl[k]&fWS != 0 && len(key) > 0 {
				gaps = append(gaps, len(key))
			}
			key = append(key, st.buf[k])
		}
		st.w = 0
		if done {
			return key, gaps
		}
	}
}

// Normalize returns the normal form used for matching: NFKC, case folded,
// invisible characters dropped, every run of white space one space, no
// leading or trailing space. Needles with the same normal form match the
// same texts.
func Normalize(s string) string {
	key, gaps := normalizeKey(s)
	out := make([]byte, 0, len(key)+len(gaps))
	last := 0
	for _, g := range gaps {
		out = append(out, key[last:g]...)
		out = append(out, ' ')
		last = g
	}
	out = append(out, key[last:]...)
	return string(out)
}
