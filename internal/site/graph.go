package site

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"kakehashi/internal/config"
	"kakehashi/internal/fileerr"
)

// graph is the state of one Build. Its first half works on page numbers
// (ords), given in the order pages are decided on: the sources' pages first
// (nSources of them), then the generated ones (homes and sections without an
// _index file, taxonomy indexes and terms). The *Page values are made last.
type graph struct {
	s     *Site
	m     *Memo
	stamp uint64
	nl    int // len(s.langs)
	// cfgLangs are the configured languages as indexes in s.langs; memoLang
	// maps an entry's language index to one in s.langs.
	cfgLangs []int
	memoLang []int

	// By ord.
	proto  []*Page  // what the page is before linking: an entry's page (read only) or a generated page
	slot   []int32  // memo slot of a source's page, -1 for a generated page
	key    []int32  // key number
	lang   []int32  // index in s.langs
	shown  []bool   // an unconsented page shown in a preview
	pushed []bool   // the page has its path (false: a term page whose path another page took)
	listOf []int32  // index in lists of a home, section or term page, else -1
	photo  []*Photo // set on sources' pages
	// employer and the talents of a source's page, from talStart[ord] to talStart[ord+1].
	employer []int32
	talStart []int32
	talents  []int32
	// Translations of each pushed page, from transStart[ord] to transStart[ord+1].
	transStart []int32
	trans      []int32
	lists      [][]int32 // the Pages of home, section and term pages
	nSources   int
	ordOf      []int32 // by memo slot, -1 for a source without a page

	// By key number and language: the page's ord (-1: none) and whether a file exists.
	rowOrd []int32
	files  []bool
	keys   []string
	// homes and sections (source or generated), in the order they were made.
	homesAndSections []int32
	genPaths         map[string]*pathSlot
	genKeys          map[string]*keySlot
	unpublished      []string // path and file of each skipped item, in turn
	photos           []*Photo
	skipped          []Skip
	warnings         []string
	termStart        []int32     // by source ord: its terms in termFlat, to the next one's start
	termFlat         []*termSlot // the terms of every source's page, in page order
	listed           []bool      // by source ord and configured language
	section          []int32     // by source ord: key number of its section's _index, -1 for none
	secKey           []*keySlot  // by source ord: its entry's secKey
	termPages        []int32     // pushed term pages
	sectionNames     []string    // the sections of the items
	indexKeys        []int32     // the numbers of sections' keys ("talents/_index")
	termLists        [][]int32   // the items of each term page
	present          []bool

	// Made by reuse and makePages.
	same []bool  // the memo's page for this ord is this page
	prev []*Page // the page the memo has for this ord, if any
	page []*Page
}

