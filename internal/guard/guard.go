// Package guard knows what must never be published: the fingerprints of
// skipped items and of real names given without consent. It fails a build
// whose published sources name a person who did not consent, and hands the
// fingerprints to the publish funnel, which scans every output file for them.
package guard

import (
	"bytes"
	"cmp"
	"errors"
	"iter"
	"maps"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"kakehashi/internal/byteset"
	"kakehashi/internal/content"
	"kakehashi/internal/fileerr"
	"kakehashi/internal/leakscan"
	"kakehashi/internal/site"
)

// Kinds of fingerprints.
const (
	KindRealName = "real name"
	KindTitle    = "title"
	KindSlug     = "slug"
	KindAlias    = "alias"
	KindCompany  = "company"
	KindSentence = "sentence"
	KindRecord   = "consent record"
)

// recordKeys hold consent records and the real name itself: in front matter
// they are where the name belongs, and they are never rendered.
var recordKeys = []string{"name", "given_by", "approved_by", "note"}

// sentencesPerItem is how many of a skipped item's longest sentences are fingerprinted.
const sentencesPerItem = 3

// minSentenceRunes keeps short, common sentences ("Thank you.") from being fingerprints.
const minSentenceRunes = 20

// Fingerprints is the result of checking a site.
type Fingerprints struct {
	// Needles are what the output must not contain.
	Needles []leakscan.Needle
	// Compiled is Needles compiled for scanning, together with needles that
	// are no fingerprints (text that published sources share): a scanner
	// made from it must ignore matches of needles not in Needles.
	Compiled *leakscan.Set
	key      string
}

// Check collects the fingerprints of s and fails when a published source
// contains a real name that is not consented (naming file and line).
func Check(s *site.Site) (*Fingerprints, error) { return new(Checker).Check(s) }

// Checker is Check for successive builds of one site (the preview server):
// while the fingerprints stay the same, a source that was scanned before (the
// same *content.Source) is not scanned again. The zero Checker is ready.
type Checker struct {
	mu        sync.Mutex
	norm      map[string]string
	sentences map[*content.Source][]string

	// The needles of the last call and the sources they were collected
	// from: while those are the same, so are the needles.
	uses          []sourceUse // nil before the first call
	names, others []leakscan.Needle
	othersNorm    []string // others' normal forms
	key           string
	set           *leakscan.Set
	scan          *leakscan.Scanner
	matches       map[*content.Source][]leakscan.Match
	last          *Fingerprints
	collected     uint64 // how many times the needles were collected

	// The published sources of the last call and what was found in each,
	// and the same of the call before (whose room is reused).
	lastPublished, published []*content.Source
	lastFound, found         [][]leakscan.Match
	// The needles of last were collected as collected was lastCollected,
	// and lastShared were found in published sources.
	lastCollected uint64
	lastShared    map[string]bool
}

// Check is the package's Check, reusing what the last call found.
func (c *Checker) Check(s *site.Site) (*Fingerprints, error) {
	names, others := c.needles(s)

	// A real name in a published source is a hard error; any other fingerprint
	// found in published sources is text the site publishes legitimately (a
	// quote, a shared heading) and so no fingerprint at all.
	// The slices of the call before the last are reused: a preview checks often.
	published := c.published[:0]
	for _, p := range s.Pages {
		if p.Source != nil {
			published = append(published, p.Source)
		}
	}
	// One pass over every published source finds both kinds; sources are
	// scanned in parallel and the findings kept in source order.
	if c.scan == nil || c.set == nil {
		all := append(append([]leakscan.Needle(nil), names...), others...)
		c.set, c.matches = leakscan.Compile(all), map[*content.Source][]leakscan.Match{}
		c.scan = c.set.Scanner(leakscan.WithEntities())
		c.lastPublished = nil
	}
	// Sources scanned before keep their findings; the others (after an
	// edit, one) are scanned in parallel.
	found := slices.Grow(c.found[:0], len(published))[:len(published)]
	var todo []int
	for i, src := range published {
		// Sources come in page order, so after an edit nearly every one is
		// at its place of the last call: found without a lookup.
		if i < len(c.lastPublished) && c.lastPublished[i] == src {
			found[i] = c.lastFound[i]
		} else if m, ok := c.matches[src]; ok {
			found[i] = m
		} else {
			todo = append(todo, i)
		}
	}
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(todo))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var text []byte // the source without emphasis, reused: the scan keeps none of it
			for k := w; k < len(todo); k += workers {
				src := published[todo[k]]
				text = withoutEmphasis(text[:0], src.Raw)
				// Matches on the lines that record consent (where the name
				// belongs) are dropped once, when the source is scanned.
				found[todo[k]] = slices.DeleteFunc(c.scan.Find(text), func(m leakscan.Match) bool { return isRecordLine(src, m.Line) })
			}
		}(w)
	}
	wg.Wait()
	for _, i := range todo {
		c.matches[published[i]] = found[i]
	}
	c.published, c.lastPublished = c.lastPublished, published
	c.found, c.lastFound = c.lastFound, found
	c.prune(s, len(published))
	var errs []error
	shared := map[string]bool{}
	for i, src := range published {
		for _, m := range found[i] {
			if m.Needle.Kind == KindRealName {
				errs = append(errs, fileerr.Errorf(src.Path, m.Line, "real name of %s is not consented for publication: use the alias instead", slugOf(m.Needle.Owner)))
			} else {
				shared[c.normalize(m.Needle.Text)] = true
			}
		}
	}
	if err := errors.Join(dedupeErrors(errs)...); err != nil {
		return nil, err
	}
	// The same needles, less the same shared ones: the same fingerprints,
	// and their key computed once.
	if c.last != nil && c.last.Compiled == c.set && c.lastCollected == c.collected && maps.Equal(shared, c.lastShared) {
		return c.last, nil
	}
	fp := &Fingerprints{Needles: names, Compiled: c.set}
	for i, n := range others {
		// A skipped item's address stays a fingerprint even where a published
		// source links to it: the link guard removes such links, so the
		// address must not survive into the output.
		if n.Kind == KindSlug || !shared[c.othersNorm[i]] {
			fp.Needles = append(fp.Needles, n)
		}
	}
	c.lastCollected, c.lastShared = c.collected, shared
	fp.key = needlesKey(fp.Needles)
	c.last = fp
	return fp, nil
}

