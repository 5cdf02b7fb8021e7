package leakscan

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"sync"
	"sync/atomic"
)

// A memo of clean chunks.
//
// Most of what a build scans has been scanned before: every page has the
// same header and footer, listing pages are made of the same cards, and the
// preview server writes a whole search index again after a one-word edit.
// With a Memo, a Scanner cuts the text into chunks by their content,
// remembers those in which it found nothing, and skips them when it meets
// them again. Below is why that is exact: Find and First return the same
// matches, in the same order, with the same offsets, lines and columns as
// without a memo, for every text.
//
// # Barriers
//
// A chunk starts and ends at a barrier, a point that no match spans and
// beyond which no decision about a match looks:
//
//   - With tags (WithHTML), a break tag: a tag not in inlineTags. It puts
//     fBreak on the next byte written, and spacesOK rejects a match that
//     holds a byte so flagged anywhere but at its start; startOK and
//     boundaryAt take its fTag as a word boundary without looking further.
//   - Without tags, the cut byte: an ASCII byte that is in no key and is no
//     letter, digit, white space or byte that starts an escape or a
//     character reference in the mode, nor one that may continue a
//     reference ('#', ';'): '"' or ',' in JSON. Written as itself, it takes
//     the automaton to its root from any state (it has no transition but
//     the root's), no key holds it, and it is a word boundary to the rune
//     before and after it.
//
// # Arriving
//
// Chunks are cut at barriers by their content alone (nextCut), without
// reading the text as the stream does, so a cut may fall inside a unit (a
// tag, an escape, an NFKC segment). The fill loop is bounded at the next
// cut c, and the stream arrives at c when it stops exactly there, in the
// state the barrier leaves:
//
//   - with tags, the unit that ended at c is a break tag (brk == c): nothing
//     was written since, pend holds fTag|fBreak, and the tag flushed the
//     NFKC segment;
//   - without tags, the NFKC segment is empty: the fast path copied the cut
//     byte at c-1 as a character of its own (an escape or the segmenter
//     would leave a segment open), which it does only when the byte at c
//     cannot combine with it and starts no escape; pend is 0.
//
// The start of the text is an arrival too. A stream that passes a cut
// without arriving neither skips nor learns the chunk that starts there.
//
// # Learning
//
// A chunk [c0, c1) is remembered as clean when the stream arrived at c0 and
// then at c1; no match was found at an offset ≥ c0 (in the main stream,
// counting one that waits for the rune after it, or inside the chunk's
// tags); and, with tags, no markup in the chunk failed to find its end. A
// chunk that ends at the end of the text is remembered, as final, after the
// text's last scan.
//
// That fact holds wherever the same bytes stand, in any text where the
// stream arrives at their start. From an arrival on, what the stream writes
// and where it cuts units is a function of the bytes that follow, as long
// as no unit looks past c1:
//
//   - with tags, the last unit is the break tag that ends at c1 and every
//     unit before it ends before that tag's '<'. Lookahead stops at the
//     first byte that cannot continue what is read (a tag name, digits, a
//     reference name, hex digits: '<' and '>' continue none), or at the '>'
//     or "-->" found; only a failed search for a tag's end may run past c1,
//     and then the chunk is not learned.
//   - without tags, the stream arrived at c1, so the cut byte at c1-1 was
//     written as itself: no unit before it took it in, and a unit that read
//     it stopped there (it is no hex digit, letter, '#', ';', '\' or '%').
//     What the cut byte itself becomes may depend on the byte after it (a
//     mark could compose with it): that is why a skip stops before it.
//
// The matches in the chunk are those that end in it. They start in it too
// (they cannot span the barrier at c0), and Aho–Corasick reports every key
// inside the chunk's bytes whatever state it enters them in. Whether such a
// key is a match depends on the flags and runes in the chunk and on the
// barriers around it, which are word boundaries wherever the chunk stands
// (a break tag; a cut byte; the start or end of the text). So the chunk
// holds no match there either.
//
// # Skipping
//
// When the stream arrives at c0 and the chunk [c0, c1) is remembered:
//
//   - A final chunk: i jumps to the end of the text. Its last scan accepts
//     the matches still waiting for their word boundary, as the chunk's
//     first rune (after a barrier) or the end would have.
//   - With tags, i jumps to c1 and the stream stands as after the break tag
//     there: pend |= fTag|fBreak (it holds both already, from the tag at c0,
//     unless the text starts there; fWS beside fBreak changes no decision),
//     brk = c1. The automaton keeps its state: a key it reports across the
//     gap holds the first byte written after c1, flagged fBreak, not at its
//     start, and is rejected, as it would have been; a key after c1 is
//     reported from any state. Matches waiting for their word boundary are
//     accepted at the next rune, flagged fTag, or at the end, as they would
//     have been at the chunk's first rune.
//   - Without tags, i jumps to c1-1 and the stream reads the cut byte there
//     itself. The window then holds the cut byte at c0-1 (or nothing)
//     before it; after either the automaton is at its root, neither is in a
//     key, and the rune before a match after c1-1, or after one before c0,
//     is the same cut byte as without the skip.
//
// synced is cleared, so the next byte written starts an anchor with its own
// offset: offsets, lines and columns stay those of the original text.
// Window positions shrink by what is not written; they are only compared
// with each other. First stops when the main stream is a longest match
// (in window bytes) past a match found; a match never holds a skipped
// chunk, so it is no longer in window bytes than without the skip, and the
// stop comes no earlier in the text.
//
// # Keys
//
// A chunk is known by two 64-bit maphash sums of its bytes, under two seeds
// drawn for the Memo, combined with its length and with a tag: the
// fingerprint of the Set (its needle texts and minimum, hashed the same
// way), the mode, and whether the chunk is final. Two chunks of the same
// bytes, length and tag have the same key; two that differ in any have
// equal keys with a chance of 2^-128: a wrong skip, for a billion chunks
// looked up against a million remembered, has a chance of about
// 10^15 / 2^128 ≈ 3·10^-24. That counts on maphash behaving as a random
// function on texts chosen without knowledge of its seeds, which are drawn
// in the process and never leave it; the texts are the site's own pages.
// (It is no defence against an author who wants to hide a name from the
// scan; nor is the scan: "Аmina" with a Cyrillic "А" passes it.)

