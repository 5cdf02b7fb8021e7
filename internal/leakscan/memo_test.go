package leakscan

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// memoNeedles are scanned for in the memo tests: names that a page may
// split across tags, escape or spell in CJK, with combining marks.
var memoNeedles = []Needle{
	{Text: "Amina Karimi", Kind: "real name"},
	{Text: "Amina", Kind: "real name"},
	{Text: "山田 太郎", Kind: "real name"},
	{Text: "José Núñez", Kind: "real name"},
	{Text: "O'Brien", Kind: "real name"},
	{Text: "talents/amina-k/", Kind: "slug"},
	{Text: "アミナ・カリミ", Kind: "real name"},
	{Text: "Straße", Kind: "real name"},
	{Text: "Person 00042 Fullname", Kind: "real name"},
	{Text: "The engineer learned Japanese in Tokyo.", Kind: "sentence"},
}

// memoNeedlesPunct have the bytes a scanner without tags would cut after
// ('"', ',', '}'), so that it cuts after another.
var memoNeedlesPunct = append(slices.Clone(memoNeedles),
	Needle{Text: `"amina"`, Kind: "quoted"}, Needle{Text: "k,a,r,i", Kind: "list"}, Needle{Text: "{x}]", Kind: "braces"})

// memoModes are the modes of the tests; the publisher uses the last two.
var memoModes = [][]Option{nil, {WithEntities()}, {WithHTML()}, {WithEscapes()}, {WithHTML(), WithEscapes()}}

// memoPair is a Scanner with a memo and the same Scanner without.
type memoPair struct {
	with, without *Scanner
}

// Chunk sizes of the tests.
type chunking int

const (
	chunksDefault  chunking = iota // as in a build
	chunksSmall                    // 16 bytes or more, every other candidate
	chunksBarriers                 // 2 bytes or more, at every candidate: every break tag, every cut byte before a plain byte
	chunksEvery                    // 2 bytes or more, after every cut byte: cuts fall inside units
)

func newMemoPairs(set *Set, m *Memo, c chunking) []memoPair {
	var ps []memoPair
	for _, opts := range memoModes {
		p := memoPair{with: set.Scanner(append(slices.Clone(opts), WithMemo(m))...), without: set.Scanner(opts...)}
		switch c {
		case chunksSmall:
			p.with.memo.min, p.with.memo.bits = 16, 1
		case chunksBarriers:
			p.with.memo.min, p.with.memo.bits = 2, 0
		case chunksEvery:
			p.with.memo.min, p.with.memo.every = 2, true
		}
		ps = append(ps, p)
	}
	return ps
}

// check scans text with and without the memo and fails on any difference.
func (p memoPair) check(t testing.TB, text []byte) {
	t.Helper()
	want := p.without.Find(text)
	got := p.with.Find(text)
	if !slices.Equal(got, want) {
		t.Fatalf("mode %v, cut %q: with a memo %s\nwithout %s\ntext %q", p.with.cfg.mode, p.with.memo.cut, showOffsets(got), showOffsets(want), text)
	}
	first, ok := p.with.First(text)
	if ok != (len(want) > 0) || ok && first != want[0] {
		t.Fatalf("mode %v: First with a memo = %+v, %v; Find without = %s\ntext %q", p.with.cfg.mode, first, ok, showOffsets(want), text)
	}
}

func showOffsets(ms []Match) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "%q@%d-%d(%d:%d) ", m.Needle.Text, m.Offset, m.End, m.Line, m.Col)
	}
	return b.String()
}

