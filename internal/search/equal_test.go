package search

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// tricky are runes and strings that exercise normalisation, case, classes
// and JSON escaping.
var tricky = []string{
	"Ａ", "ｚ", "０", "９", "（", "）", "！", "＆", "ｶ", "ﾞ", "ﾟ", "ﾊﾟ", "ｰ", "ｧ", "か", "\u3099", "\u309a", "゛", "ゟ", "ヿ",
	"e", "\u0301", "\u0308", "\u0327", "\u034f", "\u0345", "é", "É", "İ", "ı", "K", "Σ", "ς", "ẞ", "ß", "ǅ", "Ǆ", "ﬁ", "ﬃ",
	"㈱", "㌔", "①", "Ⅻ", "ⅻ", "²", "½", "ℓ", "™", "Ω", "Å", "⺟", "⼀", "豈", "𠮷", "𝐀", "𝟘", "🙂", "🇯🇵",
	"\u1100", "\u1161", "\u11a8", "한", "ᄀ", "ㄱ", "ㅏ", "Ａｂ", "々", "〆", "ー", "・", "、", "。", "「", "」",
	"\u2028", "\u2029", "\"", "\\", "\x00", "\x01", "\t", "\n", "\r", "\b", "\f", "\x7f", "<", ">", "&", "'",
	"\xff", "\xe3\x81", "\xc0\xaf", "\xed\xa0\x80", "\u00a0", "\u3000", " ", "-", "’", "ـ", "ि", "क", "ع", "ا",
	"\ufffd", "\ufeff", "\u200b", "\u200d", "ā", "Ā", "ǈ", "ɐ", "Ꙁ", "ꙁ", "Ᾰ", "ᾼ", "ﾀﾞﾀﾞ", "ﬀ",
	"network", "Linux", "IT", "2024", "x", "ab", "ネットワーク", "技術者", "東京都", strings.Repeat("Ab", 20),
}

// trickyText returns a random string of n pieces of tricky, words and
// Japanese.
func trickyText(rnd *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(tricky[rnd.IntN(len(tricky))])
		if rnd.IntN(3) == 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// trickyDocs returns n documents of tricky text, URLs and titles included.
func trickyDocs(seed uint64, n int) []Doc {
	rnd := rand.New(rand.NewPCG(seed, 1))
	docs := make([]Doc, n)
	for i := range docs {
		docs[i] = Doc{
			URL:   "/t/" + trickyText(rnd, 2) + "/" + string(rune('a'+i%26)) + strings.Repeat("z", i/26),
			Title: trickyText(rnd, rnd.IntN(8)),
			Text:  trickyText(rnd, rnd.IntN(200)),
		}
	}
	return docs
}

func mustRef(t testing.TB, docs []Doc) []byte {
	t.Helper()
	want, err := refBuild(docs)
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// TestBuildMatchesReference: the new Build writes the same bytes as the old
// one, on generated stories and on text made of tricky characters.
func TestBuildMatchesReference(t *testing.T) {
	ja, en := newCorpus(true, 11), newCorpus(false, 12)
	mixed := append(ja.docs(60), en.docs(60)...)
	for i := range mixed {
		mixed[i].URL += "m"
		if i%3 == 0 {
			mixed[i].Text += " " + mixed[(i+1)%len(mixed)].Text
		}
	}
	for name, docs := range map[string][]Doc{
		"ja":     ja.docs(300),
		"en":     en.docs(300),
		"mixed":  mixed,
		"tricky": trickyDocs(1, 400),
		"empty":  nil,
		"sample": append(sampleDocsOf(t, "ja"), sampleDocsOf(t, "en")...),
	} {
		t.Run(name, func(t *testing.T) {
			want := mustRef(t, docs)
			got, err := Build(docs)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				i := 0
				for i < min(len(got), len(want)) && got[i] == want[i] {
					i++
				}
				t.Fatalf("Build differs from the reference at byte %d of %d:\nnew: %.200q\nold: %.200q", i, len(want), got[max(i-40, 0):], want[max(i-40, 0):])
			}
		})
	}
}

// sampleDocsOf is a small set of documents in the spirit of the sample site.
func sampleDocsOf(t *testing.T, lang string) []Doc {
	return []Doc{
		{URL: "/" + lang + "/a/", Title: "カブールのネットワーク技術者", Text: "F.Nさんは、カブールの通信会社で8年間ネットワーク技術者として働いていました。Ｌｉｎｕｘ（ＩＴ）ｶﾌｪ"},
		{URL: "/" + lang + "/b/", Title: "  A   care\tworker ", Text: "A caregiver and nurse. It’s 5 o’clock. naïve façade—Œuvre ǅemal"},
	}
}

func TestTermsMatchReference(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 7))
	for i := range 3000 {
		s := trickyText(rnd, rnd.IntN(30))
		if got, want := Terms(s), refTerms(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("%d: Terms(%q) = %q, want %q", i, s, got, want)
		}
	}
}

