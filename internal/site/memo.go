package site

import (
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"kakehashi/internal/consent"
	"kakehashi/internal/content"
)

// Memo carries from one Build to the next what Build derives from each source
// alone: its consent decision, page kind, path, name, cross-reference targets
// and term slugs, and the order of all sources by path and by date. A caller
// that builds again and again (the preview server) keeps one Memo and passes
// it in Options; a source passed again as the same *content.Source pointer,
// with the same consent options and languages, is then not looked at again.
//
// A Memo also keeps the pages it handed out: a build hands out a page of the
// last build again (the same *Page) when it would make it equal in every
// field, down to the pages it points to, so a save that changes one story
// makes new pages only for that story and the pages that point to it. A
// page once handed out is never changed.
//
// The zero Memo is ready to use. Builds that share a Memo take turns. Entries
// of sources that a build no longer passes are dropped by that build, so a
// Memo holds no more than the last build's sources and pages. The graph is
// the same with or without a Memo, to the order of every list.
//
// A Source must not be changed once passed with a Memo: a changed file is a
// new Source (as content.Parse makes it). A Memo is only valid for one site's
// settings; one whose languages or consent options (day, drafts) change
// starts afresh by itself, but a caller that loads new settings may as well
// use a new Memo.
type Memo struct {
	mu      sync.Mutex
	ready   bool
	consent consent.Options
	langs   []string // the site languages the entries were made for

	// Each source has a slot, a small number that indexes the slices below
	// and the per-build tables of a graph; freed slots are used again.
	slots map[*content.Source]int32
	ents  []*entry
	used  []uint64 // stamp of the last build that passed the slot's source
	free  []int32
	stamp uint64
	// The last build's sources and their slots, so that a build passing the
	// same list with a few changes finds most slots without the map; lastPos
	// is a slot's place in that list.
	lastSrc  []*content.Source
	lastSlot []int32
	lastPos  []int32
	// byPath holds every slot sorted by page path; byDate the items among
	// them, newest first. A build sorts only its new entries and merges them in.
	byPath []int32
	byDate []int32

	// Paths, translation keys and terms are interned, so that a build groups
	// and resolves them by pointer instead of hashing strings. Each counts the
	// entries that refer to it and goes when the last one does.
	paths map[string]*pathSlot
	keys  map[string]*keySlot
	terms map[termName]*termSlot
	// foreign counts the entries whose language is not one of langs.
	foreign int

	// What earlier builds handed out, to hand out again where equal: the
	// page of each slot's source, the generated pages and the photos; and the
	// last build's lists.
	pages   []*Page
	records []record // by slot: what pages[slot] points to, in links
	links   []*Page
	// linksWritten is the length of links when it was last written afresh.
	linksWritten int
	generated    map[generatedID]*Page
	photos       map[string]*Photo
	last         lastSite
	unpublished  []string
	slotBuf      []int32
	// keep is set for a Memo of the caller's (not one made for a single build);
	// scratch holds the last graph's slices for the next to use.
	keep    bool
	scratch *graph
}

// record notes the flags and links of a source's page as handed out:
// links[from:to] are its translations (the first trans of them), its
// employer if any, and its talents.
type record struct {
	from, to, trans int32
	shown           bool
	photo           *Photo
}

// generatedID tells generated pages apart from build to build.
type generatedID struct {
	path string
	kind Kind
}

// lastSite holds fields of the last Site.
type lastSite struct {
	Pages       []*Page
	Skipped     []Skip
	Warnings    []string
	Photos      []*Photo
	present     []bool
	files       []bool
	keys        []string
	langs       []string
	unpublished map[string]string
}

// NewMemo returns an empty Memo.
func NewMemo() *Memo { return &Memo{} }

// entry is what Build derives from one source alone.
type entry struct {
	// What each build reads, first: a build reads few fields of many entries.
	path   *pathSlot
	key    *keySlot
	secKey *keySlot // the key of an item's section's _index ("talents/_index"), nil if not an item
	lang   int32    // index of page.Lang in the memo's languages, -1 if not one of them
	index  bool     // an _index file
	shown  bool     // consented: the page is published
	titled bool
	// photo: the page shows a photo if its path checks out.
	photo bool
	// employer: refs is a talent's employer; else an employer's talents.
	employer bool
	// refs are the cross-references of a talent (its employer) or of an
	// employer (its talents), in front matter order.
	refs []ref
	// terms are an item's taxonomy terms with a non-empty slug, taxonomy by
	// taxonomy in Taxonomies order, each in front matter order; words are
	// the terms as written.
	terms []*termSlot
	words []string
	// A path or key met first here is interned here: near the entries that
	// use it (translations are neighbours), and one allocation fewer.
	ownPath pathSlot
	ownKey  keySlot

	// sec and nsec are page.Date as a sort key (ordered as time.Time.Compare orders).
	sec  int64
	nsec int32
	src  *content.Source
	// page is the source's page before linking: kind, path, consent, name.
	// The first build to hand it out makes it a page (given); later builds
	// read it and copy it.
	page  *Page
	given bool
	skip  Skip // when not consented
}

