package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"kakehashi/internal/build"
	"kakehashi/internal/publish"
	"kakehashi/internal/render"
	"kakehashi/internal/server"
	"kakehashi/internal/watch"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", "serve [-s DIR] [--bind 127.0.0.1] [--port 1313] [--drafts] [--unconsented] [--poll] [--now YYYY-MM-DD]", stdout, stderr)
	var sf siteFlags
	sf.register(fs)
	bind := fs.String("bind", "127.0.0.1", "address to listen on; anything but loopback lets other machines see the preview")
	port := fs.Int("port", 1313, "port to listen on (0: any free port)")
	drafts := fs.Bool("drafts", false, "show drafts, with a DRAFT / 下書き banner")
	unconsented := fs.Bool("unconsented", false, "show items without publication consent, watermarked and noindex (loopback only)")
	poll := fs.Bool("poll", false, "poll for changes instead of waiting for file events (network and VM-shared folders)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole session to this file when it stops")
	memProfile := fs.String("memprofile", "", "write a heap profile to this file when the session stops")
	if code, done := parse(fs, args, stderr); done {
		return code
	}
	stop, err := startProfiles(*cpuProfile, *memProfile)
	if err != nil {
		fmt.Fprintf(stderr, "kakehashi serve: %v\n", err)
		return 2
	}
	defer stop()
	settle := limitServeMemory(sf.source)
	var now time.Time
	if sf.now != "" {
		t, err := sf.today()
		if err != nil {
			fmt.Fprintf(stderr, "kakehashi serve: %v\n", err)
			return 2
		}
		now = t
	} // else the session measures expiry against today, and starts afresh when the day changes
	if server.Exposed(*bind) {
		if *unconsented {
			fmt.Fprintf(stderr, "kakehashi serve: --unconsented shows stories nobody consented to publish; it is allowed on loopback only, not on %s\n", *bind)
			return 2
		}
		fmt.Fprintf(stderr, "warning: listening on %s: other machines on the network can see this preview, drafts included; use --bind 127.0.0.1 to keep it on this computer\n", *bind)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(*bind, strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintf(stderr, "kakehashi serve: %v; is another server using port %d? try --port 0 for any free port\n", err, *port)
		return 1
	}
	defer ln.Close()
	host := *bind
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	url := "http://" + net.JoinHostPort(host, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)) + "/"

	// Watch before the first build, so that no save made during it is missed.
	var wopts []watch.Option
	wopts = append(wopts, watch.WithWarnings(func(msg string) { fmt.Fprintln(stderr, "warning: "+msg) }))
	if *poll {
		wopts = append(wopts, watch.WithPoll(0))
	}
	w, err := watch.New(sf.source, wopts...)
	if err != nil {
		fmt.Fprintf(stderr, "kakehashi serve: %v\n", err)
		return 1
	}
	defer w.Close()

	// The built files wait in a private folder rather than in memory: a
	// preview is kept open all day next to an editor and a browser.
	keep, err := os.MkdirTemp("", "kakehashi-serve-")
	if err != nil {
		fmt.Fprintf(stderr, "kakehashi serve: %v\n", err)
		return 1
	}
	defer os.RemoveAll(keep)

	srv := server.New()
	session := build.NewSession(sf.source, build.Options{
		Now: now, Drafts: *drafts, Unconsented: *unconsented, BaseURL: url,
		RenderOptions: []render.Option{server.Inject()},
		Store:         publish.NewStore(keep),
	})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	fmt.Fprintf(stdout, "serving %s at %s (Ctrl-C to stop)\n", sf.source, url)
	if *unconsented {
		fmt.Fprintln(stderr, "warning: --unconsented: items without publication consent are shown, watermarked; never publish this preview")
	}
	if w.Polling() {
		fmt.Fprintln(stdout, "polling for changes")
	} else {
		fmt.Fprintf(stdout, "watching %d folders for changes\n", w.Folders())
	}
	p := &preview{srv: srv, session: session, stdout: stdout, stderr: stderr, seen: map[string]bool{}, gc: newIdleCollector(), settle: settle}
	// One rebuild at a time, in the background, so that Ctrl-C is answered
	// at once even during a long first build. Changes saved meanwhile wait in
	// the watcher and come as one batch.
	busy := p.start(nil)
loop:
	for {
		changes := w.Changes()
		if busy != nil {
			changes = nil
		}
		select {
		case <-ctx.Done():
			break loop
		case <-busy:
			busy = nil
		case batch, ok := <-changes:
			if !ok {
				break loop
			}
			busy = p.start(batch)
		}
	}
	if err := <-served; err != nil {
		fmt.Fprintf(stderr, "kakehashi serve: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "stopped")
	return 0
}

// preview runs one rebuild after another and reports each in the terminal.
type preview struct {
	srv     *server.Server
	session *build.Session
	stdout  io.Writer
	stderr  io.Writer
	seen    map[string]bool // warnings already printed
	gc      *idleCollector
	settle  func() // once the first build is done (see limitServeMemory)
}

// start rebuilds in the background; the channel closes when it is done.
func (p *preview) start(changes []watch.Change) <-chan struct{} {
	done := make(chan struct{})
	p.gc.busy()
	go func() {
		defer close(done)
		before := allocatedBytes()
		p.rebuild(changes)
		if p.settle != nil {
			p.settle()
			p.settle = nil
		}
		p.gc.idle(allocatedBytes() - before)
	}()
	return done
}

// rebuild builds again after changes (nil: everything) and swaps the result
// in, or keeps the last good build and shows the error.
func (p *preview) rebuild(changes []watch.Change) {
	start := time.Now()
	var paths []string
	for _, c := range changes {
		if c.Kind == watch.Rescan {
			paths = nil
			break
		}
		paths = append(paths, c.Path)
	}
	snap, err := p.session.Rebuild(paths)
	took := time.Since(start).Round(time.Millisecond)
	stamp := time.Now().Format("15:04:05")
	what := "built"
	if changes != nil {
		what = describe(changes)
	}
	if err != nil {
		p.srv.Fail(err)
		fmt.Fprintf(p.stderr, "%s %s: build failed; still serving the last good build:\n", stamp, what)
		for _, pr := range p.srv.Problems() {
			fmt.Fprintf(p.stderr, "  %s\n", pr)
		}
		return
	}
	p.srv.Swap(snap)
	p.warn(snap.Result)
	if changes == nil {
		fmt.Fprintln(p.stdout, summary(snap.Result))
		return
	}
	fmt.Fprintf(p.stdout, "%s %s: rebuilt in %v\n", stamp, what, took)
}

// warn prints the skips and warnings not printed before.
func (p *preview) warn(res *build.Result) {
	var lines []string
	for _, sk := range res.Site.Skipped {
		lines = append(lines, sk.String())
	}
	for _, w := range res.Warnings {
		lines = append(lines, "warning: "+w)
	}
	for _, l := range lines {
		if !p.seen[l] {
			p.seen[l] = true
			fmt.Fprintln(p.stderr, l)
		}
	}
}

// describe names the changes of a batch for the terminal.
func describe(changes []watch.Change) string {
	names := make([]string, 0, 3)
	for _, c := range changes[:min(3, len(changes))] {
		names = append(names, c.Path)
	}
	s := strings.Join(names, ", ")
	if n := len(changes) - len(names); n > 0 {
		s += fmt.Sprintf(" and %d more", n)
	}
	return s
}