// needles collects the fingerprints of s: real names on one side, everything
// else on the other, each deduplicated. They depend on the sources alone
// (their text, whether they are published, whether their name is
// consented): while those are the same, the last call's needles are reused,
// and with them the compiled set and the findings per source.
func (c *Checker) needles(s *site.Site) (names, others []leakscan.Needle) {
	if u := uses(s); c.uses == nil || !sameNeedles(u, c.uses) {
		names, others = c.collect(s)
		c.uses, c.names, c.others = u, names, others
		c.collected++
		c.othersNorm = make([]string, len(others))
		for i, n := range others {
			c.othersNorm[i] = c.normalize(n.Text)
		}
		if key := needlesKey(append(slices.Clip(names), others...)); key != c.key {
			c.key, c.set, c.scan = key, nil, nil
		}
	}
	return c.names, c.others
}

// sourceUse is one source as the needles see it: published or skipped, and
// whether its real name may be shown.
type sourceUse struct {
	src                 *content.Source
	published, realName bool
}

// uses lists the sources of s that needles come from, in a fixed order.
func uses(s *site.Site) []sourceUse {
	out := make([]sourceUse, 0, len(s.Pages)+len(s.Skipped))
	for _, p := range s.Pages {
		if p.Source != nil && !p.Source.IsIndex {
			out = append(out, sourceUse{p.Source, true, p.Consent.RealName})
		}
	}
	for _, sk := range s.Skipped {
		out = append(out, sourceUse{src: sk.Source})
	}
	return out
}

// sameNeedles reports whether two lists of source uses give the same
// needles. Of a published source, what counts is its key (which story it
// belongs to), title, real name and consent records: an edit of its body
// changes none of them. Of a skipped source, all of it counts (its address,
// alias, company and sentences are fingerprints too). The comparison is
// exact; a file saved unchanged compares equal although it is a new Source.
func sameNeedles(a, b []sourceUse) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x.published != y.published || x.realName != y.realName {
			return false
		}
		if !x.published {
			if x.src.Path != y.src.Path || !bytes.Equal(x.src.Raw, y.src.Raw) {
				return false
			}
			continue
		}
		if x.src.Key != y.src.Key || x.src.Meta.Title != y.src.Meta.Title || x.src.Meta.Name != y.src.Meta.Name {
			return false
		}
		for _, k := range recordKeys[1:] {
			t1, _ := recordText(x.src, k)
			t2, _ := recordText(y.src, k)
			if t1 != t2 {
				return false
			}
		}
	}
	return true
}

