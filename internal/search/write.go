package search

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strconv"
)

// Writing the index. The "docs" array is cheap: each document's JSON is
// kept. The "title" and "body" objects are kept as last written, one entry
// `"key":[1,5],` per term in key order, and are either written whole (after
// Build, Remove or a new order: the postings are laid out by a pass over
// every document's terms) or patched: the entries of the terms that no
// document that changed holds, or held, are copied as they are; the others
// get the changed documents' positions taken out and put in.

// section is the "title" or "body" object as last written.
type section struct {
	title bool
	data  []byte  // its entries, each with a trailing comma
	size  []int32 // by term id: the bytes of its entry in data; 0 for none
	spare []byte  // data before the last patch, for the next one

	// Scratch of write.
	end, post []int32
	// Scratch of patch: the terms it rewrites, the positions of the
	// documents that changed, and by term the positions to put in, as
	// lists linked through addPos and addNext from head (1-based).
	aff             []uint32
	stamp           uint32
	removed         []int32
	head            []int32
	addPos, addNext []int32
}

var (
	openDocs  = []byte(`{"v":` + strconv.Itoa(Version) + `,"docs":[`)
	openTitle = []byte(`],"title":{`)
	openBody  = []byte(`},"body":{`)
	closeAll  = []byte(`}}`)
)

// Bytes returns the index of the documents, exactly as Build would.
func (b *Builder) Bytes() []byte { return b.AppendBytes(nil) }

// AppendBytes appends the index of the documents to dst: a caller that
// writes the index after each update can reuse one buffer for it.
func (b *Builder) AppendBytes(dst []byte) []byte {
	b.sortTerms()
	if dead, fresh := len(b.terms)-b.live, len(b.terms)-b.sorted; dead >= compactMin && dead > b.live || fresh > len(b.terms)/8 {
		b.renumber()
	}
	if len(b.dirty)*8 > len(b.docs) {
		b.unlay() // writing it whole is cheaper
	}
	b.numbers(len(b.docs))
	b.title.title = true
	switch {
	case !b.laid:
		b.title.write(b)
		b.body.write(b)
	case len(b.dirty) > 0:
		slices.SortFunc(b.dirty, func(x, y *entry) int { return int(x.pos - y.pos) })
		b.title.patch(b)
		b.body.patch(b)
	}
	b.unlay()
	b.laid = true

	docs := b.docsJSON[:0]
	for i, e := range b.docs {
		if i > 0 {
			docs = append(docs, ',')
		}
		docs = append(docs, e.json...)
	}
	b.docsJSON = docs
	trim := func(data []byte) []byte { return data[:max(len(data)-1, 0)] } // the last comma
	pieces := [...][]byte{openDocs, docs, openTitle, trim(b.title.data), openBody, trim(b.body.data), closeAll}
	n := 0
	for _, piece := range pieces {
		n += len(piece)
	}
	dst = slices.Grow(dst, n)
	for _, piece := range pieces {
		dst = append(dst, piece...)
	}
	b.written = true
	return dst
}

// maxPacked is the first document position whose number and comma take more
// than the eight bytes of a packed number (a variable for tests).
var maxPacked int32 = 10_000_000

// numbers makes num and numLen cover the positions of n documents.
func (b *Builder) numbers(n int) {
	var d [24]byte
	b.width = len(strconv.AppendInt(d[:0], int64(max(n-1, 0)), 10)) + 1
	for p := len(b.num); p < min(n, int(maxPacked)); p++ {
		s := append(strconv.AppendInt(d[:0], int64(p), 10), ',')
		var w [8]byte
		copy(w[:], s)
		b.num = append(b.num, binary.LittleEndian.Uint64(w[:]))
		b.numLen = append(b.numLen, uint8(len(s)))
	}
}

// count returns the documents that hold the term in the section.
func (in *termInfo) count(title bool) int32 {
	if title {
		return in.nTitle
	}
	return in.nBody
}

