package search

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
)

// Builder is an index kept up to date document by document: it holds each
// document's terms, and the index as last written, so that changing one
// page of a site costs splitting that page and patching the index, not
// splitting every page (the preview server). Its Bytes are what Build gives
// for the documents it holds, in its order:
//
//   - SetAll replaces the documents with the given ones, in their order;
//   - Set adds a document at the end, or replaces the document of the same
//     URL where it stands;
//   - Remove takes a document out; those after it move up one place.
//
// A document given again with the same URL, Title and Text is not split
// again, so SetAll with every page of a site after an edit splits the pages
// that changed only. Bytes patches the index it wrote last when documents
// changed in place or were added at the end (Set, or SetAll with the same
// URLs in the same order, perhaps more after them); after a Remove, or
// SetAll that drops or reorders documents, it writes the index whole.
//
// A Builder keeps the Title and Text strings it is given (to tell what
// changed). It is not safe for concurrent use; Builders of different
// languages can be used at the same time.
type Builder struct {
	docs  []*entry
	byURL map[string]*entry
	gen   uint32 // SetAll's generation, to find the documents it dropped

	// Every term met, by id. A term no document holds any more keeps its
	// id until renumber.
	terms []string
	info  []termInfo
	live  int // terms some document holds
	// order holds the ids of terms[:len(order)] in key order. renumber
	// makes ids follow key order, so that writing reads the terms in the
	// order they lie in memory; sorted is how many ids it gave.
	order  []int32
	sorted int

	// Look-up of a term's id: CJK terms by cjkKey, words of up to eight
	// bytes by those bytes, longer words by their hash. stale after
	// renumber, until the next document is split.
	pairs, short, words idTable
	stale               bool

	z      tokenizer
	toks   []token
	local  keySet  // the CJK terms of the document being split
	localW keySet  // and its words of up to eight bytes
	epoch  uint32  // the document being split: info[t].mark == epoch once it has the long word t
	ids    []int32 // the terms of the document being split

	arena strings.Builder // term keys are cut from it
	ints  []int32         // a slab the documents' term lists are cut from
	seen  map[string]int

	// The index as last written: laid reports whether title and body hold
	// the documents as they were then, but for those in dirty.
	laid        bool
	written     bool // the documents are as when the index was last written
	dirty       []*entry
	title, body section
	docsJSON    []byte
	num         []uint64 // "123," of each document position, little-endian
	numLen      []uint8
	width       int // bytes of the widest number and its comma
}

// termInfo is what the Builder knows of a term besides its key.
type termInfo struct {
	mark          uint32
	nTitle, nBody int32 // documents whose title holds the term; whose text and not title
}

// entry is one document with its terms.
type entry struct {
	url, title, text string
	json             []byte  // ["URL","Title"] as written in docs
	terms            []int32 // of the title, then of the text but not the title
	nTitle           int
	gen              uint32

	// A document changed since the index was last written: its position
	// and its terms as written then (none for a document added since).
	dirty bool
	pos   int32
	prev  []int32
	prevN int
}

// part returns the terms of e in the title or body section.
func (e *entry) part(title bool) []int32 {
	if title {
		return e.terms[:e.nTitle]
	}
	return e.terms[e.nTitle:]
}

// prevPart returns part as last written.
func (e *entry) prevPart(title bool) []int32 {
	if title {
		return e.prev[:e.prevN]
	}
	return e.prev[e.prevN:]
}

// Sizes of the slabs term keys and term lists are cut from.
const (
	arenaChunk = 64 << 10
	intsChunk  = 16 << 10
)

// compactMin is how many terms no document holds any more there must be
// (and more than there are terms in use) for Bytes to drop them. A
// variable for tests.
var compactMin = 1 << 14

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{byURL: map[string]*entry{}}
}

// Len returns the number of documents.
func (b *Builder) Len() int { return len(b.docs) }

// Set adds d at the end, or replaces the document with d's URL in its place.
func (b *Builder) Set(d Doc) error {
	if d.URL == "" {
		return fmt.Errorf("search: document %q has no URL", d.Title)
	}
	if e := b.byURL[d.URL]; e != nil {
		b.update(e, d, -1)
		return nil
	}
	e := &entry{}
	b.update(e, d, len(b.docs))
	b.docs = append(b.docs, e)
	b.byURL[d.URL] = e
	return nil
}