type ref struct {
	slug string
	to   *pathSlot // the target's page path in the page's language
	warn *warnings // made when the reference is first dropped
}

// warnings are the texts of a dropped reference's warnings, kept from build to build.
type warnings struct {
	unknown     string
	skippedFile string
	skipped     string
}

// pathSlot is an interned page path. What a build finds there is valid only
// while stamp is the build's (see at).
type pathSlot struct {
	path  string
	refs  int32
	stamp uint64
	ord   int32  // the page at this path, -1 for none
	file  string // the last skipped file at this path
}

// at returns p cleared of what earlier builds found there.
func (p *pathSlot) at(stamp uint64) *pathSlot {
	if p.stamp != stamp {
		p.stamp, p.ord, p.file = stamp, -1, ""
	}
	return p
}

// keySlot is an interned translation key; id numbers it in one build.
type keySlot struct {
	key   string
	refs  int32
	index bool // key is a section's ("talents/_index"): Fallback looks it up
	stamp uint64
	id    int32
}

type termName struct {
	tax  int // index in Taxonomies
	slug string
}

// termSlot is an interned term slug of a taxonomy; id numbers it in one build.
type termSlot struct {
	termName
	refs  int32
	stamp uint64
	id    int32
}

// reset empties m for entries made with opts for langs.
func (m *Memo) reset(opts consent.Options, langs []string) {
	m.ready, m.consent, m.langs = true, opts, slices.Clone(langs)
	m.slots = map[*content.Source]int32{}
	m.ents, m.used, m.free = nil, nil, nil
	m.lastSrc, m.lastSlot, m.lastPos = nil, nil, nil
	m.byPath, m.byDate = nil, nil
	m.paths = map[string]*pathSlot{}
	m.keys = map[string]*keySlot{}
	m.terms = map[termName]*termSlot{}
	m.foreign = 0
	m.linksWritten = 0
	m.pages, m.records, m.links, m.generated, m.photos, m.last, m.unpublished = nil, nil, nil, nil, nil, lastSite{}, nil
	// m.stamp goes on counting: slots made before the reset must not look current.
}

// path interns p, in own if it is new and own is not nil.
func (m *Memo) path(p string, own *pathSlot) *pathSlot {
	s := m.paths[p]
	if s == nil {
		if s = own; s == nil {
			s = new(pathSlot)
		}
		*s = pathSlot{path: p}
		m.paths[p] = s
	}
	s.refs++
	return s
}

// key interns k, in own if it is new and own is not nil.
func (m *Memo) key(k string, own *keySlot) *keySlot {
	s := m.keys[k]
	if s == nil {
		if s = own; s == nil {
			s = new(keySlot)
		}
		*s = keySlot{key: k, index: strings.HasSuffix(k, "/_index"), id: -1}
		m.keys[k] = s
	}
	s.refs++
	return s
}

func (m *Memo) term(n termName) *termSlot {
	s := m.terms[n]
	if s == nil {
		s = &termSlot{termName: n, id: -1}
		m.terms[n] = s
	}
	s.refs++
	return s
}

func (m *Memo) releasePath(s *pathSlot) {
	if s.refs--; s.refs == 0 {
		delete(m.paths, s.path)
	}
}

func (m *Memo) releaseKey(s *keySlot) {
	if s.refs--; s.refs == 0 {
		delete(m.keys, s.key)
	}
}

// release drops what e holds interned.
func (m *Memo) release(e *entry) {
	if e.lang < 0 {
		m.foreign--
	}
	m.releasePath(e.path)
	for _, r := range e.refs {
		m.releasePath(r.to)
	}
	m.releaseKey(e.key)
	if e.secKey != nil {
		m.releaseKey(e.secKey)
	}
	for _, t := range e.terms {
		if t.refs--; t.refs == 0 {
			delete(m.terms, t.termName)
		}
	}
}

