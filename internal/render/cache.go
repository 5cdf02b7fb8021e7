package render

import (
	"encoding/binary"
	"hash/maphash"
	"html/template"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"kakehashi/internal/content"
	"kakehashi/internal/search"
	"kakehashi/internal/site"
)

// Cache carries what one RenderCached call learnt to the next, for the
// preview server's rebuilds. It relies on the caller reusing the same
// *content.Source for a file that did not change: a source's identity is its
// pointer. A nil *Cache caches nothing.
//
// A page's fingerprint covers every input its view is built from (its own
// fields and source, its translations and the cards it lists); Epoch covers
// the rest (settings, templates, the leak scan's needles). Anything the
// fingerprint misses would serve a stale page, which is why the preview
// server's tests compare incremental rebuilds with full builds after random
// edits.
type Cache struct {
	// Epoch must change whenever anything outside the page graph changes.
	Epoch uint64

	seed    maphash.Seed
	mu      sync.Mutex
	nextID  uint64
	outputs map[string]uint64 // output path → fingerprint of what was written
	cards   map[uint64]template.HTML
	memo    map[memoKey]memoEntry
	indexes map[string]*searchIndex // search index of each language, updated story by story

	// The pages of the last render (sorted by path) and what the cache
	// holds for each, in the same order: a render finds the entry of a
	// page by its place, which after an edit is the same place, instead of
	// looking thousands of pages up in maps. A page handed out again keeps
	// its slot (the same *slot, updated in place). spare is the slots of the
	// render before, reused.
	last  []*site.Page
	slots []*slot
	spare []*slot
	// index maps each page of the last render to its place; a render
	// patches it where pages were replaced, unless pages came or went.
	index map[*site.Page]int
	// room is the per-render arrays of the last render, reused.
	room renderRoom

	// per call
	links uint64
	// The outputs of the current render, recorded without a lock: outputs
	// is only read while the jobs run, and updated at the end.
	recs      []outRec
	nrec      atomic.Int64
	known     atomic.Int64 // outputs of recs that outputs holds
	usedCards map[uint64]bool
	usedMemo  map[memoKey]bool
}

// slot is what the cache holds for one page of a render.
type slot struct {
	src     *content.Source
	id      uint64 // the source's number, the same from render to render (0: no source)
	body    body   // converted under links bodyLinks, when hasBody
	hasBody bool
	// bodyLinks is the links hash the body was converted under.
	bodyLinks uint64
	checked   checkedText // the search text of the story, as the leak scan passed it
	memo      pageMemo
	// list is the cards the page at this path listed when it was last
	// hashed, carried to a new page at the same path.
	list *cardList
	// doc is the page's search document, made under links docLinks, when
	// hasDoc: the same page shows the same, and its body is the same.
	doc      search.Doc
	docLinks uint64
	hasDoc   bool
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{
		seed:    maphash.MakeSeed(),
		outputs: map[string]uint64{},
		cards:   map[uint64]template.HTML{},
		memo:    map[memoKey]memoEntry{},
		indexes: map[string]*searchIndex{},
	}
}

// Forget drops everything, so that the next call renders every page.
func (c *Cache) Forget() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.outputs = map[string]uint64{}
	c.cards = map[uint64]template.HTML{}
	c.memo = map[memoKey]memoEntry{}
	c.indexes = map[string]*searchIndex{}
	c.last, c.slots, c.spare, c.index = nil, nil, nil, nil
}

// renderRoom holds the arrays a render keeps per page.
type renderRoom struct {
	fields []atomic.Uint64
	full   []uint64
	fresh  []atomic.Bool
	outs   []string
	cards  [][]atomic.Uint64 // per language
	bodies []body
}

