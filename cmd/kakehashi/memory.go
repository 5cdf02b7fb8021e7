package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
)

// A build allocates much and keeps little, so main lets the heap grow to five
// times what is live between collections (GOGC=400): a fifth less CPU time
// than Go's default. Left alone, that also makes the peak five times the
// live heap. A soft memory limit scaled to the site keeps the peak near
// what the site needs: what a collection leaves live is about two and a
// half times the content's size (10,000 pages: 35 MB of content, 90 MB;
// 40,000: 140 MB, 320 MB), and the limit gives the garbage between
// collections room above it.
const (
	memoryBase      = 320 << 20
	memoryPerSource = 4
)

// buildGCPercent is the GOGC of a build (see main).
const buildGCPercent = 400

// pauseCollection turns the collector off until limitMemory, unless
// GOMEMLIMIT or GOGC chose otherwise: while the content is read, the heap
// is the content, all of it kept, and every collection would only mark it
// (on 40,000 pages one at 180 MB, a tenth of the reading's CPU time).
func pauseCollection() {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(-1)
}

// limitMemory sets the soft memory limit for building a site whose content
// is contentBytes large and resumes collecting, unless GOMEMLIMIT or GOGC
// chose otherwise. The build calls it once the content is read, before
// most of its memory is used.
func limitMemory(contentBytes int64) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return
	}
	debug.SetMemoryLimit(memoryBase + memoryPerSource*contentBytes)
	debug.SetGCPercent(buildGCPercent)
}

// contentSize is the size of the files under dir, 0 if it cannot be read.
func contentSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// A preview keeps the site's sources, page graph and render cache between
// rebuilds (the built files wait on disk): about four times the content's
// size (10,000 pages: 35 MB of content, 140 MB live). Collecting at Go's
// usual pace would let the heap reach twice that; a soft limit a little
// above what stays live keeps the server small beside an editor and a
// browser, at the cost of a collection every few saves.
const (
	serveMemoryBase      = 64 << 20
	serveMemoryPerSource = 11 // in halves: 5.5 times the content's size
)

// limitServeMemory sets GOGC 100 and a soft memory limit for previewing
// the site in source, unless GOMEMLIMIT or GOGC chose otherwise.
func limitServeMemory(source string) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(serveMemoryBase + serveMemoryPerSource*contentSize(filepath.Join(source, "content"))/2)
}