// arena holds the small slices of a batch of new entries, so that a build
// reads them from few places.
type arena struct {
	terms []*termSlot
	words []string
	refs  []ref
	block int // the size of a new block: the number of new entries
}

// room returns a, with room for n more elements: in a new block if a has
// none, so that slices taken from it stay where they are.
func room[T any](a []T, n, block int) []T {
	if cap(a)-len(a) >= n {
		return a
	}
	return make([]T, 0, max(n, block))
}

// take returns the last n elements of a, capped, for one entry.
func take[T any](a []T, n int) []T {
	if n == 0 {
		return nil
	}
	return a[len(a)-n : len(a) : len(a)]
}

// derive fills e, and the page p it holds, from src alone.
func (m *Memo) derive(e *entry, p *Page, src *content.Source, opts consent.Options, ar *arena) {
	e.src, e.page = src, p
	*p = Page{
		Lang:    src.Lang,
		Source:  src,
		Key:     src.Key,
		Section: src.Section,
		Slug:    src.Slug,
		Title:   src.Meta.Title,
		Date:    src.Meta.Date,
	}
	e.lang = int32(slices.Index(m.langs, src.Lang))
	if e.lang < 0 {
		m.foreign++
	}
	e.sec, e.nsec = p.Date.Unix(), int32(p.Date.Nanosecond())
	switch {
	case src.IsIndex && src.Dir == "":
		p.Kind, p.Path = KindHome, src.Lang+"/"
	case src.IsIndex:
		p.Kind, p.Path = KindSection, src.Lang+"/"+src.Dir+"/"
		p.Section = src.Dir
	default:
		p.Kind = KindPage
		switch src.Section {
		case SectionTalents:
			p.Kind = KindTalent
		case SectionEmployers:
			p.Kind = KindEmployer
		}
		p.Path = joinPath(src.Lang, src.Section, src.Slug)
	}
	e.path = m.path(p.Path, &e.ownPath)
	e.key = m.key(p.Key, &e.ownKey)
	e.index = src.IsIndex
	e.titled = p.Title != ""
	if src.IsIndex {
		// _index files carry the site's own text, not a person's story: they need no consent.
		return
	}
	p.Consent = consent.Decide(src.Front, src.Lang, opts)
	e.shown = p.Consent.Publish
	if !e.shown {
		e.skip = Skip{Source: src, File: src.Path, Lang: src.Lang, Reason: p.Consent.Reason}
	}
	e.secKey = m.key(p.Section+"/_index", nil)
	p.Name = src.Meta.Alias
	if p.Consent.RealName && src.Meta.Name != "" {
		p.Name = src.Meta.Name
	}
	e.photo = p.Consent.Photo && src.Meta.Photo != ""
	e.employer = p.Kind == KindTalent
	all := 0
	for _, tax := range Taxonomies {
		if p.Section == tax.Section {
			all += len(tax.terms(&src.Meta))
		}
	}
	ar.terms, ar.words = room(ar.terms, all, 2*ar.block), room(ar.words, all, 2*ar.block)
	n := 0
	for ti, tax := range Taxonomies {
		if p.Section != tax.Section {
			continue
		}
		for _, term := range tax.terms(&src.Meta) {
			if slug := TermSlug(term); slug != "" {
				ar.terms = append(ar.terms, m.term(termName{ti, slug}))
				ar.words = append(ar.words, term)
				n++
			}
		}
	}
	e.terms, e.words = take(ar.terms, n), take(ar.words, n)
}

// deriveRefs fills e's cross-references: after every new entry has its own
// path, so that a reference to one of them finds it in its entry.
func (m *Memo) deriveRefs(e *entry, ar *arena) {
	src, p := e.src, e.page
	switch p.Kind {
	case KindTalent:
		if slug := src.Meta.Employer; slug != "" {
			ar.refs = room(ar.refs, 1, ar.block)
			ar.refs = append(ar.refs, ref{slug: slug, to: m.path(joinPath(p.Lang, SectionEmployers, slug), nil)})
			e.refs = take(ar.refs, 1)
		}
	case KindEmployer:
		ar.refs = room(ar.refs, len(src.Meta.Talents), ar.block)
		for _, slug := range src.Meta.Talents {
			ar.refs = append(ar.refs, ref{slug: slug, to: m.path(joinPath(p.Lang, SectionTalents, slug), nil)})
		}
		e.refs = take(ar.refs, len(src.Meta.Talents))
	}
}