// take makes room for a render of n pages in langs languages: the last
// render's arrays, cleared, when they are large enough (a render needs
// them only until it ends).
func (rr *renderRoom) take(n, langs int) {
	rr.fields = clearedRoom(rr.fields, n)
	rr.full = clearedRoom(rr.full, n)
	rr.fresh = clearedRoom(rr.fresh, n)
	rr.outs = clearedRoom(rr.outs, n)
	rr.bodies = clearedRoom(rr.bodies, n)
	if len(rr.cards) != langs {
		rr.cards = make([][]atomic.Uint64, langs)
	}
	for li := range rr.cards {
		rr.cards[li] = clearedRoom(rr.cards[li], n)
	}
}

func clearedRoom[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// begin starts one render of s and returns its fingerprinter, which also
// holds the place of each page in s.Pages (index) and room for their
// bodies.
func (c *Cache) begin(r *Renderer, s *site.Site) *fingerprinter {
	if c == nil {
		return nil
	}
	var h maphash.Hash
	h.SetSeed(c.seed)
	for _, p := range s.UnpublishedPaths() {
		h.WriteString(p)
		h.WriteByte(0)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.links = h.Sum64()
	// The per-call sets keep their room from call to call.
	c.usedCards = reuse(c.usedCards)
	c.usedMemo = reuse(c.usedMemo)
	c.room.take(len(s.Pages), len(r.cfg.Languages))
	f := &fingerprinter{c: c, r: r, s: s, fields: c.room.fields, full: c.room.full,
		fresh: c.room.fresh, outs: c.room.outs, cards: c.room.cards, bodies: c.room.bodies}
	// Everything the page jobs look up is set here, before they run, so
	// that they read it without a lock.
	var replaced []int
	f.slots, replaced = c.carry(s.Pages)
	if c.index != nil && replaced != nil {
		for _, i := range replaced {
			delete(c.index, c.last[i])
			c.index[s.Pages[i]] = i
		}
	} else {
		c.index = indexOf(s.Pages)
	}
	f.index = c.index
	index := c.index
	f.navs = make([]uint64, len(r.cfg.Languages))
	for li, lang := range r.cfg.Languages {
		// Not f.hasher(): the Epoch may not be set yet (see Prepare); every
		// page's hash starts with it.
		var h hasher
		h.SetSeed(c.seed)
		if home := s.Home[lang]; home != nil {
			h.str(home.Path)
		}
		for _, sec := range s.Sections[lang] {
			h.str(sec.Path)
			h.str(sec.Title)
			h.num(f.slots[index[sec]].id)
		}
		f.navs[li] = h.Sum64()
	}
	return f
}

// carry returns the slots of pages, a render's pages sorted by path: for a
// page of the last render, its slot; for a new page of a source the last
// render had, that source's number, body and checked text; for a new
// source, a new number. A render that fails leaves slots updated halfway:
// the builder forgets the Cache then.
//
// When pages has the paths of the last render's pages at their places, it
// also returns the places where a page was replaced (non-nil, maybe empty).
func (c *Cache) carry(pages []*site.Page) (slots []*slot, replaced []int) {
	if len(pages) == len(c.last) {
		replaced = []int{}
	}
	next := slices.Grow(c.spare[:0], len(pages))[:len(pages)]
	c.spare = nil // next is this render's; the last render's slots stay intact until end
	// Pages are sorted by path and paths are unique, so a page at the
	// same place with the same path is the last render's page of that
	// path, or a new page for it: no other place can hold it. Only once
	// pages came or went are they looked up.
	var byPage map[*site.Page]int
	var bySrc map[*content.Source]int
	for i, p := range pages {
		at, srcAt := -1, -1
		if i < len(c.last) && c.last[i].Path == p.Path {
			if c.last[i] != p && replaced != nil {
				replaced = append(replaced, i)
			}
			if c.last[i] == p {
				at = i
			}
			if p.Source != nil && c.slots[i].src == p.Source {
				srcAt = i
			}
		} else {
			replaced = nil
			if byPage == nil {
				byPage = make(map[*site.Page]int, len(c.last))
				bySrc = make(map[*content.Source]int, len(c.last))
				for k, q := range c.last {
					byPage[q] = k
					if q.Source != nil {
						bySrc[q.Source] = k
					}
				}
			}
			if k, ok := byPage[p]; ok {
				at = k
			}
			if k, ok := bySrc[p.Source]; ok && p.Source != nil {
				srcAt = k
			}
		}
		if at >= 0 {
			next[i] = c.slots[at]
			continue
		}
		sl := &slot{src: p.Source}
		switch {
		case srcAt >= 0:
			old := c.slots[srcAt]
			sl.id, sl.body, sl.hasBody, sl.bodyLinks, sl.checked = old.id, old.body, old.hasBody, old.bodyLinks, old.checked
		case p.Source != nil:
			c.nextID++
			sl.id = c.nextID
		}
		if i < len(c.last) && c.last[i].Path == p.Path {
			sl.list = c.slots[i].list
		}
		next[i] = sl
	}
	return next, replaced
}

// reuse empties a set, or makes it.
func reuse[K comparable](m map[K]bool) map[K]bool {
	if m == nil {
		return map[K]bool{}
	}
	clear(m)
	return m
}

// end forgets the outputs this render did not make, keeps what f's pages
// hashed to for the next render, and makes f's slots the cache's.
func (c *Cache) end(f *fingerprinter) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	stale := func(have, live int) bool { return have > live+live/8+64 }
	recs := c.recs[:c.nrec.Load()]
	// Always: an output this render did not make must not count as
	// unchanged when it comes back (the last build does not hold it).
	if int(c.known.Load()) != len(c.outputs) {
		made := make(map[string]bool, len(recs))
		for _, r := range recs {
			made[r.out] = true
		}
		maps.DeleteFunc(c.outputs, func(out string, _ uint64) bool { return !made[out] })
	}
	for _, r := range recs {
		if !r.same {
			c.outputs[r.out] = r.f
		}
	}
	if stale(len(c.cards), len(c.usedCards)) {
		maps.DeleteFunc(c.cards, func(k uint64, _ template.HTML) bool { return !c.usedCards[k] })
	}
	if stale(len(c.memo), len(c.usedMemo)) {
		maps.DeleteFunc(c.memo, func(k memoKey, _ memoEntry) bool { return !c.usedMemo[k] })
	}
	// Only pages hashed afresh this render have new hashes to keep; the
	// others' entries stand.
	for i, p := range f.s.Pages {
		if !f.fresh[i].Load() {
			continue
		}
		m := pageMemo{epoch: c.Epoch, links: c.links, fields: f.fields[i].Load(), full: f.full[i], out: f.outs[i]}
		if li := slices.Index(f.r.cfg.Languages, p.Lang); li >= 0 {
			m.nav = f.navs[li]
		}
		for li := range min(len(m.cards), len(f.cards)) {
			m.cards[li] = f.cards[li][i].Load()
		}
		f.slots[i].memo = m
	}
	c.last, c.slots, c.spare = f.s.Pages, f.slots, c.slots
}

// pageMemo is what a page hashed to in a render. The page graph hands out
// the same *site.Page again only when the page and every page it points to
// are unchanged (site.Memo), so while the Epoch, the links and the nav of
// the page's language are the same too, so are its hashes.
type pageMemo struct {
	epoch, links, nav uint64
	fields, full      uint64    // 0: not hashed
	cards             [4]uint64 // its card in the lists of each of the first four languages; 0: none
	out               string    // its output path, once rendered or kept
}

// valid reports whether the hashes of m hold in this render of f.
func (m *pageMemo) valid(f *fingerprinter) bool {
	return m.epoch == f.c.Epoch && m.links == f.c.links
}

// searchIndex is a language's search index as the Cache keeps it: the
// index, and the buffer it is written into (writers keep no bytes they are
// given, so one buffer serves every rebuild).
type searchIndex struct {
	b   *search.Builder
	buf []byte
}

// searchIndex is the search index of docs in lang: without a Cache built
// whole, with one updated from the last call's index (only the stories whose
// text changed are split into terms again). With a Cache, the bytes are
// valid until the next call for lang.
func (c *Cache) searchIndex(lang string, docs []search.Doc) ([]byte, error) {
	if c == nil {
		return search.Build(docs)
	}
	c.mu.Lock()
	ix := c.indexes[lang]
	if ix == nil {
		ix = &searchIndex{b: search.NewBuilder()}
		c.indexes[lang] = ix
	}
	c.mu.Unlock()
	// One job per language: this index is used by one goroutine at a time.
	if err := ix.b.SetAll(docs); err != nil {
		return nil, err
	}
	if ix.buf == nil || ix.b.Modified() {
		ix.buf = ix.b.AppendBytes(ix.buf[:0])
	}
	return ix.buf, nil
}

type checkedText struct {
	epoch       uint64
	title, text string
}

// textChecked reports whether the search text of page i passed the leak
// scan under this Epoch's needles. The texts are kept with the story's
// body, so comparing them is mostly comparing two pointers. Each language's
// search job checks its own pages.
func (f *fingerprinter) textChecked(i int, title, text string) bool {
	if f == nil {
		return false
	}
	e := &f.slots[i].checked
	return e.epoch == f.c.Epoch && e.title == title && e.text == text
}

func (f *fingerprinter) storeTextChecked(i int, title, text string) {
	if f != nil {
		f.slots[i].checked = checkedText{epoch: f.c.Epoch, title: title, text: text}
	}
}

// cardHTML returns the rendered card of fingerprint f, if rendered before.
func (c *Cache) cardHTML(f uint64) (template.HTML, bool) {
	if c == nil {
		return "", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.usedCards[f] = true
	h, ok := c.cards[f]
	return h, ok
}

func (c *Cache) storeCardHTML(f uint64, h template.HTML) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.cards[f] = h
	c.usedCards[f] = true
	c.mu.Unlock()
}

// doc returns the search document of page i kept from an earlier render.
func (f *fingerprinter) doc(i int) (search.Doc, bool) {
	if f == nil || !f.slots[i].hasDoc || f.slots[i].docLinks != f.c.links {
		return search.Doc{}, false
	}
	return f.slots[i].doc, true
}

// storeDoc keeps d as the search document of page i. Each language's
// search job stores those of its own pages.
func (f *fingerprinter) storeDoc(i int, d search.Doc) {
	if f != nil {
		sl := f.slots[i]
		sl.doc, sl.docLinks, sl.hasDoc = d, f.c.links, true
	}
}

// takeBodies puts into out the bodies of pages the cache holds, and
// returns the indices of the pages with a source whose body it does not
// hold.
func (f *fingerprinter) takeBodies(pages []*site.Page, out []body) (missing []int) {
	for i, p := range pages {
		if p.Source == nil {
			continue
		}
		if f != nil && f.slots[i].hasBody && f.slots[i].bodyLinks == f.c.links {
			out[i] = f.slots[i].body
		} else {
			missing = append(missing, i)
		}
	}
	return missing
}

// storeBody keeps b as the body of page i. The jobs of one render store
// bodies of different pages at once.
func (f *fingerprinter) storeBody(i int, b body) {
	if f != nil {
		sl := f.slots[i]
		sl.body, sl.hasBody, sl.bodyLinks = b, true, f.c.links
	}
}

// expect makes room to record n outputs in this render.
func (c *Cache) expect(n int) {
	if c == nil {
		return
	}
	c.recs = slices.Grow(c.recs[:0], n)[:n]
	c.nrec.Store(0)
	c.known.Store(0)
}

// outRec is one output of a render and its fingerprint; same when it
// equals the last render's.
type outRec struct {
	out  string
	f    uint64
	same bool
}

// unchanged records fingerprint f for out and reports whether it equals the
// last one. Safe for the jobs of one render to call at once (see expect).
func (c *Cache) unchanged(out string, f uint64) bool {
	if c == nil {
		return false
	}
	last, ok := c.outputs[out]
	same := ok && last == f
	c.record(outRec{out, f, same}, ok)
	return same
}

// still records an output that is as last time without asking (see
// fingerprinter.standing).
func (c *Cache) still(out string) { c.record(outRec{out: out, same: true}, true) }

// record takes r into the next free slot; known says outputs holds r.out.
func (c *Cache) record(r outRec, known bool) {
	i := c.nrec.Add(1) - 1
	if i >= int64(len(c.recs)) {
		panic("render: an output recorded that no job was expected for")
	}
	c.recs[i] = r
	if known {
		c.known.Add(1)
	}
}

// kept lists the outputs of this render that are as last time, in no
// particular order.
func (c *Cache) kept() []string {
	if c == nil {
		return nil
	}
	recs := c.recs[:c.nrec.Load()]
	n := 0
	for _, r := range recs {
		if r.same {
			n++
		}
	}
	out := make([]string, 0, n)
	for _, r := range recs {
		if r.same {
			out = append(out, r.out)
		}
	}
	return out
}

// fingerprinter hashes the inputs of each output of one render.
type fingerprinter struct {
	c     *Cache
	r     *Renderer
	s     *site.Site
	views *viewBuilder
	index map[*site.Page]int
	slots []*slot  // of each page, see Cache.carry
	navs  []uint64 // per language (of the site's languages), what every page shows of the site
	// cards holds, per language, the hash of each page's card (0: not yet
	// hashed). Two jobs may hash the same card at once; they agree.
	cards [][]atomic.Uint64
	// fields and full are each page's hashes in this render (0: not yet):
	// fields of the page alone, full of everything its view shows. A page
	// is hashed whole by its own job only.
	fields []atomic.Uint64
	full   []uint64
	fresh  []atomic.Bool // a hash of the page was worked out (not taken from its slot)
	outs   []string      // output paths of the pages given jobs

	bodies []body // room for the bodies of the pages (see Prepare)
}

type hasher struct{ maphash.Hash }

func (h *hasher) str(s string) { h.WriteString(s); h.WriteByte(0) }

func (h *hasher) num(n uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], n)
	h.Write(b[:])
}

