package byteset

import (
	"strings"
	"testing"
)

// BenchmarkNext runs over Japanese and English text with the set of
// Markdown's text writer.
func BenchmarkNext(b *testing.B) {
	set := Of("\x00&\\")
	text := []byte(strings.Repeat("We hired a network engineer in 2023; チームと一緒に学びました。", 200))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if Next(text, 0, set) != len(text) {
			b.Fatal("found")
		}
	}
}