// Chunk sizes. A chunk ends at the first barrier at least a minimum after
// its start where the content says so (cutAt), or at the first barrier
// after maxChunk. Smaller chunks skip more of what repeats (a footer of a
// kilobyte, a card) and of a text edited here and there, but each costs a
// few calls, two hashes of its bytes and a lookup (about 0.3 µs). Pages
// repeat their chrome in pieces, and scanning markup costs more a byte, so
// chunks after break tags are small: on the output of content/ (70 files),
// a first build skips a third of the bytes with 192, a fifth with 512; on a
// 10,000-page build's output, scanning took 5 % fewer instructions with 96
// than with 192, and more again with 64 or 128 (callgrind).
// Other texts (a search index) rarely repeat but as a whole, after an edit,
// and are scanned faster: there larger chunks cost less.
const (
	minChunkTags = 96
	minChunkText = 1024
	maxChunk     = 8 << 10
	cutBits      = 2 // a candidate whose hash has this many leading zero bits is a cut
)

// memoSlots is the size of a Memo's tables of one generation (16 bytes a
// slot, over all shards): a shard's table filled to three quarters starts
// the shard's next generation and forgets the one before, so that a Memo
// holds at most 8 MB.
const memoSlots = 1 << 18

// cutBytes are the bytes a Scanner without tags cuts after, in order of
// preference: the first that is a barrier for its needles and mode.
const cutBytes = `",}];)>|`

// A Memo remembers chunks of text in which a Scanner found no match, so that
// a Scanner given it (WithMemo) skips them when they come again: the header
// and footer every page repeats, a card on several listing pages, the
// unchanged bulk of a search index written again after an edit. Find and
// First give exactly what they give without it, whatever the text.
//
// A Memo is safe for concurrent use: share one among the goroutines of a
// build, and keep it from one build to the next. What it remembers holds
// for the needles' texts (and WithMinRunes) and the mode of the Scanner
// that learned it, and is used only by Scanners of the same: Scanners of
// several modes, and of Sets compiled again from the same needles, may
// share one, and after the needles change the old entries are never used
// again. Its memory is bounded (8 MB, for some 200,000 chunks): when full,
// it forgets the chunks not seen since the last time it was.
type Memo struct {
	seeds  [2]maphash.Seed
	shards []memoShard // by the key's second word (see shard)

	scanned, skipped atomic.Int64 // bytes given to Scanners and bytes skipped
}

// memoShards is how many parts a Memo of full size spreads its keys over,
// each with its own lock and generations: every goroutine of a build looks
// chunks up a few hundred times a page, and one lock for all of them would
// have them wait for each other.
const memoShards = 16

// memoShard holds the keys of one part.
type memoShard struct {
	mu       sync.Mutex
	size     int // slots of a full table
	cur, old memoTable
	_        [48]byte // a shard's lock on a cache line no other lock shares
}