func (h *hasher) time(t time.Time) { h.num(uint64(t.Unix())) }

func (h *hasher) flag(b bool) {
	if b {
		h.WriteByte(1)
	} else {
		h.WriteByte(0)
	}
}

func (f *fingerprinter) hasher() (h hasher) {
	h.SetSeed(f.c.seed)
	h.num(f.c.Epoch)
	h.num(f.c.links)
	return h
}

// card hashes what a card of p in a list of lang shows.
func (f *fingerprinter) card(p *site.Page, lang string) uint64 {
	slot := new(atomic.Uint64) // not kept: a language the site does not have
	fresh := new(atomic.Bool)
	if li := slices.Index(f.r.cfg.Languages, lang); li >= 0 {
		if i, ok := f.index[p]; ok {
			slot, fresh = &f.cards[li][i], &f.fresh[i]
			if v := slot.Load(); v != 0 {
				return v
			}
			// The same page as last time shows the same card (see pageMemo).
			if m := &f.slots[i].memo; li < len(m.cards) && m.cards[li] != 0 && m.valid(f) {
				slot.Store(m.cards[li])
				return m.cards[li]
			}
		}
	}
	// A story's card depends on its source alone (and the photo's place):
	// remember its hash from earlier builds while the source is the same.
	var mk memoKey
	if p.IsItem() && p.Source != nil {
		mk = memoKey{src: p.Source, lang: lang}
		if p.Photo != nil {
			mk.photo = p.Photo.Path
		}
		if v, ok := f.c.memoCard(mk); ok {
			slot.Store(v)
			fresh.Store(true)
			return v
		}
	}
	// A card is hashed by what it shows, not by its source: a story whose
	// body changed below its first paragraph still has the same card, and
	// the lists showing it need not be rendered again.
	c := f.views.newCard(p, lang)
	h := f.hasher()
	for _, s := range []string{c.Kind, c.Title, c.URL, c.Name, c.Role, c.Company, c.Industry, c.Summary, c.DateISO, c.DateText, c.Lang, c.Marker} {
		h.str(s)
	}
	h.num(uint64(c.Count))
	if c.Photo != nil {
		h.str(c.Photo.URL)
		h.str(c.Photo.Alt)
	}
	v := h.Sum64() | 1 // never 0, which marks a card not hashed yet
	slot.Store(v)
	fresh.Store(true)
	if mk.src != nil {
		f.c.storeMemo(mk, v)
	}
	return v
}

