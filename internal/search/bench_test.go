package search

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"kakehashi/internal/cputime"
)

// cpuTime returns the CPU time the process has used. The benchmarks report
// it per operation beside the wall time, which on a shared machine says
// more about the machine than about the code.

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cputime.Process()-start)/float64(b.N), "cpu-ns/op")
}

// benchSets are generated stories of a large site, 4,500 per language:
// "ja" of about 1,500 characters of Japanese each, "en" of about 600 words of
// English, with a large vocabulary (indexes of 22.7 and 5.6 MB); "ja-rep"
// and "en-rep" as long, but made of a few sentences over and over, like the
// text of a generated test site (indexes of 3.2 and 1.5 MB, the size of the
// 10,000-page test site's).
var benchSets = []struct {
	name    string
	ja, rep bool
	size    int // characters or words of text; bytes for rep
	seed    uint64
}{
	{"ja", true, false, 1500, 1},
	{"en", false, false, 600, 2},
	{"ja-rep", true, true, 4500, 1},
	{"en-rep", false, true, 3600, 2},
}

var langs = []string{"ja", "en", "ja-rep", "en-rep"}

var benchDocs = sync.OnceValue(func() map[string][]Doc {
	m := map[string][]Doc{}
	for _, set := range benchSets {
		c := newCorpus(set.ja, set.seed)
		lang, title := "en", 6
		if set.ja {
			lang, title = "ja", 20
		}
		if set.rep {
			m[set.name] = c.repeated(4500, set.size, title)
			continue
		}
		d := make([]Doc, 4500)
		for i := range d {
			d[i] = c.doc(fmt.Sprintf("/%s/talents/p%05d/", lang, i), set.size, title)
		}
		m[set.name] = d
	}
	return m
})

// BenchmarkBuild indexes every story of one language from scratch (a full build).
func BenchmarkBuild(b *testing.B) {
	for _, lang := range langs {
		b.Run(lang, func(b *testing.B) {
			docs := benchDocs()[lang]
			b.ReportAllocs()
			var n int
			cpu := cputime.Process()
			for b.Loop() {
				data, err := Build(docs)
				if err != nil {
					b.Fatal(err)
				}
				n = len(data)
			}
			reportCPU(b, cpu)
			b.ReportMetric(float64(n), "bytes")
		})
	}
}

// edits returns versions of one story for the update benchmarks to switch between.
func edits(lang string) []Doc {
	set := benchSets[slices.Index(langs, lang)]
	c := newCorpus(set.ja, 3)
	if set.rep {
		return c.repeated(16, set.size, 6)
	}
	d := make([]Doc, 16)
	for i := range d {
		d[i] = c.doc("", set.size, 6)
	}
	return d
}

// BenchmarkUpdateOne changes one story of a built index and writes the index
// again (the preview server after a save): Set and Bytes.
func BenchmarkUpdateOne(b *testing.B) {
	benchUpdate(b, func(ix *Builder, docs []Doc, d Doc) error { return ix.Set(d) })
}

// BenchmarkUpdateOneSetAll is BenchmarkUpdateOne the way the renderer can
// do it without knowing which story changed: SetAll with every story.
func BenchmarkUpdateOneSetAll(b *testing.B) {
	benchUpdate(b, func(ix *Builder, docs []Doc, d Doc) error {
		docs[1234] = d
		return ix.SetAll(docs)
	})
}

// benchUpdate measures update with the edits of story 1234 in turn, then Bytes.
func benchUpdate(b *testing.B, update func(ix *Builder, docs []Doc, d Doc) error) {
	for _, lang := range langs {
		b.Run(lang, func(b *testing.B) {
			docs := slices.Clone(benchDocs()[lang])
			ix := NewBuilder()
			if err := ix.SetAll(docs); err != nil {
				b.Fatal(err)
			}
			ix.Bytes()
			ed := edits(lang)
			b.ReportAllocs()
			i := 0
			cpu := cputime.Process()
			for b.Loop() {
				e := ed[i%len(ed)]
				i++
				if err := update(ix, docs, Doc{URL: docs[1234].URL, Title: e.Title, Text: e.Text}); err != nil {
					b.Fatal(err)
				}
				ix.Bytes()
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkBytes writes a built index again with nothing changed.
func BenchmarkBytes(b *testing.B) {
	for _, lang := range langs {
		b.Run(lang, func(b *testing.B) {
			ix := NewBuilder()
			if err := ix.SetAll(benchDocs()[lang]); err != nil {
				b.Fatal(err)
			}
			ix.Bytes()
			b.ReportAllocs()
			cpu := cputime.Process()
			for b.Loop() {
				ix.Bytes()
			}
			reportCPU(b, cpu)
		})
	}
}
