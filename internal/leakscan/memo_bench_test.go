package leakscan

import (
	"math/rand/v2"
	"testing"
	"time"

	"kakehashi/internal/cputime"
)

// The memo's benchmarks scan, with the publisher's scanners, what a build
// scans: 1,000 talent pages (about 9 MB, a needle in one in forty) and a
// search index of 1.3 MB. Each runs without a memo ("none"), with an empty
// one ("cold": a first build, where only what repeats within it is
// skipped) and with one that has seen it all ("warm": a build again).
// skipped-% is the share of the bytes skipped.

func reportSkipped(b *testing.B, m *Memo, scanned0, skipped0 int64) {
	if s := m.scanned.Load() - scanned0; s > 0 {
		b.ReportMetric(100*float64(m.skipped.Load()-skipped0)/float64(s), "skipped-%")
	}
}

// BenchmarkMemoPages scans 1,000 talent pages with First.
func BenchmarkMemoPages(b *testing.B) {
	ns := siteNeedles(siteNeedleCount, 1)
	set := Compile(ns)
	pages := sitePages(1000, ns, 40)
	total := 0
	for _, p := range pages {
		total += len(p)
	}
	scan := func(s *Scanner) {
		for _, p := range pages {
			s.First(p)
		}
	}
	b.Run("none", func(b *testing.B) {
		s := set.Scanner(WithHTML(), WithEscapes())
		b.SetBytes(int64(total))
		start := cputime.Process()
		for b.Loop() {
			scan(s)
		}
		reportCPU(b, start, total)
	})
	b.Run("cold", func(b *testing.B) {
		b.SetBytes(int64(total))
		var m *Memo
		start := cputime.Process()
		for b.Loop() {
			m = NewMemo()
			scan(set.Scanner(WithHTML(), WithEscapes(), WithMemo(m)))
		}
		reportCPU(b, start, total)
		reportSkipped(b, m, 0, 0)
	})
	b.Run("warm", func(b *testing.B) {
		m := NewMemo()
		s := set.Scanner(WithHTML(), WithEscapes(), WithMemo(m))
		scan(s)
		b.SetBytes(int64(total))
		scanned, skipped := m.scanned.Load(), m.skipped.Load()
		start := cputime.Process()
		for b.Loop() {
			scan(s)
		}
		reportCPU(b, start, total)
		reportSkipped(b, m, scanned, skipped)
	})
}

// BenchmarkMemoSearchJSON scans a search index of 1.3 MB with First, as
// the preview server does after each edit: "edited" has a memo that saw
// the index before five of its postings changed (five new ones each
// time).
func BenchmarkMemoSearchJSON(b *testing.B) {
	set := Compile(siteNeedles(siteNeedleCount, 1))
	index := searchIndex(rand.New(rand.NewPCG(3, 4)), 1300<<10)
	b.Run("none", func(b *testing.B) {
		s := set.Scanner(WithEscapes())
		b.SetBytes(int64(len(index)))
		start := cputime.Process()
		for b.Loop() {
			s.First(index)
		}
		reportCPU(b, start, len(index))
	})
	b.Run("cold", func(b *testing.B) {
		b.SetBytes(int64(len(index)))
		var m *Memo
		start := cputime.Process()
		for b.Loop() {
			m = NewMemo()
			set.Scanner(WithEscapes(), WithMemo(m)).First(index)
		}
		reportCPU(b, start, len(index))
		reportSkipped(b, m, 0, 0)
	})
	b.Run("warm", func(b *testing.B) {
		m := NewMemo()
		s := set.Scanner(WithEscapes(), WithMemo(m))
		s.First(index)
		b.SetBytes(int64(len(index)))
		scanned, skipped := m.scanned.Load(), m.skipped.Load()
		start := cputime.Process()
		for b.Loop() {
			s.First(index)
		}
		reportCPU(b, start, len(index))
		reportSkipped(b, m, scanned, skipped)
	})
	b.Run("edited", func(b *testing.B) {
		m := NewMemo()
		s := set.Scanner(WithEscapes(), WithMemo(m))
		s.First(index)
		b.SetBytes(int64(len(index)))
		scanned, skipped := m.scanned.Load(), m.skipped.Load()
		r := rand.New(rand.NewPCG(7, 8))
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			edited := editIndex(r, index, 5)
			b.StartTimer()
			start := cputime.Process()
			s.First(edited)
			cpu += cputime.Process() - start
		}
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(len(index))/(float64(cpu.Nanoseconds())/float64(b.N))*1e3, "cpu-MB/s")
		reportSkipped(b, m, scanned, skipped)
	})
}

// BenchmarkMemoOutDir scans the built site in $LEAKSCAN_BENCH_DIR with
// First, each file with the scanner the publisher would use, with a memo
// that has seen it all.
func BenchmarkMemoOutDir(b *testing.B) {
	markup, plain := outDirFiles(b)
	total := 0
	for _, f := range append(markup, plain...) {
		total += len(f)
	}
	set := Compile(siteNeedles(siteNeedleCount, 1))
	m := NewMemo()
	hs, ps := set.Scanner(WithHTML(), WithEscapes(), WithMemo(m)), set.Scanner(WithEscapes(), WithMemo(m))
	scan := func() {
		for _, f := range markup {
			hs.First(f)
		}
		for _, f := range plain {
			ps.First(f)
		}
	}
	scan()
	b.SetBytes(int64(total))
	scanned, skipped := m.scanned.Load(), m.skipped.Load()
	start := cputime.Process()
	for b.Loop() {
		scan()
	}
	reportCPU(b, start, total)
	reportSkipped(b, m, scanned, skipped)
}
