// Package search builds the client-side search index of one language: a
// small JSON file that static/theme/search.js fetches and queries in the
// browser, with no server and no external service.
//
// # What goes in
//
// The caller (the renderer) passes one Doc per published page of the
// language, and nothing else:
//
//   - URL: the page's address as linked from other pages, base path included
//     ("/site/ja/talents/farida-n/"). The script links to it as is.
//   - Title: the page title as shown on the page. It is stored (to list the
//     result) and indexed with a higher weight than Text.
//   - Text: the page's visible text, as published: the rendered body without
//     markup (links dropped for skipped items, the real name only where
//     consented), plus any other visible text worth finding (alias, role,
//     company). Not Markdown: link targets and slugs would become terms.
//
// The index is an output channel like any page: Docs must be built from the
// published page graph only. Because it stores terms split into words and
// character pairs, a byte scan of the index cannot recognise a name in it;
// the leak scan must therefore see the same text in the pages themselves
// (which it does when Text is the text of a page that goes through the
// publish funnel). Search answers a query exactly as the script does, so a
// leak test can also ask the index itself: searching for a name that is not
// consented must find no page.
//
// # Terms
//
// Text is NFKC-normalised (full-width Latin becomes ASCII, half-width kana
// full-width) and lower-cased. Runs of CJK characters (Han, kana, Hangul and
// the prolonged sound mark ー) have no word boundaries, so each run is indexed
// as its overlapping character pairs (bigrams): 技術者 → 技術, 術者; a run of one
// character is indexed as itself. Everything else is split into words of
// letters, digits and marks; words of one character are dropped and words are
// cut at MaxWordRunes. search.js tokenises queries with the same rules
// (js_test.go runs it under Node against Terms and Search).
//
// Pairs find a word anywhere in Japanese text, at the price of matches
// across word boundaries: 京都 is found in 東京都.
//
// # Format
//
//	{"v":2,
//	 "docs":[["/ja/talents/farida-n/","カブールのネットワーク技術者"], ...],
//	 "title":{"ネッ":[0,3], ...},
//	 "body":{"ネッ":[5], "linux":[0,1,4], ...}}
//
// docs lists [URL, Title] in the order given to Build (Title with its runs
// of white space made one space); a posting lists the indexes into docs
// of the documents that hold the term, ascending, each written as its
// difference from the one before (the first as itself): [0,1,4] above is
// documents 0, 1 and 5. "title" lists the docs whose title holds the term;
// "body" those whose text holds it and whose title does not (a title hit
// already outranks it). Keys are sorted as Go strings, so the same Docs in
// the same order give the same bytes. No body text is stored. Strings are
// escaped as encoding/json does with SetEscapeHTML(false): the index was
// written with it once, and ref_test.go still checks the bytes against it.
//
// Why differences: a word or character pair common on the site is held by
// most documents, and its list of their indexes grew by more than the
// documents (their numbers grow longer), while a list of small differences
// stays a byte or two a document and compresses to almost nothing.
// (Version 1 wrote the indexes themselves: 14.6 MB for the Japanese half of
// 40,000 pages, 5.8 MB gzipped, against 3.3 MB and 0.4 MB for 10,000.)
//
// # Building again
//
// Build is for one index, once. The preview server, which writes the index
// again after each edit, keeps a Builder per language instead: it holds the
// documents split into terms and the index as last written, so that an
// edit costs splitting the documents that changed and patching the index,
// and gives the very bytes Build would (see Builder for the order of the
// documents).
package search

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Version is the index format version ("v"), raised on any incompatible change.
const Version = 2

// MaxWordRunes cuts long words (URLs, identifiers): a query for the word is
// cut the same way, so it is still found.
const MaxWordRunes = 24

// Doc is one published page of the index's language (see the package doc).
type Doc struct {
	URL   string
	Title string
	Text  string
}

// index is the JSON shape, to read an index.
type index struct {
	V     int                `json:"v"`
	Docs  [][2]string        `json:"docs"`
	Title map[string][]int32 `json:"title"`
	Body  map[string][]int32 `json:"body"`
}

