package leakscan

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fuzzNeedles are scanned for in every fuzz input, with the fuzzed needle.
var fuzzNeedles = []string{"Amina Karimi", "山田 太郎", "O'Brien", "ｱﾐﾅ", "José", "ab ab", "Straße", "李明华"}

// naiveCount is the reference: with the haystack normalised by Normalize
// (hay), walk every start position, following the matching rules literally.
func naiveCount(needle, hay string, minRunes int) int {
	nd := Normalize(needle)
	key := strings.ReplaceAll(nd, " ", "")
	if key == "" || utf8.RuneCountInString(key) < minRunes {
		return 0
	}
	first, _ := utf8.DecodeRuneInString(key)
	last, _ := utf8.DecodeLastRuneInString(key)
	count := 0
	for j := 0; j < len(hay); {
		_, size := utf8.DecodeRuneInString(hay[j:])
		if hay[j] == nd[0] && naiveAt(nd, hay, j, isSpacedWord(first), isSpacedWord(last)) {
			count++
		}
		j += size
	}
	return count
}

func naiveAt(nd, hay string, j int, checkStart, checkEnd bool) bool {
	if checkStart && j > 0 && hay[j-1] != ' ' {
		if r, _ := utf8.DecodeLastRuneInString(hay[:j]); continuesWord(r) {
			return false
		}
	}
	h := j
	prev := rune(-1) // previous needle rune
	for n := 0; n < len(nd); {
		if nd[n] == ' ' { // a needle space: any white space, or none
			if h < len(hay) && hay[h] == ' ' {
				h++
			}
			n++
			continue
		}
		r, size := utf8.DecodeRuneInString(nd[n:])
		if h < len(hay) && hay[h] == ' ' && prev >= 0 {
			if !isDenseScript(prev) || !isDenseScript(r) {
				return false
			}
			h++
		}
		if !strings.HasPrefix(hay[h:], nd[n:n+size]) {
			return false
		}
		h += size
		n += size
		prev = r
	}
	if checkEnd && h < len(hay) && hay[h] != ' ' {
		if r, _ := utf8.DecodeRuneInString(hay[h:]); continuesWord(r) {
			return false
		}
	}
	return true
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"Hello Amina  Karimi!", "ＡＭＩＮＡ\nkarimi", "山田太郎です", "ｱﾐﾅ･ｶﾘﾐ", "O&#39;Brien",
		"Amina <em>Karimi</em>", "Jose\u0301 y José", "ab ab ab ab", "STRASSE straße", "李 明华",
	} {
		f.Add(s, "Karimi")
	}
	f.Fuzz(func(t *testing.T, text, needle string) {
		if len(text) > 1<<10 || len(needle) > 64 {
			return
		}
		ns := make([]Needle, 0, len(fuzzNeedles)+1)
		for i, n := range append(fuzzNeedles[:len(fuzzNeedles):len(fuzzNeedles)], needle) {
			ns = append(ns, Needle{Text: n, Owner: strconv.Itoa(i)})
		}
		s := New(ns, WithMinRunes(1))

		// A prefix long enough that the text crosses the window's chunks.
		pad := strings.Repeat("-\n", chunk/2-3)
		for _, hay := range []string{text, pad + text} {
			got := s.Find([]byte(hay))
			counts := make([]int, len(ns))
			for _, m := range got {
				i, _ := strconv.Atoi(m.Needle.Owner)
				counts[i]++
			}
			norm := Normalize(hay)
			for i, n := range ns {
				if want := naiveCount(n.Text, norm, 1); counts[i] != want {
					t.Fatalf("needle %q in %q: %d matches, reference %d (%s)", n.Text, hay, counts[i], want, show(got))
				}
			}
			checkMatches(t, s, hay, got)
		}

		// Markup options change nothing on text without markup.
		if !strings.ContainsAny(text, "<&\\%") {
			plain := show(s.Find([]byte(text)))
			for _, o := range []Option{WithHTML(), WithEscapes(), WithEntities()} {
				if got := show(New(ns, WithMinRunes(1), o).Find([]byte(text))); got != plain {
					t.Fatalf("%q: option changes %s into %s", text, plain, got)
				}
			}
		}
		// Markup options never panic and keep their invariants.
		hs := New(ns, WithMinRunes(1), WithHTML(), WithEscapes())
		checkMatches(t, hs, text, hs.Find([]byte(text)))
	})
}

