package leakscan

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TestInlineTags checks that isInlineName knows exactly the inlineTags,
// in any case.
func TestInlineTags(t *testing.T) {
	for name := range inlineTags {
		for _, n := range []string{name, strings.ToUpper(name), strings.ToUpper(name[:1]) + name[1:]} {
			if !isInlineName([]byte(n)) {
				t.Errorf("%q is not inline", n)
			}
		}
	}
	for _, name := range []string{"", "p", "div", "li", "td", "time", "article", "spa", "spans", "strongest", "h1", "svg", "path",
		"\x00a", "a\x00", "&#97;", "\xe3\x81\x82", "spanspan", "strongly", "ab", "bb", "emm", "x-span", "span:x"} {
		if isInlineName([]byte(name)) {
			t.Errorf("%q is inline", name)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		b := make([]byte, 1+r.IntN(7))
		for i := range b {
			b[i] = "abcdeimnoprstuvwyABS\x00"[r.IntN(21)]
		}
		if got, want := isInlineName(b), inlineTags[strings.ToLower(string(b))]; got != want {
			t.Fatalf("isInlineName(%q) = %v", b, got)
		}
	}
}

// TestNotPlain8 checks the eight-byte fast path of fill against the byte
// kinds, in every mode.
func TestNotPlain8(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, m := range []mode{0, mEntities, mEscapes, mEntities | mTags, mEntities | mTags | mEscapes} {
		st := newStream(nil, nil, m, 0)
		var b [8]byte
		for n := 0; n < 200000; n++ {
			for i := range b {
				switch r.IntN(4) {
				case 0:
					b[i] = byte(r.IntN(256))
				case 1:
					b[i] = byte(r.IntN(0x30))
				default:
					b[i] = byte('A' + r.IntN(60))
				}
			}
			x := binary.LittleEndian.Uint64(b[:])
			want := true
			var low [8]byte
			for i, c := range b {
				want = want && st.kinds[c] == kPlain
				low[i] = lowerASCII[c]
			}
			first := 8
			for i, c := range b {
				if st.kinds[c] != kPlain {
					first = i
					break
				}
			}
			got := bits.TrailingZeros64(notPlain8(x, st.bt.special8[0], st.bt.special8[1], st.bt.special8[2], st.bt.special8[3])) >> 3
			// It may stop early at a control character, which fill's
			// byte loop then takes as plain.
			if got > first || got < first && b[got] >= ' ' {
				t.Fatalf("mode %d: notPlain8(%q) says byte %d, want %d", m, b, got, first)
			}
			var got8 [8]byte
			binary.LittleEndian.PutUint64(got8[:], lower8(x))
			if got8[:first] != nil && string(got8[:first]) != string(low[:first]) {
				t.Fatalf("lower8(%q) = %q", b, got8)
			}
			_ = want
		}
	}
}

// TestSetScanners checks that Scanners from one Set find what New's find,
// in every mode, and share the compiled needles.
func TestSetScanners(t *testing.T) {
	ns := genNeedles(300, 11)
	text, _ := genHTML(256<<10, ns, 30, 12)
	set := Compile(ns)
	modes := [][]Option{nil, {WithEscapes()}, {WithEntities()}, {WithHTML()}, {WithHTML(), WithEscapes()}}
	for _, opts := range modes {
		a, b := New(ns, opts...), set.Scanner(opts...)
		if a.cfg != b.cfg {
			t.Fatalf("config %+v, want %+v", b.cfg, a.cfg)
		}
		if got, want := show(b.Find(text)), show(a.Find(text)); got != want {
			t.Errorf("mode %+v: Set.Scanner finds %s\nNew finds %s", a.cfg, got, want)
		}
		if b.compiled != &set.compiled {
			t.Error("the Scanner does not share the Set")
		}
	}
	if len(set.Ignored()) != 0 {
		t.Errorf("ignored %v", set.Ignored())
	}
	short := Compile(needles, WithMinRunes(2))
	if got := show(short.Scanner(WithMinRunes(2)).Find([]byte("Li and 李明华"))); got != "Li@1:1, 李明华@1:8" {
		t.Errorf("min runes 2: %s", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic for another WithMinRunes")
		}
	}()
	short.Scanner(WithMinRunes(4))
}

// TestDecomposed checks that flushSeg normalises one rune as
// norm.NFKC.Append does, for every rune, whether it is kept from before or
// not: each rune is asked for twice in a row, and again later when other
// runes have taken its slot.
func TestDecomposed(t *testing.T) {
	st := newStream(nil, nil, 0, 0)
	var buf [utf8.UTFMax]byte
	check := func(r rune) {
		n := utf8.EncodeRune(buf[:], r)
		want := norm.NFKC.Append(nil, buf[:n]...)
		for range 2 {
			if got := st.decomposed(r, buf[:n]); string(got) != string(want) {
				t.Fatalf("U+%04X: %q, want %q", r, got, want)
			}
		}
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r < 0xd800 || r > 0xdfff {
			check(r)
		}
	}
	for _, r := range []rune{'…', 'ｶ', 0xfdfa, '…' + 64, '…', 0x1d400, 'ｶ', 0xfdfa} {
		check(r)
	}
}

// TestCleanInsides checks that tag insides remembered as clean are skipped
// only when they are the same bytes: the same needles are found in a page
// that repeats its tags, whether the scanner has seen them before or not.
func TestCleanInsides(t *testing.T) {
	ns := []Needle{{Text: "Amina Karimi"}, {Text: "talents/talent-00042/"}}
	clean := `<a class="card" href="/talents/talent-00041/">x</a><img alt="Amina Karim" src="a.png">`
	leak := `<a class="card" href="/talents/talent-00042/">x</a><img alt="Amina Karimi" src="a.png">`
	s := New(ns, WithHTML())
	for i := range 5 {
		text := strings.Repeat(clean, i) + leak + clean
		got := s.Find([]byte(text))
		slug := strings.Index(text, "talents/talent-00042/")
		name := strings.Index(text, "Amina Karimi")
		if len(got) != 2 || got[0].Offset != slug || got[1].Offset != name {
			t.Fatalf("round %d: %s at %v, want the slug at %d and the name at %d", i, show(got), got, slug, name)
		}
	}
}