// Add adds d at the end, for an index built once: d's URL must be new, and
// d's text is not kept (Set and SetAll keep each text, to see next time
// whether it changed; a later Set of d's URL splits it again). A site's
// texts can so be let go one by one as the index grows.
func (b *Builder) Add(d Doc) error {
	if d.URL == "" {
		return fmt.Errorf("search: document %d (%q) has no URL", len(b.docs), d.Title)
	}
	if b.byURL[d.URL] != nil {
		return fmt.Errorf("search: %s is given twice (documents %d and %d)", d.URL, slices.IndexFunc(b.docs, func(e *entry) bool { return e.url == d.URL }), len(b.docs))
	}
	if err := b.Set(d); err != nil {
		return err
	}
	b.byURL[d.URL].text = ""
	return nil
}

// Remove takes out the document with the URL, and reports whether there was one.
func (b *Builder) Remove(url string) bool {
	e := b.byURL[url]
	if e == nil {
		return false
	}
	b.unlay()
	b.written = false
	b.release(e)
	delete(b.byURL, url)
	i := slices.Index(b.docs, e)
	b.docs = slices.Delete(b.docs, i, i+1)
	return true
}

// SetAll makes docs the documents, in their order, with the rules of Build:
// each must have a URL, and a different one. On error the Builder is
// unchanged.
func (b *Builder) SetAll(docs []Doc) error {
	if b.samePlaces(docs) {
		// The documents of last time at their places, checked then: only
		// their texts may have changed. The common case in a preview,
		// where looking thousands of them up would cost more than the edit.
		b.gen++
		for i, d := range docs {
			e := b.docs[i]
			b.update(e, d, i)
			e.gen = b.gen
		}
		return nil
	}
	b.written = false
	if b.seen == nil {
		b.seen = make(map[string]int, len(docs))
	}
	defer clear(b.seen)
	for i, d := range docs {
		if d.URL == "" {
			return fmt.Errorf("search: document %d (%q) has no URL", i, d.Title)
		}
		if j, dup := b.seen[d.URL]; dup {
			return fmt.Errorf("search: %s is given twice (documents %d and %d)", d.URL, j, i)
		}
		b.seen[d.URL] = i
	}
	// The index written last can be patched if the documents keep their places.
	if len(docs) < len(b.docs) {
		b.unlay()
	} else {
		for i, e := range b.docs {
			if docs[i].URL != e.url {
				b.unlay()
				break
			}
		}
	}
	b.gen++
	var fresh []entry // allocated together
	list := make([]*entry, len(docs))
	for i, d := range docs {
		e := b.byURL[d.URL]
		if e == nil {
			if len(fresh) == 0 {
				fresh = make([]entry, len(docs)-i)
			}
			e, fresh = &fresh[0], fresh[1:]
			b.byURL[d.URL] = e
		}
		b.update(e, d, i)
		e.gen = b.gen
		list[i] = e
	}
	for _, e := range b.docs {
		if e.gen != b.gen {
			b.release(e)
			delete(b.byURL, e.url)
		}
	}
	b.docs = list
	return nil
}

// Modified reports whether the documents changed since the index was last
// written (by Bytes or AppendBytes): a caller that kept those bytes need
// not write them again.
func (b *Builder) Modified() bool { return !b.written }

// samePlaces reports whether docs have the URLs of b's documents, in the
// same order.
func (b *Builder) samePlaces(docs []Doc) bool {
	if len(docs) != len(b.docs) || len(docs) == 0 {
		return false
	}
	for i, e := range b.docs {
		if docs[i].URL != e.url {
			return false
		}
	}
	return true
}