func newGraph(cfg *config.Config, fsys fs.FS, m *Memo, slots []int32) *graph {
	s := &Site{
		Config:   cfg,
		Home:     make(map[string]*Page, len(cfg.Languages)),
		Sections: make(map[string][]*Page, len(cfg.Languages)),
		terms:    map[string]*Page{},
		fsys:     fsys,
	}
	g := m.scratch
	m.scratch = nil
	if g == nil {
		g = &graph{}
	}
	*g = graph{
		s: s, m: m, stamp: m.stamp,
		cfgLangs: g.cfgLangs[:0], memoLang: g.memoLang[:0],
		proto: g.proto[:0], slot: g.slot[:0], key: g.key[:0], lang: g.lang[:0], shown: g.shown[:0],
		pushed: g.pushed[:0], listOf: g.listOf[:0], photo: g.photo[:0], employer: g.employer[:0],
		talStart: g.talStart[:0], talents: g.talents[:0], transStart: g.transStart[:0], trans: g.trans[:0],
		lists: g.lists[:0], ordOf: g.ordOf[:0], rowOrd: g.rowOrd[:0], files: g.files[:0], keys: g.keys[:0],
		homesAndSections: g.homesAndSections[:0], unpublished: g.unpublished[:0],
		photos: g.photos[:0], skipped: g.skipped[:0], warnings: g.warnings[:0], termStart: g.termStart[:0], termFlat: g.termFlat[:0],
		listed: g.listed[:0], section: g.section[:0], secKey: g.secKey[:0], termPages: g.termPages[:0], sectionNames: g.sectionNames[:0], indexKeys: g.indexKeys[:0], termLists: g.termLists[:0], present: g.present[:0],
		same: g.same[:0], prev: g.prev[:0], page: g.page[:0],
		genPaths: map[string]*pathSlot{}, genKeys: map[string]*keySlot{},
	}
	for _, l := range m.langs {
		g.memoLang = append(g.memoLang, s.langIndexOrAdd(l))
	}
	for _, l := range cfg.Languages {
		g.cfgLangs = append(g.cfgLangs, s.langIndex(l))
	}
	if m.foreign > 0 {
		// A language that is not the site's (only from a caller that did not use content.Load).
		for _, slot := range slots {
			if e := m.ents[slot]; e.lang < 0 {
				s.langIndexOrAdd(e.page.Lang)
			}
		}
	}
	g.nl = len(s.langs)
	g.ordOf = slices.Grow(g.ordOf, len(m.ents))[:len(m.ents)]
	for i := range g.ordOf {
		g.ordOf[i] = -1
	}
	return g
}

func (s *Site) langIndexOrAdd(lang string) int {
	if i := s.langIndex(lang); i >= 0 {
		return i
	}
	s.langs = append(s.langs, lang)
	return len(s.langs) - 1
}

// langIndex is lang's index in s.langs, or -1.
func (s *Site) langIndex(lang string) int {
	for i, l := range s.langs {
		if l == lang {
			return i
		}
	}
	return -1
}

// keyNumber numbers a key the first time the build meets it.
func (g *graph) keyNumber(k *keySlot) int32 {
	if k.stamp != g.stamp {
		k.stamp, k.id = g.stamp, int32(len(g.keys))
		g.keys = append(g.keys, k.key)
		for range g.nl {
			g.rowOrd = append(g.rowOrd, -1)
			g.files = append(g.files, false)
		}
		if k.index {
			g.indexKeys = append(g.indexKeys, k.id)
		}
	}
	return k.id
}

// newOrd numbers the page p.
func (g *graph) newOrd(p *Page, slot, k int32, l int, pushed, list bool) int32 {
	ord := int32(len(g.proto))
	g.proto = append(g.proto, p)
	g.slot = append(g.slot, slot)
	g.key = append(g.key, k)
	g.lang = append(g.lang, int32(l))
	g.shown = append(g.shown, false)
	g.pushed = append(g.pushed, pushed)
	g.listOf = append(g.listOf, -1)
	if pushed {
		g.rowOrd[int(k)*g.nl+l] = ord
		if list { // a home or section page
			g.homesAndSections = append(g.homesAndSections, ord)
			g.newList(ord)
		}
	}
	return ord
}

// newTermList starts a term's list, in memory of an earlier build's.
func (g *graph) newTermList() int32 {
	if len(g.termLists) < cap(g.termLists) {
		g.termLists = g.termLists[:len(g.termLists)+1]
		g.termLists[len(g.termLists)-1] = g.termLists[len(g.termLists)-1][:0]
	} else {
		g.termLists = append(g.termLists, nil)
	}
	return int32(len(g.termLists) - 1)
}

func (g *graph) newList(ord int32) {
	g.listOf[ord] = int32(len(g.lists))
	if len(g.lists) < cap(g.lists) {
		g.lists = g.lists[:len(g.lists)+1]
		g.lists[len(g.lists)-1] = g.lists[len(g.lists)-1][:0]
	} else {
		g.lists = append(g.lists, nil)
	}
}