type memoKey struct {
	src   *content.Source
	lang  string
	photo string
}

type memoEntry struct {
	epoch, links, hash uint64
}

func (c *Cache) memoCard(k memoKey) (uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.memo[k]
	if ok && e.epoch == c.Epoch && e.links == c.links {
		c.usedMemo[k] = true
		return e.hash, true
	}
	return 0, false
}

func (c *Cache) storeMemo(k memoKey, v uint64) {
	c.mu.Lock()
	c.memo[k] = memoEntry{epoch: c.Epoch, links: c.links, hash: v}
	c.usedMemo[k] = true
	c.mu.Unlock()
}

func (f *fingerprinter) pageFields(h *hasher, i int, p *site.Page) {
	h.str(string(p.Kind))
	h.str(p.Path)
	h.str(p.Lang)
	h.str(p.Title)
	h.time(p.Date)
	h.str(p.Name)
	h.str(p.Taxonomy)
	h.str(p.Term)
	h.flag(p.Consent.Draft)
	h.flag(p.Unconsented)
	h.num(f.slots[i].id)
	if p.Photo != nil {
		h.str(p.Photo.Path)
	}
}

// held returns the entry of page i (p) of the last render when its
// whole-page hash still holds.
func (f *fingerprinter) held(i int, p *site.Page) (*pageMemo, bool) {
	li := slices.Index(f.r.cfg.Languages, p.Lang)
	m := &f.slots[i].memo
	return m, m.full != 0 && li >= 0 && m.valid(f) && m.nav == f.navs[li]
}