// update makes e the entry of d, at position pos (-1: where it is), and
// splits d unless e already holds it.
func (b *Builder) update(e *entry, d Doc, pos int) {
	if e.json != nil && e.url == d.URL && e.title == d.Title && e.text == d.Text {
		return
	}
	b.written = false
	if e.json != nil {
		b.release(e)
	}
	if b.laid && !e.dirty {
		if pos < 0 {
			pos = slices.Index(b.docs, e)
		}
		e.dirty, e.pos = true, int32(pos)
		e.prev, e.prevN, e.terms = e.terms, e.nTitle, nil
		b.dirty = append(b.dirty, e)
	}
	e.url, e.title, e.text = d.URL, d.Title, d.Text
	title := strings.Join(strings.Fields(d.Title), " ")
	j := make([]byte, 0, len(d.URL)+len(title)+8)
	j = append(j, '[')
	j = appendString(j, d.URL)
	j = append(j, ',')
	j = appendString(j, title)
	e.json = append(j, ']')

	if b.stale {
		b.index()
	}
	b.epoch++
	if b.epoch == 0 {
		for i := range b.info {
			b.info[i].mark = 0
		}
		b.epoch = 1
	}
	b.z.reset()
	toks := b.z.split(d.Title, b.toks[:0])
	nTitle := len(toks)
	toks = b.z.split(d.Text, toks)
	b.toks = toks
	b.ids = b.ids[:0]
	b.local.reset(len(toks))
	b.localW.reset(len(toks))
	for i, tk := range toks {
		if i == nTitle {
			e.nTitle = len(b.ids)
		}
		b.add(tk)
	}
	if nTitle == len(toks) {
		e.nTitle = len(b.ids)
	}
	if n := len(b.ids); cap(e.terms) < n || cap(e.terms) > 2*n {
		if len(b.ints) < n {
			b.ints = make([]int32, max(intsChunk, n))
		}
		e.terms, b.ints = b.ints[:n:n], b.ints[n:]
	}
	e.terms = append(e.terms[:0], b.ids...)
	for i, t := range e.terms {
		in := &b.info[t]
		if in.nTitle == 0 && in.nBody == 0 {
			b.live++
		}
		if i < e.nTitle {
			in.nTitle++
		} else {
			in.nBody++
		}
	}
}

// unlay forgets that the index written last can be patched.
func (b *Builder) unlay() {
	for _, e := range b.dirty {
		e.dirty, e.prev = false, nil
	}
	b.dirty = b.dirty[:0]
	b.laid = false
}

// release drops e's terms from the counts.
func (b *Builder) release(e *entry) {
	for i, t := range e.terms {
		in := &b.info[t]
		if i < e.nTitle {
			in.nTitle--
		} else {
			in.nBody--
		}
		if in.nTitle == 0 && in.nBody == 0 {
			b.live--
		}
	}
}

// add notes a term of the document being split.
func (b *Builder) add(tk token) {
	var id int32
	var ok bool
	if tk.key != 0 {
		// CJK terms are many and repeat: find them in the document's
		// own set before the index's.
		if !b.local.add(tk.key) {
			return
		}
		if id, ok = b.pairs.get(tk.key); !ok {
			var buf [2 * utf8.UTFMax]byte
			id = b.key(appendCJK(buf[:0], tk.key))
			b.pairs.put(tk.key, id)
		}
		b.ids = append(b.ids, id)
		return
	}
	w := b.z.words[tk.off : tk.off+tk.n]
	if len(w) <= 8 {
		// Most words: their bytes are their key, and they repeat too.
		k := short(w)
		if !b.localW.add(k) {
			return
		}
		if id, ok = b.short.get(k); !ok {
			id = b.key(w)
			b.short.put(k, id)
		}
	} else {
		h := hash(w)
		if id, ok = b.word(w, h); !ok {
			id = b.key(w)
			b.words.put(h, id)
		}
	}
	if in := &b.info[id]; in.mark != b.epoch {
		in.mark = b.epoch
		b.ids = append(b.ids, id)
	}
}

// key gives an id to a new term.
func (b *Builder) key(term []byte) int32 {
	if b.arena.Cap()-b.arena.Len() < len(term) {
		// Strings cut from the old chunk stay valid.
		b.arena = strings.Builder{}
		b.arena.Grow(max(arenaChunk, len(term)))
	}
	n := b.arena.Len()
	b.arena.Write(term)
	id := int32(len(b.terms))
	b.terms = append(b.terms, b.arena.String()[n:])
	b.info = append(b.info, termInfo{})
	return id
}