// joinPath is path.Join(lang, section, slug) + "/", the page path of an item,
// without path.Join's work where there is nothing to clean.
func joinPath(lang, section, slug string) string {
	if plain(lang) && plain(slug) && (section == "" || plain(section)) {
		if section == "" {
			return lang + "/" + slug + "/"
		}
		return lang + "/" + section + "/" + slug + "/"
	}
	return path.Join(lang, section, slug) + "/"
}

// plain reports whether s is one path segment that path.Join keeps as is.
func plain(s string) bool {
	return s != "" && s != "." && s != ".." && strings.IndexByte(s, '/') < 0
}

// sortKey is what the orders of entries compare, side by side for sorting.
type sortKey struct {
	path string
	sec  int64
	nsec int32
	slot int32
}

func (m *Memo) sortKey(slot int32) sortKey {
	e := m.ents[slot]
	return sortKey{e.page.Path, e.sec, e.nsec, slot}
}

// byPathOrder orders entries by page path.
func byPathOrder(a, b sortKey) int { return strings.Compare(a.path, b.path) }

// newestFirst orders entries by date, newest first, then by path: the order
// of SortNewestFirst.
func newestFirst(a, b sortKey) int {
	switch {
	case a.sec != b.sec:
		if a.sec > b.sec {
			return -1
		}
		return 1
	case a.nsec != b.nsec:
		if a.nsec > b.nsec {
			return -1
		}
		return 1
	}
	return strings.Compare(a.path, b.path)
}

// prepare gives every source a slot with its entry, reusing the entries of
// sources seen by the last build; drops the entries of sources not passed
// this time; and brings byPath and byDate up to date. It returns the slot of
// each source. A build without a Memo prepares a new one.
func (m *Memo) prepare(sources []*content.Source, opts consent.Options, langs []string) []int32 {
	if !m.ready || !m.consent.Same(opts) || !slices.Equal(m.langs, langs) {
		m.reset(opts, langs)
	}
	m.stamp++
	slots := slices.Grow(m.slotBuf[:0], len(sources))[:len(sources)]
	m.slotBuf = slots
	var missing []int // indexes in sources of sources without an entry
	if !m.keep {
		// A memo for one build: every source is new, and none is looked up again.
		missing = make([]int, len(sources))
		for i := range missing {
			missing[i] = i
		}
	} else {
		j := 0
		for i, src := range sources {
			slot := int32(-1)
			if j < len(m.lastSrc) && m.lastSrc[j] == src {
				slot = m.lastSlot[j]
				j++
			} else if s, ok := m.slots[src]; ok {
				slot = s
				j = int(m.lastPos[s]) + 1
			}
			slots[i] = slot
			if slot < 0 {
				missing = append(missing, i)
				continue
			}
			m.used[slot] = m.stamp
		}
	}

	// Drop what the last build had and this one does not.
	live := func(s int32) bool { return m.used[s] == m.stamp }
	m.byPath = slices.DeleteFunc(m.byPath, func(s int32) bool {
		if live(s) {
			return false
		}
		e := m.ents[s]
		m.release(e)
		delete(m.slots, e.src)
		m.ents[s], m.pages[s] = nil, nil
		m.free = append(m.free, s)
		return true
	})
	m.byDate = slices.DeleteFunc(m.byDate, func(s int32) bool { return !live(s) })

	// New entries, in blocks: few allocations for a first build, few for a save.
	slab := make([]entry, len(missing))
	pages := make([]Page, len(missing))
	ar := &arena{block: len(missing)}
	if !m.keep {
		// Every source at once: the maps at their size.
		m.paths = make(map[string]*pathSlot, len(missing)+len(missing)/4)
		m.keys = make(map[string]*keySlot, len(missing)/2)
	}
	m.ents = slices.Grow(m.ents, len(missing))
	m.used = slices.Grow(m.used, len(missing))
	m.lastPos = slices.Grow(m.lastPos, len(missing))
	m.pages = slices.Grow(m.pages, len(missing))
	var fresh []int32
	var derived []*entry
	for k, i := range missing {
		src := sources[i]
		if s, ok := m.slots[src]; ok && m.keep { // the same new source twice
			slots[i] = s
			continue
		}
		var s int32
		if n := len(m.free); n > 0 {
			s, m.free = m.free[n-1], m.free[:n-1]
		} else {
			s = int32(len(m.ents))
			m.ents, m.used, m.lastPos, m.pages = append(m.ents, nil), append(m.used, 0), append(m.lastPos, 0), append(m.pages, nil)
		}
		e := &slab[k]
		m.derive(e, &pages[k], src, opts, ar)
		derived = append(derived, e)
		m.ents[s], m.used[s] = e, m.stamp
		if m.keep {
			m.slots[src] = s
		}
		slots[i] = s
		fresh = append(fresh, s)
	}
	for _, e := range derived {
		m.deriveRefs(e, ar)
	}
	m.byPath = m.insert(m.byPath, fresh, byPathOrder, false)
	m.byDate = m.insert(m.byDate, fresh, newestFirst, true)

	if m.keep {
		m.lastSrc = append(m.lastSrc[:0], sources...)
		m.lastSlot = append(m.lastSlot[:0], slots...)
		for i, s := range slots {
			m.lastPos[s] = int32(i)
		}
	}
	return slots
}