// standing reports whether page i (p) needs no job in this render: the
// graph handed it out again, its hashes from the last render hold, and its
// output was made with them. The last render made every page's output with
// the hash it kept (it kept nothing if it failed: see Forget), so an entry
// with an output path is enough. It notes the output path to keep in
// f.outs[i].
func (f *fingerprinter) standing(i int, p *site.Page) bool {
	m, ok := f.held(i, p)
	if !ok || m.out == "" {
		return false
	}
	f.full[i], f.outs[i] = m.full, m.out
	if m.fields != 0 {
		f.fields[i].Store(m.fields) // for the search index's hash, without looking again
	}
	return true
}

// standingAll is standing for every page of the site, the pages split
// among n goroutines (the lookups miss the cache more than they compute).
// nil without a Cache.
func (f *fingerprinter) standingAll(n int) []bool {
	if f == nil {
		return nil
	}
	pages := f.s.Pages
	stand := make([]bool, len(pages))
	n = max(1, min(n, len(pages)/1024))
	var wg sync.WaitGroup
	for k := range n {
		wg.Add(1)
		go func(from, to int) {
			defer wg.Done()
			for i := from; i < to; i++ {
				stand[i] = f.standing(i, pages[i])
			}
		}(k*len(pages)/n, (k+1)*len(pages)/n)
	}
	wg.Wait()
	return stand
}