// word returns the id of the word w whose hash is h.
func (b *Builder) word(w []byte, h uint64) (int32, bool) {
	t := &b.words
	if t.n == 0 {
		return 0, false
	}
	mask := len(t.slots) - 1
	for i := int(h * 0x9E3779B97F4A7C15 >> t.shift); ; i = (i + 1) & mask {
		switch s := &t.slots[i]; s.key {
		case h:
			if b.terms[s.id] == string(w) {
				return s.id, true
			}
		case 0:
			return 0, false
		}
	}
}

// short returns the bytes of a word of up to eight bytes as a number, never
// 0 (words are two bytes or more, none of them 0).
func short[T string | []byte](w T) uint64 {
	var k uint64
	for i := 0; i < len(w); i++ {
		k |= uint64(w[i]) << (8 * i)
	}
	return k
}

// hash returns a hash of a word, never 0.
func hash[T string | []byte](w T) uint64 {
	h := uint64(len(w)) * 0x9E3779B97F4A7C15
	for len(w) >= 8 {
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		h = (h ^ x) * 0xff51afd7ed558ccd
		h ^= h >> 32
		w = w[8:]
	}
	var x uint64
	for i := 0; i < len(w); i++ {
		x |= uint64(w[i]) << (8 * i)
	}
	h = (h ^ x) * 0xc4ceb9fe1a85ec53
	h ^= h >> 29
	return h | 1
}

// index fills the look-ups again after renumber.
func (b *Builder) index() {
	b.pairs, b.short, b.words = idTable{}, idTable{}, idTable{}
	for id, t := range b.terms {
		r1, n := utf8.DecodeRuneInString(t)
		if flagsOf(bmpFlags(), r1, n)&classMask != classCJK {
			if len(t) <= 8 {
				b.short.put(short(t), int32(id))
			} else {
				b.words.put(hash(t), int32(id))
			}
			continue
		}
		r2 := rune(-1)
		if n < len(t) {
			r2, _ = utf8.DecodeRuneInString(t[n:])
		}
		b.pairs.put(cjkKey(r1, r2), int32(id))
	}
	b.stale = false
}

// sortTerms puts the terms met since the last call in key order: the
// order of encoding/json, which sorts map keys as Go strings.
func (b *Builder) sortTerms() {
	k := len(b.order)
	if k == len(b.terms) {
		return
	}
	// Sort the new terms, by their first eight bytes first.
	type key struct {
		prefix uint64
		id     int32
	}
	keys := make([]key, 0, len(b.terms)-k)
	for id := k; id < len(b.terms); id++ {
		keys = append(keys, key{prefix8(b.terms[id]), int32(id)})
	}
	slices.SortFunc(keys, func(x, y key) int {
		if c := cmp.Compare(x.prefix, y.prefix); c != 0 {
			return c
		}
		return strings.Compare(b.terms[x.id], b.terms[y.id])
	})
	if k == 0 {
		b.order = slices.Grow(b.order, len(keys))
		for _, x := range keys {
			b.order = append(b.order, x.id)
		}
		return
	}
	// Merge, finding the place of each new term in the old order.
	merged := make([]int32, 0, len(b.terms))
	i := 0
	for _, x := range keys {
		t := b.terms[x.id]
		j, _ := slices.BinarySearchFunc(b.order[i:], t, func(id int32, t string) int {
			return strings.Compare(b.terms[id], t)
		})
		merged = append(merged, b.order[i:i+j]...)
		merged = append(merged, x.id)
		i += j
	}
	b.order = append(merged, b.order[i:]...)
}

// prefix8 returns the first eight bytes of s as a big-endian number, zeros
// after the end: x < y if prefix8(x) < prefix8(y), for keys (which hold no
// NUL).
func prefix8(s string) uint64 {
	var p [8]byte
	copy(p[:], s)
	return binary.BigEndian.Uint64(p[:])
}