// insert returns the sorted list with the slots fresh (only the items if
// items is set) sorted in.
func (m *Memo) insert(list, fresh []int32, cmp func(a, b sortKey) int, items bool) []int32 {
	keys := make([]sortKey, 0, len(fresh))
	for _, s := range fresh {
		if !items || !m.ents[s].index {
			keys = append(keys, m.sortKey(s))
		}
	}
	if len(keys) == 0 {
		return list
	}
	slices.SortFunc(keys, cmp)
	if len(list) == 0 {
		list = make([]int32, len(keys))
		for i, k := range keys {
			list[i] = k.slot
		}
		return list
	}
	// Merge from the back, in place: each old entry moves up by the number of
	// new ones before it.
	end := len(list)
	list = slices.Grow(list, len(keys))[:end+len(keys)]
	for j := len(keys) - 1; j >= 0; j-- {
		k := keys[j]
		i := sort.Search(end, func(i int) bool { return cmp(m.sortKey(list[i]), k) > 0 })
		copy(list[i+j+1:], list[i:end])
		list[i+j] = k.slot
		end = i
	}
	return list
}

// remember keeps what the graph handed out for the next build.
func (m *Memo) remember(g *graph) {
	if n := len(g.ordOf); len(m.records) < n {
		m.records = append(m.records, make([]record, n-len(m.records))...)
	}
	// A reused page's record stands; new pages' records go at the end of
	// links, which is written afresh when it has grown to twice its size.
	all := len(m.links) > 2*m.linksWritten+1024
	if all {
		m.links = m.links[:0]
	}
	for slot, ord := range g.ordOf {
		if !all && (ord < 0 || !g.same[ord]) {
			// The page's old links are dead: let go of the pages they
			// hold, or each build's pages (and the lists they share
			// memory with) would stay until links is written afresh.
			r := m.records[slot]
			clear(m.links[r.from:r.to])
		}
		if ord < 0 {
			m.pages[slot] = nil
			m.records[slot] = record{}
			continue
		}
		if g.same[ord] && !all {
			continue
		}
		m.pages[slot] = g.page[ord]
		// As makePages linked the page, from the graph (which is faster to read than the page).
		trans := g.trans[g.transStart[ord]:g.transStart[ord+1]]
		r := record{from: int32(len(m.links)), trans: int32(len(trans)), shown: g.shown[ord], photo: g.photo[ord]}
		for _, t := range trans {
			m.links = append(m.links, g.page[t])
		}
		if e := g.employer[ord]; e >= 0 {
			m.links = append(m.links, g.page[e])
		}
		for _, t := range g.talents[g.talStart[ord]:g.talStart[ord+1]] {
			m.links = append(m.links, g.page[t])
		}
		r.to = int32(len(m.links))
		m.records[slot] = r
	}
	if all {
		m.linksWritten = len(m.links)
	}
	m.generated = make(map[generatedID]*Page, len(g.proto)-g.nSources)
	for ord := g.nSources; ord < len(g.proto); ord++ {
		p := g.page[ord]
		m.generated[generatedID{p.Path, p.Kind}] = p
	}
	m.photos = make(map[string]*Photo, len(g.photos))
	for _, ph := range g.photos {
		m.photos[ph.Source] = ph
	}
	s := g.s
	m.last = lastSite{Pages: s.Pages, Skipped: s.Skipped, Warnings: s.Warnings, Photos: s.Photos,
		present: s.present, files: s.files, keys: s.keys, langs: s.langs, unpublished: s.unpublished}
	m.unpublished = append(m.unpublished[:0], g.unpublished...)
	g.s = nil
	m.scratch = g
}