func FuzzTerms(f *testing.F) {
	for _, s := range tricky {
		f.Add(s)
	}
	f.Add("ｶﾞｷﾞ Ａｂｃ e\u0301\u0301\u0301 한\u11a8 \xffk\u0301")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Terms(s), refTerms(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("Terms(%q) = %q, want %q", s, got, want)
		}
		var z tokenizer
		if got, want := nfkc(bmpFlags(), s, &z.norm), norm.NFKC.String(s); got != want {
			t.Fatalf("nfkc(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestRuneFlags checks the assumptions the tokenizer makes of the table.
func TestRuneFlags(t *testing.T) {
	tab := bmpFlags()
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		var f uint8
		if r < 0x10000 {
			f = tab[r]
		} else {
			f = flagsOf(tab, r, utf8.RuneLen(r))
		}
		if f != runeFlags(r) {
			t.Fatalf("%U: table %x, runeFlags %x", r, f, runeFlags(r))
		}
		lr := unicode.ToLower(r)
		want := uint8(classSep)
		if refIsCJK(lr) {
			want = classCJK
		} else if refIsWordRune(lr) {
			want = classWord
		}
		if f&classMask != want {
			t.Fatalf("%U: class %d, want %d", r, f&classMask, want)
		}
		// A CJK pair is taken from the text as is.
		if want == classCJK && lr != r {
			t.Fatalf("%U is CJK and has a lower case", r)
		}
		if r < utf8.RuneSelf && f&flagSafe == 0 {
			t.Fatalf("%U: ASCII not marked safe", r)
		}
		if r < utf8.RuneSelf && ('A' <= r && r <= 'Z') != (f&flagLower != 0) {
			t.Fatalf("%U: ASCII flagLower wrong", r)
		}
		isAlnum := 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9'
		if r < utf8.RuneSelf && isAlnum != (f&classMask == classWord) {
			t.Fatalf("%U: ASCII words are not letters and digits", r)
		}
	}
	// nfkc maps full-width ASCII itself.
	for r := '！'; r <= '～'; r++ {
		if got, want := norm.NFKC.String(string(r)), string(r-0xFEE0); got != want || runeFlags(r)&flagSafe != 0 {
			t.Errorf("NFKC(%q) = %q, not %q, or it is safe", r, got, want)
		}
	}
	if flagsOf(tab, utf8.RuneError, 1) != classSep {
		t.Error("an invalid byte is not a plain separator")
	}
}

// TestBuilderMatchesBuild runs random sequences of Set, Remove and SetAll
// and checks Bytes against Build (and the reference) on the same documents
// in the same order.
func TestBuilderMatchesBuild(t *testing.T) {
	defer func(n int) { compactMin = n }(compactMin)
	compactMin = 50 // compact often
	pool := append(newCorpus(true, 21).docs(40), newCorpus(false, 22).docs(40)...)
	pool = append(pool, trickyDocs(23, 40)...)
	// Several versions of each URL.
	urls := make([]string, 60)
	for i := range urls {
		urls[i] = pool[i].URL
	}
	rnd := rand.New(rand.NewPCG(24, 24))
	randomDoc := func() Doc {
		d := pool[rnd.IntN(len(pool))]
		d.URL = urls[rnd.IntN(len(urls))]
		if rnd.IntN(4) == 0 {
			d.Text = ""
		}
		return d
	}
	b := NewBuilder()
	var docs []Doc // what b should hold
	var last []byte
	check := func(step int, op string) {
		t.Helper()
		modified := b.Modified()
		got := b.Bytes()
		if !modified && !bytes.Equal(got, last) {
			t.Fatalf("step %d (%s): not modified, yet the index differs from the last", step, op)
		}
		if b.Modified() {
			t.Fatalf("step %d: modified just after writing", step)
		}
		last = got
		want, err := Build(docs)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("step %d (%s): Bytes differ from Build (%d, %d bytes)", step, op, len(got), len(want))
		}
		if step%50 == 0 && !bytes.Equal(want, mustRef(t, docs)) {
			t.Fatalf("step %d: Build differs from the reference", step)
		}
		if b.Len() != len(docs) {
			t.Fatalf("step %d: Len %d, want %d", step, b.Len(), len(docs))
		}
	}
	for step := range 1500 {
		var op string
		switch k := rnd.IntN(21); {
		case k < 10:
			op = "set"
			d := randomDoc()
			if err := b.Set(d); err != nil {
				t.Fatal(err)
			}
			if i := slices.IndexFunc(docs, func(x Doc) bool { return x.URL == d.URL }); i >= 0 {
				docs[i] = d
			} else {
				docs = append(docs, d)
			}
		case k < 13:
			op = "set same"
			if len(docs) > 0 {
				d := docs[rnd.IntN(len(docs))]
				d.Text = strings.Clone(d.Text) // equal, not the same string
				if err := b.Set(d); err != nil {
					t.Fatal(err)
				}
			}
		case k < 17:
			op = "remove"
			url := urls[rnd.IntN(len(urls))]
			i := slices.IndexFunc(docs, func(x Doc) bool { return x.URL == url })
			if got := b.Remove(url); got != (i >= 0) {
				t.Fatalf("Remove(%q) = %v", url, got)
			}
			if i >= 0 {
				docs = slices.Delete(docs, i, i+1)
			}
		case k < 19:
			op = "setall"
			// Shuffle, change some, drop some, add some.
			next := slices.Clone(docs)
			rnd.Shuffle(len(next), func(i, j int) { next[i], next[j] = next[j], next[i] })
			next = next[:rnd.IntN(len(next)+1)]
			for range rnd.IntN(5) {
				d := randomDoc()
				if i := slices.IndexFunc(next, func(x Doc) bool { return x.URL == d.URL }); i >= 0 {
					next[i] = d
				} else {
					next = append(next, d)
				}
			}
			if err := b.SetAll(next); err != nil {
				t.Fatal(err)
			}
			docs = next
		case k < 20 && rnd.IntN(2) == 0:
			op = "setall in place"
			// The same documents in the same order, some changed, some added.
			next := slices.Clone(docs)
			for range rnd.IntN(4) {
				if len(next) > 0 {
					i := rnd.IntN(len(next))
					d := randomDoc()
					next[i].Title, next[i].Text = d.Title, d.Text
				}
			}
			for range rnd.IntN(3) {
				d := randomDoc()
				if !slices.ContainsFunc(next, func(x Doc) bool { return x.URL == d.URL }) {
					next = append(next, d)
				}
			}
			if err := b.SetAll(next); err != nil {
				t.Fatal(err)
			}
			docs = next
		case k < 20 && rnd.IntN(2) == 0:
			op = "several sets"
			for range 1 + rnd.IntN(5) {
				d := randomDoc()
				if err := b.Set(d); err != nil {
					t.Fatal(err)
				}
				if i := slices.IndexFunc(docs, func(x Doc) bool { return x.URL == d.URL }); i >= 0 {
					docs[i] = d
				} else {
					docs = append(docs, d)
				}
			}
		default:
			op = "setall bad"
			bad := append(slices.Clone(docs), Doc{URL: ""})
			if len(docs) > 0 && rnd.IntN(2) == 0 {
				bad = append(slices.Clone(docs), docs[0])
			}
			if err := b.SetAll(bad); err == nil {
				t.Fatal("SetAll accepted bad documents")
			}
		}
		check(step, op)
	}
	if err := b.Set(Doc{}); err == nil {
		t.Error("Set accepted a document without URL")
	}
}

// TestLongPostings writes positions past the table of packed numbers.
func TestLongPostings(t *testing.T) {
	defer func(n int32) { maxPacked = n }(maxPacked)
	maxPacked = 7
	docs := newCorpus(false, 31).docs(40)
	got, err := Build(docs)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, mustRef(t, docs)) {
		t.Fatal("Build differs from the reference")
	}
	// Patched.
	ix := NewBuilder()
	if err := ix.SetAll(docs); err != nil {
		t.Fatal(err)
	}
	ix.Bytes()
	more := newCorpus(false, 32).docs(3)
	for i, j := range []int{3, 20, 39} {
		docs[j].Text = more[i].Text
		if err := ix.Set(docs[j]); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ix.Bytes(), mustRef(t, docs)) {
			t.Fatalf("Bytes after changing document %d differ from the reference", j)
		}
	}
}

