package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkServeReload measures what a volunteer feels on a large site: the
// time from saving one talent file to the reload event in the browser, and
// the memory of the server. It builds the kakehashi binary, generates the
// 10,000-page corpus with ../shared/bench/gencorpus (4,000 talents), starts
// `kakehashi serve` on it, listens to the live-reload stream like a page does,
// and saves a talent 20 times. Run it from the project root with
//
//	go test -run '^$' -bench ServeReload -benchtime 1x ./cmd/kakehashi/
//
// KAKEHASHI_BENCH_TALENTS changes the corpus size; KAKEHASHI_BENCH_DIR points
// at the bench folder when it is not ../shared/bench; KAKEHASHI_BENCH_FLAGS
// adds serve flags ("--unconsented" measures without the leak scan).
func BenchmarkServeReload(b *testing.B) {
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
	tmp := b.TempDir()
	site := filepath.Join(tmp, "site")
	gen := exec.Command("go", "run", "./gencorpus", "-talents", talents, "-out", site)
	gen.Dir = benchDir
	if out, err := gen.CombinedOutput(); err != nil {
		b.Fatalf("gencorpus: %v\n%s", err, out)
	}
	bin := filepath.Join(tmp, "kakehashi")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}

	start := time.Now()
	args := append([]string{"serve", "-s", site, "--port", "0"}, strings.Fields(os.Getenv("KAKEHASHI_BENCH_FLAGS"))...)
	srv := exec.Command(bin, args...)
	stdout, _ := srv.StdoutPipe()
	var stderr syncTail
	srv.Stderr = &stderr
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = srv.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = srv.Process.Kill()
			<-done
		}
	})
	lines := make(chan string, 256)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var url string
	urlRx := regexp.MustCompile(`at (http://\S+/) `)
	for {
		var line string
		var ok bool
		select {
		case line, ok = <-lines:
		case <-time.After(time.Second):
			if strings.Contains(stderr.String(), "build failed") {
				b.Fatalf("the first build failed:\n%s", stderr.String())
			}
			continue
		}
		if !ok {
			b.Fatalf("serve ended before its first build:\n%s", stderr.String())
		}
		if m := urlRx.FindStringSubmatch(line); m != nil {
			url = m[1]
		}
		if strings.HasPrefix(line, "built: ") {
			b.Logf("%s", line)
			break
		}
	}
	firstBuild := time.Since(start)
	go func() {
		for range lines { // keep the pipe drained
		}
	}()

	// Listen like a page does.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"__kakehashi/events?v=", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	reloads := make(chan time.Time, 64)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if sc.Text() == "event: reload" {
				reloads <- time.Now()
			}
		}
	}()
	<-reloads // the stream starts with a reload: the page's version ("") is not current

	file := filepath.Join(site, "content", "talents", "talent-00001.en.md")
	original, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	const saves = 20
	var took []time.Duration
	cpu0 := cpuTimeOf(srv.Process.Pid)
	b.ResetTimer()
	for i := range saves {
		time.Sleep(300 * time.Millisecond) // a person types between saves
		data := strings.Replace(string(original), "## Question 1", fmt.Sprintf("## Question 1 (revision %d)", i), 1)
		t0 := time.Now()
		if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
		select {
		case t1 := <-reloads:
			took = append(took, t1.Sub(t0))
		case <-time.After(2 * time.Minute):
			b.Fatalf("save %d: no reload event within 2 minutes", i)
		}
	}
	b.StopTimer()
	cpu := cpuTimeOf(srv.Process.Pid) - cpu0
	slices.Sort(took)
	rss, peak := memoryOf(srv.Process.Pid)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-median-save-to-reload")
	b.ReportMetric(float64(took[len(took)*9/10].Microseconds())/1000, "ms-p90-save-to-reload")
	b.ReportMetric(float64(cpu.Milliseconds())/saves, "ms-cpu-per-save")
	b.ReportMetric(firstBuild.Seconds(), "s-first-build")
	b.ReportMetric(float64(rss)/1024, "MB-rss")
	b.ReportMetric(float64(peak)/1024, "MB-peak-rss")
	b.Logf("save to reload, sorted: %v", took)
}

// syncTail keeps the last 64 KB written to it, safe for concurrent use.
type syncTail struct{ serveBuffer }

func (t *syncTail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.buf.Len() > 64<<10 {
		t.buf.Next(t.buf.Len() - 32<<10)
	}
	return t.buf.Write(p)
}

// cpuTimeOf is the processor time a process has used (Linux; user and system).
func cpuTimeOf(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name may hold spaces: count fields after its closing parenthesis.
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * time.Second / 100 // clock ticks; 100 per second on Linux
}

// memoryOf reads the resident and peak resident memory of a process, in KB (Linux).
func memoryOf(pid int) (rss, peak int) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.Atoi(f[1])
		switch f[0] {
		case "VmRSS:":
			rss = n
		case "VmHWM:":
			peak = n
		}
	}
	return rss, peak
}
