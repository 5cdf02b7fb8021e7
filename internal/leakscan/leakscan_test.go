package leakscan

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// needles is the set most cases are scanned for.
var needles = []Needle{
	{Text: "Amina Karimi", Kind: "real name", Owner: "talents/amina-k"},
	{Text: "山田 太郎", Kind: "real name", Owner: "talents/yamada"},
	{Text: "O'Brien", Kind: "real name", Owner: "talents/obrien"},
	{Text: "アミナ・カリミ", Kind: "real name", Owner: "talents/amina-k"},
	{Text: "José Núñez", Kind: "real name", Owner: "talents/jose"},
	{Text: "amina-karimi", Kind: "slug", Owner: "talents/amina-k"},
	{Text: "Li", Kind: "real name", Owner: "talents/li"},
	{Text: "Ωμέγα Σίσυφος", Kind: "real name", Owner: "talents/greek"},
	{Text: "李明华", Kind: "real name", Owner: "talents/li-minghua"},
	{Text: "欧阳明华", Kind: "real name", Owner: "talents/ouyang"},
}

// show renders matches as "needle@line:col" for readable failures.
func show(ms []Match) string {
	var b strings.Builder
	for i, m := range ms {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s@%d:%d", m.Needle.Text, m.Line, m.Col)
	}
	return b.String()
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Amina Karimi", "amina karimi"},
		{"AMINA KARIMI", "amina karimi"},
		{"  Amina \t\n Karimi  ", "amina karimi"},
		{"Ａｍｉｎａ　Ｋａｒｉｍｉ", "amina karimi"},      // full width, ideographic space
		{"ｱﾐﾅ", "アミナ"},                        // half-width kana
		{"ｶﾞｷﾞ", "ガギ"},                        // half-width voiced marks compose
		{"か\u3099", "が"},                      // combining dakuten composes
		{"Jose\u0301", "josé"},                // combining acute composes
		{"Amina\u00a0Karimi", "amina karimi"}, // NBSP
		{"Ami\u00adna\u200b", "amina"},        // soft hyphen, zero-width space
		{"葛\U000E0100城", "葛城"},                // ideographic variation selector
		{"Straße", "strasse"},
		{"ΣΊΣΥΦΟΣ σίσυφος", "σίσυφοσ σίσυφοσ"},
		{"Ⅻ ㍻ ﬁ", "xii 平成 fi"},
		{"", ""},
		{" \t ", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFind(t *testing.T) {
	html := []Option{WithHTML()}
	tests := []struct {
		name string
		opts []Option
		text string
		want string
	}{
		{"plain", nil, "Hello Amina Karimi!", "Amina Karimi@1:7"},
		{"case", nil, "AMINA KARIMI and amina karimi", "Amina Karimi@1:1, Amina Karimi@1:18"},
		{"full width", nil, "Ａｍｉｎａ　Ｋａｒｉｍｉ", "Amina Karimi@1:1"},
		{"half-width kana", nil, "ｱﾐﾅ･ｶﾘﾐ さん", "アミナ・カリミ@1:1"},
		{"extra spaces", nil, "Amina    Karimi", "Amina Karimi@1:1"},
		{"newline in name", nil, "said Amina\nKarimi.", "Amina Karimi@1:6"},
		{"CRLF in name", nil, "Amina\r\n  Karimi", "Amina Karimi@1:1"},
		{"tab and nbsp", nil, "Amina\t\u00a0Karimi", "Amina Karimi@1:1"},
		{"glued latin", nil, "AminaKarimi", "Amina Karimi@1:1"},
		{"CJK with space", nil, "山田 太郎です", "山田 太郎@1:1"},
		{"CJK without space", nil, "私は山田太郎です", "山田 太郎@1:7"},
		{"CJK ideographic space", nil, "山田　太郎", "山田 太郎@1:1"},
		{"CJK many spaces", nil, "山田  \n 太郎", "山田 太郎@1:1"},
		{"CJK needle unspaced, text spaced", nil, "欧阳 明华", "欧阳明华@1:1"},
		{"CJK needle, spaced text", nil, "欧 阳　明\n华", "欧阳明华@1:1"},
		{"latin no space inside token", nil, "Ami na Karimi", ""},
		{"combining accents", nil, "Jose\u0301 Nu\u0301n\u0303ez", "José Núñez@1:1"},
		{"greek final sigma", nil, "ΩΜΈΓΑ ΣΊΣΥΦΟΣ", "Ωμέγα Σίσυφος@1:1"},
		{"soft hyphen", nil, "Ami\u00adna Kari\u200bmi", "Amina Karimi@1:1"},
		{"no word boundary before", nil, "Samina Karimi", ""},
		{"no word boundary after", nil, "Amina Karimiova", ""},
		{"boundary: punctuation", nil, "(Amina Karimi's)", "Amina Karimi@1:2"},
		{"boundary: slug in path", nil, "/talents/amina-karimi/", "amina-karimi@1:10"},
		{"boundary: CJK after latin", nil, "Amina Karimiさん", "Amina Karimi@1:1"},
		{"boundary: digit", nil, "Amina Karimi2", ""},
		{"boundary: combining mark", nil, "Amina Karimi\u0301", ""},
		{"CJK inside text", nil, "前山田太郎後", "山田 太郎@1:4"},
		{"short needle ignored", nil, "Li Li Li", ""},
		{"markdown emphasis not bridged", nil, "Amina *Karimi*", ""},
		{"entities not decoded in plain text", nil, "O&#39;Brien", ""},
		{"with entities", []Option{WithEntities()}, "O&#39;Brien", "O'Brien@1:1"},
		{"html entity numeric", html, "O&#39;Brien", "O'Brien@1:1"},
		{"html entity hex", html, "O&#x27;Brien &#X41;mina Karimi", "O'Brien@1:1, Amina Karimi@1:14"},
		{"html entity named", html, "O&apos;Brien, Jos&eacute; N&uacute;&ntilde;ez", "O'Brien@1:1, José Núñez@1:15"},
		{"html entity rare", html, "O&CloseCurlyQuote;Brien", ""},
		{"html escaped combining marks", html, "Jose&#769; Nu&#x301;n&#771;ez", "José Núñez@1:1"},
		{"escaped combining mark", []Option{WithEscapes()}, `"Jose\u0301 Nu\u0301n\u0303ez"`, "José Núñez@1:2"},
		{"html nbsp", html, "Amina&nbsp;Karimi", "Amina Karimi@1:1"},
		{"html double escaped", html, "O&amp;#39;Brien", "O'Brien@1:1"},
		{"html tags between words", html, "Amina <em>Karimi</em>", "Amina Karimi@1:1"},
		{"html tags inside word", html, "Ami<b>na</b> Kar<span class=\"x\">imi</span>", "Amina Karimi@1:1"},
		{"html tag is boundary", html, "<p>x</p>Amina Karimi<br>", "Amina Karimi@1:9"},
		{"html attribute", html, `<img src="a.jpg" alt="Photo of Amina Karimi">`, "Amina Karimi@1:32"},
		{"html attribute with >", html, `<a title="a > b" href="/talents/amina-karimi/">x</a>`, "amina-karimi@1:33"},
		{"html comment", html, "<!-- TODO: Amina Karimi -->ok", "Amina Karimi@1:12"},
		{"html comment between words", html, "Amina <!-- x --> Karimi", "Amina Karimi@1:1"},
		{"html escaped tags (RSS)", html, "&lt;p&gt;Amina &lt;em&gt;Karimi&lt;/em&gt;&lt;/p&gt;", "Amina Karimi@1:10"},
		{"html CDATA", html, "<description><![CDATA[<p>Amina <b>Karimi</b></p>]]></description>", "Amina Karimi@1:26"},
		{"html script text", html, `<script type="application/ld+json">{"name":"Amina Karimi"}</script>`, "Amina Karimi@1:45"},
		{"html less-than is text", html, "a <b Amina Karimi", "Amina Karimi@1:6"},
		{"html lone ampersand", html, "Tom & Amina Karimi", "Amina Karimi@1:7"},
		{"html CJK across tags", html, "<ruby>山田</ruby><span>太郎</span>", "山田 太郎@1:7"},
		{"html: tags off in plain mode", nil, "Amina <em>Karimi</em>", ""},
		{"escapes json", []Option{WithEscapes()}, `{"n":"O\u0027Brien","m":"\u5c71\u7530\u0020\u592a\u90ce"}`, "O'Brien@1:7, 山田 太郎@1:26"},
		{"escapes json newline", []Option{WithEscapes()}, `"Amina\nKarimi"`, "Amina Karimi@1:2"},
		{"escapes surrogate pair", []Option{WithEscapes()}, `"\ud83d\ude00 Amina Karimi"`, "Amina Karimi@1:15"},
		{"escapes url", []Option{WithEscapes()}, "/tags/%E5%B1%B1%E7%94%B0%E5%A4%AA%E9%83%8E/", "山田 太郎@1:7"},
		{"escapes js tags", []Option{WithEscapes(), WithHTML()}, `"Amina \u003cem\u003eKarimi\u003c/em\u003e"`, "Amina Karimi@1:2"},
		{"escapes off", nil, `\u5c71\u7530\u592a\u90ce`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(needles, tt.opts...)
			got := s.Find([]byte(tt.text))
			if show(got) != tt.want {
				t.Errorf("Find(%q)\n got: %s\nwant: %s", tt.text, show(got), tt.want)
			}
			first, ok := s.First([]byte(tt.text))
			if ok != (len(got) > 0) || ok && first != got[0] {
				t.Errorf("First(%q) = %+v, %v; want the first of Find", tt.text, first, ok)
			}
		})
	}
}

func TestMinRunes(t *testing.T) {
	tests := []struct {
		min     int
		text    string
		want    string
		ignored int
	}{
		{4, "Li and Amina Karimi and 李明华", "Amina Karimi@1:8", 2},
		{2, "Li and Amina Karimi and 李明华", "Li@1:1, Amina Karimi@1:8, 李明华@1:25", 0},
		{3, "Li and Amina Karimi and 李明华", "Amina Karimi@1:8, 李明华@1:25", 1},
		{13, "Amina Karimi", "", 10}, // "aminakarimi" has 11 runes: spaces do not count
	}
	for _, tt := range tests {
		s := New(needles, WithMinRunes(tt.min))
		if got := show(s.Find([]byte(tt.text))); got != tt.want {
			t.Errorf("min %d: got %s, want %s", tt.min, got, tt.want)
		}
		if n := len(s.Ignored()); n != tt.ignored {
			t.Errorf("min %d: %d ignored, want %d: %v", tt.min, n, tt.ignored, s.Ignored())
		}
	}
}

// TestPositions checks that offsets map back to the original bytes.
func TestPositions(t *testing.T) {
	tests := []struct {
		name            string
		opts            []Option
		text            string
		line, col       int
		offset, wantEnd int
	}{
		{name: "ascii", text: "ab\ncd Amina Karimi", line: 2, col: 4, offset: 6, wantEnd: 18},
		{name: "after multibyte", text: "日本語\n私は Amina Karimi です", line: 2, col: 8, offset: 17, wantEnd: 29},
		{name: "CRLF", text: "x\r\ny\r\n  Amina Karimi\r\n", line: 3, col: 3, offset: 8, wantEnd: 20},
		{name: "full width", text: "\n\nＡｍｉｎａ Ｋａｒｉｍｉ", line: 3, col: 1, offset: 2, wantEnd: 36},
		{name: "entity at start", opts: []Option{WithHTML()}, text: "<p>\n&#65;mina Karim&#x69;</p>", line: 2, col: 1, offset: 4, wantEnd: 25},
		{name: "inside tag", opts: []Option{WithHTML()}, text: "<p>\n<img\n alt='Amina Karimi'>", line: 3, col: 7, offset: 15, wantEnd: 27},
		{name: "CJK", text: "ああ\n\n前山田太郎後", line: 3, col: 4, offset: 11, wantEnd: 23},
		{name: "half-width segment", text: "x ｱﾐﾅ･ｶﾘﾐ", line: 1, col: 3, offset: 2, wantEnd: 23},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := New(needles, tt.opts...).Find([]byte(tt.text))
			if len(ms) != 1 {
				t.Fatalf("got %d matches (%s), want 1", len(ms), show(ms))
			}
			m := ms[0]
			if m.Line != tt.line || m.Col != tt.col || m.Offset != tt.offset || m.End != tt.wantEnd {
				t.Errorf("got %d:%d [%d,%d), want %d:%d [%d,%d); text[off:end] = %q",
					m.Line, m.Col, m.Offset, m.End, tt.line, tt.col, tt.offset, tt.wantEnd, tt.text[m.Offset:m.End])
			}
		})
	}
}

