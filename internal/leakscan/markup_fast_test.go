package leakscan

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// markupPieces are what TestMarkupFast builds texts of: tags with and
// without attributes, in both cases, quotes of both kinds, escaped markup
// and escaped name characters, comments, CDATA, script, non-ASCII text,
// names that may be needles, and names as long as the fast path reads.
var markupPieces = []string{
	"<", "</", ">", "/>", "<p>", "</p>", "<span>", "</SPAN>", "<em>", "</em>", "<Em ", "<div", "<a", "</a", "<b/>",
	"<time>", "</time>", "<br>", "<li class=\"x\">", "<img alt='Amina Karimi'>", "<a href=\"/t/amina-karimi/\" title=\"Ken Tanaka\">",
	"<meta content=\"Amina", " Karimi\">", "<p title=\"a>b\">", "<p title='a\"b'>", "<x-y:z_w.v>", "</x-y:z_w.v >",
	"span", "strong", "abbr", "p", "li", "h1", "x", "Amina", "Karimi", "Ken", "Tanaka", "amina-karimi",
	" ", "  ", "\t", "\n", "=", " = ", "\"", "'", "/", "-", ":", "_", ".", "0", "9",
	"&lt;", "&gt;", "&lt;em&gt;", "&#60;", "&#x3c;", "&#x3C;/em&#x3e;", "&amp;", "&amp;lt;", "&quot;", "&#39;", "&#x41;", "&#97;",
	"\\u003c", "\\u003e", "\\u003cem\\u003e", "\\u0041", "\\\"", "%3C", "%3E", "%41", "%", "\\", "&",
	"<!--", "-->", "<!-- Amina Karimi -->", "<![CDATA[", "]]>", "<!DOCTYPE html>", "<?xml version=\"1.0\"?>",
	"<script>", "</script>", "<style>", "</style>",
	"é", "e\u0301", "\u0301", "ｱﾐﾅ", "山田", "太郎", "ß", "\xff", "\xe3\x81",
	"<" + strings.Repeat("a", 63) + ">", "<" + strings.Repeat("b", 64) + ">", "</" + strings.Repeat("c", 65) + ">",
	"<" + strings.Repeat("d", 62) + "\\u0041 x>", "<span" + strings.Repeat(" ", 70) + ">",
}

var markupNeedles = []Needle{
	{Text: "Amina Karimi"}, {Text: "Ken Tanaka"}, {Text: "amina-karimi"}, {Text: "山田 太郎"}, {Text: "ｱﾐﾅ"},
	{Text: "em spanned"}, {Text: "title ken"}, {Text: "José"}, {Text: "a>b\" x"},
}

// TestMarkupFast checks markup (with its fast path for plain tag names)
// against markupSlow, which reads every case, at every '<' (raw or
// escaped) of random texts, in streams that read the text up to there: the
// same result, the same stream state after it, the same matches inside
// the tag and the same memory of clean insides.
func TestMarkupFast(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	rounds := 3000
	if testing.Short() {
		rounds = 300
	}
	checked, fast := 0, 0
	for _, opts := range [][]Option{{WithHTML()}, {WithHTML(), WithEscapes()}} {
		sc := New(markupNeedles, opts...)
		a, b := sc.newCtx(), sc.newCtx()
		for range rounds {
			var sb strings.Builder
			for n := r.IntN(40); n >= 0; n-- {
				sb.WriteString(markupPieces[r.IntN(len(markupPieces))])
			}
			text := []byte(sb.String())
			for i := 0; i < len(text); i++ {
				r1, _, n := a.main.decode(text, i)
				if r1 != '<' {
					continue
				}
				ga, gb := prepare(a, text, i), prepare(b, text, i)
				if !ga || !gb {
					continue
				}
				endA, okA := a.main.markup(text, i, i+n)
				endB, okB := b.main.markupSlow(text, i, i+n)
				checked++
				if okA && i+n < len(text) && (text[i+n] != '!' && text[i+n] != '?') {
					fast++
				}
				if endA != endB || okA != okB {
					t.Fatalf("%q at %d: markup gives %d %v, markupSlow %d %v", text, i, endA, okA, endB, okB)
				}
				if d := diffCtx(a, b); d != "" {
					t.Fatalf("%q at %d: %s", text, i, d)
				}
			}
		}
	}
	if checked < 1000 || fast < checked/4 {
		t.Fatalf("only %d places checked, %d tags", checked, fast)
	}
}

// prepare resets ctx and has its main stream read text up to i (false if
// a unit straddles i).
func prepare(ctx *findCtx, text []byte, i int) bool {
	ctx.raw = ctx.raw[:0]
	ctx.main.reset(0)
	ctx.main.fails = 0
	return ctx.main.fill(text, 0, i) == i
}

// diffCtx describes how the states of two contexts differ, if they do.
func diffCtx(a, b *findCtx) string {
	x, y := a.main, b.main
	switch {
	case x.pend != y.pend:
		return fmt.Sprintf("pend %b, want %b", x.pend, y.pend)
	case x.brk != y.brk:
		return fmt.Sprintf("brk %d, want %d", x.brk, y.brk)
	case x.fails != y.fails:
		return fmt.Sprintf("fails %d, want %d", x.fails, y.fails)
	case x.segN != y.segN || x.segRunes != y.segRunes:
		return fmt.Sprintf("segment %d, want %d", x.segN, y.segN)
	case x.w != y.w || string(x.buf[:x.w]) != string(y.buf[:y.w]):
		return fmt.Sprintf("window %q, want %q", x.buf[:x.w], y.buf[:y.w])
	case !slices.Equal(x.anchors, y.anchors):
		return fmt.Sprintf("anchors %v, want %v", x.anchors, y.anchors)
	case !slices.Equal(a.raw, b.raw):
		return fmt.Sprintf("matches %v, want %v", a.raw, b.raw)
	case *a.clean != *b.clean:
		return "clean insides differ"
	case x.sub.reports != y.sub.reports || x.sub.pos0+x.sub.w != y.sub.pos0+y.sub.w:
		return "inside scanned differently"
	}
	return ""
}

// TestCleanInsidesCollision checks that a remembered inside is skipped
// only when its bytes are the same, not just its hash.
func TestCleanInsidesCollision(t *testing.T) {
	sc := New([]Needle{{Text: "Amina Karimi"}}, WithHTML())
	inside := ` alt="Amina Karimi"`
	text := []byte(`<img` + inside + `>`)
	h := maphash.String(cleanSeed, inside)
	for way := range 2 {
		ctx := sc.newCtx()
		set := &ctx.clean.sets[h%uint64(len(ctx.clean.sets))]
		set[way] = cleanSlot{hash: h, text: ` alt="Amina Karim"`}
		ctx.clean.seen[h>>(64-cleanSeenBits)] = h
		ctx.run(text, false)
		if len(ctx.raw) != 1 || ctx.raw[0].off != 10 {
			t.Errorf("way %d: found %v, want the name at 10", way, ctx.raw)
		}
	}
}