// memoSnippets are put into texts at random: needles in disguise, and
// units that straddle a cut or make the stream look ahead (unclosed tags
// and comments, escapes, references, combining marks).
var memoSnippets = []string{
	"Amina Karimi", "AMINA\nKARIMI", "Ami<b>na</b> Karimi", "Amina</p><p>Karimi", "<em>Amina</em> <i>Karimi</i>",
	"&#65;mina Karimi", "&amp;#65;mina", `\u0041mina Karimi`, "%41mina", `\u{41}mina`, "Ami\u00adna", "Ａｍｉｎａ",
	"<!-- Amina Karimi -->", `<img alt="Amina Karimi" src="a.png">`, `<a title='x>y' href="/talents/amina-k/">`,
	"a < b", "<p", "<!--", "-->", "<", ">", "</", "<br>", "</li><li>", "</p>", "<div>", "<![CDATA[", "]]>",
	`<b title="<p>">`, `<span title=<p>`, `<i data-x="a>b">`, `<em x='<div>'>`, `<p title="`, `">`, `'>`, "<?x <p>?>", "<!x<p>>",
	`<p\>`, `\u003cdiv\u003e`, "&lt;div&gt;", "&gt;", `\u003e`, "<b\n>", "</b >", "<P>", "</DIV>",
	`"`, `\`, `\"`, "&", "&amp;", "&lt;p&gt;", `\u003cp\u003e`, "%", "%E5%B1%B1", "#", ";", ",", "}", "]", "{", "[",
	"山田太郎", "山田 太郎", "山田<br>太郎", "ｱﾐﾅ･ｶﾘﾐ", "アミナ・カリミ", "José Núñez", "Jose\u0301 Nu\u0301n\u0303ez",
	"\u0301", "=\u0338", "\"\u0301", ",\u0301", ">\u0301", "e\u0301", "ß", "STRASSE", "O'Brien", "O&#39;Brien", `O\'Brien`,
	"Person 00042 Fullname", "talents/amina-k/", "The engineer learned Japanese in Tokyo.", "the engineer\nlearned <b>Japanese</b> in Tokyo",
	" ", "\n", "\t", "x", "Aminah", "Samina", "12", "\xff", "\xe5\xb1", `"amina"`, "k,a,r,i", "{x}]",
}

// memoTexts generates texts made of shared pieces (a header, a footer,
// cards, JSON records), each a little different from the others.
type memoTexts struct {
	r      *rand.Rand
	pieces []string
}

func newMemoTexts(seed uint64) *memoTexts {
	g := &memoTexts{r: rand.New(rand.NewPCG(seed, 17))}
	r := g.r
	sr := rand.New(rand.NewPCG(seed, 18))
	g.pieces = []string{
		`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Refugee Talent Stories</title><link rel="stylesheet" href="/theme/kakehashi.css"></head>` +
			`<body><header class="site-header"><nav class="site-nav"><ul class="nav"><li><a href="/en/employers/">Employers</a></li><li><a href="/en/talents/">Talents</a></li></ul></nav></header><main>`,
		`</main><footer class="site-footer"><div class="wrap"><p class="footer-consent">` + siteIcon + `<span>Published with the consent of the people in these stories.</span></p><p><span>&copy; Refugee Talent Stories</span> <a href="/en/feed.xml">Feed</a></p></div></footer></body></html>`,
	}
	for k := range 12 {
		g.pieces = append(g.pieces, string(siteListing(sr, []string{"en", "ja"}[k%2], 1)))
		g.pieces = append(g.pieces, fmt.Sprintf(`<li><article class="card"><h3><a href="/en/talents/talent-%05d/">%s</a></h3><p class="card-summary">%s</p></article></li>`,
			k, siteRoles[r.IntN(len(siteRoles))], siteSentence(sr, 20)))
		g.pieces = append(g.pieces, fmt.Sprintf(`["/en/talents/talent-%05d/","%s","%s"],`, k, siteSentence(sr, 3), siteJaSentence(sr, 3)))
		g.pieces = append(g.pieces, fmt.Sprintf(`"%s":[%d,%d,%d],`, siteWords[k], k, 2*k+1, 3*k+7))
		g.pieces = append(g.pieces, "<p>"+siteSentence(sr, 30)+"</p>\n")
		g.pieces = append(g.pieces, siteJaSentence(sr, 5)+"\n")
	}
	return g
}

