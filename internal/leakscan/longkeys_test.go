package leakscan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// disguise writes s as a page might: words split by other white space or by
// tags, a character as a reference or an escape, upper case.
func disguise(r *rand.Rand, s string) string {
	var b strings.Builder
	for i, w := range strings.Split(s, " ") {
		if i > 0 {
			b.WriteString([]string{" ", "  ", "\n", " <em>", "</b> ", "&nbsp;", "\u3000"}[r.IntN(7)])
		}
		switch r.IntN(6) {
		case 0:
			w = strings.ToUpper(w)
		case 1:
			if c, n := utf8.DecodeRuneInString(w); n > 0 {
				w = fmt.Sprintf("&#%d;", c) + w[n:]
			}
		case 2:
			if c, n := utf8.DecodeRuneInString(w); n > 0 && c < 0x10000 {
				w = fmt.Sprintf(`\u%04x`, c) + w[n:]
			}
		}
		b.WriteString(w)
	}
	return b.String()
}

// longTexts returns texts that hold the long needles of ns, disguised, at
// every alignment and across the window's chunks, among pages, listings and
// search indexes made of the same words.
func longTexts(ns []Needle, seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, 23))
	var long []string
	for _, n := range ns {
		if len(Normalize(n.Text)) >= minLong {
			long = append(long, n.Text)
		}
	}
	var texts [][]byte
	g := newMemoTexts(seed)
	for k := range 120 {
		var text []byte
		switch k % 4 {
		case 0:
			text = sitePage(r, []string{"en", "ja"}[k%2], r.IntN(4000))
		case 1:
			text = siteListing(r, []string{"en", "ja"}[k/4%2], 1+r.IntN(3))
		case 2:
			text = siteSearch(r, 1+r.IntN(20))
		default:
			text = g.next(1 << (8 + r.IntN(7)))
		}
		// Needles, whole or cut short, anywhere; shifted by a few bytes so
		// that every alignment with the checked positions comes up.
		for range 1 + r.IntN(6) {
			nd := long[r.IntN(len(long))]
			if r.IntN(4) == 0 {
				nd = nd[:r.IntN(len(nd))]
			}
			at := r.IntN(len(text) + 1)
			text = slices.Concat(text[:at:at], []byte(strings.Repeat("x", r.IntN(stride))+" "+disguise(r, nd)+" "), text[at:])
		}
		texts = append(texts, text)
		// One straddling the end of the window's first chunk.
		nd := long[r.IntN(len(long))]
		pad := strings.Repeat("-\n", chunk/2-r.IntN(len(nd)))
		texts = append(texts, []byte(pad+nd+"\n"+string(text[:min(len(text), 300)])))
	}
	return texts
}

// TestLongKeysAsAutomaton finds long keys by their windows and, in a Set
// compiled to put every key in the automaton, by the automaton, and wants
// the same matches, in every mode, with a memo and without.
func TestLongKeysAsAutomaton(t *testing.T) {
	ns := append(siteNeedles(400, 7), memoNeedles...)
	// A few that share windows: one sentence inside another, the same
	// words in another order, repeats.
	ns = append(ns,
		Needle{Text: "the engineer learned Japanese in Tokyo with the team and the mentor", Kind: "sentence"},
		Needle{Text: "the engineer learned Japanese in Tokyo with the team and the mentor every week", Kind: "sentence"},
		Needle{Text: "with the team and the mentor the engineer learned Japanese in Tokyo", Kind: "sentence"},
		Needle{Text: "abababababababababababababababababababababab", Kind: "sentence"},
	)
	byWindow, byAutomaton := Compile(ns, withShortWindowsFrom(1)), Compile(ns, withLongFrom(math.MaxInt))
	if len(byWindow.long.slots) == 0 || len(byAutomaton.long.slots) != 0 {
		t.Fatalf("long keys: %d and %d slots", len(byWindow.long.slots), len(byAutomaton.long.slots))
	}
	for size, f := range byWindow.long.filters {
		if len(f) == 0 {
			t.Fatalf("no keys with windows of %d bytes", (size+1)*gramLen)
		}
	}
	texts := longTexts(ns, 1)
	texts = append(texts, []byte(strings.Repeat("ab", 3000)), []byte("ab"+strings.Repeat("ab", 40)))
	found := 0
	memo := NewMemo()
	for _, opts := range memoModes {
		want, got := byAutomaton.Scanner(opts...), byWindow.Scanner(opts...)
		withMemo := byWindow.Scanner(append(slices.Clone(opts), WithMemo(memo))...)
		for _, text := range texts {
			w := want.Find(text)
			if g := got.Find(text); !slices.Equal(g, w) {
				t.Fatalf("mode %v: by windows %s\nby the automaton %s\ntext %q", got.cfg.mode, showOffsets(g), showOffsets(w), text)
			}
			if g := withMemo.Find(text); !slices.Equal(g, w) {
				t.Fatalf("mode %v, memo: by windows %s\nby the automaton %s\ntext %q", got.cfg.mode, showOffsets(g), showOffsets(w), text)
			}
			first, ok := got.First(text)
			if ok != (len(w) > 0) || ok && first != w[0] {
				t.Fatalf("mode %v: First = %+v, %v; want %s", got.cfg.mode, first, ok, showOffsets(w))
			}
			for _, m := range w {
				if len(Normalize(m.Needle.Text)) >= minLong {
					found++
				}
			}
		}
	}
	if found < 200 {
		t.Errorf("only %d matches of long needles: the test does not test them", found)
	}
	t.Logf("%d matches of long needles", found)
}