// renumber drops the terms no document holds, and numbers the others in
// key order, their keys side by side in that order. The look-ups are filled
// again when the next document is split.
func (b *Builder) renumber() {
	remap := make([]int32, len(b.terms))
	terms := make([]string, 0, b.live)
	info := make([]termInfo, 0, b.live)
	size := 0
	for _, id := range b.order {
		if in := b.info[id]; in.nTitle > 0 || in.nBody > 0 {
			size += len(b.terms[id])
		}
	}
	var arena strings.Builder
	arena.Grow(size)
	for _, id := range b.order {
		in := b.info[id]
		if in.nTitle == 0 && in.nBody == 0 {
			remap[id] = -1
			continue
		}
		remap[id] = int32(len(terms))
		arena.WriteString(b.terms[id])
		terms = append(terms, "")
		info = append(info, termInfo{nTitle: in.nTitle, nBody: in.nBody})
	}
	all, at := arena.String(), 0
	for _, id := range b.order {
		if r := remap[id]; r >= 0 {
			n := len(b.terms[id])
			terms[r] = all[at : at+n]
			at += n
		}
	}
	b.terms, b.info, b.epoch = terms, info, 0
	b.arena = strings.Builder{}
	b.order = b.order[:0]
	for id := range terms {
		b.order = append(b.order, int32(id))
	}
	b.sorted = len(terms)
	for _, e := range b.docs {
		for i, t := range e.terms {
			e.terms[i] = remap[t]
		}
	}
	b.pairs, b.short, b.words, b.stale = idTable{}, idTable{}, idTable{}, true
	b.unlay()
}

// idTable maps keys to term ids: open addressing, linear probing, at most
// half full. One probe of sixteen bytes finds most keys, where a map of
// strings reads a control word, a slot and the key's bytes. A key is a CJK
// term's cjkKey, or the hash of a word (which may be another word's too).
type idTable struct {
	slots []idSlot
	shift uint // 64 - log2(len(slots))
	n     int
}

type idSlot struct {
	key uint64 // 0: empty
	id  int32
}

func (t *idTable) get(key uint64) (int32, bool) {
	if t.n == 0 {
		return 0, false
	}
	mask := len(t.slots) - 1
	for i := int(key * 0x9E3779B97F4A7C15 >> t.shift); ; i = (i + 1) & mask {
		switch s := &t.slots[i]; s.key {
		case key:
			return s.id, true
		case 0:
			return 0, false
		}
	}
}

// put adds a key (that is not in the table, for a CJK key).
func (t *idTable) put(key uint64, id int32) {
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		size := max(1024, 2*len(old))
		t.slots = make([]idSlot, size)
		t.shift = uint(64 - bits.TrailingZeros(uint(size)))
		for _, s := range old {
			if s.key != 0 {
				t.insert(s.key, s.id)
			}
		}
	}
	t.insert(key, id)
	t.n++
}

func (t *idTable) insert(key uint64, id int32) {
	mask := len(t.slots) - 1
	i := int(key * 0x9E3779B97F4A7C15 >> t.shift)
	for t.slots[i].key != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = idSlot{key, id}
}

// keySet is a set of keys (not 0), for one document: open addressing, at
// most half full, emptied by reset.
type keySet struct {
	slots []uint64
	used  []int32 // the slots to empty
	shift uint
}

// reset empties the set, for up to n keys.
func (s *keySet) reset(n int) {
	if 2*n > len(s.slots) {
		size := 64
		for size < 2*n {
			size *= 2
		}
		s.slots = make([]uint64, size)
		s.shift = uint(64 - bits.TrailingZeros(uint(size)))
	} else {
		for _, i := range s.used {
			s.slots[i] = 0
		}
	}
	s.used = s.used[:0]
}

// add adds key and reports whether it is new.
func (s *keySet) add(key uint64) bool {
	mask := len(s.slots) - 1
	for i := int(key * 0x9E3779B97F4A7C15 >> s.shift); ; i = (i + 1) & mask {
		switch s.slots[i] {
		case key:
			return false
		case 0:
			s.slots[i] = key
			s.used = append(s.used, int32(i))
			return true
		}
	}
}
