package main

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// TestCollectionWaitsForTheContent pauses the collector as a build starts
// and wants no collection before the content is read and the soft limit,
// sized to the content, set; with GOGC or GOMEMLIMIT set, neither is
// touched.
func TestCollectionWaitsForTheContent(t *testing.T) {
	restoreCollector(t)

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

	checkLeftAlone(t, func() {
		pauseCollection()
		limitMemory(10 << 20)
	})
}

// TestServeSettlesAfterTheFirstBuild paces a preview's first build by its
// memory limit alone, and by GOGC 100 under the same limit once it is done;
// with GOGC or GOMEMLIMIT set, neither is touched.
func TestServeSettlesAfterTheFirstBuild(t *testing.T) {
	restoreCollector(t)
	source := t.TempDir()
	const size = 3 << 20
	if err := os.MkdirAll(filepath.Join(source, "content", "talents"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(source, "content", "talents", "a.en.md"), make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	settle := limitServeMemory(source)
	if p := currentGCPercent(); p != -1 {
		t.Errorf("first build: GOGC %d, want off", p)
	}
	want := int64(serveMemoryBase + serveMemoryPerSource*size/2)
	if l := debug.SetMemoryLimit(-1); l != want {
		t.Errorf("first build: memory limit %d, want %d", l, want)
	}
	settle()
	if p := currentGCPercent(); p != 100 {
		t.Errorf("after the first build: GOGC %d, want 100", p)
	}
	if l := debug.SetMemoryLimit(-1); l != want {
		t.Errorf("after the first build: memory limit %d, want %d", l, want)
	}

	checkLeftAlone(t, func() { limitServeMemory(source)() })
}

// restoreCollector starts a test with GOGC 100 and no memory limit, and
// gives the process its own back when the test ends.
func restoreCollector(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
}

// currentGCPercent is GOGC as the runtime has it.
func currentGCPercent() int {
	p := debug.SetGCPercent(0)
	debug.SetGCPercent(p)
	return p
}

// checkLeftAlone runs pace with GOGC or GOMEMLIMIT set, and wants it to
// leave the collector as it was.
func checkLeftAlone(t *testing.T, pace func()) {
	t.Helper()
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(math.MaxInt64)
		t.Setenv(env, "200")
		pace()
		if p := currentGCPercent(); p != 400 {
			t.Errorf("%s set: GOGC %d, want it left at 400", env, p)
		}
		if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
			t.Errorf("%s set: memory limit %d, want it left alone", env, l)
		}
		t.Setenv(env, "")
	}
}
