package leakscan

import (
	"bytes"
	"cmp"
	"slices"
	"sync"
	"unicode/utf8"
)

// Needle is a string that must not appear in the output.
type Needle struct {
	Text  string // what must not appear
	Kind  string // e.g. "real name", "title", "slug", "sentence" (reported back)
	Owner string // who it belongs to, e.g. "talents/amina-k" (reported back)
}

// Match is one place where a needle was found.
type Match struct {
	Needle    Needle
	Line, Col int // 1-based position of Offset in the original text (Col in bytes)
	Offset    int // byte offset of the start of the match in the original text
	End       int // byte offset just after the match in the original text
}

type config struct {
	minRunes int
	mode     mode
	memo     *Memo
	longFrom int // keys this long are long keys (see longkeys.go)
	minShort int // fewer keys with short windows than this go to the automaton
}

// Option configures a Scanner.
type Option func(*config)

// WithMinRunes ignores needles whose normal form has fewer than n runes,
// not counting spaces (default 4), so that short names like "Li" do not
// match everywhere.
func WithMinRunes(n int) Option { return func(c *config) { c.minRunes = n } }

// WithHTML reads the text as HTML or XML: character references are
// decoded, tags are zero-width, and the insides of tags and comments are
// scanned on their own.
func WithHTML() Option { return func(c *config) { c.mode |= mEntities | mTags } }

// WithEntities decodes HTML character references only (for Markdown, which
// allows them).
func WithEntities() Option { return func(c *config) { c.mode |= mEntities } }

// WithEscapes decodes JSON and JavaScript backslash escapes and URL
// percent-escapes (for .json and .js output, and inline scripts).
func WithEscapes() Option { return func(c *config) { c.mode |= mEscapes } }

// Set is a compiled set of needles: their normal forms, the rules each
// is matched by, and the automaton over them. Compiling is the costly part
// of a Scanner; a Set gives Scanners for any mode (plain text, HTML,
// JSON) that share it, so the same needles are compiled once. It is
// immutable and safe for concurrent use.
type Set struct {
	compiled
}

// compiled is what a Set holds and its Scanners share.
type compiled struct {
	minRunes int
	needles  []Needle
	ignored  []Needle
	keys     []keyInfo
	pats     []pattern
	ac       automaton // the keys shorter than longFrom
	long     longKeys  // the others
	inKey    [256]bool // bytes that occur in some key
	maxKey   int
	fp       [2]uint64 // fingerprint of what is matched (needle texts, minRunes), for memo entries
}

// Scanner finds needles in texts. It is safe for concurrent use.
type Scanner struct {
	*compiled
	set  *Set
	cfg  config
	memo *memoScan // nil without a memo
	pool sync.Pool
}

// keyInfo is one distinct normalised key (without spaces) and the needles
// that have it.
type keyInfo struct {
	n    int     // length in bytes
	pats []int32 // indices into Scanner.pats
}

// pattern is one needle as matched.
type pattern struct {
	needle     int32    // index into Scanner.needles
	wsOK       []uint64 // bit k: white space may stand before key byte k
	checkStart bool     // the needle starts with a spaced-script letter or digit
	checkEnd   bool     // the needle ends with one
}

// New builds a Scanner for the needles. It is Compile(needles,
// opts...).Scanner(opts...): to scan the same needles in several modes,
// compile them once and ask the Set for each Scanner.
func New(needles []Needle, opts ...Option) *Scanner {
	return Compile(needles, opts...).Scanner(opts...)
}