// add numbers the page of every source whose consent allows it (or every
// source, for a preview of unconsented items) and records the others as skipped.
func (g *graph) add(slots []int32, unconsented bool) error {
	var errs []error
	var lastSection *keySlot
	for _, slot := range slots {
		e := g.m.ents[slot]
		k := g.keyNumber(e.key)
		l := g.langOf(e)
		g.files[int(k)*g.nl+l] = true
		ps := e.path.at(g.stamp)
		shown := false
		if !e.index {
			if !e.shown {
				g.skipped = append(g.skipped, e.skip)
				if !unconsented {
					g.unpublished = append(g.unpublished, ps.path, e.skip.File)
					ps.file = e.skip.File
					continue
				}
				shown = true
			}
			if !e.titled && !shown {
				errs = append(errs, fileerr.Errorf(e.src.Path, 1, "title is missing: every story needs a title"))
				continue
			}
		}
		if ps.ord >= 0 {
			errs = append(errs, fileerr.Errorf(e.src.Path, e.src.Line("slug"), "%s is also the address of %s: give one of them another slug", ps.path, g.proto[ps.ord].Source.Path))
			continue
		}
		if e.secKey != nil && e.secKey != lastSection {
			// An item in a section that may need a generated page.
			lastSection = e.secKey
			if sec := strings.TrimSuffix(e.secKey.key, "/_index"); sec != "" && !slices.Contains(g.sectionNames, sec) {
				g.sectionNames = append(g.sectionNames, sec)
			}
		}
		ord := g.newOrd(e.page, slot, k, l, true, e.index)
		g.secKey = append(g.secKey, e.secKey)
		g.shown[ord] = shown
		g.termStart = append(g.termStart, int32(len(g.termFlat)))
		g.termFlat = append(g.termFlat, e.terms...)
		g.ordOf[slot] = ord
		ps.ord = ord
	}
	g.nSources = len(g.proto)
	g.termStart = append(g.termStart, int32(len(g.termFlat)))
	return errors.Join(errs...)
}

func (g *graph) langOf(e *entry) int {
	if e.lang >= 0 {
		return g.memoLang[e.lang]
	}
	return g.s.langIndex(e.page.Lang)
}

func (g *graph) entry(ord int32) *entry { return g.m.ents[g.slot[ord]] }

// addGenerated adds the home and section pages that have no _index file.
func (g *graph) addGenerated() {
	names := g.sectionNames
	sort.Strings(names)
	for _, lang := range g.s.Config.Languages {
		g.generate(&Page{Kind: KindHome, Lang: lang, Key: "_index", Path: lang + "/", Title: g.s.Config.Title[lang]})
		for _, sec := range names {
			g.generate(&Page{Kind: KindSection, Lang: lang, Key: sec + "/_index", Section: sec, Slug: sec, Path: lang + "/" + sec + "/", Title: sec})
		}
	}
}

// generate numbers a page that no source makes. Unless its path is taken,
// the page is pushed: it is one of the site's pages and its key's page in
// its language.
func (g *graph) generate(p *Page) int32 {
	ks := g.m.keys[p.Key]
	if ks == nil {
		if ks = g.genKeys[p.Key]; ks == nil {
			ks = &keySlot{key: p.Key, index: strings.HasSuffix(p.Key, "/_index")}
			g.genKeys[p.Key] = ks
		}
	}
	k := g.keyNumber(ks)
	ps := g.m.paths[p.Path]
	if ps == nil {
		if ps = g.genPaths[p.Path]; ps == nil {
			ps = &pathSlot{path: p.Path}
			g.genPaths[p.Path] = ps
		}
	}
	pushed := ps.at(g.stamp).ord < 0
	ord := g.newOrd(p, -1, k, g.s.langIndex(p.Lang), pushed, p.Kind == KindHome || p.Kind == KindSection)
	if pushed {
		ps.ord = ord
	}
	return ord
}

