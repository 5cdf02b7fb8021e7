package minifier

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kakehashi/internal/markdown"
)

// full is what the full minifier writes for src (it works in place, so on
// a copy).
func full(t testing.TB, src []byte) []byte {
	t.Helper()
	out, err := files.Bytes("text/html", bytes.Clone(src))
	if err != nil {
		t.Fatalf("full minifier on %q: %v", src, err)
	}
	return out
}

// checkPlain fails t if minifyPlain takes src and writes other than the
// full minifier; it reports whether it took it.
func checkPlain(t testing.TB, src []byte) bool {
	t.Helper()
	got, ok := minifyPlain(src)
	if !ok {
		return false
	}
	if want := full(t, src); got != string(want) {
		t.Errorf("minifyPlain(%q)\n = %q\nfull minifier:\n   %q", src, got, want)
	}
	return true
}

func TestPlain(t *testing.T) {
	tests := []struct {
		name, src string
		taken     bool
	}{
		{"blocks", "<h2 id=\"a\">Title</h2>\n<p>one two</p>\n<ul>\n<li>a</li>\n</ul>\n", true},
		{"soft line break kept", "<p>one\ntwo</p>\n", true},
		{"inline tags and spaces", "<p>a <strong>b</strong> <em>c</em>\n<em>d</em> <a href=\"/x/\">e</a>.</p>\n", true},
		{"references", "<p>a &amp; b &lt; c &gt; d &quot;e&quot; f&amp;g</p>\n", true},
		{"hard break", "<p>a<br>\nb</p>\n", true},
		{"query in a link", "<p><a href=\"https://e.org/?a=1&amp;b=2\">x</a></p>\n", true},
		{"table", "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n", true},
		{"japanese", "<p>日本語の文章です。「引用」</p>\n", true},
		{"double space", "<p>a  b</p>\n", false},
		{"space before a block end", "<p>a </p>\n", false},
		{"pre", "<pre><code>x\n  y\n</code></pre>\n", false},
		{"numeric reference", "<p>&#x21a9;</p>\n", false},
		{"quote in an attribute", "<a href=\"/\" title=\"&quot;\">x</a>", false},
		{"style", "<th style=\"text-align:left\">a</th>", false},
		{"image", "<p><img src=\"a.jpg\" alt=\"a\"></p>", false},
		{"comment", "<!-- raw HTML omitted -->\n", false},
		{"tab", "<p>a\tb</p>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if taken := checkPlain(t, []byte(tt.src)); taken != tt.taken {
				t.Errorf("minifyPlain took %q: %v, want %v", tt.src, taken, tt.taken)
			}
			// Whoever takes it, HTML writes what the full minifier writes.
			got, err := HTML([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if want := full(t, []byte(tt.src)); got != string(want) {
				t.Errorf("HTML(%q) = %q, want %q", tt.src, got, want)
			}
		})
	}
}