// next returns a text of about size bytes.
func (g *memoTexts) next(size int) []byte {
	r := g.r
	var b bytes.Buffer
	for b.Len() < size {
		if r.IntN(4) == 0 {
			b.WriteString(memoSnippets[r.IntN(len(memoSnippets))])
			continue
		}
		b.WriteString(g.pieces[r.IntN(len(g.pieces))])
	}
	text := b.Bytes()
	// A few edits: a snippet replaces a few bytes.
	for range r.IntN(4) {
		at := r.IntN(len(text) + 1)
		cut := min(len(text)-at, r.IntN(8))
		s := memoSnippets[r.IntN(len(memoSnippets))]
		text = append(text[:at:at], append([]byte(s), text[at+cut:]...)...)
	}
	// Sometimes a piece edited for good, so that later texts share it.
	if r.IntN(8) == 0 {
		k := r.IntN(len(g.pieces))
		p := g.pieces[k]
		at := r.IntN(len(p) + 1)
		g.pieces[k] = p[:at] + memoSnippets[r.IntN(len(memoSnippets))] + p[at:]
	}
	return text
}

// TestMemoRandom scans texts built from shared pieces, with needles in
// disguise and tricky units everywhere, in every mode, with a shared memo
// and without, with chunks of the default size and with tiny ones (so
// that cuts fall everywhere).
func TestMemoRandom(t *testing.T) {
	rounds := 400
	if testing.Short() {
		rounds = 60
	}
	for _, c := range []chunking{chunksDefault, chunksSmall, chunksBarriers, chunksEvery} {
		for k, ns := range [][]Needle{memoNeedles, memoNeedlesPunct} {
			set := Compile(ns)
			m := NewMemo()
			pairs := newMemoPairs(set, m, c)
			g := newMemoTexts(uint64(10*k) + 1)
			for range rounds {
				size := 1 << (6 + g.r.IntN(9))
				text := g.next(size)
				for _, p := range pairs {
					p.check(t, text)
				}
			}
			if m.skipped.Load() == 0 {
				t.Errorf("chunks %d, needles %d: nothing skipped", c, k)
			}
			t.Logf("chunks %d, needles %d: skipped %d of %d bytes", c, k, m.skipped.Load(), m.scanned.Load())
		}
	}
}

// FuzzMemo scans texts made of the two inputs, so that each comes again
// in another place, with a shared memo and without, in every mode.
func FuzzMemo(f *testing.F) {
	g := newMemoTexts(99)
	for range 16 {
		f.Add(string(g.next(300)), string(g.next(200)))
	}
	f.Add("<p>Amina</p><p>x</p>", "Karimi</p>")
	f.Add(`{"a":"Amina","b":"x"}`, `"Karimi"}`)
	set := Compile(memoNeedles)
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a)+len(b) > 4<<10 {
			return
		}
		var pairs []memoPair
		for _, c := range []chunking{chunksSmall, chunksBarriers, chunksEvery} {
			pairs = append(pairs, newMemoPairs(set, newMemo(1<<12), c)...)
		}
		for _, p := range pairs {
			for _, text := range []string{a, b, a + b, b + a, a + a, b + b + a, a + "\n" + b, b + a + b} {
				p.check(t, []byte(text))
			}
		}
	})
}

