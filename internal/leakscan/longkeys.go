package leakscan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// Long keys (the sentences of stories that are not published, long titles)
// are not in the automaton. They are found by hashing the window of
// gramLen bytes that ends at every stride-th byte of the stream, looking the
// hash up in a bit set of the keys' windows, and comparing a key whose
// window it is with the bytes around it.
//
// Why: a site's sentences are made of its own vocabulary, so the text keeps
// walking into them; in the automaton every such step leaves the dense rows
// for a sparse state and its failure chain, and a few thousand sentences
// made the scan twice as slow as the names and slugs alone. Here the cost is
// four loads, a hash and a bit test every stride bytes, whatever the keys.
//
// A window of 32 bytes is a few words or Japanese phrases, and a site
// repeats its phrases: keys long enough are found by a window of 64 bytes
// instead (the hash of the 32 bytes before the window of 32 folded into
// it), which the text meets far less often by chance, so that fewer keys
// are compared for nothing; on 40,000 pages the shorter windows alone made
// the comparisons a twentieth of the build. Each length has its own
// filter, so that a few keys of one length cost a probe of a few cache
// lines, not one of the filter of all. (Windows of 96 bytes for the
// longest keys met the text less often again, but the third hash and
// probe at every checked position cost more than the look-ups saved.)
//
// Every occurrence of a long key is found exactly once: a key has its
// windows at stride consecutive offsets indexed (from at, chosen per key),
// and of the windows at those offsets in an occurrence exactly one ends at a
// checked stream position. Which keys are found is what the automaton would
// find, every key whose bytes end at a window position: a key is confirmed
// on the window's bytes alone, so a skip of the memo, a slide or a tag
// changes nothing here that it does not change there (see memo.go).

// withLongFrom has keys of at least n bytes (and at least minLong) found as
// long keys, the others by the automaton: the tests compare the two ways.
func withLongFrom(n int) Option { return func(c *config) { c.longFrom = n } }

// minShortKeys is how many keys short windows need to be worth their
// filter: a filter is probed at every checked position however few keys
// it holds, while a handful of sentences in the automaton cost next to
// nothing. (At 40,000 pages one sentence of 75 bytes had its probe cost
// 500 million instructions, by cachegrind; a sentence costs the automaton
// about a three-hundredth of that.)
const minShortKeys = 64

// withShortWindowsFrom has keys with short windows found by them from n
// such keys on (minShortKeys unless the tests say otherwise).
func withShortWindowsFrom(n int) Option { return func(c *config) { c.minShort = n } }

// gramLen is the length of the short windows; the long ones are twice as
// long.
const gramLen = 32

// windowSizes is the number of window lengths.
const windowSizes = 2

// stride is the distance between checked positions (a power of two).
// Every 16th byte rather than every 8th: half the hashing, for twice the
// windows a key indexes; 10 % off the scan of a 10,000-page build, the
// same at 40,000.
const stride = 16

// minLong is the length from which a key is a long key (unless
// withLongFrom says more): its windows must start at stride consecutive
// offsets. From minLong2 on, its windows are long ones.
const (
	minLong  = gramLen + stride - 1
	minLong2 = 2*gramLen + stride - 1
)

// windowSize is the class of key's windows: 0 for short ones, 1 for long.
func windowSize(key []byte) int {
	if len(key) >= minLong2 {
		return 1
	}
	return 0
}

// longKeys finds the long keys.
type longKeys struct {
	filters [windowSizes][]uint64 // by window size (see filterBits): the windows' hashes, four bits each
	slots   []longSlot            // the indexed windows, open addressing by hash
	bytes   [][]byte              // the keys, by key index (nil for the automaton's)
}

// longSlot is an indexed window: it hashes to hash and ends at byte end
// of key, whose first eight bytes are head. end == 0 marks an empty slot
// (a window ends at gramLen-1 or later).
//
// Why the head: the text meets a window of a key far more often than the
// key (a site repeats its phrases), and each such meeting would otherwise
// read the key, somewhere in megabytes of keys; the text before the
// window is at hand.
type longSlot struct {
	hash uint64
	head uint64
	key  int32
	end  int32
}

// pending is a long key whose window was seen but whose last byte is not
// written yet.
type pending struct {
	end int   // stream position of the key's last byte
	key int32 // the key
}

