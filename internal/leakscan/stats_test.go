package leakscan

import (
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestStats(t *testing.T) {
	if v := os.Getenv("DENSE"); v != "" {
		denseBudget, _ = strconv.Atoi(v)
	} else {
		t.Skip()
	}
	runtime.LockOSThread()
	ns := genNeedles(2000, 7)
	s := New(ns, WithHTML())
	t.Logf("states=%d stride=%d nDense=%d dense=%dKB maxKey=%d", len(s.ac.fail), s.ac.stride, s.ac.nDense, len(s.ac.trans)*4/1024, s.maxKey)
	text, _ := genHTML(10<<20, ns, 20, 8)
	for _, sc := range []*Scanner{s, New(ns)} {
		best := time.Hour
		for i := 0; i < 8; i++ {
			c0 := threadCPU()
			sc.Find(text)
			best = min(best, threadCPU()-c0)
		}
		t.Logf("cpu MB/s %.1f", float64(len(text))/float64(best.Nanoseconds())*1e3)
	}
}

func TestOnce(t *testing.T) {
	if os.Getenv("ONCE") == "" {
		t.Skip()
	}
	ns := genNeedles(2000, 7)
	html := os.Getenv("ONCE") == "html"
	var s *Scanner
	if html {
		s = New(ns, WithHTML())
	} else {
		s = New(ns)
	}
	text, _ := genHTML(2<<20, ns, 20, 8)
	s.Find(text[:1000])
	reps, _ := strconv.Atoi(os.Getenv("REPS"))
	c0 := threadCPU()
	for i := 0; i < reps; i++ {
		s.Find(text)
	}
	t.Logf("%v", threadCPU()-c0)
}
