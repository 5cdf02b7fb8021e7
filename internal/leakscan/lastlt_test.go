package leakscan

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestLastLT checks lastLT against bytes.LastIndexByte on random bytes
// (few of them '<', and bytes that differ from it in one bit) of every
// length up to 40.
func TestLastLT(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	alphabet := []byte{'<', '<' ^ 1, '<' ^ 0x80, '<' | 0x80, 0, 0xff, 0x7f, 0x80, 'a', '>', ' ', 0xbc, 0x3d}
	for range 200000 {
		b := make([]byte, r.IntN(41))
		for i := range b {
			if r.IntN(3) == 0 {
				b[i] = byte(r.IntN(256))
			} else {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
		}
		if got, want := lastLT(b), bytes.LastIndexByte(b, '<'); got != want {
			t.Fatalf("lastLT(%q) = %d, want %d", b, got, want)
		}
	}
}