// link resolves cross-references.
func (g *graph) link() {
	g.employer = slices.Grow(g.employer, g.nSources)[:g.nSources]
	g.talStart = slices.Grow(g.talStart, g.nSources+1)[:g.nSources+1]
	g.talStart[0] = 0
	for ord := range g.nSources {
		g.employer[ord] = -1
		e := g.entry(int32(ord))
		for i := range e.refs {
			r := &e.refs[i]
			if e.employer {
				g.employer[ord] = g.ref(e, SectionEmployers, r)
			} else if t := g.ref(e, SectionTalents, r); t >= 0 {
				g.talents = append(g.talents, t)
			}
		}
		g.talStart[ord+1] = int32(len(g.talents))
	}
}

// ref resolves a cross-reference from e's page to the item r.slug in
// section, in the page's language. A reference to a skipped or unknown item
// is dropped with a warning (whose text the entry keeps for the next build).
func (g *graph) ref(e *entry, section string, r *ref) int32 {
	to := r.to.at(g.stamp)
	if to.ord >= 0 {
		return to.ord
	}
	if r.warn == nil {
		r.warn = &warnings{}
	}
	w := r.warn
	if to.file != "" {
		if w.skippedFile != to.file {
			w.skippedFile, w.skipped = to.file, e.src.Path+": cross-reference to "+to.file+" dropped: it is not published"
		}
		g.warnings = append(g.warnings, w.skipped)
		return -1
	}
	if w.unknown == "" {
		what := "talents"
		if section == SectionEmployers {
			what = "employer"
		}
		w.unknown = fmt.Sprintf("%s: %s %q: no such item in %s/ (%s)", e.src.Path, what, r.slug, section, e.page.Lang)
	}
	g.warnings = append(g.warnings, w.unknown)
	return -1
}

// listedIn is Site.ListedIn for the source page ord, on the pages numbered so far.
func (g *graph) listedIn(ord int32, ci int) bool {
	own, l := int(g.lang[ord]), g.cfgLangs[ci]
	if own == l {
		return true
	}
	row := int(g.key[ord]) * g.nl
	if g.files[row+l] {
		return false
	}
	if langs := g.proto[ord].Consent.Languages; langs != nil && !slices.Contains(langs, g.s.langs[l]) {
		return false
	}
	// Of several foreign versions, list only the first in site language order.
	for _, c := range g.cfgLangs {
		if c == own {
			return true
		}
		if c != l && g.rowOrd[row+c] >= 0 {
			return false
		}
	}
	return true
}

