package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
)

// A build allocates much and keeps little: what a collection leaves live
// is about two and a half times the content's size (10,000 pages: 35 MB
// of content, 90 MB; 40,000: 140 MB, 320 MB), and a build allocates about
// fourteen times it. So a build is collected when its heap reaches a soft
// memory limit scaled to the site, not at GOGC's pace: each collection
// then frees as much as the limit allows, and fewer of them mark the same
// pages again (10,000 pages: one collection where GOGC=400 under the
// limit made two; 40,000 pages: three where it made four), for a peak
// about the same or lower (335 and 837 MiB against 360 and 860).
const (
	memoryBase      = 160 << 20
	memoryPerSource = 5
)

// gcPercent is the GOGC of the other commands (see main).
const gcPercent = 400

// pauseCollection turns the collector off for a build, unless GOMEMLIMIT
// or GOGC chose otherwise: limitMemory then sets the limit that paces it.
// Until then, while the content is read, there is no collection at all:
// the heap then is the content, all of it kept.
func pauseCollection() {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(-1)
}

// limitMemory sets the soft memory limit for building a site whose content
// is contentBytes large, unless GOMEMLIMIT or GOGC chose otherwise. The
// build calls it once the content is read, before most of its memory is
// used.
func limitMemory(contentBytes int64) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return
	}
	debug.SetMemoryLimit(memoryBase + memoryPerSource*contentBytes)
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

// limitServeMemory sets the soft memory limit for previewing the site in
// source, unless GOMEMLIMIT or GOGC chose otherwise, and returns what to
// call once the first build is done. The first build reads and renders
// the whole site, its heap growing from nothing: at GOGC 100 it collected
// at every doubling, some 25 times on 10,000 pages, a fifth of its time.
// So it runs with the collector paced by the limit alone, as a build does;
// then the preview sets GOGC 100, which keeps a small site's heap at
// twice what stays live rather than at the limit.
func limitServeMemory(source string) (settle func()) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return func() {}
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(serveMemoryBase + serveMemoryPerSource*contentSize(filepath.Join(source, "content"))/2)
	return func() { debug.SetGCPercent(100) }
}