// collect gathers the needles of s afresh.
func (c *Checker) collect(s *site.Site) (names, others []leakscan.Needle) {
	groups := c.group(s)
	for _, key := range sortedKeys(groups) {
		g := groups[key]
		owner := key
		if !g.nameAllowed {
			for _, src := range g.all {
				if src.Meta.Name != "" {
					names = append(names, leakscan.Needle{Text: src.Meta.Name, Kind: KindRealName, Owner: owner})
				}
				if gb, ok := recordText(src, "given_by"); ok {
					names = append(names, leakscan.Needle{Text: gb, Kind: KindRealName, Owner: owner})
				}
			}
		}
		for _, src := range g.all {
			for _, k := range []string{"approved_by", "note"} {
				if v, ok := recordText(src, k); ok {
					others = append(others, leakscan.Needle{Text: v, Kind: KindRecord, Owner: owner})
				}
			}
		}
		published := map[string]bool{}
		for _, t := range g.publishedTitles {
			if len(g.skipped) > 0 {
				published[c.normalize(t)] = true
			}
		}
		for _, src := range g.skipped {
			add := func(kind, text string) {
				if strings.TrimSpace(text) != "" && !published[c.normalize(text)] {
					others = append(others, leakscan.Needle{Text: text, Kind: kind, Owner: owner})
				}
			}
			add(KindTitle, src.Meta.Title)
			for _, sentence := range c.distinctiveSentences(src) {
				add(KindSentence, sentence)
			}
			if len(g.published) == 0 {
				// A slug is often a plain word ("draft", "news"): fingerprint the
				// address it would have, which only a link to the item contains.
				add(KindSlug, path.Join(src.Section, src.Slug)+"/")
				add(KindAlias, src.Meta.Alias)
				add(KindCompany, src.Meta.Company)
			}
		}
	}
	return c.dedupe(names), c.dedupe(others)
}

type itemGroup struct {
	all, skipped, published []*content.Source
	nameAllowed             bool
	// publishedTitles are the titles of the published translations, which are
	// not fingerprints even if a skipped translation shares them.
	publishedTitles []string
}

func (c *Checker) group(s *site.Site) map[string]*itemGroup {
	groups := map[string]*itemGroup{}
	get := func(key string) *itemGroup {
		g := groups[key]
		if g == nil {
			g = &itemGroup{}
			groups[key] = g
		}
		return g
	}
	for _, p := range s.Pages {
		if p.Source == nil || p.Source.IsIndex {
			continue
		}
		g := get(p.Key)
		g.all = append(g.all, p.Source)
		g.published = append(g.published, p.Source)
		g.publishedTitles = append(g.publishedTitles, p.Title)
		if p.Consent.RealName {
			g.nameAllowed = true
		}
	}
	for _, sk := range s.Skipped {
		g := get(sk.Source.Key)
		g.all = append(g.all, sk.Source)
		g.skipped = append(g.skipped, sk.Source)
	}
	return groups
}

func sortedKeys(m map[string]*itemGroup) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func recordText(src *content.Source, key string) (string, bool) {
	block, _ := src.Front["consent"].(map[string]any)
	v, ok := block[key].(string)
	if !ok {
		v, ok = src.Front[key].(string)
	}
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

// isRecordLine reports whether line of src is a front matter line setting one
// of the record keys (where a real name legitimately stands).
func isRecordLine(src *content.Source, line int) bool {
	if line >= src.BodyLine {
		return false
	}
	text := lineText(src.Raw, line)
	t := strings.TrimLeft(text, " \t")
	for _, k := range recordKeys {
		if rest, ok := strings.CutPrefix(t, k); ok {
			rest = strings.TrimLeft(rest, " \t")
			if strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "=") {
				return true
			}
		}
	}
	return false
}

func lineText(data []byte, line int) string {
	for i := 1; i < line; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return ""
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return string(data)
}

// distinctiveSentences returns the longest plain sentences of a Markdown body:
// long enough to be unique to the story, free of markup so that they read the
// same in the rendered output.
func distinctiveSentences(body []byte) []string {
	type sentence struct {
		text  []byte
		runes int
	}
	var found []sentence
	// Line by line in place: a story is read this way once per build, and
	// a copy of it split into lines was most of the cost.
	for rest := body; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || strings.IndexByte("#|>-+0123456789", line[0]) >= 0 {
			continue
		}
		for s := range sentences(line) {
			if len(s) < minSentenceRunes {
				continue // fewer bytes than runes needed
			}
			if n := utf8.RuneCount(s); n >= minSentenceRunes && !bytes.ContainsAny(s, "*_[]()`<>|\\{}^~") {
				found = append(found, sentence{s, n})
			}
		}
	}
	// Longest first (counted once each: the sort compares often).
	slices.SortStableFunc(found, func(a, b sentence) int { return cmp.Compare(b.runes, a.runes) })
	// Copied: a slice of the body's text would keep all of it for the rest
	// of the build.
	out := make([]string, 0, min(len(found), sentencesPerItem))
	for _, s := range found[:min(len(found), sentencesPerItem)] {
		out = append(out, string(s.text))
	}
	return out
}