// memoKey identifies a chunk: see Keys above.
type memoKey [2]uint64

// NewMemo returns an empty Memo.
func NewMemo() *Memo { return newMemo(memoSlots) }

func newMemo(slots int) *Memo {
	n := 1 // a small Memo (in tests) is one table, to watch its generations
	if slots >= memoShards<<12 {
		n = memoShards
	}
	m := &Memo{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, shards: make([]memoShard, n)}
	for i := range m.shards {
		m.shards[i].size = slots / n
	}
	return m
}

// shard is the part that holds k (stored): picked by the key's second
// word, as the tables probe from its first.
func (m *Memo) shard(k memoKey) *memoShard {
	return &m.shards[k[1]&uint64(len(m.shards)-1)]
}

// WithMemo makes the Scanner skip chunks of text that m remembers as clean
// and remember those it finds clean. Find and First return the same as
// without it.
func WithMemo(m *Memo) Option { return func(c *config) { c.memo = m } }

// has reports whether k is remembered (and keeps it for the next generation).
func (m *Memo) has(k memoKey) bool {
	k = k.stored()
	sh := m.shard(k)
	sh.mu.Lock()
	ok := sh.cur.has(k)
	if !ok && sh.old.has(k) {
		ok = true
		sh.put(k)
	}
	sh.mu.Unlock()
	return ok
}

// add remembers k.
func (m *Memo) add(k memoKey) {
	k = k.stored()
	sh := m.shard(k)
	sh.mu.Lock()
	if !sh.cur.has(k) {
		sh.put(k)
	}
	sh.mu.Unlock()
}

// put adds k, which cur lacks, growing cur or starting a generation.
func (sh *memoShard) put(k memoKey) {
	if t := &sh.cur; 4*(t.n+1) > 3*len(t.slots) {
		switch {
		case len(t.slots) < sh.size:
			t.grow(min(max(2*len(t.slots), 1<<10), sh.size))
		default:
			sh.old, sh.cur = sh.cur, sh.old
			sh.cur.clear(sh.size)
		}
	}
	sh.cur.insert(k)
}

// stored is k as a table holds it: the zero key marks an empty slot.
func (k memoKey) stored() memoKey {
	if k == (memoKey{}) {
		k[0] = 1
	}
	return k
}

// memoTable is a set of keys: open addressing, probed in order from the
// slot the key's first word picks.
type memoTable struct {
	slots []memoKey // a power of two of them
	n     int
}

func (t *memoTable) has(k memoKey) bool {
	if t.n == 0 {
		return false
	}
	mask := uint64(len(t.slots) - 1)
	for i := k[0] & mask; ; i = (i + 1) & mask {
		switch t.slots[i] {
		case k:
			return true
		case memoKey{}:
			return false
		}
	}
}

// insert adds k, which t lacks and has room for.
func (t *memoTable) insert(k memoKey) {
	mask := uint64(len(t.slots) - 1)
	i := k[0] & mask
	for t.slots[i] != (memoKey{}) {
		i = (i + 1) & mask
	}
	t.slots[i] = k
	t.n++
}

func (t *memoTable) grow(size int) {
	old := t.slots
	*t = memoTable{slots: make([]memoKey, size)}
	for _, k := range old {
		if k != (memoKey{}) {
			t.insert(k)
		}
	}
}

// clear empties t, keeping (or making) size slots.
func (t *memoTable) clear(size int) {
	if len(t.slots) != size {
		t.slots = make([]memoKey, size)
	} else {
		clear(t.slots)
	}
	t.n = 0
}

// fpSeeds hash needle sets into fingerprints, alike for every Memo.
var fpSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// fingerprint hashes what decides whether a text holds a match: the needle
// texts, in order, and the minimum number of runes.
func fingerprint(needles []Needle, minRunes int) [2]uint64 {
	var fp [2]uint64
	var n [8]byte
	for k := range fp {
		var h maphash.Hash
		h.SetSeed(fpSeeds[k])
		binary.LittleEndian.PutUint64(n[:], uint64(minRunes))
		h.Write(n[:])
		for _, nd := range needles {
			binary.LittleEndian.PutUint64(n[:], uint64(len(nd.Text)))
			h.Write(n[:])
			h.WriteString(nd.Text)
		}
		fp[k] = h.Sum64()
	}
	return fp
}

// memoScan is how one Scanner uses its Memo.
type memoScan struct {
	*Memo
	html     bool // barriers are break tags; else the cut byte
	cut      byte // the byte chunks end with; 0: none, the whole text is one chunk
	min, max int  // minChunkTags or minChunkText, maxChunk (tests make chunks smaller)
	bits     uint // cutBits
	every    bool // cut after every cut byte (tests: a cut anywhere is exact)
	kinds    *[256]uint8
	tab      *runeTables
	tags     [2][2]uint64 // combined with the sums of a chunk: [final]
}