// TestPlainOnConvertedMarkdown converts random stories made of every
// construct a writer uses, and the sample site's stories, and checks
// minifyPlain against the full minifier on each; most plain stories must
// be taken, or the fast path would be dead weight.
func TestPlainOnConvertedMarkdown(t *testing.T) {
	conv := markdown.New()
	convert := func(src string) []byte {
		res, err := conv.Convert([]byte(src), markdown.Page{Path: "en/talents/x/", BaseURL: "https://example.org/"})
		if err != nil {
			t.Fatalf("convert %q: %v", src, err)
		}
		return []byte(res.HTML)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	taken, plainTaken, plain := 0, 0, 0
	const n = 3000
	for i := range n {
		md, isPlain := randomStory(rng)
		html := convert(md)
		ok := checkPlain(t, html)
		if ok {
			taken++
		}
		if isPlain {
			plain++
			if ok {
				plainTaken++
			}
		}
		if t.Failed() {
			t.Fatalf("story %d:\n%s", i, md)
		}
	}
	t.Logf("taken %d of %d random stories; %d of %d plain ones", taken, n, plainTaken, plain)
	if plainTaken < plain*9/10 {
		t.Errorf("minifyPlain took %d of %d plain stories; want nine in ten", plainTaken, plain)
	}
	mds, _ := filepath.Glob("../../content/*/*.md")
	if len(mds) == 0 {
		t.Fatal("no sample stories found")
	}
	for _, f := range mds {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// The front matter converts as text: harmless here.
		checkPlain(t, convert(string(raw)))
	}
}

// randomStory writes a story of random blocks; plain is false when it
// uses a construct minifyPlain leaves to the full minifier.
func randomStory(rng *rand.Rand) (md string, plain bool) {
	words := []string{"refugee", "Tokyo", "team", "日本語", "仕事", "café", "A.B.", "x&y", "a & b", "1 < 2", "3 > 2", `"quoted"`, "it's", "(note)", "e-mail", "50%", "naïve", "ü", "\u00a0", "a_b", "#tag", "[x]", "~", "k\u0301"}
	inline := func() string {
		var b strings.Builder
		for i := range 3 + rng.IntN(8) {
			if i > 0 {
				b.WriteString([]string{" ", " ", " ", " ", " ", "\n", "  \n", "\\\n", "、", ""}[rng.IntN(10)])
			}
			w := words[rng.IntN(len(words))]
			switch rng.IntN(60) {
			case 0:
				w = "*" + w + "*"
			case 1:
				w = "**" + w + "**"
			case 2:
				w = "[" + w + "](/en/talents/y/)"
			case 3:
				w = "[" + w + "](https://example.org/?a=1&b=2)"
			case 4:
				w = "`" + w + "`"
			case 5:
				w = "~~" + w + "~~"
			case 6:
				w = "https://example.com/" + w
			case 7:
				w = "<span>" + w + "</span>"
			case 8:
				w = "![" + w + "](p.jpg)"
			case 9:
				w = w + "[^1]"
			}
			b.WriteString(w)
		}
		return b.String()
	}
	plain = true
	var b strings.Builder
	for range 1 + rng.IntN(6) {
		switch rng.IntN(24) {
		case 0:
			b.WriteString("## " + inline() + "\n")
		case 1:
			for range 1 + rng.IntN(3) {
				b.WriteString("- " + inline() + "\n")
			}
		case 2:
			b.WriteString("1. " + inline() + "\n\n2. " + inline() + "\n")
		case 3:
			b.WriteString("> " + inline() + "\n")
		case 4:
			b.WriteString("| a | b |\n|---|:-:|\n| " + strings.ReplaceAll(inline(), "\n", " ") + " | c |\n")
			plain = false
		case 5:
			b.WriteString("```\ncode  here\n```\n")
			plain = false
		case 6:
			b.WriteString("---\n")
		default:
			b.WriteString(inline() + "\n")
		}
		b.WriteString("\n")
	}
	md = b.String()
	for _, s := range []string{"<span>", "![", "[^1]", "  \n", "\\\n"} {
		if strings.Contains(md, s) {
			plain = false
		}
	}
	return md, plain
}

// FuzzPlainAsFull: whatever minifyPlain takes, it minifies exactly as the
// full minifier does.
func FuzzPlainAsFull(f *testing.F) {
	for _, s := range []string{
		"<h2 id=\"a\">Title</h2>\n<p>one two</p>\n",
		"<p>a <strong>b</strong> <em>c</em>\n<em>d</em></p>\n<ul>\n<li>x</li>\n</ul>\n",
		"<p>a &amp; b &lt; c &gt; d &quot;e&quot; f&amp;g</p>",
		"<p>a<br>\nb</p>\n<hr>\n<blockquote>\n<p>q</p>\n</blockquote>\n",
		"<p><a href=\"https://e.org/?a=1&amp;b=2\" class=\"x\" id=\"q\" role=\"r\">t</a> <code>a b</code></p>\n",
		"<div class=\"footnotes\" role=\"doc-endnotes\">\n<hr>\n<ol>\n<li id=\"fn:1\">\n<p>x</p>\n</li>\n</ol>\n</div>\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkPlain(t, src)
	})
}

// benchStories are converted stories minifyPlain takes, for the benchmarks.
func benchStories(b *testing.B) [][]byte {
	conv := markdown.New()
	rng := rand.New(rand.NewPCG(7, 8))
	var out [][]byte
	for len(out) < 200 {
		md, plain := randomStory(rng)
		if !plain {
			continue
		}
		res, err := conv.Convert([]byte(md), markdown.Page{Path: "en/talents/x/", BaseURL: "https://example.org/"})
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := minifyPlain([]byte(res.HTML)); ok {
			out = append(out, []byte(res.HTML))
		}
	}
	return out
}

// BenchmarkHTML minifies plain converted stories: with the one-pass
// minifier, and with the full one.
func BenchmarkHTML(b *testing.B) {
	stories := benchStories(b)
	size := 0
	for _, s := range stories {
		size += len(s)
	}
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(int64(size))
		for b.Loop() {
			for _, s := range stories {
				if _, ok := minifyPlain(s); !ok {
					b.Fatal("not taken")
				}
			}
		}
	})
	b.Run("full", func(b *testing.B) {
		b.SetBytes(int64(size))
		buf := make([]byte, 0, 1<<16)
		for b.Loop() {
			for _, s := range stories {
				buf = append(buf[:0], s...) // the full minifier works in place
				if _, err := files.Bytes("text/html", buf); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