// list fills the lists: each section's and home's items, and per language a
// page per term and an index of terms. Every list is newest first; as the
// memo holds every item in that order, each list is made in order, without a
// sort. Only published items count, so a term whose items are all skipped
// does not exist.
func (g *graph) list() {
	s := g.s
	langs := s.Config.Languages
	nc := len(langs)
	homes := make([]int32, nc) // list index of each language's home, -1 for none
	for ci, l := range g.cfgLangs {
		homes[ci] = -1
		for _, ord := range g.homesAndSections {
			if g.proto[ord].Kind == KindHome && int(g.lang[ord]) == l {
				homes[ci] = g.listOf[ord]
			}
		}
	}
	// First, in page order, what each item needs: in which languages it is
	// listed and the key number of its section's _index.
	g.listed = slices.Grow(g.listed, g.nSources*nc)[:g.nSources*nc]
	g.section = slices.Grow(g.section, g.nSources)[:g.nSources]
	listed := g.listed
	for ord := range g.nSources {
		g.section[ord] = -1
		sk := g.secKey[ord]
		if sk == nil { // not an item
			clear(listed[ord*nc : ord*nc+nc])
			continue
		}
		if sk.stamp == g.stamp {
			g.section[ord] = sk.id
		}
		for ci := range nc {
			listed[ord*nc+ci] = g.listedIn(int32(ord), ci)
		}
	}
	type term struct {
		page  *Page
		list  int32 // index in g.termLists
		first int32 // the first page in page order with the term: it names it
	}
	var terms []*term // by term number and language
	var made []*term
	for _, slot := range g.m.byDate {
		ord := g.ordOf[slot]
		if ord < 0 {
			continue
		}
		for ci, l := range g.cfgLangs {
			if !listed[int(ord)*nc+ci] {
				continue
			}
			if sk := g.section[ord]; sk >= 0 {
				if sec := g.rowOrd[int(sk)*g.nl+l]; sec >= 0 {
					if i := g.listOf[sec]; i >= 0 {
						g.lists[i] = append(g.lists[i], ord)
					}
				}
			}
			if i := homes[ci]; i >= 0 {
				g.lists[i] = append(g.lists[i], ord)
			}
			for i, ts := range g.termFlat[g.termStart[ord]:g.termStart[ord+1]] {
				if ts.stamp != g.stamp {
					ts.stamp, ts.id = g.stamp, int32(len(terms)/nc)
					terms = append(terms, make([]*term, nc)...)
				}
				tm := terms[int(ts.id)*nc+ci]
				if tm == nil {
					name, lang, word := Taxonomies[ts.tax].Name, langs[ci], g.entry(ord).words[i]
					tm = &term{page: &Page{Kind: KindTerm, Lang: lang, Key: name + "/" + ts.slug, Section: name, Slug: ts.slug,
						Path: lang + "/" + name + "/" + ts.slug + "/", Title: word, Taxonomy: name, Term: word}, first: ord, list: g.newTermList()}
					terms[int(ts.id)*nc+ci] = tm
					made = append(made, tm)
				} else if ord < tm.first {
					word := g.entry(ord).words[i]
					tm.first, tm.page.Title, tm.page.Term = ord, word, word
				}
				if list := &g.termLists[tm.list]; len(*list) == 0 || (*list)[len(*list)-1] != ord {
					*list = append(*list, ord)
				}
			}
		}
	}
	slices.SortFunc(made, func(a, b *term) int {
		return cmp.Or(strings.Compare(a.page.Taxonomy, b.page.Taxonomy), strings.Compare(a.page.Lang, b.page.Lang), strings.Compare(a.page.Slug, b.page.Slug))
	})
	index := int32(-1)
	for _, tm := range made {
		tp := tm.page
		if index < 0 || g.proto[index].Taxonomy != tp.Taxonomy || g.proto[index].Lang != tp.Lang {
			tax := tp.Taxonomy
			index = g.generate(&Page{Kind: KindTerms, Lang: tp.Lang, Key: tax + "/_index", Section: tax, Slug: tax,
				Path: tp.Lang + "/" + tax + "/", Title: tax, Taxonomy: tax})
			g.newList(index)
		}
		ord := g.generate(tp)
		if g.pushed[ord] {
			g.termPages = append(g.termPages, ord)
		}
		g.newList(ord)
		i := g.listOf[ord]
		g.lists[i] = append(g.lists[i], g.termLists[tm.list]...) // a copy: each slice is kept for the next build in one place
		g.lists[g.listOf[index]] = append(g.lists[g.listOf[index]], ord)
	}
}

// attachPhotos gives each page whose photo is consented a Photo. Translations
// share one copy, under the first consenting translation's folder (in site
// language order, then path order), so that a photo is published once. A
// photo placed as by the last build is that build's *Photo again.
func (g *graph) attachPhotos() error {
	g.photo = slices.Grow(g.photo, g.nSources)[:g.nSources]
	clear(g.photo)
	var with []int32
	for ord := range g.nSources {
		if g.entry(int32(ord)).photo {
			with = append(with, int32(ord))
		}
	}
	if len(with) == 0 {
		return nil
	}
	slices.SortFunc(with, func(a, b int32) int { return strings.Compare(g.proto[a].Path, g.proto[b].Path) })
	var errs []error
	placed := map[string]*Photo{} // source file → photo
	for _, lang := range g.s.Config.Languages {
		for _, ord := range with {
			p := g.proto[ord]
			if p.Lang != lang {
				continue
			}
			src := p.Source.Meta.Photo
			if ph := placed[src]; ph != nil {
				g.photo[ord] = ph
				continue
			}
			if err := g.s.checkPhoto(src); err != nil {
				errs = append(errs, fileerr.New(p.Source.Path, p.Source.Line("photo"), err))
				continue
			}
			ph := &Photo{Source: src, Path: p.Path + path.Base(src)}
			if old := g.m.photos[src]; old != nil && *old == *ph {
				ph = old
			}
			placed[src] = ph
			g.photo[ord] = ph
			g.photos = append(g.photos, ph)
		}
	}
	return errors.Join(errs...)
}