// TestMemoSeams checks, on the texts that would break it, each condition
// under which the memo learns or skips a chunk: after each text in learn,
// the memo knows a chunk clean that probe holds where it is not.
func TestMemoSeams(t *testing.T) {
	punct := []Needle{{Text: "≯amina"}, {Text: `a"b"c`}, {Text: "a,b,c"}, {Text: "a}b}c"}, {Text: "a]b]c"}, {Text: "a;b;c"}, {Text: "a)b)c"}}
	tests := []struct {
		name    string
		needles []Needle
		opts    []Option
		chunks  chunking
		learn   []string
		probe   string
	}{
		{ // the search for the end of <b ...> ran past the chunk, which then ends elsewhere
			"failed markup", memoNeedles, []Option{WithHTML()}, chunksBarriers,
			[]string{`<p>Ami<b title="x></p><p>tail</p>`},
			`<p>Ami<b title="x></p>">na</b></p>`,
		},
		{ // the chunk ends inside the text's last tag
			"unit to the end", memoNeedles, []Option{WithHTML()}, chunksBarriers,
			[]string{`<p>Ami<b title="x></p>">`},
			`<p>Ami<b title="x></p>">na</b></p>`,
		},
		{ // the chunk follows a '>' that ends an inline tag, not <p>
			"inline tag", memoNeedles, []Option{WithHTML()}, chunksBarriers,
			[]string{`<div>x</div>na</span></p>`},
			`<p>Ami<span title=<p>na</span></p>`,
		},
		{ // an inline tag straddles one cut and ends at the next
			"inline tag over a cut", memoNeedles, []Option{WithHTML()}, chunksBarriers,
			[]string{`<div>x</div>na</b></p>`},
			`<p>Ami<b title="<p>" x=<p>na</b></p>`,
		},
		{ // the last break tag of the text before ends where an inline tag of this one does
			"break tag of another text", memoNeedles, []Option{WithHTML()}, chunksBarriers,
			[]string{`<div>x</div>na</b></p>`, `<div>xxxxxxxxxxxx</div>Amina`},
			`Ami<b title="<p>" x=<p>na</b></p>`,
		},
		{ // the cut byte '>' composes with the mark after it into "≯"
			"composed cut byte", punct, []Option{WithEscapes()}, chunksEvery,
			[]string{`aaa>xx>bbb`},
			"aaa>xx≯amina",
		},
		{ // the chunk starts with a mark that composes with the cut byte before it
			"composed chunk start", punct, []Option{WithEscapes()}, chunksEvery,
			[]string{"̸amina>yy"},
			"xx≯amina>yy",
		},
		{ // the chunk starts after an escaped cut byte
			"escaped cut byte", memoNeedles, []Option{WithEscapes()}, chunksEvery,
			[]string{`{"x":"na Karimi","y":"z"}`},
			`{"x":"\"na Karimi","y":"Amina"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := Compile(tt.needles)
			p := memoPair{with: set.Scanner(append(slices.Clone(tt.opts), WithMemo(NewMemo()))...), without: set.Scanner(tt.opts...)}
			switch tt.chunks {
			case chunksBarriers:
				p.with.memo.min, p.with.memo.bits = 2, 0
			case chunksEvery:
				p.with.memo.min, p.with.memo.every = 2, true
			}
			if len(p.without.Find([]byte(tt.probe))) == 0 {
				t.Fatalf("nothing to find in %q", tt.probe)
			}
			for _, l := range tt.learn {
				p.check(t, []byte(l))
			}
			if p.with.memo.Memo.held() == 0 {
				t.Fatalf("nothing learned")
			}
			p.check(t, []byte(tt.probe))
		})
	}
}

// TestMemoSkips checks that the memo skips what comes again: a footer, a
// card in another listing, the unchanged bulk of an edited search index.
func TestMemoSkips(t *testing.T) {
	set := Compile(siteNeedles(2000, 1))
	html := func(m *Memo) memoPair {
		return memoPair{with: set.Scanner(WithHTML(), WithEscapes(), WithMemo(m)), without: set.Scanner(WithHTML(), WithEscapes())}
	}
	r := rand.New(rand.NewPCG(1, 2))

	t.Run("footer", func(t *testing.T) {
		m := NewMemo()
		p := html(m)
		a, b := sitePage(r, "en", 1), sitePage(r, "en", 2)
		p.check(t, a)
		before := m.skipped.Load()
		p.check(t, b)
		footer := len(b) - bytes.Index(b, []byte(`</main>`))
		if got := m.skipped.Load() - before; got < int64(footer)/2 {
			t.Errorf("skipped %d bytes of the second page; its footer has %d", got, footer)
		}
	})

	t.Run("card", func(t *testing.T) {
		m := NewMemo()
		p := html(m)
		var cards []string
		for k := range 9 {
			cards = append(cards, fmt.Sprintf(`<li><article class="card card-talent"><h3 class="card-title"><a href="/en/talents/talent-%05d/">%s %d</a></h3><p class="card-summary">%s</p><p class="card-date"><time datetime="2023-12-07">7 December 2023</time></p></article></li>`,
				k, siteRoles[k%len(siteRoles)], k, siteSentence(r, 30)))
		}
		page := func(ids ...int) []byte {
			s := `<!doctype html><html><head><title>List</title></head><body><main><ul class="cards">`
			for _, id := range ids {
				s += cards[id]
			}
			return []byte(s + `</ul></main></body></html>`)
		}
		p.check(t, page(0, 1, 2, 3))
		before := m.skipped.Load()
		p.check(t, page(5, 6, 2, 7))
		if got := m.skipped.Load() - before; got < int64(len(cards[2]))*3/4 {
			t.Errorf("skipped %d bytes of the second listing; the card it shares has %d", got, len(cards[2]))
		}
	})

	t.Run("search.json", func(t *testing.T) {
		m := NewMemo()
		p := memoPair{with: set.Scanner(WithEscapes(), WithMemo(m)), without: set.Scanner(WithEscapes())}
		index := searchIndex(rand.New(rand.NewPCG(3, 4)), 1300<<10)
		p.check(t, index)
		edited := editIndex(rand.New(rand.NewPCG(5, 6)), index, 5)
		before := m.skipped.Load()
		p.check(t, edited)
		if got := m.skipped.Load() - before; float64(got) < 0.95*float64(len(edited)) {
			t.Errorf("skipped %d bytes of %d in the edited index", got, len(edited))
		}
	})
}

// TestMemoConcurrent scans pages on several goroutines sharing a memo.
func TestMemoConcurrent(t *testing.T) {
	set := Compile(memoNeedles)
	m := newMemo(64) // small, so that it forgets while in use
	pairs := newMemoPairs(set, m, chunksSmall)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			g := newMemoTexts(uint64(w%2) + 5)
			for range 40 {
				text := g.next(2 << 10)
				for _, p := range pairs {
					p.check(t, text)
				}
			}
		})
	}
	wg.Wait()
	if m.skipped.Load() == 0 {
		t.Error("nothing skipped")
	}
	sh := &m.shards[0]
	if len(sh.cur.slots) > sh.size || len(sh.old.slots) > sh.size || 4*sh.cur.n > 3*sh.size || 4*sh.old.n > 3*sh.size {
		t.Errorf("%d + %d keys in %d + %d slots, at most %d", sh.cur.n, sh.old.n, len(sh.cur.slots), len(sh.old.slots), sh.size)
	}
	if sh.old.n == 0 {
		t.Error("no generation started")
	}
}

// TestMemoKeys checks that what one Scanner learned is not used by
// another that would find something in it (other needles, another
// minimum), and that it is by one with the same needles.
func TestMemoKeys(t *testing.T) {
	m := NewMemo()
	var b strings.Builder
	for k := range 40 {
		fmt.Fprintf(&b, `<p>Nothing to see here, "Amina" is no name here: &quot;%d&quot;.</p>`, k)
	}
	text := []byte(b.String())
	karimi := []Needle{{Text: "Karimi"}, {Text: "see"}} // "see" is too short, unless the minimum is 3
	a := Compile(karimi).Scanner(WithHTML(), WithMemo(m))
	a.Find(text)
	a.Find(text)
	if m.skipped.Load() == 0 {
		t.Fatal("nothing skipped")
	}
	for _, set := range []*Set{
		Compile([]Needle{{Text: "Amina"}}),
		Compile(append(slices.Clone(karimi), Needle{Text: "Amina"})),
		Compile(karimi, WithMinRunes(3)),
	} {
		opts := []Option{WithMinRunes(set.minRunes), WithHTML()}
		p := memoPair{with: set.Scanner(append(opts, WithMemo(m))...), without: set.Scanner(opts...)}
		if len(p.without.Find(text)) == 0 {
			t.Fatalf("%v: no match to miss", set.needles)
		}
		p.check(t, text)
	}
	// The same needles compiled again share what was learned.
	before := m.skipped.Load()
	Compile(karimi).Scanner(WithHTML(), WithMemo(m)).Find(text)
	if m.skipped.Load() == before {
		t.Error("a Set compiled again from the same needles skips nothing")
	}
	// Another mode does not.
	before = m.skipped.Load()
	Compile(karimi).Scanner(WithHTML(), WithEscapes(), WithMemo(m)).Find(text)
	if m.skipped.Load() != before {
		t.Error("another mode skips what the first learned")
	}
}

// searchIndex returns a search index like internal/search writes, of
// about size bytes: documents, then terms and their postings.
func searchIndex(r *rand.Rand, size int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"v":1,"docs":[`)
	docs := size / 20 / 80
	for id := range docs {
		if id > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `["/en/talents/talent-%05d/","%s %d"]`, id, siteRoles[r.IntN(len(siteRoles))], id)
	}
	b.WriteString(`],"title":{`)
	terms := 0
	for section := range 2 {
		if section == 1 {
			b.WriteString(`},"body":{`)
		}
		for k := 0; b.Len() < size*(section+1)/2; k++ {
			if k > 0 {
				b.WriteByte(',')
			}
			term := siteWords[r.IntN(len(siteWords))]
			if r.IntN(2) == 0 {
				ja := []rune(siteJaHeads[r.IntN(len(siteJaHeads))])
				term = string(ja[:2])
			}
			fmt.Fprintf(&b, `"%s%d":[`, term, terms)
			terms++
			n, d := 1+r.IntN(40), 0
			for p := range n {
				if p > 0 {
					b.WriteByte(',')
				}
				d += 1 + r.IntN(docs/n+1)
				fmt.Fprintf(&b, "%d", d)
			}
			b.WriteByte(']')
		}
	}
	b.WriteString(`}}`)
	return b.Bytes()
}

