package leakscan

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"kakehashi/internal/cputime"
)

// BenchmarkBuildScan scans what a build scans, with its needles: the
// output folder LEAKSCAN_BENCH_OUT (HTML and XML with a memo, like the
// publish funnel; the rest plain) and the Markdown of LEAKSCAN_BENCH_SRC
// (with character references, like the guard), for the needles in the
// JSON file LEAKSCAN_BENCH_NEEDLES (a []Needle; the build package's
// TestWriteNeedles writes a site's), so that a change to the automaton or
// the normaliser can be measured on a real site rather than on sitePages'
// imitation.
func BenchmarkBuildScan(b *testing.B) {
	file, out, src := os.Getenv("LEAKSCAN_BENCH_NEEDLES"), os.Getenv("LEAKSCAN_BENCH_OUT"), os.Getenv("LEAKSCAN_BENCH_SRC")
	if file == "" || out == "" {
		b.Skip("LEAKSCAN_BENCH_NEEDLES and LEAKSCAN_BENCH_OUT are not set")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	var needles []Needle
	if err := json.Unmarshal(data, &needles); err != nil {
		b.Fatal(err)
	}
	markup, plain := readTextFiles(b, out, math.MaxInt)
	var sources [][]byte
	if src != "" {
		_, sources = readTextFiles(b, src, math.MaxInt)
	}
	total := 0
	for _, set := range [][][]byte{markup, plain, sources} {
		for _, p := range set {
			total += len(p)
		}
	}
	set := Compile(needles)
	b.SetBytes(int64(total))
	start := cputime.Process()
	for b.Loop() {
		html := set.Scanner(WithHTML(), WithEscapes(), WithMemo(NewMemo()))
		text, md := set.Scanner(WithEscapes()), set.Scanner(WithEntities())
		for _, p := range markup {
			html.Find(p)
		}
		for _, p := range plain {
			text.Find(p)
		}
		for _, p := range sources {
			md.Find(p)
		}
	}
	reportCPU(b, start, total)
}