// translations lists the translations of every pushed page.
func (g *graph) translations() {
	n := len(g.proto)
	g.transStart = slices.Grow(g.transStart, n+1)[:n+1]
	g.transStart[0] = 0
	for ord := range n {
		if g.pushed[ord] {
			row := g.rowOrd[int(g.key[ord])*g.nl:][:g.nl]
			for _, l := range g.cfgLangs {
				if t := row[l]; t >= 0 && t != int32(ord) {
					g.trans = append(g.trans, t)
				}
			}
		}
		g.transStart[ord+1] = int32(len(g.trans))
	}
}

// reuse decides which pages the last build's page can stand for: those the
// memo has a page for that has the same fields and points to the same pages,
// which must themselves be reused.
func (g *graph) reuse() {
	n := len(g.proto)
	g.prev = slices.Grow(g.prev, n)[:n]
	g.same = slices.Grow(g.same, n)[:n]
	m := g.m
	for ord := range n {
		var q *Page
		if slot := g.slot[ord]; slot >= 0 {
			q = m.pages[slot]
		} else {
			q = m.generated[generatedID{g.proto[ord].Path, g.proto[ord].Kind}]
		}
		g.prev[ord] = q
	}
	for ord := range n {
		g.same[ord] = g.prev[ord] != nil && g.sameAs(int32(ord), g.prev[ord])
	}
	// A page that points to a page that is not reused is not reused either.
	for changed := true; changed; {
		changed = false
		for ord := range n {
			if g.same[ord] && !g.targetsSame(int32(ord)) {
				g.same[ord], changed = false, true
			}
		}
	}
}

// sameAs reports whether q has ord's fields and points to the pages the
// memo has for ord's targets.
func (g *graph) sameAs(ord int32, q *Page) bool {
	p := g.proto[ord]
	if slot := g.slot[ord]; slot >= 0 && g.listOf[ord] < 0 {
		// What q points to, as the memo noted it: no need to read q.
		r := &g.m.records[slot]
		if r.shown != g.shown[ord] || r.photo != g.photo[ord] {
			return false
		}
		links := g.m.links[r.from:r.to]
		trans := g.trans[g.transStart[ord]:g.transStart[ord+1]]
		if int(r.trans) != len(trans) {
			return false
		}
		i := 0
		for _, t := range trans {
			if links[i] != g.prev[t] {
				return false
			}
			i++
		}
		if e := g.employer[ord]; e >= 0 {
			if i == len(links) || links[i] != g.prev[e] {
				return false
			}
			i++
		}
		for _, t := range g.talents[g.talStart[ord]:g.talStart[ord+1]] {
			if i == len(links) || links[i] != g.prev[t] {
				return false
			}
			i++
		}
		return i == len(links)
	}
	if g.slot[ord] >= 0 {
		// q was made from the same entry.
		if q.Unconsented != g.shown[ord] || q.Photo != g.photo[ord] {
			return false
		}
	} else if q.Kind != p.Kind || q.Lang != p.Lang || q.Key != p.Key || q.Section != p.Section || q.Slug != p.Slug ||
		q.Path != p.Path || q.Title != p.Title || q.Taxonomy != p.Taxonomy || q.Term != p.Term {
		return false
	}
	samePages := func(list []*Page, ords []int32) bool {
		if len(list) != len(ords) {
			return false
		}
		for i, t := range ords {
			if list[i] != g.prev[t] {
				return false
			}
		}
		return true
	}
	if !samePages(q.Translations, g.trans[g.transStart[ord]:g.transStart[ord+1]]) {
		return false
	}
	if int(ord) < g.nSources {
		if e := g.employer[ord]; (e < 0 && q.Employer != nil) || (e >= 0 && q.Employer != g.prev[e]) {
			return false
		}
		if !samePages(q.Talents, g.talents[g.talStart[ord]:g.talStart[ord+1]]) {
			return false
		}
	}
	var list []int32
	if i := g.listOf[ord]; i >= 0 {
		list = g.lists[i]
	}
	return samePages(q.Pages, list)
}

