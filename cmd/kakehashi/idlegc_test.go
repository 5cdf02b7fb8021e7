package main

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestHeapNearGoal(t *testing.T) {
	const mb = 1 << 20
	for _, tt := range []struct {
		name      string
		h         heapNow
		allocated uint64
		want      bool
	}{
		{"just collected", heapNow{inUse: 161 * mb, live: 160 * mb, goal: 188 * mb}, 3 * mb, false},
		{"under half the room used", heapNow{inUse: 173 * mb, live: 160 * mb, goal: 188 * mb}, 3 * mb, false},
		{"half the room used", heapNow{inUse: 174 * mb, live: 160 * mb, goal: 188 * mb}, 3 * mb, true},
		{"room for fewer than three such rebuilds", heapNow{inUse: 165 * mb, live: 160 * mb, goal: 188 * mb}, 8 * mb, true},
		{"room for three", heapNow{inUse: 163 * mb, live: 160 * mb, goal: 188 * mb}, 8 * mb, false},
		{"past the goal", heapNow{inUse: 190 * mb, live: 160 * mb, goal: 188 * mb}, 0, true},
		{"live above the goal", heapNow{inUse: 200 * mb, live: 199 * mb, goal: 188 * mb}, 0, true},
	} {
		if got := tt.h.nearGoal(tt.allocated); got != tt.want {
			t.Errorf("%s: nearGoal = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// fakeCollector is an idleCollector over a heap the test sets, counting
// its collections.
func fakeCollector(after time.Duration, near *atomic.Bool, collected *atomic.Int32) *idleCollector {
	return &idleCollector{
		after: after,
		heap: func() heapNow {
			if near.Load() {
				return heapNow{inUse: 180, live: 160, goal: 188}
			}
			return heapNow{inUse: 161, live: 160, goal: 188}
		},
		collect: func() { collected.Add(1) },
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within 10 s", what)
		}
	}
}

// TestIdleCollectorCollectsNearTheGoal wants a collection after a rebuild
// that left the heap near its goal, and none after one that did not.
func TestIdleCollectorCollectsNearTheGoal(t *testing.T) {
	var near atomic.Bool
	var collected atomic.Int32
	c := fakeCollector(10*time.Millisecond, &near, &collected)

	c.busy()
	c.idle(1)
	time.Sleep(100 * time.Millisecond)
	if n := collected.Load(); n != 0 {
		t.Fatalf("heap far from its goal: %d collections, want none", n)
	}
	near.Store(true)
	c.busy()
	c.idle(1)
	waitFor(t, "collection near the goal", func() bool { return collected.Load() == 1 })
}

// TestIdleCollectorWaitsWhileBusy wants no collection started once the
// next rebuild has begun: it waits for the idle time after that one.
func TestIdleCollectorWaitsWhileBusy(t *testing.T) {
	var near atomic.Bool
	var collected atomic.Int32
	near.Store(true)
	c := fakeCollector(300*time.Millisecond, &near, &collected)

	c.idle(1)
	c.busy() // a save came before the idle time was over
	time.Sleep(600 * time.Millisecond)
	if n := collected.Load(); n != 0 {
		t.Fatalf("%d collections during a rebuild, want none", n)
	}
	c.idle(1)
	waitFor(t, "collection once idle again", func() bool { return collected.Load() == 1 })
	time.Sleep(400 * time.Millisecond)
	if n := collected.Load(); n != 1 {
		t.Errorf("%d collections after one idle time, want 1", n)
	}
}
