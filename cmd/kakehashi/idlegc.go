package main

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// idleCollector has the collector run while a preview waits for the next
// save, once the heap is so near its goal that the next rebuilds would
// start a collection themselves. A rebuild that shares the processors
// with the collector's marking takes two to three times as long (10,000
// pages: 38–63 ms instead of 15–20, every fourth save or so), and a
// preview is idle most of the time: between saves the person types.
type idleCollector struct {
	after   time.Duration // idle this long first: the reload event goes out, the browser asks for the page
	heap    func() heapNow
	collect func()

	mu    sync.Mutex
	timer *time.Timer
}

// rebuildsAhead is how many rebuilds like the last one the heap must have
// room for; with less, or with half the room the last collection left
// used, the collector runs while idle. (The collector starts on its own
// before the heap reaches the goal, and a preview allocates a little
// between rebuilds too.)
const rebuildsAhead = 3

// heapNow is what the runtime tells of the heap.
type heapNow struct {
	inUse uint64 // the objects, live or not yet collected
	live  uint64 // what the last collection found live
	goal  uint64 // the size at which the collector wants this cycle done
}

// nearGoal reports whether the heap is so near its goal that the next
// rebuilds, each allocating about allocated bytes, would start the
// collector.
func (h heapNow) nearGoal(allocated uint64) bool {
	return h.inUse+rebuildsAhead*allocated >= h.goal || 2*(h.inUse-min(h.inUse, h.live)) >= h.goal-min(h.goal, h.live)
}

func newIdleCollector() *idleCollector {
	return &idleCollector{after: 50 * time.Millisecond, heap: heapState, collect: runtime.GC}
}

// busy is called as a rebuild starts: a collection not started yet waits
// for the next idle time.
func (c *idleCollector) busy() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
}

// idle is called when a rebuild that allocated allocated bytes is done.
func (c *idleCollector) idle(allocated uint64) {
	h := c.heap()
	if !h.nearGoal(allocated) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
	}
	c.timer = time.AfterFunc(c.after, c.collect)
}

// heapSamples are read by heapState and allocatedBytes.
var heapSamples = []string{"/memory/classes/heap/objects:bytes", "/gc/heap/live:bytes", "/gc/heap/goal:bytes", "/gc/heap/allocs:bytes"}

func heapState() heapNow {
	s := readHeap()
	return heapNow{inUse: s[0].Value.Uint64(), live: s[1].Value.Uint64(), goal: s[2].Value.Uint64()}
}

// allocatedBytes is how much the program has allocated on the heap in
// all.
func allocatedBytes() uint64 { return readHeap()[3].Value.Uint64() }

func readHeap() []metrics.Sample {
	s := make([]metrics.Sample, len(heapSamples))
	for i, name := range heapSamples {
		s[i].Name = name
	}
	metrics.Read(s)
	return s
}