// Compile compiles the needles for Scanners of any mode. Of the options
// only WithMinRunes matters here; the others are the Scanner's.
func Compile(needles []Needle, opts ...Option) *Set {
	cfg := config{minRunes: 4, longFrom: minLong, minShort: minShortKeys}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Set{compiled{minRunes: cfg.minRunes}}
	s.needles = slices.Clone(needles)
	keyIndex := make(map[string]int32, len(needles))
	var keys [][]byte
	norm := newStream(nil, nil, 0, 0)
	for i, nd := range s.needles {
		key, gaps := normalizeKey(norm, nd.Text)
		if len(key) == 0 || utf8.RuneCount(key) < s.minRunes {
			s.ignored = append(s.ignored, nd)
			continue
		}
		ki, ok := keyIndex[string(key)]
		if !ok {
			ki = int32(len(keys))
			keyIndex[string(key)] = ki
			keys = append(keys, key)
			s.keys = append(s.keys, keyInfo{n: len(key)})
			s.maxKey = max(s.maxKey, len(key))
		}
		first, _ := utf8.DecodeRune(key)
		last, _ := utf8.DecodeLastRune(key)
		s.keys[ki].pats = append(s.keys[ki].pats, int32(len(s.pats)))
		s.pats = append(s.pats, pattern{
			needle:     int32(i),
			wsOK:       wsAllowed(key, gaps),
			checkStart: isSpacedWord(first),
			checkEnd:   isSpacedWord(last),
		})
	}
	from := max(cfg.longFrom, minLong)
	if from < minLong2 {
		short := 0
		for _, k := range keys {
			if len(k) >= from && len(k) < minLong2 {
				short++
			}
		}
		if short < cfg.minShort {
			from = minLong2
		}
	}
	isLong := func(key []byte) bool { return len(key) >= from }
	s.ac = buildAutomaton(shortKeys(keys, isLong))
	s.long = buildLongKeys(keys, isLong)
	s.inKey = keyBytes(keys)
	s.fp = fingerprint(s.needles, s.minRunes)
	return s
}

// Scanner returns a Scanner of the set's needles in the mode the options
// give (WithHTML, WithEntities, WithEscapes; none for plain text). A
// WithMinRunes among them must be the one the set was compiled with.
// Making a Scanner costs next to nothing: call it as often as needed.
func (s *Set) Scanner(opts ...Option) *Scanner {
	sc := &Scanner{compiled: &s.compiled, set: s, cfg: config{minRunes: s.minRunes}}
	for _, o := range opts {
		o(&sc.cfg)
	}
	if sc.cfg.minRunes != s.minRunes {
		panic("leakscan: Set.Scanner with another WithMinRunes than Compile")
	}
	if sc.cfg.memo != nil {
		sc.memo = newMemoScan(sc)
	}
	sc.pool.New = func() any { return sc.newCtx() }
	return sc
}

// Ignored returns the needles that are never matched because their normal
// form is shorter than the minimum (or empty), in the order given to
// Compile.
func (s *Set) Ignored() []Needle { return slices.Clone(s.ignored) }

// wsAllowed returns the bit set of key positions where haystack white space
// is allowed: where the needle had a space, and between two characters of
// scripts whose names are often written either way.
func wsAllowed(key []byte, gaps []int) []uint64 {
	bits := make([]uint64, (len(key)+63)/64)
	set := func(k int) { bits[k/64] |= 1 << (k % 64) }
	for _, g := range gaps {
		set(g)
	}
	prev := rune(-1)
	for k := 0; k < len(key); {
		r, size := utf8.DecodeRune(key[k:])
		if k > 0 && isDenseScript(prev) && isDenseScript(r) {
			set(k)
		}
		prev = r
		k += size
	}
	return bits
}

func (p *pattern) wsAt(k int) bool { return p.wsOK[k/64]&(1<<(k%64)) != 0 }

// Ignored returns the needles that are never matched because their normal
// form is shorter than the minimum (or empty), in the order given to New.
func (s *Scanner) Ignored() []Needle { return s.set.Ignored() }

// Find returns all matches in text, ordered by Offset, then End, then the
// order of the needles given to New. Overlapping matches are all reported.
func (s *Scanner) Find(text []byte) []Match {
	if len(s.pats) == 0 {
		return nil
	}
	ctx := s.pool.Get().(*findCtx)
	defer s.pool.Put(ctx)
	ctx.run(text, false)
	if len(ctx.raw) == 0 {
		return nil
	}
	slices.SortFunc(ctx.raw, compareRaw)
	out := make([]Match, len(ctx.raw))
	lc := lineCounter{text: text}
	for i, r := range ctx.raw {
		out[i] = s.match(r, &lc)
	}
	return out
}

// First returns the match that Find would return first. It stops reading
// the text soon after the first match.
func (s *Scanner) First(text []byte) (Match, bool) { return s.first(text, nil) }

// FirstOf returns the match that Find would return first among those
// whose needle counts. Only that match is given its line: a scanner of a
// set compiled from more needles than count (the guard's, see
// publish.NewScannersFrom) meets the others on most pages, and Find
// numbered the line of each.
func (s *Scanner) FirstOf(text []byte, counts func(Needle) bool) (Match, bool) {
	return s.first(text, counts)
}