// TestLongKeysOnEveryAlignment puts a long needle many times into texts of
// several windows, after short random runs of characters of one to four
// bytes, so that the needle starts and ends at every position relative to
// the checked ones and to the window's chunks. (The window stops a byte or
// two late when a character straddles its limit, as in a Japanese needle,
// which moves the chunks against the checked positions.) Some copies are
// cut short by a byte and must not be found.
func TestLongKeysOnEveryAlignment(t *testing.T) {
	// Keys of exactly the lengths at which the windows change, whose
	// windows can only end near their start.
	letters := "qwertyuiopasdfghjklzxcvbnm1234567890mnbvcxzlkjhgfdsapoiuytrewq0987654321zaqxswcdevfrbgtnhymjukilop"
	for _, nd := range []Needle{
		{Text: "Our first year in Tokyo was hard, but the team never stopped helping us", Kind: "sentence"},
		{Text: "東京での最初の一年は大変でしたが、チームはいつも助けてくれました。", Kind: "sentence"},
		{Text: letters[:minLong], Kind: "sentence"},
		{Text: letters[:minLong2], Kind: "sentence"},
	} {
		s := New([]Needle{nd, {Text: "Amina Karimi", Kind: "real name"}}, withShortWindowsFrom(1))
		if len(s.long.slots) == 0 {
			t.Fatalf("%q is not a long key", nd.Text)
		}
		// At the very start and end of the text.
		for _, text := range []string{nd.Text, nd.Text + " x", "x " + nd.Text} {
			at := strings.Index(text, nd.Text)
			if ms := s.Find([]byte(text)); len(ms) != 1 || ms[0].Offset != at {
				t.Fatalf("%q: %s", text, showOffsets(ms))
			}
		}
		r := rand.New(rand.NewPCG(3, 4))
		fillers := []string{".", "é", "あ", "\U0001F600", " "}
		rounds := 300
		if testing.Short() {
			rounds = 50
		}
		for range rounds {
			var b strings.Builder
			var want []int
			for b.Len() < 6*chunk {
				for range r.IntN(40) {
					b.WriteString(fillers[r.IntN(len(fillers))])
				}
				b.WriteByte(' ')
				if r.IntN(5) == 0 {
					_, size := utf8.DecodeLastRuneInString(nd.Text)
					b.WriteString(nd.Text[:len(nd.Text)-size] + ". ")
					continue
				}
				want = append(want, b.Len())
				b.WriteString(nd.Text + " ")
			}
			var got []int
			for _, m := range s.Find([]byte(b.String())) {
				got = append(got, m.Offset)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%q: found at %v, want %v", nd.Text, got, want)
			}
		}
	}
}

// TestFewShortKeysGoToTheAutomaton wants keys too short for long windows
// found by the automaton while they are few, by short windows once they
// are minShortKeys, and the same matches either way.
func TestFewShortKeysGoToTheAutomaton(t *testing.T) {
	// Japanese, as keys are counted without their spaces: 54 bytes each,
	// and 108.
	short := func(i int) Needle {
		return Needle{Text: fmt.Sprintf("第%03d話の公開されていない物語の一文です", i), Kind: "sentence"}
	}
	long := Needle{Text: "これは公開されていない物語のとても長い一文で長い窓で見つかるはずのものです", Kind: "sentence"}
	for _, tc := range []struct {
		short       int
		shortWindow bool
	}{{1, false}, {minShortKeys - 1, false}, {minShortKeys, true}} {
		ns := []Needle{long}
		var text strings.Builder
		for i := range tc.short {
			ns = append(ns, short(i))
			fmt.Fprintf(&text, "%s. ", short(i).Text)
		}
		text.WriteString(long.Text)
		s := Compile(ns)
		if got := len(s.long.filters[0]) > 0; got != tc.shortWindow {
			t.Errorf("%d short keys: short windows %v, want %v", tc.short, got, tc.shortWindow)
		}
		if len(s.long.filters[1]) == 0 {
			t.Errorf("%d short keys: the long key has no window", tc.short)
		}
		if ms := s.Scanner().Find([]byte(text.String())); len(ms) != tc.short+1 {
			t.Errorf("%d short keys: %d matches, want %d", tc.short, len(ms), tc.short+1)
		}
	}
}