// resize returns s with length n, its first elements kept and the others 0.
func resize[E any](s []E, n int) []E {
	if n <= len(s) {
		return s[:n]
	}
	return append(s, make([]E, n-len(s))...)
}

// write writes the section whole.
func (s *section) write(b *Builder) {
	n := len(b.terms)
	s.end = resize(s.end[:0], n)
	s.size = resize(s.size[:0], n)
	clear(s.size)
	total, size := 0, 8
	for _, id := range b.order {
		if c := b.info[id].count(s.title); c > 0 {
			s.end[id] = int32(total)
			total += int(c)
			size += keyLen(b.terms[id])
		}
	}
	size += total * b.width
	// Lay the postings out term after term, in key order.
	s.post = resize(s.post[:0], total)
	for pos, e := range b.docs {
		for _, t := range e.part(s.title) {
			s.post[s.end[t]] = int32(pos)
			s.end[t]++
		}
	}
	data := slices.Grow(s.data[:0], size)
	start := 0
	for _, id := range b.order {
		c := int(b.info[id].count(s.title))
		if c == 0 {
			continue
		}
		at := len(data)
		data = appendKey(data, b.terms[id])
		data = b.appendPosting(data, s.post[start:start+c])
		data = append(data, ',')
		s.size[id] = int32(len(data) - at)
		start += c
	}
	s.data = data
}

// patch rewrites the entries of the terms the dirty documents hold or held.
func (s *section) patch(b *Builder) {
	n := len(b.terms)
	s.size = resize(s.size, n)
	s.aff = resize(s.aff, n)
	s.head = resize(s.head, n)
	s.stamp++
	if s.stamp == 0 {
		clear(s.aff)
		s.stamp = 1
	}
	extra := 0
	s.removed = s.removed[:0]
	for _, e := range b.dirty {
		s.removed = append(s.removed, e.pos)
		for _, t := range e.prevPart(s.title) {
			s.aff[t] = s.stamp
		}
		for _, t := range e.part(s.title) {
			s.aff[t] = s.stamp
			extra += keyLen(b.terms[t]) + b.width
		}
	}
	// Link the positions to put in, each term's in ascending order.
	for i := len(b.dirty) - 1; i >= 0; i-- {
		e := b.dirty[i]
		for _, t := range e.part(s.title) {
			s.addPos = append(s.addPos, e.pos)
			s.addNext = append(s.addNext, s.head[t])
			s.head[t] = int32(len(s.addPos))
		}
	}
	old := s.data
	out := slices.Grow(s.spare[:0], len(old)+extra)
	cur, run := 0, 0 // old[run:cur] are entries to copy as they are
	for _, id := range b.order {
		size := int(s.size[id])
		if s.aff[id] != s.stamp {
			cur += size
			continue
		}
		out = append(out, old[run:cur]...)
		entry := old[cur : cur+size]
		cur += size
		run = cur
		at := len(out)
		out = s.rewrite(b, out, id, entry)
		s.size[id] = int32(len(out) - at)
	}
	out = append(out, old[run:cur]...)
	s.data, s.spare = out, old
	for _, e := range b.dirty {
		for _, t := range e.part(s.title) {
			s.head[t] = 0
		}
	}
	s.addPos, s.addNext = s.addPos[:0], s.addNext[:0]
}