func newMemoScan(sc *Scanner) *memoScan {
	m := sc.cfg.mode
	ms := &memoScan{
		Memo: sc.cfg.memo, html: m&mTags != 0, min: minChunkText, max: maxChunk, bits: cutBits,
		kinds: &modeTables()[m].kinds, tab: tables(),
	}
	if ms.html {
		ms.cut, ms.min = '>', minChunkTags
	} else {
		for _, c := range []byte(cutBytes) {
			if !sc.inKey[c] && ms.kinds[c] == kPlain && !(m&mEntities != 0 && (c == '#' || c == ';')) {
				ms.cut = c
				break
			}
		}
	}
	for final := range ms.tags {
		kind := uint64(m)<<1 | uint64(final)
		ms.tags[final] = [2]uint64{sc.fp[0] ^ kind*0x9e3779b97f4a7c15, sc.fp[1] ^ kind*0xc2b2ae3d27d4eb4f}
	}
	return ms
}

// key returns the key of a chunk.
func (ms *memoScan) key(chunk []byte, final bool) memoKey {
	t := &ms.tags[0]
	if final {
		t = &ms.tags[1]
	}
	return memoKey{maphash.Bytes(ms.seeds[0], chunk) ^ t[0], maphash.Bytes(ms.seeds[1], chunk) ^ t[1] ^ uint64(len(chunk))*0x9e3779b97f4a7c15}
}

// nextCut returns the end of the chunk that starts at c0: the first cut at
// least ms.min after it, or the end of the text.
func (ms *memoScan) nextCut(text []byte, c0 int) int {
	n := len(text)
	if ms.cut == 0 {
		return n
	}
	for p := c0 + ms.min - 1; p < n; p++ {
		k := bytes.IndexByte(text[p:], ms.cut)
		if k < 0 {
			break
		}
		p += k
		if c := p + 1; c < n && ms.cutAt(text, c0, c) {
			return c
		}
	}
	return n
}

// cutAt reports whether a chunk that starts at c0 ends at c, just after a
// cut byte. Any answer is exact; this one tries to cut where the stream
// arrives (after a break tag; before a byte that does not combine with the
// cut byte), and where the same content is cut wherever it stands: after
// the same 16 bytes, or between two siblings (</li><li>), so that each
// card of a listing is a chunk of its own.
func (ms *memoScan) cutAt(text []byte, c0, c int) bool {
	if ms.every {
		return true
	}
	if !ms.html {
		// The stream arrives only where the next byte neither combines
		// with the cut byte nor may start an escape.
		return (c-c0 >= ms.max || ms.hashCut(text, c)) && ms.kinds[text[c]] != kSpecial && ms.tab.boundaryAt(text, c)
	}
	if c-c0 >= ms.max || ms.hashCut(text, c) {
		name, ok := tagBefore(text, max(c0, c-128), c)
		return ok && !isInlineName(name) // else the stream does not arrive after it
	}
	name, ok := siblingAt(text, c0, c)
	return ok && !isInlineName(name)
}

// hashCut reports whether the 16 bytes before c make a cut (c ≥ 16: min ≥ 16).
func (ms *memoScan) hashCut(text []byte, c int) bool {
	if ms.bits == 0 {
		return true // tests: every candidate is a cut
	}
	x := binary.LittleEndian.Uint64(text[c-8:])
	y := binary.LittleEndian.Uint64(text[c-16:])
	h := (x*0x9e3779b97f4a7c15 ^ y) * 0xff51afd7ed558ccd
	return h>>(64-ms.bits) == 0
}

// tagBefore reads the name of the tag that ends with the '>' at
// text[c-1] and starts at from or later.
func tagBefore(text []byte, from, c int) (name []byte, ok bool) {
	lt := lastLT(text[from : c-1])
	if lt < 0 {
		return nil, false
	}
	k := from + lt + 1
	if text[k] == '/' {
		k++
	}
	start := k
	for tagNameByte[text[k]] {
		k++ // stops at the '>' at the latest
	}
	if k == start || !isASCIILetter(rune(text[start])) || !(isSpaceASCII(text[k]) || text[k] == '/' || text[k] == '>') {
		return nil, false
	}
	return text[start:k], true
}

