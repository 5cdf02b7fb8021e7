package leakscan

import (
	"os"
	"strconv"
	"testing"
)

func TestStats(t *testing.T) {
	if v := os.Getenv("DENSE"); v != "" {
		denseBudget, _ = strconv.Atoi(v)
	}
	ns := genNeedles(2000, 7)
	s := New(ns, WithHTML())
	t.Logf("states=%d stride=%d nDense=%d dense=%dKB maxKey=%d", len(s.ac.fail), s.ac.stride, s.ac.nDense, len(s.ac.trans)*4/1024, s.maxKey)
	text, _ := genHTML(10<<20, ns, 20, 8)
	for _, sc := range []*Scanner{s, New(ns)} {
		c0 := cpuTime()
		for i := 0; i < 5; i++ {
			sc.Find(text)
		}
		t.Logf("cpu MB/s %.1f", float64(len(text))*5/float64((cpuTime()-c0).Nanoseconds())*1e3)
	}
}
