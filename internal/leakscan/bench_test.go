package leakscan

import "testing"

// BenchmarkFind scans 10 MB of built Japanese/English HTML for 2,000
// needles of every kind (20 of them are in the text).
func BenchmarkFind(b *testing.B) {
	ns := genNeedles(2000, 7)
	text, want := genHTML(10<<20, ns, 20, 8)
	s := New(ns, WithHTML())
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		if got := s.Find(text); len(got) != len(want) {
			b.Fatalf("got %d matches, want %d", len(got), len(want))
		}
	}
}

// BenchmarkFindPlain is the same text without HTML decoding, to show the
// cost of markup handling.
func BenchmarkFindPlain(b *testing.B) {
	ns := genNeedles(2000, 7)
	text, _ := genHTML(10<<20, ns, 20, 8)
	s := New(ns)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		s.Find(text)
	}
}

// BenchmarkNew measures building a Scanner for 2,000 needles.
func BenchmarkNew(b *testing.B) {
	ns := genNeedles(2000, 7)
	for b.Loop() {
		New(ns, WithHTML())
	}
}
