package render

import (
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestFormatDate(t *testing.T) {
	d := time.Date(2023, 6, 15, 0, 0, 0, 0, time.UTC)
	tests := []struct{ lang, want string }{
		{"ja", "2023年6月15日"},
		{"en", "15 June 2023"},
	}
	for _, tt := range tests {
		if got := FormatDate(tt.lang, d); got != tt.want {
			t.Errorf("FormatDate(%s) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if FormatDate("ja", time.Time{}) != "" {
		t.Error("zero date is not empty")
	}
}

func TestReadingMinutes(t *testing.T) {
	// 1,000 Japanese characters (punctuation and spaces not counted) read in two minutes.
	ja := strings.Repeat("難民として日本に来てから、エンジニアとして働き始めました。", 40) // 26 counted chars × 40 = 1,040
	en := strings.Repeat("word ", 600)
	tests := []struct {
		lang string
		text string
		want int
	}{
		{"ja", ja, 2},
		{"en", en, 3},
		{"en", "short", 1},
		{"ja", "短い。", 1},
	}
	for _, tt := range tests {
		if got := ReadingMinutes(tt.lang, []byte(tt.text)); got != tt.want {
			t.Errorf("ReadingMinutes(%s, %d bytes) = %d, want %d", tt.lang, len(tt.text), got, tt.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	ja := strings.Repeat("カブールで八年間ネットワークエンジニアとして働いたのち、日本に避難しました。", 5)
	got := Summarize("ja", ja)
	if n := utf8.RuneCountInString(got); n != summaryRunes+1 || !strings.HasSuffix(got, "…") {
		t.Errorf("Japanese summary has %d runes: %q", n, got)
	}
	if !utf8.ValidString(got) {
		t.Error("Japanese summary cut mid-character")
	}
	en := strings.Repeat("She spent eight years as a network engineer in Kabul. ", 10)
	got = Summarize("en", en)
	if words := strings.Fields(strings.TrimSuffix(got, "…")); len(words) != summaryWords || !strings.HasSuffix(got, "…") {
		t.Errorf("English summary has %d words: %q", len(words), got)
	}
	if !strings.HasPrefix(en, strings.TrimSuffix(got, "…")) {
		t.Error("English summary is not cut at a word boundary")
	}
	if Summarize("en", "Short text.") != "Short text." {
		t.Error("short text changed")
	}
	// Japanese text on an English page is still cut by characters.
	if got := Summarize("en", ja); utf8.RuneCountInString(got) != summaryRunes+1 {
		t.Errorf("Japanese text in English list: %q", got)
	}
}

// TestReadingCountsMatchUnicode: the counting fast paths agree with the
// definitions they replace, on every ASCII byte and a mix of scripts.
func TestReadingCountsMatchUnicode(t *testing.T) {
	var all []byte
	for c := 0; c < 0x80; c++ {
		all = append(all, byte(c), 'x', byte(c))
	}
	// Every rune of the Basic Multilingual Plane (surrogates encode as
	// invalid UTF-8), and some beyond it.
	var bmp []byte
	for r := rune(0x80); r < 0x10000; r++ {
		bmp = utf8.AppendRune(bmp, r)
	}
	bmp = append(bmp, "\U0001F600 \U00020BB7\U0001D400!"...)
	// Broken and overlong sequences, surrogates, and random bytes.
	broken := []byte("\xe3\x81\xe3\x81\x82\xed\xa0\x80\xe0\x80\x80\xe0\xa0\x80\xef\xbf\xbf\xee\x80\x80\xe3")
	r := rand.New(rand.NewPCG(3, 4))
	for range 4096 {
		broken = append(broken, byte(r.IntN(64))+0xc0*byte(r.IntN(2)), byte(0x80+r.IntN(64)))
	}
	texts := [][]byte{all, bmp, broken, []byte("  two words\u3000全角　スペース\u00a0nbsp\u2028line sep\xff bad "), []byte("「日本語」の文章、句読点。ABC 123!?"), {}}
	for _, text := range texts {
		fields := len(strings.Fields(string(text)))
		if got := countFields(text); got != fields {
			t.Errorf("countFields(%q) = %d, want %d", text, got, fields)
		}
		readable := 0
		for _, r := range string(text) {
			if !unicode.IsSpace(r) && !unicode.IsPunct(r) && !unicode.IsSymbol(r) {
				readable++
			}
		}
		if got := countReadable(text); got != readable {
			t.Errorf("countReadable(%q) = %d, want %d", text, got, readable)
		}
	}
}

// TestSummarizeMatchesFields: the one-pass summary is the summary of the
// words strings.Fields finds, on random text of every kind of space.
func TestSummarizeMatchesFields(t *testing.T) {
	reference := func(lang, s string) string {
		s = strings.Join(strings.Fields(s), " ")
		if lang == "ja" || hasEastAsian(s) {
			return Summarize(lang, s) // the character cut is unchanged
		}
		words := strings.Fields(s)
		if len(words) <= summaryWords {
			return s
		}
		return strings.TrimRight(strings.Join(words[:summaryWords], " "), ",;:") + "…"
	}
	pieces := []string{"word", "a,", "b;", "c:", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\u2003", "\u0085", "é", "x.", ",", "\xff"}
	r := rand.New(rand.NewPCG(9, 10))
	for n := range 20000 {
		var b strings.Builder
		for k := r.IntN(90); k >= 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		if n%3 == 0 {
			s = strings.Join(strings.Fields(s), " ") // already collapsed: the fast path
		}
		if got, want := Summarize("en", s), reference("en", s); got != want {
			t.Fatalf("Summarize(%q)\n got  %q\n want %q", s, got, want)
		}
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestCountFieldsEightAtATime: every byte in every place of an eight-byte
// word, and random ASCII text with runs of every kind of white space, give
// strings.Fields's count.
func TestCountFieldsEightAtATime(t *testing.T) {
	for c := 0; c < 128; c++ {
		for at := 0; at < 8; at++ {
			b := []byte("abcdefgh ijklmnop")
			b[at] = byte(c)
			var want uint64
			if c == ' ' || c >= '\t' && c <= '\r' {
				want = 0x80 << (8 * at)
			}
			if got := asciiSpace8(binary.LittleEndian.Uint64(b)); got != want {
				t.Fatalf("asciiSpace8 with %q at %d = %#x, want %#x", rune(c), at, got, want)
			}
		}
	}
	r := rand.New(rand.NewPCG(14, 15))
	for range 5000 {
		b := make([]byte, r.IntN(70))
		for i := range b {
			const alphabet = " \t\n\v\f\rax9.-"
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		if got, want := countFields(b), len(strings.Fields(string(b))); got != want {
			t.Fatalf("countFields(%q) = %d, want %d", b, got, want)
		}
	}
}
