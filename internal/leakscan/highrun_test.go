package leakscan

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestDecodeBMPFast checks decodeBMPFast against decodeBMP on every lead
// byte with every kind of byte after it, with one to four bytes left.
func TestDecodeBMPFast(t *testing.T) {
	var next []byte
	for c := 0; c < 256; c++ {
		if c < 0x40 && c%7 != 0 && c != 0x3f {
			continue // the ASCII bytes differ only in being ASCII
		}
		next = append(next, byte(c))
	}
	for b0 := 0; b0 < 256; b0++ {
		for _, b1 := range next {
			for _, b2 := range next {
				text := []byte{byte(b0), b1, b2, 'x'}
				for n := 1; n <= len(text); n++ {
					r1, s1 := decodeBMPFast(text[:n], 0)
					r2, s2 := decodeBMP(text[:n], 0)
					if r1 != r2 || s1 != s2 {
						t.Fatalf("%q: %U %d, want %U %d", text[:n], r1, s1, r2, s2)
					}
				}
			}
		}
	}
}

// highPieces make texts with runs of characters the fill loop copies as
// they are, broken by characters it does not (marks that combine, width
// variants, invalid and overlong sequences, surrogates), at every
// position, including the last three bytes of the text.
var highPieces = []string{
	"山田", "太郎", "です", "カリミ", "アミナ", "。", "、", "「", "」", "ー", "漢字かな", "é", "ß", "Ä", "ǅ",
	"\u3099", "\u309a", "か\u3099", "ｶ", "ﾞ", "ｱﾐﾅ", "\u3000", "\u200b", "\u0301", "㈱", "①", "Ａ",
	"\xe3\x81", "\xe3", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xe0\xa0\x80", "\xed\xa0\x80", "\xef\xbf\xbf", "\xc3", "\xc0\x80",
	"\xf0\x9f\x98\x80", "\xf1\x80\x80\x80", "\xf3\xa0\x84\x80", "\xf4\x8f\xbf\xbf", "\xf7\xbf\xbf", "\xf8\x88\x80\x80", "葛\U000E0100城", "a", "Amina", " ", "\n", "&#x3099;", "&amp;", "<b>", "\\u3099",
}

// TestHighRuns checks the normaliser, and the positions of matches, on
// random texts made mostly of such runs.
func TestHighRuns(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	rounds := 20000
	if testing.Short() {
		rounds = 2000
	}
	ns := []Needle{{Text: "山田太郎", Owner: "0"}, {Text: "アミナ カリミ", Owner: "1"}, {Text: "ｱﾐﾅ", Owner: "2"}, {Text: "かぎ", Owner: "3"}, {Text: "漢字かな。", Owner: "4"}}
	s := New(ns, WithMinRunes(1))
	hs := New(ns, WithMinRunes(1), WithHTML(), WithEscapes())
	for range rounds {
		var sb strings.Builder
		for n := r.IntN(24); n >= 0; n-- {
			sb.WriteString(highPieces[r.IntN(len(highPieces))])
		}
		text := sb.String()
		if got, want := Normalize(text), refNormalize(text); got != want {
			t.Fatalf("Normalize(%q) = %q, want %q", text, got, want)
		}
		got := s.Find([]byte(text))
		counts := make([]int, len(ns))
		for _, m := range got {
			counts[m.Needle.Owner[0]-'0']++
		}
		norm := Normalize(text)
		for i, n := range ns {
			if want := naiveCount(n.Text, norm, 1); counts[i] != want {
				t.Fatalf("needle %q in %q: %d matches, reference %d (%s)", n.Text, text, counts[i], want, show(got))
			}
		}
		checkMatches(t, s, text, got)
		checkMatches(t, hs, text, hs.Find([]byte(text)))
	}
}