// Build returns the index of docs, for one language. Docs keep their order;
// each URL must be given once. It is NewBuilder, Add for each and Bytes: a
// caller that builds the index again after a change keeps the Builder and
// calls SetAll instead.
func Build(docs []Doc) ([]byte, error) {
	b := NewBuilder()
	for _, d := range docs {
		if err := b.Add(d); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// Terms returns the terms of s in order of appearance, repeats included:
// bigrams of CJK runs, lower-cased words of everything else.
func Terms(s string) []string {
	var z tokenizer
	var terms []string
	for _, tk := range z.split(s, nil) {
		terms = append(terms, z.text(tk))
	}
	return terms
}

// isCJK reports whether r belongs to a script written without spaces between
// words (and Hangul, whose words are long enough to gain from pairs too).
// 々 and 〆 are Han; ー (U+30FC) is Common but lives inside katakana words.
func isCJK(r rune) bool {
	return r >= 0x1100 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) || r == 'ー')
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

// Result is one match of Search.
type Result struct {
	URL, Title string
	Score      int
}

// Scores of one query term in one document: a title hit outranks any body
// hit; an exact term outranks a longer term it is the start of.
const (
	titleScore = 10
	bodyScore  = 1
	exactBonus = 1
)

// Search runs query against an index made by Build exactly as search.js does
// in the browser, so that tests (the leak tests among them) can ask what a
// reader would find. Each query term must match (AND); a word also matches
// the longer words it begins ("nurs" finds "nursing"), and a lone CJK
// character every term that holds it. Per term a document scores 10 for a
// title hit or 1 for a body hit, plus 1 when the term matched exactly; the
// scores add up over the terms. Results are by score, then in index order.
func Search(data []byte, query string) ([]Result, error) {
	x, err := ReadIndex(data)
	if err != nil {
		return nil, err
	}
	ix := &x.ix
	keys := make([]string, 0, len(ix.Title)+len(ix.Body))
	for k := range ix.Title {
		keys = append(keys, k)
	}
	for k := range ix.Body {
		if _, dup := ix.Title[k]; !dup {
			keys = append(keys, k)
		}
	}
	var total map[int32]int
	seen := map[string]bool{}
	for _, q := range Terms(query) {
		if seen[q] {
			continue
		}
		seen[q] = true
		scores := map[int32]int{}
		for _, k := range keys {
			if !matches(k, q) {
				continue
			}
			bonus := 0
			if k == q {
				bonus = exactBonus
			}
			for _, d := range ix.Title[k] {
				scores[d] = max(scores[d], titleScore+bonus)
			}
			for _, d := range ix.Body[k] {
				scores[d] = max(scores[d], bodyScore+bonus)
			}
		}
		if total == nil {
			total = scores
			continue
		}
		for d := range total {
			if s, ok := scores[d]; ok {
				total[d] += s
			} else {
				delete(total, d)
			}
		}
	}
	hits := make([]int32, 0, len(total))
	for d := range total {
		if int(d) >= 0 && int(d) < len(ix.Docs) {
			hits = append(hits, d)
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		return total[a] > total[b] || total[a] == total[b] && a < b
	})
	out := make([]Result, len(hits))
	for i, d := range hits {
		out[i] = Result{URL: ix.Docs[d][0], Title: ix.Docs[d][1], Score: total[d]}
	}
	return out, nil
}

// matches reports whether index key k answers query term q.
func matches(k, q string) bool {
	r, size := utf8.DecodeRuneInString(q)
	switch {
	case !isCJK(r):
		return strings.HasPrefix(k, q)
	case size == len(q):
		return strings.Contains(k, q)
	default:
		return k == q
	}
}

// Holding returns the URLs of the documents of an index that contain every
// term of text exactly (in their title or body), in index order. Unlike
// Search it does not match prefixes: it answers "could this index reveal
// text", for the leak check of a name that must not be published.
func Holding(data []byte, text string) ([]string, error) {
	ix, err := ReadIndex(data)
	if err != nil {
		return nil, err
	}
	return ix.Holding(text), nil
}

// Index is a decoded index, for asking many questions of one.
type Index struct{ ix index }

// ReadIndex decodes an index made by Build.
func ReadIndex(data []byte) (*Index, error) {
	var ix index
	if err := json.Unmarshal(data, &ix); err != nil {
		return nil, fmt.Errorf("search: reading index: %w", err)
	}
	if ix.V != Version {
		return nil, fmt.Errorf("search: index version %d, want %d", ix.V, Version)
	}
	var broken []string
	for _, section := range []map[string][]int32{ix.Title, ix.Body} {
		for term, posting := range section {
			if !positions(posting) {
				broken = append(broken, term)
			}
		}
	}
	if len(broken) > 0 { // named in key order, whatever the maps' order
		return nil, fmt.Errorf("search: reading index: the posting of %q is not ascending", slices.Min(broken))
	}
	return &Index{ix: ix}, nil
}

// positions turns a posting's differences into the positions they add up
// to, in place, and reports whether they ascend (a difference below 1 after
// the first, or a sum past int32, is a broken index).
func positions(gaps []int32) bool {
	var p int64
	for i, d := range gaps {
		if d < 0 || d == 0 && i > 0 {
			return false
		}
		if p += int64(d); p > math.MaxInt32 {
			return false
		}
		gaps[i] = int32(p)
	}
	return true
}

// Holding is the package's Holding on a decoded index.
func (x *Index) Holding(text string) []string {
	ix := &x.ix
	var docs map[int32]bool
	for _, t := range Terms(text) {
		has := map[int32]bool{}
		for _, d := range ix.Title[t] {
			has[d] = true
		}
		for _, d := range ix.Body[t] {
			has[d] = true
		}
		if docs == nil {
			docs = has
			continue
		}
		for d := range docs {
			if !has[d] {
				delete(docs, d)
			}
		}
	}
	var out []string
	for d := range docs {
		if int(d) >= 0 && int(d) < len(ix.Docs) {
			out = append(out, ix.Docs[d][0])
		}
	}
	sort.Strings(out)
	return out
}
