package markdown

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/yuin/goldmark/renderer/html"
)

// writerPieces are the bytes and runs the writers treat differently.
var writerPieces = []string{"a", "Z", "9", " ", "\\", "&", "#", "x", "X", ";", "amp", "quot", "nbsp", "lt", "&#", "&#x", "&#X", "41", "1F600", "110000", "<", ">", "\"", "'", "*", "_", "`", "\x00", "é", "日本", "\xff", "\xe3\x81", "\n", "\t", "!", "~"}

// sameAsGoldmark compares textWriter with goldmark's default writer on src.
func sameAsGoldmark(t *testing.T, src []byte) {
	t.Helper()
	ours, theirs := textWriter{}, html.NewWriter()
	for _, w := range []struct {
		name string
		a, b func(*bytes.Buffer)
	}{
		{"Write", func(b *bytes.Buffer) { ours.Write(bufferWriter{b}, src) }, func(b *bytes.Buffer) { theirs.Write(bufferWriter{b}, src) }},
		{"RawWrite", func(b *bytes.Buffer) { ours.RawWrite(bufferWriter{b}, src) }, func(b *bytes.Buffer) { theirs.RawWrite(bufferWriter{b}, src) }},
		{"SecureWrite", func(b *bytes.Buffer) { ours.SecureWrite(bufferWriter{b}, src) }, func(b *bytes.Buffer) { theirs.SecureWrite(bufferWriter{b}, src) }},
	} {
		var a, b bytes.Buffer
		w.a(&a)
		w.b(&b)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("%s(%q):\n got  %q\n want %q", w.name, src, a.Bytes(), b.Bytes())
		}
	}
}

// TestTextWriterIsGoldmarks: on every byte, on references and escapes of
// every kind, and on random mixes of them, the writers write the same.
func TestTextWriterIsGoldmarks(t *testing.T) {
	for c := 0; c < 256; c++ {
		s := string([]byte{byte(c)})
		for _, src := range []string{s, "a" + s + "b", "\\" + s, "&" + s + ";", "&#" + s + ";", s + "\\"} {
			sameAsGoldmark(t, []byte(src))
		}
	}
	for _, src := range []string{"&amp;&quot;&nbsp;&notanentity;&#65;&#x41;&#X1f600;&#1114112;&#xD800;&#0;&#99999999;&#x1234567;", "\\\\\\*\\&amp;\\", "a\\ b\\\nc", "&;&#;&#x;&", ""} {
		sameAsGoldmark(t, []byte(src))
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		var b strings.Builder
		for k := r.IntN(12); k >= 0; k-- {
			b.WriteString(writerPieces[r.IntN(len(writerPieces))])
		}
		sameAsGoldmark(t, []byte(b.String()))
	}
}

func FuzzTextWriter(f *testing.F) {
	for _, s := range []string{"&amp;", "\\*", "&#x41;", "a\x00b", "&#1234567;"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) { sameAsGoldmark(t, src) })
}
