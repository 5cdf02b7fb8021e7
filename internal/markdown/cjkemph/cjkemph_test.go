package cjkemph_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/testutil"

	"kakehashi/internal/markdown/cjkemph"
)

// site builds goldmark the way kakehashi renders pages, plus extra.
func site(extra ...goldmark.Extender) goldmark.Markdown {
	exts := []goldmark.Extender{
		extension.GFM,
		extension.Footnote,
		extension.NewCJK(extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksCSS3Draft), extension.WithEscapedSpace()),
	}
	return goldmark.New(goldmark.WithExtensions(append(exts, extra...)...))
}

func render(t testing.TB, md goldmark.Markdown, src string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		t.Fatalf("Convert(%q): %v", src, err)
	}
	return buf.String()
}

func TestRender(t *testing.T) {
	tests := []struct {
		name, in, want string
		// fixed is set when plain goldmark renders the input differently;
		// it keeps the table honest about which cases exercise the rule.
		fixed bool
	}{
		{"strong closed by 」 before kana", "**「強調」**です", "<p><strong>「強調」</strong>です</p>\n", true},
		{"strong closed by 。 before kanji", "**この文。**次の文", "<p><strong>この文。</strong>次の文</p>\n", true},
		{"emphasis closed by 」", "*「斜体」*です", "<p><em>「斜体」</em>です</p>\n", true},
		{"strong opened after kana before 「", "太郎は**「こんにちわ」**といった", "<p>太郎は<strong>「こんにちわ」</strong>といった</p>\n", true},
		{"CJK with English", "日本語の**「引用」**と English **bold** text.", "<p>日本語の<strong>「引用」</strong>と English <strong>bold</strong> text.</p>\n", true},
		{"ascii parens after kanji", "𰻞𰻞**（ビャンビャン）**麺と﨑**(崎)**", "<p>𰻞𰻞<strong>（ビャンビャン）</strong>麺と﨑<strong>(崎)</strong></p>\n", true},
		{"link inside strong", "**[製品ほげ](./product-foo)**をお試しください", "<p><strong><a href=\"./product-foo\">製品ほげ</a></strong>をお試しください</p>\n", true},
		{"code span inside strong", "この**`code`**を", "<p>この<strong><code>code</code></strong>を</p>\n", true},
		{"hangul", "**스크립트(script)**라고", "<p><strong>스크립트(script)</strong>라고</p>\n", true},
		{"punctuation runs", "**C#**や**F#**は**「.NET」**で動く。", "<p><strong>C#</strong>や<strong>F#</strong>は<strong>「.NET」</strong>で動く。</p>\n", true},
		{"strikethrough", "~~「削除」~~です", "<p><del>「削除」</del>です</p>\n", true},
		{"IVS before opener", "禰\U000e0100**(ね)**豆子", "<p>禰\U000e0100<strong>(ね)</strong>豆子</p>\n", true},
		{"SVS before opener", "大塚\ufe00**(U+585A U+FE00)**", "<p>大塚\ufe00<strong>(U+585A U+FE00)</strong></p>\n", true},
		{"underscore after CJK punctuation + VS", "正體字。\ufe01_Traditional._", "<p>正體字。\ufe01<em>Traditional.</em></p>\n", true},

		// The character before a variation selector is looked up through
		// the block reader, so container markers and line starts count as
		// goldmark counts them (more in testdata/cjkemph.txt).
		{"SVS in a blockquote", "> 塚\ufe00**(a)**", "<blockquote>\n<p>塚\ufe00<strong>(a)</strong></p>\n</blockquote>\n", true},
		{"SVS at paragraph start is a plain character", "\ufe00**(a)**", "<p>\ufe00**(a)**</p>\n", false},

		// Already fine in CommonMark; must stay fine.
		{"English inside Japanese", "これは**English**です", "<p>これは<strong>English</strong>です</p>\n", false},
		{"mixed word", "**Go言語**を学ぶ", "<p><strong>Go言語</strong>を学ぶ</p>\n", false},
		{"underscore strong before fullwidth colon", "__注意__：注意事項", "<p><strong>注意</strong>：注意事項</p>\n", false},
		{"plain English", "Some *emphasis* and __strong__ text.", "<p>Some <em>emphasis</em> and <strong>strong</strong> text.</p>\n", false},
		{"rule of 3", "*foo**bar**baz*", "<p><em>foo<strong>bar</strong>baz</em></p>\n", false},
		{"intraword underscore", "snake_case_name", "<p>snake_case_name</p>\n", false},
		// CommonMark sees the selector as a letter; the spec sees a CJK
		// punctuation sequence. Either way the closer is right-flanking.
		{"fullwidth quotes via VS2", "**“\ufe01Git”\ufe01**Hub", "<p><strong>“\ufe01Git”\ufe01</strong>Hub</p>\n", false},

		// `_` keeps its intraword restriction: the spec amends only the
		// opening rules, and a closing `_` between `」` and `で` is both
		// left- and right-flanking but not followed by punctuation.
		{"underscore closer before kana stays literal", "__「強調」__です", "<p>__「強調」__です</p>\n", false},
		{"single underscore closer before kana stays literal", "_「斜体」_です", "<p>_「斜体」_です</p>\n", false},
		{"underscore between kana stays literal", "これは_強調_です", "<p>これは_強調_です</p>\n", false},
	}
	configs := []struct {
		name string
		md   goldmark.Markdown
	}{
		{"bare", goldmark.New(goldmark.WithExtensions(cjkemph.Extension, cjkemph.Strikethrough))},
		{"site", site(cjkemph.Extension, cjkemph.Strikethrough)},
	}
	plain := site()
	for _, tt := range tests {
		for _, cfg := range configs {
			t.Run(cfg.name+"/"+tt.name, func(t *testing.T) {
				if got := render(t, cfg.md, tt.in); got != tt.want {
					t.Errorf("render(%q)\n got: %q\nwant: %q", tt.in, got, tt.want)
				}
			})
		}
		if fixed := render(t, plain, tt.in) != tt.want; fixed != tt.fixed {
			t.Errorf("%s: plain goldmark renders %q correctly = %v, table says %v", tt.name, tt.in, !fixed, !tt.fixed)
		}
	}
}