// checkMatches checks what every result must satisfy: order, positions,
// and First.
func checkMatches(t *testing.T, s *Scanner, text string, got []Match) {
	t.Helper()
	for i, m := range got {
		if m.Offset < 0 || m.End > len(text) || m.Offset >= m.End {
			t.Fatalf("%q: match %+v out of range", text, m)
		}
		if i > 0 && got[i-1].Offset > m.Offset {
			t.Fatalf("%q: matches not in order: %s", text, show(got))
		}
		line := 1 + strings.Count(text[:m.Offset], "\n")
		col := m.Offset - strings.LastIndexByte(text[:m.Offset], '\n')
		if m.Line != line || m.Col != col {
			t.Fatalf("%q: match at %d is %d:%d, want %d:%d", text, m.Offset, m.Line, m.Col, line, col)
		}
		if s.cfg.mode == 0 {
			// What was matched, normalised alone, holds the needle.
			key := strings.ReplaceAll(Normalize(m.Needle.Text), " ", "")
			if src := strings.ReplaceAll(Normalize(text[m.Offset:m.End]), " ", ""); !strings.Contains(src, key) {
				t.Fatalf("%q: match %q at [%d,%d) is %q", text, m.Needle.Text, m.Offset, m.End, text[m.Offset:m.End])
			}
		}
	}
	first, ok := s.First([]byte(text))
	if ok != (len(got) > 0) || ok && first != got[0] {
		t.Fatalf("%q: First = %+v, %v; Find[0] = %+v", text, first, ok, got)
	}
	// FirstOf, with every needle and with some.
	if m, ok := s.FirstOf([]byte(text), func(Needle) bool { return true }); ok != (len(got) > 0) || ok && m != got[0] {
		t.Fatalf("%q: FirstOf every needle = %+v, %v; Find[0] = %+v", text, m, ok, got)
	}
	some := func(n Needle) bool { return len(n.Text)%2 == 0 }
	want := slices.IndexFunc(got, func(m Match) bool { return some(m.Needle) })
	if m, ok := s.FirstOf([]byte(text), some); ok != (want >= 0) || ok && m != got[want] {
		t.Fatalf("%q: FirstOf some needles = %+v, %v; want match %d of %s", text, m, ok, want, show(got))
	}
	if again := s.Find([]byte(text)); !slices.Equal(again, got) {
		t.Fatalf("%q: not deterministic", text)
	}
}

// refNormalize is Normalize written the obvious, slow way: NFKC of the
// whole string, then folding, dropping and collapsing rune by rune. An
// invalid byte stands for itself (U+FFFD) and does not change how the valid
// text around it is normalised.
func refNormalize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range nfkcValidRuns(s) {
		switch {
		case unicode.IsSpace(r):
			space = true
		case isZeroWidth(r):
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			if r = fold(r); r == 'ß' {
				b.WriteString("ss")
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// FuzzNormalize checks the streaming, segment-by-segment normaliser (with
// its fast paths) against refNormalize.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"Amina Karimi", "ＡＭＩＮＡ\u3000ｶﾞ", "か\u3099き\u309a", "Jose\u0301", "e\u0301\u0302\u0323x",
		"한\u11a8글", "ᄒ\u1161\u11ab", "Straße ΣΊΣΥΦΟΣ", "Ami\u00adna\u200b", "葛\U000E0100城", "\xff\xfe a \xc3",
		"ﷺ ㈱ ⑴ ½", "\u0345\u0399", "a\u0300\u0315\u0300b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Normalize(s), refNormalize(s); got != want {
			t.Fatalf("Normalize(%q) = %q, want %q", s, got, want)
		}
	})
}

// nfkcValidRuns is NFKC of each run of valid UTF-8, invalid bytes kept between.
func nfkcValidRuns(s string) string {
	var out strings.Builder
	for len(s) > 0 {
		i := 0
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		out.WriteString(norm.NFKC.String(s[:i]))
		if i < len(s) {
			out.WriteByte(s[i])
			i++
		}
		s = s[i:]
	}
	return out.String()
}