// output notes the output path of page i, given a job.
func (f *fingerprinter) output(i int, out string) {
	if f != nil {
		f.outs[i] = out
	}
}

// fieldsAt hashes the own fields of page i of the site, p.
func (f *fingerprinter) fieldsAt(i int, p *site.Page) uint64 {
	if v := f.fields[i].Load(); v != 0 {
		return v
	}
	if m := &f.slots[i].memo; m.fields != 0 && m.valid(f) {
		f.fields[i].Store(m.fields)
		return m.fields
	}
	h := f.hasher()
	f.pageFields(&h, i, p)
	v := h.Sum64() | 1 // never 0, which marks a page not hashed yet
	f.fields[i].Store(v)
	f.fresh[i].Store(true)
	return v
}

// page hashes everything p's view is built from.
func (f *fingerprinter) page(p *site.Page) uint64 {
	if f == nil {
		return 0
	}
	i := f.index[p]
	if m, ok := f.held(i, p); ok {
		f.full[i] = m.full
		return m.full
	}
	h := f.hasher()
	h.num(f.fieldsAt(i, p))
	for _, t := range p.Translations {
		h.str(t.Path)
	}
	for _, lang := range f.r.cfg.Languages {
		if lang != p.Lang && p.Translation(lang) == nil {
			if fb := f.s.Fallback(p, lang); fb != nil {
				h.str(fb.Path)
			}
		}
	}
	if p.Employer != nil {
		h.num(f.card(p.Employer, p.Lang))
	}
	h.WriteByte('t')
	for _, t := range p.Talents {
		h.num(f.card(t, p.Lang))
	}
	h.WriteByte('p')
	f.listCards(&h, i, p)
	f.nav(&h, p.Lang)
	v := h.Sum64() | 1
	f.full[i] = v
	f.fresh[i].Store(true)
	return v
}