// sentences yields the sentences of a line, trimmed, the last one also
// when it has no final stop.
func sentences(line []byte) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		start := 0
		for i := byteset.Next(line, 0, stopStarts); i < len(line); i = byteset.Next(line, i, stopStarts) {
			end := i + 1
			switch c := line[i]; c {
			case '.':
				if end < len(line) && line[end] != ' ' {
					i = end
					continue // "e.g", "3.5", an address
				}
			case '!', '?':
			default: // the lead byte of 。 (e3 80 82), ！ (ef bc 81) or ？ (ef bc 9f), or of another character
				if i+3 > len(line) || !(c == 0xe3 && line[i+1] == 0x80 && line[i+2] == 0x82 ||
					c == 0xef && line[i+1] == 0xbc && (line[i+2] == 0x81 || line[i+2] == 0x9f)) {
					i = end
					continue
				}
				end = i + 3
			}
			if !yield(bytes.TrimSpace(line[start:end])) {
				return
			}
			start, i = end, end
		}
		if rest := bytes.TrimSpace(line[start:]); len(rest) > 0 {
			yield(rest)
		}
	}
}

// stopStarts are the first bytes of the stops that end a sentence: . ! ?
// and the lead bytes of 。 ！ ？.
var stopStarts = byteset.Of(".!?\xe3\xef")

func (c *Checker) dedupe(ns []leakscan.Needle) []leakscan.Needle {
	seen := map[string]bool{}
	out := ns[:0]
	for _, n := range ns {
		k := c.normalize(n.Text)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, n)
	}
	return out
}

func dedupeErrors(errs []error) []error {
	seen := map[string]bool{}
	var out []error
	for _, e := range errs {
		if !seen[e.Error()] {
			seen[e.Error()] = true
			out = append(out, e)
		}
	}
	return out
}

func slugOf(key string) string {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// needlesKey identifies a set of needles.
func needlesKey(ns []leakscan.Needle) string {
	var b strings.Builder
	for _, n := range ns {
		b.WriteString(n.Kind)
		b.WriteByte(0)
		b.WriteString(n.Owner)
		b.WriteByte(0)
		b.WriteString(n.Text)
		b.WriteByte(1)
	}
	return b.String()
}

// Key identifies the fingerprints: equal keys, equal needles.
func (f *Fingerprints) Key() string {
	if f.key == "" {
		f.key = needlesKey(f.Needles)
	}
	return f.key
}

// normalize is leakscan.Normalize, remembered: the same titles and names are
// normalised on every build of the preview server.
func (c *Checker) normalize(s string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.norm[s]; ok {
		return n
	}
	if c.norm == nil {
		c.norm = map[string]string{}
	}
	n := leakscan.Normalize(s)
	c.norm[s] = n
	return n
}

// prune forgets what the sources of this build no longer need, so that a
// preview server running all day does not grow.
func (c *Checker) prune(s *site.Site, published int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Entries of sources gone are dropped once there are enough of them to
	// be worth going through every entry (an edit leaves one behind).
	stale := func(have, live int) bool { return have > live+live/8+64 }
	all := len(s.Pages) + len(s.Skipped)
	if !stale(len(c.sentences), len(s.Skipped)) && !stale(len(c.matches), published) {
		return
	}
	live := make(map[*content.Source]bool, all)
	for _, p := range s.Pages {
		live[p.Source] = true
	}
	skipped := map[*content.Source]bool{}
	for _, sk := range s.Skipped {
		skipped[sk.Source] = true
	}
	maps.DeleteFunc(c.sentences, func(src *content.Source, _ []string) bool { return !skipped[src] })
	maps.DeleteFunc(c.matches, func(src *content.Source, _ []leakscan.Match) bool { return !live[src] })
	// Normalised strings are cheap to recompute: start over when the memo
	// has grown well past one site's worth.
	if len(c.norm) > 4*all+1024 {
		c.norm = nil
	}
}

func (c *Checker) distinctiveSentences(src *content.Source) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.sentences[src]; ok {
		return s
	}
	if c.sentences == nil {
		c.sentences = map[*content.Source][]string{}
	}
	s := distinctiveSentences(src.Body)
	c.sentences[src] = s
	return s
}

// withoutEmphasis drops Markdown's emphasis and code markers, which split
// words in the source but not on the page ("**Amina** Karimi" shows "Amina
// Karimi"). Lines stay where they are, so findings keep their line numbers.
// The text is appended to out (a buffer a caller reuses from text to text).
func withoutEmphasis(out, raw []byte) []byte {
	i := byteset.Next(raw, 0, emphasisMarkers)
	n := 0 // raw[:n] is done
	for {
		out = append(out, raw[n:i]...)
		if i == len(raw) {
			return out
		}
		n = i + 1
		i = byteset.Next(raw, n, emphasisMarkers)
	}
}

// emphasisMarkers are Markdown's emphasis and code markers.
var emphasisMarkers = byteset.Of("*_~`")