// windowHash2 hashes 2*gramLen bytes from the hashes of their halves: the
// scan has the second half's already, from the short window.
func windowHash2(first, second uint64) uint64 {
	h := first*0xff51afd7ed558ccd + second
	return h ^ h>>29
}

// windowHash hashes the gramLen bytes of w.
func windowHash(w []byte) uint64 {
	_ = w[gramLen-1]
	h := binary.LittleEndian.Uint64(w)*0x9e3779b97f4a7c15 ^
		binary.LittleEndian.Uint64(w[8:])*0xc2b2ae3d27d4eb4f ^
		binary.LittleEndian.Uint64(w[16:])*0x165667b19e3779f9 ^
		binary.LittleEndian.Uint64(w[24:])*0xd6e8feb86659fd93
	return h ^ h>>32
}

// buildLongKeys indexes the long keys among keys (by key index).
//
// Each key is found through the stride windows from the offset whose
// windows the fewest windows of all the long keys share. Windows common
// among the needles are common in the site's text too (the same phrases,
// the same endings), and each time such a window comes by, its keys are
// compared.
func buildLongKeys(keys [][]byte, isLong func([]byte) bool) longKeys {
	lk := longKeys{bytes: make([][]byte, len(keys))}
	n := 0
	var bySize [windowSizes]int
	for i, k := range keys {
		if isLong(k) {
			lk.bytes[i] = k
			n++
			bySize[windowSize(k)]++
		}
	}
	if n == 0 {
		return lk
	}
	// 16 bits a window, four set by each: a checked position hits a
	// filter by chance about once in 400, and the filter of 40,000 pages'
	// sentences fits in a core's cache. (Two bits in 32 a window hit about
	// as often from a filter twice the size; each hit is a look-up in a
	// table of megabytes.)
	for size, keys := range bySize {
		if keys > 0 {
			lk.filters[size] = make([]uint64, max(8, keys*stride*16/64))
		}
	}

	// How many windows of all long keys hash to each bucket (of a table
	// small enough for the cache: an estimate is enough).
	const countBits = 16
	counts := make([]uint16, 1<<countBits)
	count := func(h uint64) int { return int(counts[h>>(64-countBits)]) }
	var hashes []uint64
	for _, k := range lk.bytes {
		hashes = keyWindows(k, hashes[:0])
		for _, h := range hashes {
			if b := &counts[h>>(64-countBits)]; *b < ^uint16(0) {
				*b++
			}
		}
	}
	// At least half the slots empty. Windows that hash alike are found
	// along the probe sequence in the order they were put, by key index,
	// so that keys are confirmed in the same order every time.
	lk.slots = make([]longSlot, 2<<bits.Len(uint(n*stride)))
	mask := len(lk.slots) - 1
	for i, k := range lk.bytes {
		if k == nil {
			continue
		}
		hashes = keyWindows(k, hashes[:0])
		filter := lk.filters[windowSize(k)]
		size := (windowSize(k) + 1) * gramLen
		// The stride consecutive windows with the smallest sum of counts;
		// ties go to the later ones, after which fewer of the key's bytes
		// are still to come.
		sum := 0
		for _, h := range hashes[:stride] {
			sum += count(h)
		}
		best, bestSum := 0, sum
		for at := 1; at+stride <= len(hashes); at++ {
			sum += count(hashes[at+stride-1]) - count(hashes[at-1])
			if sum <= bestSum {
				best, bestSum = at, sum
			}
		}
		for at := best; at < best+stride; at++ {
			h := hashes[at]
			filter[filterWord(h, len(filter))] |= filterBits(h)
			s := int(h) & mask
			for lk.slots[s].end != 0 {
				s = (s + 1) & mask
			}
			lk.slots[s] = longSlot{hash: h, head: binary.LittleEndian.Uint64(k), key: int32(i), end: int32(at + size - 1)}
		}
	}
	return lk
}

// keyWindows appends the hashes of key's windows (of its windowSize), by
// where they start, to hashes.
func keyWindows(key []byte, hashes []uint64) []uint64 {
	if key == nil {
		return hashes
	}
	at := len(hashes)
	for i := 0; i+gramLen <= len(key); i++ {
		hashes = append(hashes, windowHash(key[i:]))
	}
	if windowSize(key) == 0 {
		return hashes
	}
	// Each long window's hash from its halves', in place.
	short := hashes[at:]
	for i := 0; i+gramLen < len(short); i++ {
		short[i] = windowHash2(short[i], short[i+gramLen])
	}
	return hashes[:len(hashes)-gramLen]
}

