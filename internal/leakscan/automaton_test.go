package leakscan

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// refStep is the automaton's transition taken one byte at a time, the
// plainest way its tables allow: the dense row, or the sparse record and
// its failure links.
func (a *automaton) refStep(s uint32, c byte) uint32 {
	if s&sparseBit == 0 {
		return a.trans[s+a.class[c]]
	}
	return a.stepSparse(s, c)
}

// refRun runs refStep over text from the root and returns each position
// where a transition reached a state where a key ends, that state, and the
// state at the end.
func (a *automaton) refRun(text []byte) (hits [][2]uint32, end uint32) {
	s := uint32(0)
	for p, c := range text {
		t := a.refStep(s, c)
		s = t &^ outFlag
		if t&outFlag != 0 {
			hits = append(hits, [2]uint32{uint32(p), s})
		}
	}
	return hits, s
}

// fastRun is the same with advance, the matching loop, over text cut into
// windows at the given ends (as the stream's window cuts it).
func (a *automaton) fastRun(text []byte, cuts []int) (hits [][2]uint32, end uint32) {
	s := uint32(0)
	p := 0
	for _, w := range append(cuts, len(text)) {
		buf := text[:w]
		for p < len(buf) {
			var t uint32
			p, t = a.advance(buf, p, s)
			if p == len(buf) {
				s = t
				break
			}
			s = t &^ outFlag
			hits = append(hits, [2]uint32{uint32(p), s})
			p++
		}
	}
	return hits, s
}

// autoTexts returns keys and texts built from their pieces, so that the
// automaton walks deep into the keys, leaves them at every depth, follows
// failure links and finds keys that overlap: ASCII, CJK (three-byte
// characters), Latin with accents and Cyrillic, long chains of single
// children and states with many children.
func autoTexts(r *rand.Rand, nKeys int) (keys [][]byte, texts [][]byte) {
	alphabets := [][]string{
		strings.Fields("a b c ab abc ba the engineer en er ng"),
		strings.Fields("山 田 太 郎 の を チーム 日本語 研修 。"),
		strings.Fields("é è ü ß ж д а ı ǆ ﬁ"),
		{"\x00", "\xff", "\x7f", "\xc3", "\xa9", "z"},
	}
	piece := func() string {
		al := alphabets[r.IntN(len(alphabets))]
		if r.IntN(4) == 0 {
			al = alphabets[0]
		}
		return al[r.IntN(len(al))]
	}
	seen := map[string]bool{}
	for len(keys) < nKeys {
		var b strings.Builder
		n := 1 + r.IntN(6)
		if r.IntN(5) == 0 {
			n = 10 + r.IntN(60) // long chains
		}
		for range n {
			b.WriteString(piece())
		}
		if k := b.String(); !seen[k] {
			seen[k] = true
			keys = append(keys, []byte(k))
		}
	}
	for range 20 {
		var b []byte
		for len(b) < 3000 {
			switch r.IntN(4) {
			case 0: // a whole key
				b = append(b, keys[r.IntN(len(keys))]...)
			case 1: // a key cut short or changed at one byte
				k := keys[r.IntN(len(keys))]
				k = k[:r.IntN(len(k)+1)]
				b = append(b, k...)
				if len(k) > 0 && r.IntN(2) == 0 {
					b[len(b)-1] ^= byte(1 + r.IntN(255))
				}
			case 2:
				b = append(b, piece()...)
			default: // any byte
				b = append(b, byte(r.IntN(256)))
			}
		}
		texts = append(texts, b)
	}
	return keys, texts
}

// TestAdvance checks the matching loop (dense rows, chain walks, multiple
// children, failure links) against the automaton taken one byte at a
// time, with dense tables of every size, on windows cut anywhere.
func TestAdvance(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for round := range 60 {
		keys, texts := autoTexts(r, 1+r.IntN(300))
		for _, budget := range []int{1, 1 << 9, 1 << 12, denseBudget} {
			a := buildAutomatonBudget(keys, budget)
			for ti, text := range texts {
				wantHits, wantEnd := a.refRun(text)
				var cuts []int
				for c := 0; c < len(text); c += 1 + r.IntN(700) {
					cuts = append(cuts, c)
				}
				gotHits, gotEnd := a.fastRun(text, cuts)
				if gotEnd != wantEnd || len(gotHits) != len(wantHits) {
					t.Fatalf("round %d, budget %d, text %d: end state %d, %d hits; want %d, %d hits", round, budget, ti, gotEnd, len(gotHits), wantEnd, len(wantHits))
				}
				for i := range gotHits {
					if gotHits[i] != wantHits[i] {
						t.Fatalf("round %d, budget %d, text %d: hit %d is %v, want %v", round, budget, ti, i, gotHits[i], wantHits[i])
					}
				}
			}
		}
	}
}

// TestAdvanceFindsKeys checks the reference itself: every key found by
// the automaton (the keys on the dictionary chain of each hit) is in the
// text there, and every occurrence of a key is found.
func TestAdvanceFindsKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for range 20 {
		keys, texts := autoTexts(r, 1+r.IntN(100))
		a := buildAutomatonBudget(keys, 1<<9)
		for _, text := range texts {
			hits, _ := a.fastRun(text, nil)
			found := map[[2]int]bool{}
			for _, h := range hits {
				o := int32(a.id(h[1]))
				if a.out[o] == none {
					o = a.dict[o]
				}
				for ; o != none; o = a.dict[o] {
					found[[2]int{int(h[0]), int(a.out[o])}] = true
				}
			}
			want := 0
			for ki, k := range keys {
				for p := len(k) - 1; p < len(text); p++ {
					if string(text[p+1-len(k):p+1]) == string(k) {
						want++
						if !found[[2]int{p, ki}] {
							t.Fatalf("key %q at %d not found", k, p)
						}
					}
				}
			}
			if want != len(found) {
				t.Fatalf("found %d keys, want %d", len(found), want)
			}
		}
	}
}
