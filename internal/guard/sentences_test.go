package guard

import (
	"slices"
	"testing"
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
