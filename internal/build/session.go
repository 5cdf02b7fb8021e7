package build

import (
	"os"
	"sync"
	"time"

	"kakehashi/internal/publish"
)

// Session rebuilds one site again and again in memory (the preview server).
// Each Rebuild returns a complete, immutable Snapshot; a failed rebuild
// returns the error and leaves the previous snapshot as it was.
type Session struct {
	dir  string
	opts Options

	mu   sync.Mutex
	last *Snapshot
}

// Snapshot is one complete build held in memory. Never modified after it is returned.
type Snapshot struct {
	// Files maps output paths ("en/talents/x/index.html") to their bytes.
	Files  map[string][]byte
	Result *Result
}

// NewSession prepares rebuilds of the site folder dir.
func NewSession(dir string, opts Options) *Session {
	return &Session{dir: dir, opts: opts}
}

// Rebuild builds the site again. changed lists the site-relative slash paths
// ("content/talents/a.en.md", "layouts/base.html") that changed since the last
// call; nil means unknown (everything is rebuilt).
func (s *Session) Rebuild(changed []string) (*Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	mem := publish.NewMem()
	res, err := Into(os.DirFS(s.dir), mem, s.opts)
	if err != nil {
		return nil, err
	}
	res.Took = time.Since(start)
	snap := &Snapshot{Files: mem.Files(), Result: res}
	s.last = snap
	return snap, nil
}
