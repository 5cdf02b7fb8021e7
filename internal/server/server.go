// Package server is the preview server: it serves the newest good build of a
// site, tells open pages over Server-Sent Events when a new build has been
// swapped in, and shows the last build error over every page while it keeps
// serving the last good build. A request path is only ever looked up among
// the snapshot's files (kept in memory or in the build's private folder under
// names of their own), so no request can reach a file outside it.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"kakehashi/internal/build"
	"kakehashi/internal/publish"
)

// Server serves one site. The zero value is not usable: call New.
type Server struct {
	state    atomic.Pointer[state]
	instance string
	n        atomic.Uint64

	mu      sync.Mutex // guards clients
	clients map[chan struct{}]struct{}
	done    chan struct{}
	close   sync.Once
}

// state is what the server serves; replaced whole, never modified.
type state struct {
	snap *build.Snapshot // nil until the first good build
	// version names snap; prev the version before it, and cssOnly says that
	// only stylesheets differ between the two.
	version, prev string
	cssOnly       bool
	// problems are the errors of the last build (nil when it succeeded);
	// problemSeq changes whenever they do.
	problems   []Problem
	problemSeq int
}

// New returns a server with nothing to serve yet: until the first Swap it
// answers every page with a notice (and the overlay, after Fail).
func New() *Server {
	var b [4]byte
	_, _ = rand.Read(b[:])
	s := &Server{instance: hex.EncodeToString(b[:]), clients: map[chan struct{}]struct{}{}, done: make(chan struct{})}
	s.state.Store(&state{version: s.instance + "-0"})
	return s
}

// Swap serves snap from now on, clears the error overlay, and tells every
// open page to reload (or, when only stylesheets changed, to swap them).
// Call it only with a finished build: a page never sees half a site.
func (s *Server) Swap(snap *build.Snapshot) {
	old := s.state.Load()
	next := &state{
		snap:       snap,
		version:    fmt.Sprintf("%s-%d", s.instance, s.n.Add(1)),
		prev:       old.version,
		cssOnly:    old.snap != nil && onlyCSSDiffers(old.snap.Files, snap.Files),
		problemSeq: old.problemSeq,
	}
	if len(old.problems) > 0 {
		next.problemSeq++
	}
	s.state.Store(next)
	s.notify()
}

// Fail records a failed build: the last good build keeps being served, and
// every page shows the problems in an overlay until the next Swap.
func (s *Server) Fail(err error) {
	old := s.state.Load()
	next := *old
	next.problems = Problems(err)
	if len(next.problems) == 0 {
		next.problems = []Problem{{Message: "build failed"}}
	}
	next.problemSeq++
	s.state.Store(&next)
	s.notify()
}

// Snapshot is the build being served (nil before the first good build) and its version.
func (s *Server) Snapshot() (*build.Snapshot, string) {
	st := s.state.Load()
	return st.snap, st.version
}

// Problems are the errors shown in the overlay (nil after a good build).
func (s *Server) Problems() []Problem { return s.state.Load().problems }

// onlyCSSDiffers reports whether two builds differ, and only in .css files.
func onlyCSSDiffers(a, b *publish.Files) bool {
	diff, ok := b.ChangedSince(a)
	if !ok {
		diff = a.Diff(b)
	}
	for _, p := range diff {
		if !strings.HasSuffix(p, ".css") {
			return false
		}
	}
	return len(diff) > 0
}

// ServeHTTP serves the current snapshot and the live-reload endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p, ok := cleanPath(r)
	if !ok {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	switch p {
	case scriptPath:
		serveScript(w)
		return
	case eventsPath:
		s.events(w, r)
		return
	}
	st := s.state.Load()
	if st.snap == nil {
		s.serveNoBuild(w, r, st)
		return
	}
	rel, redirect := lookup(st.snap.Files, p)
	if redirect {
		target := p + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusFound)
		return
	}
	status := http.StatusOK
	data, found, err := st.snap.Files.Get(rel)
	if !found && err == nil {
		status = http.StatusNotFound
		if data, found, err = st.snap.Files.Get("404.html"); found {
			rel = "404.html"
		} else if err == nil {
			rel, data = "404.txt", []byte("404 page not found\n")
		}
	}
	if err != nil {
		http.Error(w, "the preview could not read its copy of this file; reload the page", http.StatusInternalServerError)
		return
	}
	ctype := contentType(rel, data)
	if strings.HasPrefix(ctype, "text/html") {
		data = inject(data, st)
	}
	s.write(w, r, status, ctype, data)
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, status int, ctype string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", fmt.Sprint(len(data)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

// serveNoBuild answers while no build has succeeded yet.
func (s *Server) serveNoBuild(w http.ResponseWriter, r *http.Request, st *state) {
	msg := "Building the site… / サイトを生成しています…"
	if len(st.problems) > 0 {
		msg = "The site has not built yet. / サイトをまだ生成できていません。"
	}
	page := []byte(`<!doctype html><html><head><meta charset="utf-8"><title>kakehashi serve</title></head><body><p>` + msg + `</p></body></html>`)
	s.write(w, r, http.StatusServiceUnavailable, "text/html; charset=utf-8", inject(page, st))
}

// Serve answers HTTP requests on ln until ctx is cancelled, then closes the
// live-reload streams and shuts down within a second or two.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       time.Minute,
		ErrorLog:          nil,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		s.Close()
		return err
	case <-ctx.Done():
	}
	s.Close()
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = hs.Close()
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// Close ends every live-reload stream (they would keep a shutdown waiting).
func (s *Server) Close() {
	s.close.Do(func() { close(s.done) })
}

// Exposed reports whether binding to host makes the server reachable from
// other machines: anything but a loopback address or "localhost".
func Exposed(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return false
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip == nil || !ip.IsLoopback()
}