// editIndex adds a document to edits postings, as an edit of a page does.
func editIndex(r *rand.Rand, index []byte, edits int) []byte {
	out := slices.Clone(index)
	for range edits {
		from := r.IntN(len(out))
		at := bytes.IndexByte(out[from:], '[')
		if at < 0 {
			continue
		}
		at += from
		k := bytes.IndexByte(out[at:], ']')
		out = slices.Insert(out, at+k, []byte(",99999")...)
	}
	return out
}

// TestMemoOutDir scans the built site in $LEAKSCAN_BENCH_DIR twice with a
// memo, each file with the scanner the publisher would use, and compares
// with the scan without.
func TestMemoOutDir(t *testing.T) {
	markup, plain := outDirFiles(t)
	set := Compile(append(siteNeedles(2000, 1), memoNeedles...))
	m := NewMemo()
	hs := memoPair{with: set.Scanner(WithHTML(), WithEscapes(), WithMemo(m)), without: set.Scanner(WithHTML(), WithEscapes())}
	ps := memoPair{with: set.Scanner(WithEscapes(), WithMemo(m)), without: set.Scanner(WithEscapes())}
	for pass := range 2 {
		scanned, skipped := m.scanned.Load(), m.skipped.Load()
		for _, f := range markup {
			hs.check(t, f)
		}
		for _, f := range plain {
			ps.check(t, f)
		}
		t.Logf("pass %d (Find, then First, of each file): skipped %d of %d bytes", pass, m.skipped.Load()-skipped, m.scanned.Load()-scanned)
	}
}

