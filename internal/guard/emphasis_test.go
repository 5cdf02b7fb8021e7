package guard

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestWithoutEmphasis: the markers go, everything else stays in place,
// whatever the text (checked against dropping them one byte at a time).
func TestWithoutEmphasis(t *testing.T) {
	slow := func(raw []byte) []byte {
		var out []byte
		for _, c := range raw {
			if c != '*' && c != '_' && c != '~' && c != '`' {
				out = append(out, c)
			}
		}
		return out
	}
	pieces := []string{"a", "Amina", " ", "\n", "*", "**", "_", "~~", "`", "日本", "\xff", "12345678"}
	r := rand.New(rand.NewPCG(7, 8))
	var reused []byte
	for range 5000 {
		var b []byte
		for k := r.IntN(20); k >= 0; k-- {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		reused = withoutEmphasis(reused[:0], b)
		if got, want := reused, slow(b); !bytes.Equal(got, want) {
			t.Fatalf("withoutEmphasis(%q) = %q, want %q", b, got, want)
		}
	}
}