// rewrite appends the entry of term id, its old entry patched (none if the
// term has no document any more). A position taken out or put in changes
// the gap after it and no other: the numbers between are copied as they
// are.
func (s *section) rewrite(b *Builder, out []byte, id int32, entry []byte) []byte {
	at := len(out)
	var list []byte // the old gaps: "1,4,4"
	if len(entry) > 0 {
		k := bytes.Index(entry, []byte(`":[`)) + 3
		out = append(out, entry[:k]...)
		list = entry[k : len(entry)-2]
	} else {
		out = appendKey(out, b.terms[id])
	}
	start := len(out)
	// list[c:] starts with the number after position old; list[run:c] is
	// still to be copied; prev is the position written last (or to be, by
	// the copy). Numbers are copied as they are while old == prev.
	c, run := 0, 0
	var old, prev int32
	flush := func() {
		out = append(out, list[run:c]...)
		if c == len(list) && c > run {
			out = append(out, ',') // the last number has none
		}
		run = c
	}
	next := s.head[id]
	for _, p := range s.removed {
		for c < len(list) {
			v, e := parseNum(list, c)
			pos, end := old+v, min(e+1, len(list))
			if pos > p {
				break
			}
			if pos == p { // taken out
				flush()
				old, c, run = pos, end, end
				break
			}
			if old != prev { // the gap before it changed
				flush()
				out = b.appendNum(out, pos-prev)
				run = end
			}
			old, prev, c = pos, pos, end
		}
		if next > 0 && s.addPos[next-1] == p {
			flush()
			out = b.appendNum(out, p-prev)
			prev = p
			next = s.addNext[next-1]
		}
	}
	if c < len(list) && old != prev {
		flush()
		v, e := parseNum(list, c)
		out = b.appendNum(out, old+v-prev)
		c = min(e+1, len(list))
		run = c
	}
	c = len(list)
	flush()
	if len(out) == start {
		return out[:at]
	}
	out[len(out)-1] = ']'
	return append(out, ',')
}

// parseNum returns the number that starts list[s:] and where it ends.
func parseNum(list []byte, s int) (int32, int) {
	var v int32
	for ; s < len(list) && list[s] != ','; s++ {
		v = v*10 + int32(list[s]-'0')
	}
	return v, s
}

// appendNum appends position p and a comma.
func (b *Builder) appendNum(out []byte, p int32) []byte {
	if p >= maxPacked {
		return append(strconv.AppendInt(out, int64(p), 10), ',')
	}
	k := len(out)
	out = slices.Grow(out, 8)[:k+8]
	binary.LittleEndian.PutUint64(out[k:], b.num[p])
	return out[:k+int(b.numLen[p])]
}

// appendPosting appends the gaps between the positions ps (the first from
// 0), comma-separated, and a closing bracket. ps is ascending, not empty.
func (b *Builder) appendPosting(out []byte, ps []int32) []byte {
	k := len(out)
	// Each number is written as eight bytes, of which the next overwrites
	// what is not its own.
	buf := slices.Grow(out, len(ps)*b.width+8)
	buf = buf[:cap(buf)]
	var prev int32
	for _, p := range ps {
		d := p - prev
		prev = p
		if d >= maxPacked {
			buf = append(strconv.AppendInt(buf[:k], int64(d), 10), ',')
			k = len(buf)
			buf = slices.Grow(buf, 8*len(ps))
			buf = buf[:cap(buf)]
			continue
		}
		binary.LittleEndian.PutUint64(buf[k:], b.num[d])
		k += int(b.numLen[d])
	}
	buf[k-1] = ']'
	return buf[:k]
}

// appendKey appends `"key":[`.
func appendKey(out []byte, key string) []byte {
	if plain(key) {
		out = append(out, '"')
		out = append(out, key...)
		return append(out, '"', ':', '[')
	}
	out = appendString(out, key)
	return append(out, ':', '[')
}

// keyLen returns the bytes appendKey appends, and a comma.
func keyLen(key string) int {
	if plain(key) {
		return len(key) + 5
	}
	return len(appendString(nil, key)) + 3
}

// plain reports whether the key is written as it is between quotes. Terms
// are letters, digits, marks and CJK characters in valid UTF-8, none of
// which JSON escapes: check the bytes that could be escaped or start U+2028
// or U+2029 all the same.
func plain(key string) bool {
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c == '"' || c == '\\' || c == 0xE2 {
			return false
		}
	}
	return true
}