// outDirFiles reads the text files of $LEAKSCAN_BENCH_DIR (up to 64 MB),
// by the scanner the publisher would use.
func outDirFiles(tb testing.TB) (markup, plain [][]byte) {
	dir := os.Getenv("LEAKSCAN_BENCH_DIR")
	if dir == "" {
		tb.Skip("LEAKSCAN_BENCH_DIR is not set")
	}
	return readTextFiles(tb, dir, 64<<20)
}

// readTextFiles reads the text files under dir (output files and Markdown)
// until limit bytes are read, sorted by the scanner the publisher or the
// guard would use: markup (HTML, XML, SVG) or plain.
func readTextFiles(tb testing.TB, dir string, limit int) (markup, plain [][]byte) {
	total := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || total > limit {
			return err
		}
		ext := filepath.Ext(path)
		if !slices.Contains([]string{".html", ".xml", ".svg", ".json", ".js", ".txt", ".md"}, ext) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		total += len(data)
		if ext == ".html" || ext == ".xml" || ext == ".svg" {
			markup = append(markup, data)
		} else {
			plain = append(plain, data)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return markup, plain
}

// TestMemoGenerations checks that a full memo forgets the keys not looked
// up since it was last full, and keeps the others.
func TestMemoGenerations(t *testing.T) {
	m := newMemo(1 << 10)
	sh := &m.shards[0]
	key := func(i int) memoKey { return memoKey{uint64(i) * 0x9e3779b97f4a7c15, uint64(i)} }
	for i := range 768 {
		m.add(key(i))
	}
	if sh.old.n != 0 || sh.cur.n != 768 {
		t.Fatalf("%d + %d keys", sh.cur.n, sh.old.n)
	}
	m.add(key(768)) // full: a generation starts
	if sh.old.n != 768 || sh.cur.n != 1 {
		t.Fatalf("%d + %d keys", sh.cur.n, sh.old.n)
	}
	if !m.has(key(5)) || !m.has(key(768)) || m.has(key(5000)) {
		t.Fatal("lost a key, or found one never added")
	}
	for i := 1000; sh.old.has(key(0).stored()); i++ {
		m.add(key(i)) // until the next generation
	}
	if !m.has(key(5)) || !m.has(key(768)) {
		t.Error("forgot keys looked up in the last generation")
	}
	if m.has(key(6)) {
		t.Error("kept a key not looked up for two generations")
	}
	if len(sh.cur.slots) > 1<<10 || len(sh.old.slots) > 1<<10 {
		t.Error("a table grew past its size")
	}
	if m.add(memoKey{}); !m.has(memoKey{}) {
		t.Error("the zero key is not kept") // it marks empty slots
	}
}

// held is the number of keys m holds in its current generations.
func (m *Memo) held() int {
	n := 0
	for i := range m.shards {
		n += m.shards[i].cur.n
	}
	return n
}

// TestMemoShards checks that a Memo of full size spreads its keys over
// shards, each with its own bound, and finds every key it was given from
// goroutines adding at once.
func TestMemoShards(t *testing.T) {
	m := newMemo(memoShards << 12)
	if len(m.shards) != memoShards {
		t.Fatalf("%d shards, want %d", len(m.shards), memoShards)
	}
	key := func(i int) memoKey { return memoKey{uint64(i) * 0x9e3779b97f4a7c15, uint64(i) * 0xc2b2ae3d27d4eb4f} }
	const keys = 8 << 10 // fewer than a generation of any shard holds
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < keys; i += 4 {
				m.add(key(i))
			}
		})
	}
	wg.Wait()
	for i := range keys {
		if !m.has(key(i)) {
			t.Fatalf("key %d lost", i)
		}
	}
	if m.has(key(keys)) {
		t.Error("found a key never added")
	}
	for i := range m.shards {
		sh := &m.shards[i]
		if sh.cur.n == 0 || sh.cur.n > keys/memoShards*2 {
			t.Errorf("shard %d holds %d of %d keys", i, sh.cur.n, keys)
		}
		if sh.size != 1<<12 || len(sh.cur.slots) > sh.size {
			t.Errorf("shard %d: %d slots of at most %d", i, len(sh.cur.slots), sh.size)
		}
	}
	if n := m.held(); n != keys {
		t.Errorf("%d keys held, want %d", n, keys)
	}
}
