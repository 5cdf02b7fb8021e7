package leakscan

import (
	"encoding/binary"
	"math/bits"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// A stream normalises one text into a window of normalised bytes and (when
// it belongs to a Scanner) runs the automaton over that window. The window
// is reused: once matched, all but the last few bytes (enough for the
// longest needle and the character before it) are dropped, so memory does
// not grow with the text.
//
// White space and markup are not written as bytes: they become flags on the
// next byte (fWS, fTag), so a needle key never contains a space and the
// automaton never sees one; whether white space was allowed where it was
// found is checked afterwards, on the rare candidate match.
//
// Where each normalised byte came from is kept in anchors, not per byte:
// ASCII letters and most CJK characters are copied one to one, so one
// anchor per word (after each space or tag) maps a whole run; only what the
// slow path writes (decoded references, NFKC segments) gets an anchor per
// original unit. This keeps the common path to one byte store.

// Flags of a normalised byte.
const (
	fWS    uint8 = 1 << iota // white space between this rune and the one before
	fTag                     // markup (a tag, a comment) between this rune and the one before
	fBreak                   // a tag that ends a run of text (a block, a cell, a <time>): no match spans it
)

// An anchor maps normalised bytes from stream position pos on (up to the
// next anchor) back to the original text. An identity anchor says byte
// pos+k came from original byte in+k; a unit anchor says all its bytes came
// from the original span [in, end) (a character reference, an escape, an
// NFKC segment). flags are those of the byte at pos; every flagged byte
// starts an anchor.
type anchor struct {
	pos, in, end int
	flags        uint8
	unit         bool
}

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

// Byte kinds in findClose.
const (
	ckOther   uint8 = iota // stands for itself; not white space, '=', '>' or a quote
	ckSpace                // ASCII white space
	ckEq                   // '='
	ckClose                // '>'
	ckQuote                // '"' or '\''
	ckSpecial              // may start an escape
)

// byteTables are the byte kinds of one mode.
type byteTables struct {
	kinds      [256]uint8 // for fill
	closeKinds [256]uint8 // for findClose
	special8   [4]uint64  // the special bytes of the mode, each in all eight bytes (or spaces)
	escape8    [3]uint64  // the bytes that are ckSpecial, each in all eight bytes (or the first again, or '"')
}

// modeTables holds the byteTables of every mode, built on first use.
var modeTables = sync.OnceValue(func() *[mTags << 1]byteTables {
	var all [mTags << 1]byteTables
	for m := range all {
		t := &all[m]
		for i := range t.kinds {
			c := byte(i)
			switch {
			case c >= utf8.RuneSelf:
				t.kinds[i] = kHigh
			case isSpaceASCII(c):
				t.kinds[i] = kSpace
			case c == '&' && mode(m)&mEntities != 0, c == '<' && mode(m)&mTags != 0,
				(c == '\\' || c == '%') && mode(m)&mEscapes != 0:
				t.kinds[i] = kSpecial
			}
		}
		for i := range t.closeKinds {
			c := byte(i)
			switch {
			case t.kinds[c] == kSpecial && c != '<':
				t.closeKinds[i] = ckSpecial
			case isSpaceASCII(c):
				t.closeKinds[i] = ckSpace
			case c == '=':
				t.closeKinds[i] = ckEq
			case c == '>':
				t.closeKinds[i] = ckClose
			case c == '"' || c == '\'':
				t.closeKinds[i] = ckQuote
			}
		}
		e := 0
		for c := range utf8.RuneSelf {
			if t.closeKinds[c] == ckSpecial {
				t.escape8[e] = 0x0101010101010101 * uint64(c)
				e++
			}
		}
		for i := e; i < len(t.escape8); i++ {
			t.escape8[i] = t.escape8[0]
			if e == 0 {
				t.escape8[i] = 0x0101010101010101 * '"'
			}
		}
		k := 0
		for i := range t.special8 {
			t.special8[i] = 0x0101010101010101 * ' '
		}
		for c := range utf8.RuneSelf {
			if t.kinds[c] == kSpecial {
				t.special8[k] = 0x0101010101010101 * uint64(c)
				k++
			}
		}
	}
	return &all
})

// segCap bounds an NFKC segment (a starter and the marks that combine with
// it). A longer run of marks is cut into pieces normalised apart; no name
// is written that way, and the cut keeps the work per segment bounded.
const segCap = 64

// chunk is how many normalised bytes are produced before they are matched.
const chunk = 4 << 10

// slack is room kept free after the chunk for the output of one step.
const slack = 1024

type stream struct {
	sc    *Scanner // nil when only normalising
	ctx   *findCtx // where matches go; nil when only normalising
	sub   *stream  // scans the inside of tags; nil when tags are off
	mode  mode
	kinds *[256]uint8
	bt    *byteTables
	tab   *runeTables
	base  int // offset of the text in the original haystack

	// The window of normalised bytes.
	buf     []byte
	anchors []anchor // sorted by pos; the first covers buf[0]
	synced  bool     // the last anchor is an identity anchor that reaches the next input byte
	w       int      // bytes written
	m       int      // bytes matched
	pos0    int      // stream position of buf[0]
	pend    uint8    // flags for the next rune written
	hist    int      // bytes kept when sliding
	limit   int      // fill stops at this many bytes

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
	iter     norm.Iter
	decomp   [64]decompSlot

	// Matching state.
	reports int // keys found since reset (automaton outputs and long keys)
	state   uint32
	pending []pending                // long keys seen whose end is not written yet
	recent  [gramLen / stride]uint64 // the last short windows' hashes, by position/stride (see scanLong)
	waiting []raw                    // matches waiting for the next rune to check the word boundary

	// For a memo (see memo.go).
	brk   int // where the last break tag ended (-1: none yet)
	fails int // markup whose end was looked for and not found (findClose, findCommentEnd)
}

func newStream(sc *Scanner, ctx *findCtx, m mode, hist int) *stream {
	bt := &modeTables()[m]
	st := &stream{sc: sc, ctx: ctx, mode: m, bt: bt, kinds: &bt.kinds, tab: tables(), hist: hist}
	size := hist + chunk + slack
	if sc == nil {
		size = 2 * slack
	}
	st.buf = make([]byte, size)
	st.anchors = make([]anchor, 0, size/16)
	st.limit = size - slack
	st.scratch = make([]byte, 0, 4*segCap)
	return st
}

func (st *stream) reset(base int) {
	st.base = base
	st.w, st.m, st.pos0 = 0, 0, 0
	st.anchors = st.anchors[:0]
	st.synced = false
	st.pend = 0
	st.segN, st.segRunes = 0, 0
	st.state = 0
	st.pending = st.pending[:0]
	st.reports = 0
	st.waiting = st.waiting[:0]
	st.brk = -1
}

// fill normalises text from i until the window is full or it reaches end
// (len(text), or a chunk boundary of a memo), and returns where it stopped:
// at end, or past it when a unit (a tag, an escape, an NFKC segment)
// straddles end. Stopping there changes nothing in what is written: a run
// cut short goes on where it stopped (synced), as when the window fills.
// Lookahead (for a tag's end, an escape, a combining mark) always sees the
// whole text. The common bytes (runs of ASCII letters,
// white space, and of BMP characters that need no work, like kana, kanji
// and lower-case accented letters) are copied in tight loops on local
// copies of the state; everything else goes through the segmenter.
func (st *stream) fill(text []byte, i, end int) int {
	kinds := st.kinds
	sp := &st.bt.special8
	tab := st.tab
	n := len(text)
	buf := st.buf
	base, limit := st.base, st.limit
	w, pend, synced := st.w, st.pend, st.synced
	anchors := st.anchors
	for i < end && w < limit {
		if st.segN == 0 {
			switch c := text[i]; kinds[c] {
			case kPlain:
				// Runs of ASCII letters, copied (lower-cased) eight at a
				// time, and the single spaces between them.
				progress := false
				for {
					j, lim := i, min(end, i+limit-w)
					dst := buf[w:]
					for j+8 <= lim {
						x := binary.LittleEndian.Uint64(text[j:])
						// Bytes after the first that is not plain may be
						// garbage; they are overwritten or dropped.
						binary.LittleEndian.PutUint64(dst[j-i:], lower8(x))
						if m := notPlain8(x, sp[0], sp[1], sp[2], sp[3]); m != 0 {
							// The bytes before are plain; the loop below
							// decides on the rest.
							j += bits.TrailingZeros64(m) >> 3
							break
						}
						j += 8
					}
					for j < lim && kinds[text[j]] == kPlain {
						dst[j-i] = lowerASCII[text[j]]
						j++
					}
					if j < n && (text[j] >= utf8.RuneSelf && !tab.boundaryAt(text, j) || kinds[text[j]] == kSpecial && text[j] != '<') {
						j-- // a combining mark (maybe escaped) may follow: the segmenter composes it
					}
					if j == i {
						break
					}
					if !synced || pend != 0 {
						anchors = append(anchors, anchor{pos: st.pos0 + w, in: base + i, flags: pend})
						pend, synced = 0, true
					}
					w += j - i
					i = j
					progress = true
					// One space and more letters: go on.
					if i+1 < end && text[i] == ' ' && kinds[text[i+1]] == kPlain && w < limit {
						pend |= fWS
						synced = false
						i++
						continue
					}
					break
				}
				if !progress {
					break // to the segmenter
				}
				continue
			case kSpace:
				pend |= fWS
				synced = false
				for i++; i < n && kinds[text[i]] == kSpace; i++ {
				}
				continue
			case kHigh:
				// A run of characters that need no work (kana, kanji,
				// lower-case accented letters), copied as they are. The last
				// one is only taken if what follows cannot combine with it.
				r, size := decodeBMPFast(text, i)
				if size == 0 || !tab.isSimple(r) {
					break
				}
				j, room := i, limit-w
				for {
					k := j + size
					if k+4 <= n {
						// The common case, a simple three-byte character
						// (kana, kanji), from one load; anything else
						// goes the long way below.
						if v := binary.LittleEndian.Uint32(text[k:]); v&0xc0c0f0 == 0x8080e0 {
							if r2 := rune(v&0x0f)<<12 | rune(v>>2&0xfc0) | rune(v>>16&0x3f); r2 >= 0x800 && tab.isSimple(r2) {
								j, size = k, 3
								if j-i < room {
									continue
								}
								break
							}
						}
					}
					if k >= n {
						j = k
						break
					}
					c := text[k]
					if c < utf8.RuneSelf {
						if kinds[c] != kSpecial || c == '<' {
							j = k
						}
						break
					}
					var r2 rune
					size2 := 0
					if c >= 0xe0 && c <= 0xef && k+2 < n && text[k+1]&0xc0 == 0x80 && text[k+2]&0xc0 == 0x80 {
						if r2 = rune(c&0x0f)<<12 | rune(text[k+1]&0x3f)<<6 | rune(text[k+2]&0x3f); r2 >= 0x800 {
							size2 = 3
						}
					} else {
						r2, size2 = decodeBMP(text, k)
					}
					if size2 == 0 {
						break
					}
					if tab.isSimple(r2) {
						j, size = k, size2
						if j-i < room {
							continue
						}
						break
					}
					if tab.isBound(r2) {
						j = k
					}
					break
				}
				if j == i {
					break
				}
				if !synced || pend != 0 {
					anchors = append(anchors, anchor{pos: st.pos0 + w, in: base + i, flags: pend})
					pend, synced = 0, true
				}
				w += copy(buf[w:], text[i:j])
				i = j
				continue
			case kSpecial:
				if c == '<' && st.mode&mTags != 0 {
					// Markup, most likely (what the segmenter would do).
					st.w, st.pend, st.anchors = w, pend, anchors
					if j, ok := st.markup(text, i, i+1); ok {
						i = j
						w, pend, synced, anchors = st.w, st.pend, false, st.anchors
						continue
					}
				}
			}
		}
		st.w, st.pend, st.anchors = w, pend, anchors
		i = st.fillSlow(text, i)
		w, pend, synced, anchors = st.w, st.pend, false, st.anchors
		buf = st.buf // put may have grown it
	}
	st.w, st.pend, st.synced, st.anchors = w, pend, synced, anchors
	return i
}

// notPlain8 returns the high bit of the lowest byte of x that may not be
// kPlain, and maybe of some bytes above it; 0 if all eight are plain. The
// bytes before that one are plain; it is not ASCII, or white space or
// another control character (most of which are plain), or one of the
// special bytes (each in all eight bytes of one of sp0 to sp3).
func notPlain8(x, sp0, sp1, sp2, sp3 uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	// The high bit is checked apart; this keeps the rest exact.
	low := ^(x | highs - ones*'!') // the high bit of the bytes below '!'
	// The high bit of the bytes equal to the specials (and of some above
	// the first that is).
	s0, s1, s2, s3 := x^sp0, x^sp1, x^sp2, x^sp3
	sp := (s0-ones)&^s0 | (s1-ones)&^s1 | (s2-ones)&^s2 | (s3-ones)&^s3
	return (x | low | sp) & highs
}

// lower8 lower-cases the ASCII letters of x (whose bytes are all ASCII).
func lower8(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	geA := x + ones*(0x80-'A')
	gtZ := x + ones*(0x7f-'Z')
	return x | (geA&^gtZ&highs)>>2
}

// fillSlow handles one character at text[i] that the fast path declined.
func (st *stream) fillSlow(text []byte, i int) int {
	b := text[i]
	k := st.kinds[b]
	if st.segN > 0 && k != kSpecial {
		// A segment is open: close it if this character starts a new
		// one, and let the fast path have another look.
		if k != kHigh || st.tab.boundaryAt(text, i) {
			st.flushSeg()
			return i
		}
	}
	switch k {
	case kPlain, kSpace: // a combining mark may follow
		st.addRune(rune(b), i, i+1)
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
		// A compatibility jamo (ㅡ, ﾡ) normalises to a conjoining jamo that
		// composes with the syllable before it ("ᄒㅡ" is 흐), though the
		// table calls it a boundary.
		boundary = p.BoundaryBefore() && !isCompatJamo(r)
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
	var out []byte
	if st.segRunes == 1 {
		out = st.decomposed(st.segRune, st.seg[:n])
	} else {
		out = norm.NFKC.Append(st.scratch[:0], st.seg[:n]...)
		st.scratch = out[:0]
	}
	st.segRunes = 0
	for k := 0; k < len(out); {
		r, size := utf8.DecodeRune(out[k:])
		k += size
		st.emit(r, start, end)
	}
}

// decomposed returns the NFKC form of the rune r, encoded in seg, which has
// a decomposition. A text repeats the few it has ("…" after every
// summary, "ｶ" in a half-width name), and the tables cost several times
// what the rest of the rune's way does, so the last ones are kept.
func (st *stream) decomposed(r rune, seg []byte) []byte {
	slot := &st.decomp[uint32(r)%uint32(len(st.decomp))]
	if slot.n > 0 && slot.r == r {
		return slot.out[:slot.n]
	}
	// The iterator does not allocate, where Append does.
	st.iter.Init(norm.NFKC, seg)
	out := st.scratch[:0]
	for !st.iter.Done() {
		out = append(out, st.iter.Next()...)
	}
	st.scratch = out[:0]
	if len(out) <= len(slot.out) {
		slot.r, slot.n = r, uint8(copy(slot.out[:], out))
	}
	return out
}

// decompSlot holds the NFKC form of one rune (n bytes; none if n is 0).
type decompSlot struct {
	r   rune
	n   uint8
	out [19]byte
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

// put writes the bytes of one rune that came from original bytes [start, end).
func (st *stream) put(p []byte, start, end int) {
	if st.w+len(p)+8 > len(st.buf) {
		buf := make([]byte, 2*len(st.buf))
		copy(buf, st.buf[:st.w])
		st.buf = buf
	}
	start += st.base
	end += st.base
	if k := len(st.anchors) - 1; st.pend != 0 || k < 0 || !st.anchors[k].unit || st.anchors[k].in != start || st.anchors[k].end != end {
		st.anchors = append(st.anchors, anchor{pos: st.pos0 + st.w, in: start, end: end, flags: st.pend, unit: true})
		st.pend = 0
	}
	st.w += copy(st.buf[st.w:], p)
}

// anchorAt returns the index of the anchor covering window index k.
func (st *stream) anchorAt(k int) int {
	pos := st.pos0 + k
	a := st.anchors
	lo, hi := 0, len(a) // find the last anchor with a.pos <= pos
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if a[mid].pos <= pos {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// startOf returns the original offset where the rune at window index k starts.
func (st *stream) startOf(k int) int {
	a := &st.anchors[st.anchorAt(k)]
	if a.unit {
		return a.in
	}
	return a.in + st.pos0 + k - a.pos
}

// endOf returns the original offset where the rune ending at window index k ends.
func (st *stream) endOf(k int) int {
	a := &st.anchors[st.anchorAt(k)]
	if a.unit {
		return a.end
	}
	return a.in + st.pos0 + k - a.pos + 1
}

// flagsAt returns the flags of the byte at window index k.
func (st *stream) flagsAt(k int) uint8 {
	a := &st.anchors[st.anchorAt(k)]
	if a.pos == st.pos0+k {
		return a.flags
	}
	return 0
}

// normalizeKey returns the normal form of s without its spaces, and the
// byte positions in it that had a space before them.
func normalizeKey(st *stream, s string) (key []byte, gaps []int) {
	if st == nil {
		st = newStream(nil, nil, 0, 0)
	}
	st.reset(0)
	text := []byte(s)
	i := 0
	for {
		i = st.fill(text, i, len(text))
		done := i >= len(text)
		if done && st.segN > 0 {
			st.flushSeg()
		}
		for _, a := range st.anchors {
			if a.flags&fWS != 0 && a.pos > 0 {
				gaps = append(gaps, a.pos)
			}
		}
		key = append(key, st.buf[:st.w]...)
		st.pos0 += st.w
		st.w = 0
		st.anchors = st.anchors[:0]
		st.synced = false
		if done {
			return key, gaps
		}
	}
}

// normalizers are streams for Normalize: a stream's buffers weigh a few
// kilobytes, and a guard normalises needles by the thousand.
var normalizers = sync.Pool{New: func() any { return newStream(nil, nil, 0, 0) }}

// Normalize returns the normal form used for matching: NFKC, case folded,
// invisible characters dropped, every run of white space one space, no
// leading or trailing space. Needles with the same normal form match the
// same texts.
func Normalize(s string) string {
	st := normalizers.Get().(*stream)
	defer normalizers.Put(st)
	key, gaps := normalizeKey(st, s)
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
