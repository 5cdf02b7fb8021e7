package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestCollectionWaitsForTheContent pauses the collector as a build starts
// and wants no collection before the content is read and the soft limit,
// sized to the content, set; with GOGC or GOMEMLIMIT set, neither is
// touched.
func TestCollectionWaitsForTheContent(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
	currentGCPercent := func() int {
		p := debug.SetGCPercent(0)
		debug.SetGCPercent(p)
		return p
	}

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	pauseCollection()
	if p := currentGCPercent(); p != -1 {
		t.Fatalf("while the content is read: GOGC %d, want off", p)
	}
	limitMemory(10 << 20)
	if p := currentGCPercent(); p != -1 {
		t.Errorf("once the content is read: GOGC %d, want off (the limit paces the collector)", p)
	}
	if l, want := debug.SetMemoryLimit(-1), int64(memoryBase+memoryPerSource*(10<<20)); l != want {
		t.Errorf("memory limit %d, want %d", l, want)
	}

	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		t.Setenv(env, "200")
		pauseCollection()
		limitMemory(10 << 20)
		if p := currentGCPercent(); p != 100 {
			t.Errorf("%s set: GOGC %d, want it left at 100", env, p)
		}
		if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
			t.Errorf("%s set: memory limit %d, want it left alone", env, l)
		}
		t.Setenv(env, "")
	}
}