// cardList is the cards a list page showed in a render, and their hashes.
type cardList struct {
	epoch, links uint64
	pages        []*site.Page
	cards        []uint64
}

// listCards hashes the cards p lists, page i of the site. An edit leaves
// a list as it was but for a card or two: the cards at their places in the
// list of the last render (of the page at p's path, kept in its slot) keep
// their hashes, and only the others are looked up. A list of thousands of
// cards is hashed again after every edit of one of them.
func (f *fingerprinter) listCards(h *hasher, i int, p *site.Page) {
	now := listed(p)
	old := f.slots[i].list
	if old != nil && (old.epoch != f.c.Epoch || old.links != f.c.links) {
		old = nil
	}
	l := &cardList{epoch: f.c.Epoch, links: f.c.links, pages: now, cards: make([]uint64, len(now))}
	j := 0
	for k, c := range now {
		var v uint64
		switch {
		case old != nil && j < len(old.pages) && old.pages[j] == c:
			v = old.cards[j]
			j++
		case old != nil && j+1 < len(old.pages) && old.pages[j+1] == c: // one left the list
			v = old.cards[j+1]
			j += 2
		default:
			v = f.card(c, p.Lang)
			if old != nil && j < len(old.pages) && old.pages[j].Path == c.Path {
				j++ // the same story, changed
			}
		}
		l.cards[k] = v
		h.num(v)
	}
	f.slots[i].list = l
}

// nav hashes what every page of lang shows of the site: home and sections.
func (f *fingerprinter) nav(h *hasher, lang string) {
	if li := slices.Index(f.r.cfg.Languages, lang); li >= 0 {
		h.num(f.navs[li])
	}
}

// root hashes the language entry page, the 404 page and robots.txt.
func (f *fingerprinter) root() uint64 {
	if f == nil {
		return 0
	}
	h := f.hasher()
	for _, lang := range f.r.cfg.Languages {
		f.nav(&h, lang)
	}
	return h.Sum64()
}

func (f *fingerprinter) feed(items []*site.Page) uint64 {
	if f == nil {
		return 0
	}
	h := f.hasher()
	for _, p := range items {
		h.num(f.card(p, p.Lang))
		for _, t := range p.Translations {
			h.str(t.Path)
		}
	}
	return h.Sum64()
}

func (f *fingerprinter) sitemap() uint64 {
	if f == nil {
		return 0
	}
	h := f.hasher()
	for _, p := range f.s.Pages {
		h.str(p.Path)
		h.time(p.Date)
		for _, t := range p.Translations {
			h.str(t.Path)
		}
	}
	return h.Sum64()
}

func (f *fingerprinter) cache() *Cache {
	if f == nil {
		return nil
	}
	return f.c
}

// search hashes the inputs of lang's search index: every story of lang.
func (f *fingerprinter) search(lang string) uint64 {
	if f == nil {
		return 0
	}
	h := f.hasher()
	for i, p := range f.s.Pages {
		if p.IsItem() && p.Lang == lang {
			h.num(f.fieldsAt(i, p))
		}
	}
	return h.Sum64()
}