// lastLT is bytes.LastIndexByte(s, '<'), eight bytes at a time (the
// standard library's is a loop over bytes on amd64).
func lastLT(s []byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := len(s)
	for ; i >= 8; i -= 8 {
		x := binary.LittleEndian.Uint64(s[i-8:]) ^ ones*'<'
		// The high bit of each byte that is 0, exactly (no carries).
		if z := ^((x&^highs + ^uint64(highs)) | x) & highs; z != 0 {
			return i - 8 + (63-bits.LeadingZeros64(z))>>3
		}
	}
	for i--; i >= 0; i-- {
		if s[i] == '<' {
			return i
		}
	}
	return -1
}

// siblingAt reports whether c is between two siblings: "</name>" ends
// there (starting at c0 or later) and "<name" opens after it, perhaps
// after white space. It returns name.
func siblingAt(text []byte, c0, c int) (name []byte, ok bool) {
	k := c
	for k < len(text) && isSpaceASCII(text[k]) {
		k++
	}
	if k+1 >= len(text) || text[k] != '<' || !isASCIILetter(rune(text[k+1])) {
		return nil, false
	}
	start := k + 1
	for k = start; k < len(text) && tagNameByte[text[k]]; k++ {
	}
	n := k - start
	if k == len(text) || !(isSpaceASCII(text[k]) || text[k] == '/' || text[k] == '>') || c-n-3 < c0 {
		return nil, false
	}
	end := text[c-n-3 : c] // "</name>"
	if end[0] != '<' || end[1] != '/' {
		return nil, false
	}
	for i := range n {
		if lowerASCII[end[2+i]] != lowerASCII[text[start+i]] {
			return nil, false
		}
	}
	return text[start:k], true
}

// runMemo is stream.run for the main stream of a Scanner with a memo: it
// stops at each cut, skips the chunk that starts there if the memo knows
// it clean, and otherwise scans it and tells the memo if it is clean. See
// the comment at the top of this file.
func (ctx *findCtx) runMemo(text []byte) {
	ms := ctx.s.memo
	st := ctx.main
	st.reset(0)
	n := len(text)
	skipped := 0
	defer func() {
		ms.scanned.Add(int64(n))
		ms.skipped.Add(int64(skipped))
	}()
	i := 0
	c0, arrived := 0, true // the chunk starts at c0; the stream arrived there
	next := -1             // the cut after c0, if known
	for {
		c1 := next
		if c1 < 0 {
			c1 = ms.nextCut(text, c0)
		}
		next = -1
		learn := false
		var key memoKey
		var nraw, fails int
		if arrived {
			key = ms.key(text[c0:c1], c1 == n)
			if ms.has(key) {
				switch {
				case c1 == n:
					skipped += n - c0
					i = n
				case ms.html:
					skipped += c1 - c0
					i = c1
					st.pend |= fTag | fBreak
					st.brk = c1
				default:
					skipped += c1 - 1 - c0
					i = c1 - 1
				}
				st.synced = false
			} else {
				learn, nraw, fails = true, len(ctx.raw), st.fails
			}
		}
		for {
			i = st.fill(text, i, c1)
			if i >= c1 {
				break
			}
			// The window is full.
			st.scan(false)
			if ctx.stop() {
				return
			}
			st.slide()
		}
		if i >= n {
			if st.segN > 0 {
				st.flushSeg()
			}
			st.scan(true)
			if learn && c1 == n && ctx.cleanFrom(nraw, c0) {
				ms.add(key)
			}
			return
		}
		arrived = i == c1 && st.arrived(ms.html, i)
		if learn && arrived && st.fails == fails {
			st.scan(false)
			if ctx.cleanFrom(nraw, c0) {
				ms.add(key)
			}
			if ctx.stop() {
				return
			}
		}
		c0 = c1
		if i > c0 {
			// A unit straddled the cut: go on from the last cut it
			// reached.
			for {
				c := ms.nextCut(text, c0)
				if c > i {
					next = c
					break
				}
				c0 = c
			}
			arrived = c0 == i && st.arrived(ms.html, i)
		}
	}
}

// arrived reports whether the stream, stopped at the cut i, stands there in
// the state the barrier before it leaves.
func (st *stream) arrived(html bool, i int) bool {
	if html {
		return st.brk == i
	}
	return st.segN == 0
}

// cleanFrom reports whether no match at an offset from c0 on is among those
// found since the first nraw (or waiting for its word boundary).
func (ctx *findCtx) cleanFrom(nraw, c0 int) bool {
	for _, r := range ctx.raw[nraw:] {
		if r.off >= c0 {
			return false
		}
	}
	for _, r := range ctx.main.waiting {
		if r.off >= c0 {
			return false
		}
	}
	return true
}