// targetsSame reports whether every page ord points to is reused.
func (g *graph) targetsSame(ord int32) bool {
	for _, t := range g.trans[g.transStart[ord]:g.transStart[ord+1]] {
		if !g.same[t] {
			return false
		}
	}
	if int(ord) < g.nSources {
		if e := g.employer[ord]; e >= 0 && !g.same[e] {
			return false
		}
		for _, t := range g.talents[g.talStart[ord]:g.talStart[ord+1]] {
			if !g.same[t] {
				return false
			}
		}
	}
	if i := g.listOf[ord]; i >= 0 {
		for _, t := range g.lists[i] {
			if !g.same[t] {
				return false
			}
		}
	}
	return true
}

// makePages makes the pages that are not reused and links them.
func (g *graph) makePages() {
	n := len(g.proto)
	g.page = slices.Grow(g.page, n)[:n]
	fresh, links := 0, 0
	for ord := range n {
		if g.same[ord] {
			g.page[ord] = g.prev[ord]
			continue
		}
		if ord < g.nSources {
			fresh++
			links += int(g.talStart[ord+1] - g.talStart[ord])
		}
		links += int(g.transStart[ord+1] - g.transStart[ord])
		if i := g.listOf[ord]; i >= 0 {
			links += len(g.lists[i])
		}
	}
	var slab []Page
	for ord := range g.nSources {
		if !g.same[ord] {
			// An entry's page is handed out the first time; after that it is
			// copied, as it may be a page of an earlier build.
			p := g.proto[ord]
			if e := g.entry(int32(ord)); !e.given {
				e.given = true
			} else {
				if len(slab) == 0 {
					slab = make([]Page, fresh)
				}
				p, slab = &slab[0], slab[1:]
				*p = *g.proto[ord]
				p.Translations, p.Employer, p.Talents, p.Pages = nil, nil, nil, nil
			}
			fresh--
			p.Unconsented = g.shown[ord]
			p.Photo = g.photo[ord]
			g.page[ord] = p
		}
	}
	for ord := g.nSources; ord < n; ord++ {
		if !g.same[ord] {
			g.page[ord] = g.proto[ord] // made by this build
		}
	}
	ptrs := make([]*Page, 0, links)
	pages := func(ords []int32) []*Page {
		if len(ords) == 0 {
			return nil
		}
		start := len(ptrs)
		for _, t := range ords {
			ptrs = append(ptrs, g.page[t])
		}
		return ptrs[start:len(ptrs):len(ptrs)]
	}
	for ord := range n {
		if g.same[ord] {
			continue
		}
		p := g.page[ord]
		p.Translations = pages(g.trans[g.transStart[ord]:g.transStart[ord+1]])
		if ord < g.nSources {
			if e := g.employer[ord]; e >= 0 {
				p.Employer = g.page[e]
			}
			p.Talents = pages(g.talents[g.talStart[ord]:g.talStart[ord+1]])
		}
		if i := g.listOf[ord]; i >= 0 {
			p.Pages = pages(g.lists[i])
		}
	}
}

