package build

import (
	"sync"
	"time"

	"kakehashi/internal/diskfs"
	"kakehashi/internal/publish"
)

// Session rebuilds one site folder again and again in memory (the preview
// server). Each Rebuild returns a complete, immutable Snapshot; a failed
// rebuild returns the error and leaves the previous snapshot as it was. The
// work is incremental (see Incremental): a rebuild after one saved file reads
// that file again and renders only the pages whose inputs changed, and the
// result equals a full build of the same files.
type Session struct {
	dir  string
	opts Options

	mu  sync.Mutex
	inc *Incremental
	// day is the date consent expiry is measured against when opts.Now is
	// unset: a server left open past midnight starts afresh with the new day.
	day time.Time
}

// Snapshot is one complete build held in memory. Never modified after it is returned.
type Snapshot struct {
	// Files are the output files by path ("en/talents/x/index.html").
	Files  *publish.Files
	Result *Result
}

// NewSession prepares rebuilds of the site folder dir.
func NewSession(dir string, opts Options) *Session {
	return &Session{dir: dir, opts: opts}
}

// Rebuild builds the site again. changed lists the site-relative slash paths
// ("content/talents/a.en.md", "layouts/base.html", "content/news" for a
// folder) that changed since the last call; nil means unknown (everything is
// rebuilt).
func (s *Session) Rebuild(changed []string) (*Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	if s.opts.Now.IsZero() {
		if today := today(start); !today.Equal(s.day) {
			s.inc, s.day = nil, today
		}
	}
	if s.inc == nil {
		opts := s.opts
		if opts.Now.IsZero() {
			opts.Now = s.day
		}
		// A new Incremental builds everything the first time.
		s.inc = NewIncremental(diskfs.Dir(s.dir), opts)
	}
	files, res, err := s.inc.Build(changed)
	if err != nil {
		return nil, err
	}
	res.Took = time.Since(start)
	return &Snapshot{Files: files, Result: res}, nil
}

// today is the calendar day of t, as the CLI's --now gives it.
func today(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