// TestAlnum8 checks the eight-bytes-at-a-time test of ASCII letters and digits.
func TestAlnum8(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 5))
	for c := 0; c < 256; c++ {
		for pos := range 8 {
			var b [8]byte
			for i := range b {
				b[i] = byte(rnd.IntN(256))
			}
			b[pos] = byte(c)
			got := alnum8(load8(string(b[:]), 0))
			for i, c := range b {
				want := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
				if has := got>>(8*i+7)&1 == 1; has != want || got>>(8*i)&0x7F != 0 {
					t.Fatalf("alnum8(%q) = %#x: byte %d", b, got, i)
				}
			}
		}
	}
}

// FuzzBuild compares Build and a patched Builder with the reference on two
// documents of fuzzed text.
func FuzzBuild(f *testing.F) {
	f.Add("Ｌｉｎｕｘ（ＩＴ）ｶﾌｪ", "ネットワーク技術者 network e\u0301 \xff\"\\\u2028")
	f.Add("", "a b")
	f.Fuzz(func(t *testing.T, title, text string) {
		docs := []Doc{{URL: "/a/" + title, Title: title, Text: text}, {URL: "/b/", Title: text, Text: title + " " + text}}
		want := mustRef(t, docs)
		got, err := Build(docs)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("Build differs from the reference (%v):\n%q\n%q", err, got, want)
		}
		b := NewBuilder()
		if err := b.SetAll([]Doc{docs[1], {URL: docs[0].URL, Text: "x y"}}); err != nil {
			t.Fatal(err)
		}
		b.Bytes()
		if err := b.SetAll([]Doc{docs[1], docs[0]}); err != nil {
			t.Fatal(err)
		}
		b.Bytes()
		b.Remove(docs[1].URL)
		if err := b.Set(docs[1]); err != nil {
			t.Fatal(err)
		}
		if got := b.Bytes(); !bytes.Equal(got, want) {
			t.Fatalf("Builder differs from the reference:\n%q\n%q", got, want)
		}
	})
}

// Add is for an index built once, yet a Builder filled by Add stays right
// when set again (its texts, not kept, are split again), and Add refuses
// what SetAll refuses.
func TestAddThenSetAll(t *testing.T) {
	docs := newCorpus(true, 31).docs(30)
	b := NewBuilder()
	for _, d := range docs {
		if err := b.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Add(docs[3]); err == nil {
		t.Error("Add accepted a URL twice")
	}
	if err := b.Add(Doc{Title: "x"}); err == nil {
		t.Error("Add accepted a document without URL")
	}
	want, err := Build(docs)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) || !bytes.Equal(want, mustRef(t, docs)) {
		t.Fatal("Add then Bytes differs from Build or from the reference")
	}
	next := slices.Clone(docs)
	next[5].Text, next[9].Title = docs[6].Text, "changed"
	if err := b.SetAll(next); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), mustRef(t, next)) {
		t.Fatal("after SetAll, the index differs from the reference")
	}
}
