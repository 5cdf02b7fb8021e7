package leakscan

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestFindClose checks findClose against findCloseRef, the code it
// replaced (kept below as it was), in every mode with tags, with and
// without quotes, from every position of random insides of tags: quoted
// values of both kinds with escaped quotes and '>' in them, entities,
// backslash and percent escapes, white space of every kind, control and
// non-ASCII bytes, and limits anywhere.
func TestFindClose(t *testing.T) {
	pieces := []string{
		" ", "\t", "\n", "\r", "\f", "\v", "\x00", "\x1f", "=", " = ", "\"", "'", ">", "/>", "/", "<", "!", "#", "$", "(", ")",
		"&", "&gt;", "&#62;", "&#x3e;", "&quot;", "&#34;", "&apos;", "&#39;", "&amp;", "&amp;gt;", "&lt;",
		"\\", "\\u003e", "\\u0022", "\\\"", "\\'", "%", "%3E", "%22", "%27", "%3e",
		"a", "href", "class", "alt", "data-x", "content", "Amina Karimi", "width=device-width", "/en/talents/talent-00042/",
		"é", "\xe3\x81\x82", "\xff", "abcdefghijklmnop", "0123456789", "=\"", "\" ", "='", "' ",
	}
	r := rand.New(rand.NewPCG(11, 12))
	rounds := 20000
	if testing.Short() {
		rounds = 2000
	}
	for _, m := range []mode{mEntities | mTags, mEntities | mTags | mEscapes, mTags, mTags | mEscapes} {
		st := newStream(nil, nil, m, 0)
		for range rounds {
			var sb strings.Builder
			for n := r.IntN(30); n >= 0; n-- {
				sb.WriteString(pieces[r.IntN(len(pieces))])
			}
			text := []byte(sb.String())
			for k := 0; k <= len(text); k++ {
				for _, quotes := range []bool{true, false} {
					i1, e1, ok1 := st.findClose(text, k, quotes)
					i2, e2, ok2 := st.findCloseRef(text, k, quotes)
					if i1 != i2 || e1 != e2 || ok1 != ok2 {
						t.Fatalf("mode %d, %q from %d, quotes %v: %d %d %v, want %d %d %v", m, text, k, quotes, i1, e1, ok1, i2, e2, ok2)
					}
				}
			}
		}
	}
}

// TestFindCloseLimit checks findClose where the end is just within
// maxTag and just beyond it.
func TestFindCloseLimit(t *testing.T) {
	st := newStream(nil, nil, mEntities|mTags|mEscapes, 0)
	for _, inside := range []string{"a", " ", "x=\"", "x='"} {
		for d := -9; d <= 9; d++ {
			text := []byte(inside + strings.Repeat("b", maxTag+d-len(inside)) + "\">'>")
			for _, quotes := range []bool{true, false} {
				i1, e1, ok1 := st.findClose(text, 0, quotes)
				i2, e2, ok2 := st.findCloseRef(text, 0, quotes)
				if i1 != i2 || e1 != e2 || ok1 != ok2 {
					t.Fatalf("%q, %d past maxTag, quotes %v: %d %d %v, want %d %d %v", inside, d, quotes, i1, e1, ok1, i2, e2, ok2)
				}
			}
		}
	}
}

func (st *stream) findCloseRef(text []byte, k int, quotes bool) (inner, end int, ok bool) {
	limit := min(len(text), k+maxTag)
	ck := &st.bt.closeKinds
	eq := false // the last character outside quotes that is not white space is '='
	for k < limit {
		c := text[k]
		var r rune
		k2 := k + 1
		switch ck[c] {
		case ckOther:
			eq = false
			k++
			continue
		case ckSpace:
			k++
			continue
		case ckEq:
			eq = true
			k++
			continue
		case ckClose:
			return k, k2, true
		case ckQuote:
			r = rune(c)
		default: // may be escaped
			r, k2 = st.next(text, k)
			switch {
			case r == '>':
				return k, k2, true
			case r == '"' || r == '\'':
			case r >= utf8.RuneSelf || !isSpaceASCII(byte(r)):
				eq = r == '='
				k = k2
				continue
			default:
				k = k2
				continue
			}
		}
		// A quote.
		k = k2
		if !quotes || !eq {
			eq = false
			continue
		}
		// A quoted value: skip to the same quote, eight bytes at a time
		// to the next that is the quote or may be escaped.
		for {
			k = st.skipToRef(text, k, limit, byte(r))
			if k >= limit {
				return 0, 0, false
			}
			b := text[k]
			if ck[b] != ckSpecial {
				k++
				if rune(b) == r {
					break
				}
				continue
			}
			q, k2 := st.next(text, k)
			k = k2
			if q == r {
				break
			}
		}
	}
	return 0, 0, false
}

// skipToRef returns the position of the first byte from k (before limit)
// that is q or one of the stream's special bytes (or white space, with
// fewer than four of them), or limit.
func (st *stream) skipToRef(text []byte, k, limit int, q byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) & ^v & highs }
	sp := &st.bt.special8
	for k+8 <= limit {
		x := binary.LittleEndian.Uint64(text[k:])
		if m := zero(x^ones*uint64(q)) | zero(x^sp[0]) | zero(x^sp[1]) | zero(x^sp[2]) | zero(x^sp[3]); m != 0 {
			return k + bits.TrailingZeros64(m)>>3
		}
		k += 8
	}
	for k < limit && text[k] != q && st.kinds[text[k]] != kSpecial {
		k++
	}
	return k
}