// first is First (counts nil: every needle counts, and the scan stops
// soon after the first match) and FirstOf.
func (s *Scanner) first(text []byte, counts func(Needle) bool) (Match, bool) {
	if len(s.pats) == 0 {
		return Match{}, false
	}
	ctx := s.pool.Get().(*findCtx)
	defer s.pool.Put(ctx)
	ctx.run(text, counts == nil)
	var best raw
	found := false
	for _, r := range ctx.raw {
		if (!found || compareRaw(r, best) < 0) && (counts == nil || counts(s.needles[r.needle])) {
			best, found = r, true
		}
	}
	if !found {
		return Match{}, false
	}
	lc := lineCounter{text: text}
	return s.match(best, &lc), true
}

func (s *Scanner) match(r raw, lc *lineCounter) Match {
	line, col := lc.pos(r.off)
	return Match{Needle: s.needles[r.needle], Line: line, Col: col, Offset: r.off, End: r.end}
}

// raw is a match before positions are turned into lines.
type raw struct {
	needle   int32
	off, end int
}

func compareRaw(a, b raw) int {
	if c := cmp.Compare(a.off, b.off); c != 0 {
		return c
	}
	if c := cmp.Compare(a.end, b.end); c != 0 {
		return c
	}
	return cmp.Compare(a.needle, b.needle)
}

// lineCounter turns increasing offsets into lines and columns in one pass.
type lineCounter struct {
	text      []byte
	at        int // offsets before this are counted
	line      int // line at `at`, minus one
	lineStart int
}

func (lc *lineCounter) pos(off int) (line, col int) {
	if off < lc.at { // not increasing: start over
		lc.at, lc.line, lc.lineStart = 0, 0, 0
	}
	seg := lc.text[lc.at:off]
	// Counted first: minified HTML has no newlines, and LastIndexByte,
	// a byte at a time, would walk all of a large page for nothing.
	if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
		lc.line += n
		lc.lineStart = lc.at + bytes.LastIndexByte(seg, '\n') + 1
	}
	lc.at = off
	return lc.line + 1, off - lc.lineStart + 1
}

// findCtx is the per-call state of Find; pooled, so a call allocates
// nothing but its result.
type findCtx struct {
	s      *Scanner
	main   *stream
	raw    []raw
	first  bool // stop soon after the first match
	stopAt int  // main stream position after which no earlier match can come

	clean *cleanInsides // tag insides in which no key was found (with tags only)
}

func (s *Scanner) newCtx() *findCtx {
	ctx := &findCtx{s: s}
	hist := s.maxKey + 2*utf8.UTFMax
	ctx.main = newStream(s, ctx, s.cfg.mode, hist)
	if s.cfg.mode&mTags != 0 {
		ctx.main.sub = newStream(s, ctx, s.cfg.mode&^mTags, hist)
		ctx.clean = new(cleanInsides)
	}
	return ctx
}

func (ctx *findCtx) run(text []byte, first bool) {
	ctx.raw = ctx.raw[:0]
	ctx.first = first
	ctx.stopAt = -1
	if ctx.s.memo != nil {
		ctx.runMemo(text)
		return
	}
	ctx.main.run(text, 0)
}

// stop reports whether First has read far enough: the main stream is past
// the point after which no match can come that sorts before one found.
func (ctx *findCtx) stop() bool {
	return ctx.first && ctx.stopAt >= 0 && ctx.main.pos0+ctx.main.m > ctx.stopAt
}

// accept records a match found by st, whose last byte is at window index p.
func (ctx *findCtx) accept(st *stream, m raw, p int) {
	ctx.raw = append(ctx.raw, m)
	if !ctx.first {
		return
	}
	// Any match not yet seen that sorts before m must start before the
	// main stream's current position, so it ends within the longest key
	// (plus a segment, which may share m's offset) from here.
	main := ctx.main
	w := main.pos0 + main.w
	if st == main {
		w = main.pos0 + p
	}
	stop := w + ctx.s.maxKey + 4*segCap
	if ctx.stopAt < 0 || stop < ctx.stopAt {
		ctx.stopAt = stop
	}
}

