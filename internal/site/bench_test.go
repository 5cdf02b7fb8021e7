package site_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"kakehashi/internal/consent"
	"kakehashi/internal/content"
	"kakehashi/internal/cputime"
	"kakehashi/internal/site"
)

var benchNow = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// BenchmarkBuild builds the graph of 10,000 sources (4,000 talents and 1,000
// employers, each in two languages): cold, and again with a memo after one
// source changed, as the preview server does on every save.
func BenchmarkBuild(b *testing.B) {
	c := newCorpus(b, 1, 4000, false)
	// In path order, as the builder passes them.
	slices.SortFunc(c.sources, func(a, b *content.Source) int { return strings.Compare(a.Path, b.Path) })
	opts := site.Options{Consent: consent.Options{Now: benchNow}}
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := site.Build(c.cfg, c.sources, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("first", func(b *testing.B) {
		// The first build of a preview server: cold, into a new memo.
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			opts := opts
			opts.Memo = site.NewMemo()
			if _, err := site.Build(c.cfg, c.sources, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rebuild", func(b *testing.B) {
		b.ReportAllocs()
		sources := slices.Clone(c.sources)
		i := len(sources) / 3
		d := *c.docFor(sources[i])
		d.title += " (edited)"
		d.date = "2023-12-31"
		versions := [2]*content.Source{sources[i], c.parse(b, &d)}
		memo := site.NewMemo()
		opts := opts
		opts.Memo = memo
		if _, err := site.Build(c.cfg, sources, opts); err != nil {
			b.Fatal(err)
		}
		n := 0
		defer reportCPU(b)()
		for b.Loop() {
			// A save: one source is new; every other is the same pointer.
			n++
			sources[i] = versions[n%2]
			if _, err := site.Build(c.cfg, sources, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rebuild-any", func(b *testing.B) {
		// Saves spread over the whole site, some of which reach many pages
		// (an employer that many talents name): the average save.
		b.ReportAllocs()
		sources := slices.Clone(c.sources)
		type save struct {
			i        int
			versions [2]*content.Source
		}
		var saves []save
		for k := range 64 {
			i := k * len(sources) / 64
			d := *c.docFor(sources[i])
			d.title += " (edited)"
			saves = append(saves, save{i, [2]*content.Source{sources[i], c.parse(b, &d)}})
		}
		opts := opts
		opts.Memo = site.NewMemo()
		if _, err := site.Build(c.cfg, sources, opts); err != nil {
			b.Fatal(err)
		}
		n := 0
		defer reportCPU(b)()
		for b.Loop() {
			sv := saves[n%len(saves)]
			sources[sv.i] = sv.versions[(n/len(saves)+1)%2]
			n++
			if _, err := site.Build(c.cfg, sources, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// reportCPU reports the CPU time per operation (see cpuTime) when the
// returned function is called after the loop.
func reportCPU(b *testing.B) func() {
	start := cputime.Process()
	return func() {
		if start > 0 {
			b.ReportMetric(float64(cputime.Process()-start)/float64(b.N)/1e6, "cpu-ms/op")
		}
	}
}
