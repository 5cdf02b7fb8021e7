package guard

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestDistinctiveSentences pins which sentences of a body are
// fingerprinted: plain ones of at least minSentenceRunes, longest first,
// sentencesPerItem of them, none from headings, lists, tables or quotes,
// none with markup.
func TestDistinctiveSentences(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"empty", "", nil},
		{"short sentences are not distinctive", "Thank you. See you soon.", nil},
		{
			"longest first, three at most",
			"The first sentence of the story is here. A second, rather longer sentence of the story follows it.\n" +
				"The third sentence is the longest one of them all, by far the longest.\nThe fourth one is of middling length.\n",
			[]string{
				"The third sentence is the longest one of them all, by far the longest.",
				"A second, rather longer sentence of the story follows it.",
				"The first sentence of the story is here.",
			},
		},
		{
			"a dot inside a word does not end the sentence",
			"She stayed on in Tokyo for 3.5 years, working for example.org. Then she left.",
			[]string{"She stayed on in Tokyo for 3.5 years, working for example.org."},
		},
		{
			"Japanese stops",
			"  東京での最初の一年は大変でしたが、チームが助けてくれました。短い文です！\r\n次の年には後輩に日本語を教えるようになりました？",
			[]string{"東京での最初の一年は大変でしたが、チームが助けてくれました。", "次の年には後輩に日本語を教えるようになりました？"},
		},
		{
			"headings, lists, tables, quotes and numbered lines are skipped",
			"# A heading that is long enough to be a sentence\n- A list item that is long enough to be a sentence\n" +
				"| a table row that is long enough to be a sentence |\n> A quote that is long enough to be a sentence\n" +
				"1. A numbered line that is long enough to be a sentence\n+ Another list item long enough to be a sentence",
			nil,
		},
		{
			"markup keeps a sentence out",
			"This sentence has **bold** words in it, so it is out. This one has none of that at all, so it is in.",
			[]string{"This one has none of that at all, so it is in."},
		},
		{
			"invalid UTF-8 is one rune a byte",
			"Bytes \xff\xe3. in a sentence\xe3\x80 that is long enough。 Next.",
			[]string{"in a sentence\xe3\x80 that is long enough。"},
		},
		{"no final newline or stop", "A last line without a final stop of any kind", []string{"A last line without a final stop of any kind"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := distinctiveSentences([]byte(tc.body)); !slices.Equal(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// splitSentencesByRunes is how sentences were split before they were split
// in place: rune by rune over a string. It is the oracle of
// FuzzSentencesAsByRunes.
func splitSentencesByRunes(line string) []string {
	var out []string
	start := 0
	for i, r := range line {
		switch r {
		case '。', '！', '？', '.', '!', '?':
			end := i + utf8.RuneLen(r)
			if r == '.' && end < len(line) && line[end] != ' ' {
				continue
			}
			out = append(out, strings.TrimSpace(line[start:end]))
			start = end
		}
	}
	if rest := strings.TrimSpace(line[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

// FuzzSentencesAsByRunes splits lines, valid UTF-8 or not, in place and
// rune by rune, and wants the same sentences.
func FuzzSentencesAsByRunes(f *testing.F) {
	for _, s := range []string{
		"", "A. B! C? D", "e.g. 3.5 example.org. end", "最初の一年は大変でした。次！最後？", "\xe3\x80. \xef\xbc\x81\xef\xbc", "\xe2\xe3\x80\x82x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		var got []string
		for s := range sentences([]byte(line)) {
			got = append(got, string(s))
		}
		if want := splitSentencesByRunes(line); !slices.Equal(got, want) {
			t.Errorf("%q: got %q, want %q", line, got, want)
		}
	})
}
