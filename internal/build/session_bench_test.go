package build_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"kakehashi/internal/build"
	"kakehashi/internal/cputime"
	"kakehashi/internal/publish"
)

// BenchmarkSessionRebuild measures one preview rebuild after one talent file
// was saved, on the corpus of ../shared/bench (KAKEHASHI_BENCH_TALENTS
// talents, default 4000: 10,000 pages), and the heap the session keeps
// between rebuilds. Run from the project root:
//
//	go test -run '^$' -bench SessionRebuild ./internal/build/
func BenchmarkSessionRebuild(b *testing.B) {
	benchDir := os.Getenv("KAKEHASHI_BENCH_DIR")
	if benchDir == "" {
		benchDir = filepath.Join("..", "..", "..", "shared", "bench")
	}
	if _, err := os.Stat(filepath.Join(benchDir, "gencorpus")); err != nil {
		b.Skipf("no corpus generator at %s (set KAKEHASHI_BENCH_DIR): %v", benchDir, err)
	}
	talents := os.Getenv("KAKEHASHI_BENCH_TALENTS")
	if talents == "" {
		talents = "4000"
	}
	site := filepath.Join(b.TempDir(), "site")
	gen := exec.Command("go", "run", "./gencorpus", "-talents", talents, "-out", site)
	gen.Dir = benchDir
	if out, err := gen.CombinedOutput(); err != nil {
		b.Fatalf("gencorpus: %v\n%s", err, out)
	}
	opts := build.Options{Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), BaseURL: "http://127.0.0.1:1313/"}
	opts.Unconsented = os.Getenv("KAKEHASHI_BENCH_UNCONSENTED") != ""
	// As kakehashi serve does: the files in a private folder.
	store, err := os.MkdirTemp("", "kakehashi-bench-store-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(store) })
	opts.Store = publish.NewStore(store)
	s := build.NewSession(site, opts)
	start := time.Now()
	if _, err := s.Rebuild(nil); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "s-first-build")
	file := filepath.Join(site, "content", "talents", "talent-00001.en.md")
	original, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	rel := "content/talents/talent-00001.en.md"
	// A profile of the rebuilds alone, without the first build.
	if p := os.Getenv("KAKEHASHI_BENCH_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { pprof.StopCPUProfile(); f.Close() })
	}
	// On a shared machine the wall time of a rebuild says as much about the
	// neighbours as about the rebuild: the CPU time per rebuild (garbage
	// collection included) is reported beside it.
	cpu0 := cputime.Process()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		data := strings.Replace(string(original), "## Question 1", fmt.Sprintf("## Question 1 (revision %d)", i), 1)
		if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		snap, err := s.Rebuild([]string{rel})
		if err != nil {
			b.Fatal(err)
		}
		if i == b.N-1 {
			b.StopTimer()
			for _, st := range snap.Result.Stages {
				b.ReportMetric(float64(st.Took.Microseconds())/1000, "ms-"+st.Name)
			}
			b.ReportMetric(float64(snap.Result.Reused), "reused-files")
			b.ReportMetric(float64((cputime.Process()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "MB-live-heap")
			if p := os.Getenv("KAKEHASHI_BENCH_HEAPPROFILE"); p != "" {
				if f, err := os.Create(p); err == nil {
					_ = pprof.WriteHeapProfile(f)
					f.Close()
				}
			}
			runtime.KeepAlive(snap)
			b.StartTimer()
		}
	}
}