// filterWord is the word of a filter of n words that a window hashing to
// h sets bits in: from the high bits, which filterBits leaves.
func filterWord(h uint64, n int) uint64 {
	return (h >> 32) * uint64(n) >> 32
}

// filterBits are the four bits of its word that a window hashing to h
// sets.
func filterBits(h uint64) uint64 {
	return 1<<(h&63) | 1<<(h>>6&63) | 1<<(h>>12&63) | 1<<(h>>18&63)
}

// scanLong checks the new bytes of the window, buf[st.m:st.w], for long
// keys: those that end in the window are reported now, the others when
// their last byte is written.
func (st *stream) scanLong() {
	lk := &st.sc.long
	if len(lk.slots) == 0 {
		return
	}
	if len(st.pending) > 0 {
		st.confirmPending()
	}
	// The windows that end at stream positions ≡ stride-1 (mod stride), in
	// [m, w), after the first gramLen bytes. (Any one remainder would do,
	// but the same for the whole text.)
	q := st.m + stride - 1 - (st.pos0+st.m)%stride
	for q < gramLen-1 {
		q += stride
	}
	f1, f2 := lk.filters[0], lk.filters[1]
	buf := st.buf[:st.w]
	for ; q < len(buf); q += stride {
		h := windowHash(buf[q+1-gramLen:])
		if len(f1) > 0 {
			if m := filterBits(h); f1[filterWord(h, len(f1))]&m == m {
				st.windowHit(q, h)
			}
		}
		// Every checked position from gramLen-1 on is checked, in order,
		// whatever the slides and skips, so the short window gramLen bytes
		// back (the long window's first half) was hashed and kept in the
		// slot this one takes over. (Unsigned: a remainder by a power of
		// two is then a mask.)
		slot := &st.recent[uint(st.pos0+q)/stride%uint(len(st.recent))]
		if len(f2) > 0 && q+1 >= 2*gramLen {
			h2 := windowHash2(*slot, h)
			if m := filterBits(h2); f2[filterWord(h2, len(f2))]&m == m {
				st.windowHit(q, h2)
			}
		}
		*slot = h
	}
}

// windowHit checks the keys whose window hashes to h, the window ending at
// window index q.
func (st *stream) windowHit(q int, h uint64) {
	lk := &st.sc.long
	mask := len(lk.slots) - 1
	for k := int(h) & mask; lk.slots[k].end != 0; k = (k + 1) & mask {
		s := &lk.slots[k]
		start := q - int(s.end)
		if s.hash != h || start < 0 {
			continue // another window, or the key would start before the text
		}
		// The window's end is written, so its key's first eight bytes are.
		if binary.LittleEndian.Uint64(st.buf[start:]) != s.head {
			continue
		}
		end := start + len(lk.bytes[s.key]) - 1
		if end >= st.w {
			st.pending = append(st.pending, pending{end: st.pos0 + end, key: s.key})
			continue
		}
		st.confirm(start, end, s.key)
	}
}

// confirmPending checks the pending keys whose last byte is now written.
func (st *stream) confirmPending() {
	lk := &st.sc.long
	keep := st.pending[:0]
	for _, pd := range st.pending {
		end := pd.end - st.pos0
		if end >= st.w {
			keep = append(keep, pd)
			continue
		}
		st.confirm(end-len(lk.bytes[pd.key])+1, end, pd.key)
	}
	st.pending = keep
}

// confirm reports the long key if the window holds it at [start, end].
func (st *stream) confirm(start, end int, key int32) {
	if !bytes.Equal(st.buf[start:end+1], st.sc.long.bytes[key]) {
		return
	}
	st.reports++
	st.candidate(end, key)
}

// keyBytes reports which bytes occur in some key.
func keyBytes(keys [][]byte) (used [256]bool) {
	for _, k := range keys {
		for _, c := range k {
			used[c] = true
		}
	}
	return used
}

// shortKeys returns keys with the long ones replaced by nil (keeping
// every key's index).
func shortKeys(keys [][]byte, isLong func([]byte) bool) [][]byte {
	short := make([][]byte, len(keys))
	for i, k := range keys {
		if !isLong(k) {
			short[i] = k
		}
	}
	return short
}