// finish fills the site's fields, reusing the last build's where they are
// equal, and keeps what the next build may reuse.
func (g *graph) finish() *Site {
	s, m := g.s, g.m
	for _, ord := range g.homesAndSections {
		p := g.page[ord]
		switch p.Kind {
		case KindHome:
			s.Home[p.Lang] = p
		case KindSection:
			s.Sections[p.Lang] = append(s.Sections[p.Lang], p)
		}
	}
	// The pages sorted by path: the sources' in the memo's order, the
	// generated ones sorted in.
	var gen []*Page
	for ord := g.nSources; ord < len(g.proto); ord++ {
		if g.pushed[ord] {
			gen = append(gen, g.page[ord])
		}
	}
	sortByPath(gen)
	pages := make([]*Page, 0, g.nSources+len(gen))
	for _, slot := range m.byPath {
		if ord := g.ordOf[slot]; ord >= 0 {
			pages = append(pages, g.page[ord])
		}
	}
	// The few generated pages go in from the back, each after a binary search.
	end := len(pages)
	pages = pages[:end+len(gen)]
	for j := len(gen) - 1; j >= 0; j-- {
		p := gen[j]
		i := sort.Search(end, func(i int) bool { return pages[i].Path > p.Path })
		copy(pages[i+j+1:], pages[i:end])
		pages[i+j] = p
		end = i
	}
	if slices.Equal(m.last.Pages, pages) {
		pages = m.last.Pages
	}
	s.Pages = pages

	// Which keys have pages in which languages, and the sections' pages, for ListedIn and Fallback.
	present := slices.Grow(g.present[:0], len(g.rowOrd))[:len(g.rowOrd)]
	g.present = present
	for i, ord := range g.rowOrd {
		present[i] = ord >= 0
	}
	if slices.Equal(m.last.langs, s.langs) {
		s.present, s.files, s.keys = reuseSlice(m.last.present, present), reuseSlice(m.last.files, g.files), reuseSlice(m.last.keys, g.keys)
	} else {
		s.present, s.files, s.keys = slices.Clone(present), slices.Clone(g.files), slices.Clone(g.keys)
	}
	s.sections = make(map[string][]*Page, len(g.indexKeys))
	for _, k := range g.indexKeys {
		row := make([]*Page, g.nl)
		for l, ord := range g.rowOrd[int(k)*g.nl:][:g.nl] {
			if ord >= 0 {
				row[l] = g.page[ord]
			}
		}
		s.sections[g.keys[k]] = row
	}

	// As the last build's, they are in order; else sorted by file.
	if len(g.skipped) == 0 || !slices.Equal(m.last.Skipped, g.skipped) {
		if !slices.IsSortedFunc(g.skipped, bySkipFile) {
			slices.SortStableFunc(g.skipped, bySkipFile)
		}
	}
	s.Skipped = reuseSlice(m.last.Skipped, g.skipped)
	s.Warnings = reuseSlice(m.last.Warnings, g.warnings)
	s.Photos = reuseSlice(m.last.Photos, g.photos)
	for _, ord := range g.termPages {
		s.terms[g.proto[ord].Path] = g.page[ord]
	}
	if slices.Equal(g.unpublished, m.unpublished) && m.last.unpublished != nil {
		s.unpublished = m.last.unpublished
	} else {
		s.unpublished = make(map[string]string, len(g.unpublished)/2)
		for i := 0; i < len(g.unpublished); i += 2 {
			s.unpublished[g.unpublished[i]] = g.unpublished[i+1]
		}
	}
	if m.keep {
		m.remember(g)
	}
	return s
}

func bySkipFile(a, b Skip) int { return strings.Compare(a.File, b.File) }

// reuseSlice returns last if it equals s, else a copy of s (nil if empty):
// s is the graph's, to be used again.
func reuseSlice[T comparable](last, s []T) []T {
	switch {
	case len(s) == 0:
		return nil
	case slices.Equal(last, s):
		return last
	}
	return slices.Clone(s)
}
