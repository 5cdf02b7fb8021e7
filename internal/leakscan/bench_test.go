package leakscan

import (
	"testing"
	"time"

	"kakehashi/internal/cputime"
)

// The machines this runs on are shared, so wall time (ns/op, MB/s) can be
// far above the work done; cpu-ns/op and cpu-MB/s count the process's CPU
// time instead (Find runs on one goroutine, so this is single-core speed,
// garbage collection included).

func reportCPU(b *testing.B, start time.Duration, bytes int) {
	cpu := cputime.Process() - start
	if cpu <= 0 || b.N == 0 {
		return
	}
	perOp := float64(cpu.Nanoseconds()) / float64(b.N)
	b.ReportMetric(perOp, "cpu-ns/op")
	if bytes > 0 {
		b.ReportMetric(float64(bytes)/perOp*1e3, "cpu-MB/s")
	}
}

// BenchmarkFind scans 10 MB of built Japanese/English HTML for 2,000
// needles of every kind (20 of them are in the text).
func BenchmarkFind(b *testing.B) {
	ns := genNeedles(2000, 7)
	text, want := genHTML(10<<20, ns, 20, 8)
	s := New(ns, WithHTML())
	b.SetBytes(int64(len(text)))
	start := cputime.Process()
	for b.Loop() {
		if got := s.Find(text); len(got) != len(want) {
			b.Fatalf("got %d matches, want %d", len(got), len(want))
		}
	}
	reportCPU(b, start, len(text))
}

// BenchmarkFindPlain is the same text without HTML decoding, to show the
// cost of markup handling.
func BenchmarkFindPlain(b *testing.B) {
	ns := genNeedles(2000, 7)
	text, _ := genHTML(10<<20, ns, 20, 8)
	s := New(ns)
	b.SetBytes(int64(len(text)))
	start := cputime.Process()
	for b.Loop() {
		s.Find(text)
	}
	reportCPU(b, start, len(text))
}

// BenchmarkNew measures building a Scanner for 2,000 needles.
func BenchmarkNew(b *testing.B) {
	ns := genNeedles(2000, 7)
	start := cputime.Process()
	for b.Loop() {
		New(ns, WithHTML())
	}
	reportCPU(b, start, 0)
}