// TestDataFile runs testdata/cjkemph.txt, in goldmark's extension/_test
// format, through the site configuration.
func TestDataFile(t *testing.T) {
	testutil.DoTestCaseFile(site(cjkemph.Extension, cjkemph.Strikethrough), "testdata/cjkemph.txt", t)
}

// TestOrderIndependent checks that our parsers win over goldmark's whether
// our extensions are listed before or after GFM.
func TestOrderIndependent(t *testing.T) {
	const src = "**この文。**次の文と~~「削除」~~です"
	const want = "<p><strong>この文。</strong>次の文と<del>「削除」</del>です</p>\n"
	orders := [][]goldmark.Extender{
		{cjkemph.Extension, cjkemph.Strikethrough, extension.GFM},
		{extension.GFM, cjkemph.Extension, cjkemph.Strikethrough},
	}
	for _, exts := range orders {
		if got := render(t, goldmark.New(goldmark.WithExtensions(exts...)), src); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func ExampleExtension() {
	md := goldmark.New(goldmark.WithExtensions(cjkemph.Extension))
	if err := md.Convert([]byte("**この文。**次の文"), os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output: <p><strong>この文。</strong>次の文</p>
}

// BenchmarkConvert compares goldmark with and without the extension on
// mixed Japanese/English text heavy in emphasis.
func BenchmarkConvert(b *testing.B) {
	src := []byte(strings.Repeat("日本語の**「引用」**と English **bold** text、*斜体*と~~削除~~。\n"+
		"**この文。**次の文で_emphasis_と__strong__を使う。\n\n", 200))
	for _, bm := range []struct {
		name string
		md   goldmark.Markdown
	}{
		{"plain", site()},
		{"cjkemph", site(cjkemph.Extension, cjkemph.Strikethrough)},
	} {
		b.Run(bm.name, func(b *testing.B) {
			var buf bytes.Buffer
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				buf.Reset()
				if err := bm.md.Convert(src, &buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