func TestOverlapping(t *testing.T) {
	ns := []Needle{
		{Text: "Amina Karimi Family"},
		{Text: "Karimi Family"},
		{Text: "Amina Karimi"},
		{Text: "Amina Karimi"}, // the same name for two owners: both reported
		{Text: "abab abab"},
		{Text: "山田太郎"},
		{Text: "田太郎丸"},
	}
	s := New(ns)
	text := "The Amina Karimi Family; abab abab abab; 山田太郎丸"
	want := "Amina Karimi@1:5, Amina Karimi@1:5, Amina Karimi Family@1:5, Karimi Family@1:11, " +
		"abab abab@1:26, abab abab@1:31, 山田太郎@1:42, 田太郎丸@1:45"
	if got := show(s.Find([]byte(text))); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestManyNeedles hides some of 3,000 needles in a long text and expects
// exactly those back, at the right places.
func TestManyNeedles(t *testing.T) {
	ns := genNeedles(3000, 1)
	s := New(ns, WithHTML())
	if len(s.Ignored()) != 0 {
		t.Fatalf("ignored: %v", s.Ignored())
	}
	text, want := genHTML(1<<20, ns, 50, 2)
	got := s.Find(text)
	if len(got) != len(want) {
		t.Fatalf("got %d matches, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].Offset != want[i].Offset || got[i].Needle != want[i].Needle {
			t.Fatalf("match %d: got %q at %d, want %q at %d", i, got[i].Needle.Text, got[i].Offset, want[i].Needle.Text, want[i].Offset)
		}
	}
}

func TestConcurrent(t *testing.T) {
	ns := genNeedles(500, 3)
	s := New(ns, WithHTML())
	texts := make([][]byte, 8)
	wants := make([]string, 8)
	for i := range texts {
		texts[i], _ = genHTML(64<<10, ns, 5+i, uint64(10+i))
		wants[i] = show(s.Find(texts[i]))
	}
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 20; k++ {
				i := (g + k) % len(texts)
				if got := show(s.Find(texts[i])); got != wants[i] {
					t.Errorf("goroutine %d text %d: results differ", g, i)
					return
				}
				m, ok := s.First(texts[i])
				if !ok || m.Offset != s.Find(texts[i])[0].Offset {
					t.Errorf("goroutine %d text %d: First differs", g, i)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestNoNeedles(t *testing.T) {
	s := New(nil, WithHTML())
	if got := s.Find([]byte("Amina Karimi")); got != nil {
		t.Errorf("got %v", got)
	}
	if _, ok := s.First([]byte("x")); ok {
		t.Error("First found something")
	}
}

// TestFirstOf wants the first match of a needle that counts, with its own
// line and column, past earlier matches of needles that do not.
func TestFirstOf(t *testing.T) {
	ns := []Needle{{Text: "Amina Karimi", Kind: "real name"}, {Text: "Farida Noori", Kind: "real name"}}
	s := New(ns, WithHTML())
	text := []byte("<p>Farida Noori</p>\n<p>Farida Noori and\nAmina Karimi</p>")
	onlyAmina := func(n Needle) bool { return n == ns[0] }
	m, ok := s.FirstOf(text, onlyAmina)
	if !ok || m.Needle != ns[0] || m.Line != 3 || m.Col != 1 {
		t.Errorf("FirstOf = %+v, %v; want Amina Karimi at 3:1", m, ok)
	}
	if m, ok := s.FirstOf(text, func(Needle) bool { return false }); ok {
		t.Errorf("FirstOf no needle = %+v, want none", m)
	}
	if m, ok := s.FirstOf([]byte("<p>Farida Noori</p>"), onlyAmina); ok {
		t.Errorf("FirstOf over other needles only = %+v, want none", m)
	}
}