// run normalises and matches a whole text.
func (st *stream) run(text []byte, base int) {
	st.reset(base)
	i := 0
	for {
		i = st.fill(text, i, len(text))
		done := i >= len(text)
		if done && st.segN > 0 {
			st.flushSeg()
		}
		st.scan(done)
		if done {
			return
		}
		if st == st.ctx.main && st.ctx.stop() {
			return
		}
		st.slide()
	}
}

// slide drops matched bytes from the window, keeping enough history to
// check a candidate ending in the next chunk.
func (st *stream) slide() {
	d := st.w - st.hist
	if d <= 0 {
		return
	}
	copy(st.buf, st.buf[d:st.w])
	st.pos0 += d
	st.w -= d
	st.m -= d
	// Keep the anchor covering the new buf[0] and those after it.
	if k := st.anchorAt(0); k > 0 {
		st.anchors = st.anchors[:copy(st.anchors, st.anchors[k:])]
	}
}

// scan runs the automaton over the new bytes of the window.
func (st *stream) scan(done bool) {
	if len(st.waiting) > 0 && st.m < st.w {
		st.settle(st.m)
	}
	a := &st.sc.ac
	buf := st.buf[:st.w]
	p, s := st.m, st.state
	for {
		var t uint32
		p, t = a.advance(buf, p, s)
		if p == len(buf) {
			s = t
			break
		}
		s = t &^ outFlag
		st.report(p, a.id(s))
		p++
	}
	st.state = s
	st.scanLong()
	st.m = st.w
	if done && len(st.waiting) > 0 {
		st.settle(-1)
	}
}

// report handles every key that ends at window index p in state s.
func (st *stream) report(p int, s uint32) {
	st.reports++
	a := &st.sc.ac
	o := int32(s)
	if a.out[o] == none {
		o = a.dict[o]
	}
	for o != none {
		st.candidate(p, a.out[o])
		o = a.dict[o]
	}
}

// candidate checks the needles whose key ends at window index p.
func (st *stream) candidate(p int, key int32) {
	sc := st.sc
	k := &sc.keys[key]
	s := p - k.n + 1
	for _, pi := range k.pats {
		pat := &sc.pats[pi]
		if !st.spacesOK(s, k.n, pat) || pat.checkStart && !st.startOK(s) {
			continue
		}
		m := raw{needle: pat.needle, off: st.startOf(s), end: st.endOf(p)}
		if pat.checkEnd {
			if p+1 >= st.w {
				st.waiting = append(st.waiting, m) // the next rune is not read yet
				continue
			}
			if !st.boundaryAt(p + 1) {
				continue
			}
		}
		st.ctx.accept(st, m, p)
	}
}

// settle decides the waiting matches now that the rune at window index q
// is known (q < 0: the text ended).
func (st *stream) settle(q int) {
	if q < 0 || st.boundaryAt(q) {
		p := q
		if q < 0 {
			p = st.w
		}
		for _, m := range st.waiting {
			st.ctx.accept(st, m, p)
		}
	}
	st.waiting = st.waiting[:0]
}

// spacesOK reports whether the haystack has white space inside the match
// of n bytes at window index s only where the needle allows it.
func (st *stream) spacesOK(s, n int, pat *pattern) bool {
	from := st.pos0 + s
	for k := st.anchorAt(s) + 1; k < len(st.anchors); k++ {
		a := &st.anchors[k]
		if a.pos >= from+n {
			break
		}
		if a.flags&fBreak != 0 || a.flags&fWS != 0 && !pat.wsAt(a.pos-from) {
			return false
		}
	}
	return true
}

// startOK reports whether a match starting at window index s is not the
// tail of a longer word.
func (st *stream) startOK(s int) bool {
	if st.pos0+s == 0 || st.flagsAt(s)&(fWS|fTag) != 0 {
		return true
	}
	k := s - 1
	for k > 0 && st.buf[k]&0xc0 == 0x80 {
		k--
	}
	r, _ := utf8.DecodeRune(st.buf[k:s])
	return !continuesWord(r)
}

// boundaryAt reports whether the rune at window index q does not continue
// the word before it.
func (st *stream) boundaryAt(q int) bool {
	if st.flagsAt(q)&(fWS|fTag) != 0 {
		return true
	}
	r, _ := utf8.DecodeRune(st.buf[q:st.w])
	return !continuesWord(r)
}
