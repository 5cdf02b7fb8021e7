package watch

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Option configures a Watcher.
type Option func(*config)

type config struct {
	debounce   time.Duration // quiet time after the last event before a batch is handed out
	removeWait time.Duration // quiet time when every pending change is a removal (delete-then-create saves)
	maxWait    time.Duration // longest a burst of events delays its changes
	poll       bool          // poll from the start
	pollEvery  time.Duration // scan interval when polling
	verify     time.Duration // scan interval checking that events arrive (0: never)
	grace      time.Duration // how long a change found by a scan may wait for its event
	warn       func(string)

	limitFile  string // the inotify watch limit (tests point it elsewhere)
	dropEvents bool   // tests: behave as if no event ever arrived
}

// WithDebounce sets the quiet time after the last event of a burst before the
// burst is handed out as one batch (default 30ms).
func WithDebounce(d time.Duration) Option { return func(c *config) { c.debounce = d } }

// WithPoll makes the watcher poll every interval instead of waiting for file
// events (--poll: network and VM-shared folders). Zero keeps the default (500ms).
func WithPoll(interval time.Duration) Option {
	return func(c *config) {
		c.poll = true
		if interval > 0 {
			c.pollEvery = interval
		}
	}
}

// WithVerify sets how often a background scan checks that file events arrive;
// when it finds a change no event reported, the watcher falls back to polling.
// Zero turns the check off. Default 2s (longer on large sites).
func WithVerify(interval time.Duration) Option { return func(c *config) { c.verify = interval } }

// WithWarnings receives warnings: the inotify limit is near, events do not arrive, polling started.
func WithWarnings(f func(msg string)) Option { return func(c *config) { c.warn = f } }

// Watcher reports changes under one site folder. Create it with New, read
// batches from Changes, stop it with Close.
type Watcher struct {
	root string
	cfg  config
	fsw  *fsnotify.Watcher

	out     chan []Change
	scans   chan scanResult
	wake    chan struct{}
	stop    chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
	polling atomic.Bool
	folders atomic.Int64

	// Owned by the loop goroutine.
	pending  map[string]pend
	batched  []Change             // pending as a sorted batch, once asked for
	seen     map[string]time.Time // last event per path
	suspects map[string]time.Time // changes a scan found without an event, by deadline
	dirs     map[string]bool      // folders given a watch (absolute paths)
	// rewatch fires a little after a watched folder was moved or removed:
	// fsnotify drops the watch of a moved folder, also when it stays in the site.
	rewatch *time.Timer
}

// scanResult is what one scan found changed since the scan before, which started at since.
type scanResult struct {
	changes []Change
	since   time.Time
}

type pend struct {
	c    Change
	gone bool
}

// New starts watching the site folder root: site.yaml and content/, layouts/
// and static/ recursively. Every change made after New returns is reported.
func New(root string, opts ...Option) (*Watcher, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if info, err := os.Stat(abs); err != nil {
		return nil, err
	} else if !info.IsDir() {
		return nil, fmt.Errorf("watch %s: not a folder", root)
	}
	w := &Watcher{
		root: abs,
		cfg: config{
			debounce: 30 * time.Millisecond, removeWait: 150 * time.Millisecond, maxWait: 2 * time.Second,
			pollEvery: 500 * time.Millisecond, verify: 2 * time.Second, grace: time.Second,
			warn: func(string) {}, limitFile: limitFile,
		},
		out:      make(chan []Change),
		scans:    make(chan scanResult),
		wake:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
		pending:  map[string]pend{},
		seen:     map[string]time.Time{},
		suspects: map[string]time.Time{},
		dirs:     map[string]bool{},
		rewatch:  time.NewTimer(time.Hour),
	}
	w.rewatch.Stop()
	for _, o := range opts {
		o(&w.cfg)
	}
	if w.cfg.poll {
		w.polling.Store(true)
	}
	if !w.polling.Load() {
		if name, remote := remoteFS(abs); remote {
			w.startPolling(fmt.Sprintf("watch: %s is on %s, where changes made elsewhere send no file events", root, name))
		}
	}
	base, dirs := scan(abs)
	if !w.polling.Load() {
		if perFileHandles && len(base) > 2000 {
			w.startPolling(fmt.Sprintf("watch: %d files would each need an open file handle on this system", len(base)))
		} else {
			w.startNotify(dirs)
			// Scan again now that the watches are in place: a change made
			// between the two scans must not look like a missed event.
			base, dirs = scan(abs)
		}
	}
	w.folders.Store(int64(len(dirs)))
	w.wg.Add(2)
	go w.loop()
	go w.scanner(base, time.Now())
	return w, nil
}

// Changes delivers batches of changes, sorted by path, each batch after the
// burst of events around it has ended. Changes that happen while the reader is
// busy are kept and delivered together: none is lost. Closed by Close.
func (w *Watcher) Changes() <-chan []Change { return w.out }

// Polling reports whether the watcher polls instead of receiving events.
func (w *Watcher) Polling() bool { return w.polling.Load() }

// Folders is the number of folders watched (one watch each; files need none).
func (w *Watcher) Folders() int { return int(w.folders.Load()) }

// Close stops watching and closes Changes.
func (w *Watcher) Close() error {
	w.once.Do(func() { close(w.stop) })
	w.wg.Wait()
	if w.fsw != nil {
		return w.fsw.Close()
	}
	return nil
}

// startNotify sets up the event watcher on every folder, or polls when it cannot.
func (w *Watcher) startNotify(dirs []string) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		w.startPolling(fmt.Sprintf("watch: file events are not available (%v)", err))
		return
	}
	w.fsw = fsw
	if limit := readLimit(w.cfg.limitFile); limit > 0 {
		used := watchesInUse()
		if used+len(dirs) > limit {
			w.stopNotify(fmt.Sprintf("watch: this site needs %d folder watches but %d of the inotify limit of %d are in use; raise it with: sudo sysctl fs.inotify.max_user_watches=524288", len(dirs), used, limit))
			return
		}
		// Near: less than a tenth of the limit left, or less than this site
		// needs again (folders get added while the server runs).
		if left := limit - used - len(dirs); left*10 < limit || left < len(dirs) {
			w.cfg.warn(fmt.Sprintf("watch: the inotify watch limit is near: this site needs %d folder watches, %d of the limit of %d are in use; raise it with: sudo sysctl fs.inotify.max_user_watches=524288", len(dirs), used, limit))
		}
	}
	for _, d := range dirs {
		if !w.addWatch(d) {
			return
		}
	}
}

// addWatch watches one folder; it reports false when the watcher fell back to polling.
func (w *Watcher) addWatch(dir string) bool {
	if w.fsw == nil || w.polling.Load() {
		return false
	}
	err := w.fsw.Add(dir)
	switch {
	case err == nil:
		w.dirs[dir] = true
		return true
	case errors.Is(err, syscall.ENOSPC):
		w.stopNotify(fmt.Sprintf("watch: the inotify watch limit (%s) is reached", w.cfg.limitFile))
		return false
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		w.stopNotify("watch: out of file handles for file events")
		return false
	}
	return true // the folder vanished meanwhile: its removal is an event of its parent
}

// stopNotify closes the event watcher and polls instead.
func (w *Watcher) stopNotify(reason string) {
	w.startPolling(reason)
	if w.fsw != nil {
		go w.fsw.Close() // its channels close; the loop stops reading them
	}
}

func (w *Watcher) startPolling(reason string) {
	if w.polling.Swap(true) {
		return
	}
	w.cfg.warn(fmt.Sprintf("%s; polling every %v instead", reason, w.cfg.pollEvery))
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// loop merges events and scan results into batches and hands them out.
func (w *Watcher) loop() {
	defer w.wg.Done()
	defer close(w.out)
	var events <-chan fsnotify.Event
	var errs <-chan error
	if w.fsw != nil && !w.polling.Load() {
		events, errs = w.fsw.Events, w.fsw.Errors
	}
	quiet := time.NewTimer(time.Hour)
	quiet.Stop()
	suspect := time.NewTimer(time.Hour)
	suspect.Stop()
	// A burst is the run of events with less than the quiet time between
	// them; its changes are handed out when it ends, or, if it never does (a
	// program writing without pause), after maxWait.
	var burst time.Time
	ready := false
	arm := func() {
		now := time.Now()
		if ready || burst.IsZero() {
			burst = now
		}
		wait := w.cfg.debounce
		if w.allGone() {
			// Delete-then-create saves: wait for the create.
			wait = max(wait, w.cfg.removeWait)
		}
		wait = min(wait, w.cfg.maxWait-now.Sub(burst))
		ready = wait <= 0
		if !ready {
			quiet.Reset(wait)
		}
	}
	for {
		var out chan<- []Change
		if ready && len(w.pending) > 0 {
			out = w.out
			if w.batched == nil {
				w.batched = w.batch()
			}
		}
		if w.polling.Load() {
			events, errs = nil, nil
		}
		select {
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if w.event(ev) {
				arm()
			}
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.cfg.warn("watch: too many changes at once: some events were lost; rebuilding everything")
				w.add(Change{Kind: Rescan, Path: "."}, false)
				for _, top := range []string{"content", "layouts", "static"} {
					w.addTree(filepath.Join(w.root, top), false)
				}
				arm()
			} else {
				w.cfg.warn("watch: " + err.Error())
			}
		case r := <-w.scans:
			if w.scanned(r) {
				arm()
			}
			if len(w.suspects) > 0 {
				// Wake at the earliest deadline: restarting the grace at every
				// scan would put it off for ever when scans come more often.
				suspect.Reset(time.Until(w.earliestSuspect()))
			}
		case <-suspect.C:
			if w.checkSuspects() {
				arm()
			}
		case <-w.rewatch.C:
			if w.rewatchAll() {
				arm()
			}
		case <-quiet.C:
			ready = true
		case out <- w.batched:
			clear(w.pending)
			w.batched = nil
			burst, ready = time.Time{}, false
		case <-w.stop:
			return
		}
	}
}

// event handles one file event; it reports whether a change is pending because of it.
func (w *Watcher) event(ev fsnotify.Event) bool {
	if w.cfg.dropEvents {
		return false
	}
	c, ok := Classify(w.root, ev.Name)
	if !ok {
		return false
	}
	w.seen[c.Path] = time.Now()
	for p := range w.suspects {
		if p == c.Path {
			delete(w.suspects, p)
		} else if under(p, c.Path) {
			// The event of a folder above: report the path itself too.
			_, err := os.Lstat(filepath.Join(w.root, filepath.FromSlash(p)))
			w.add(Change{Kind: c.Kind, Path: p}, err != nil)
			delete(w.suspects, p)
		}
	}
	info, err := os.Lstat(ev.Name)
	if ev.Has(fsnotify.Create) && err == nil && info.IsDir() {
		w.addTree(ev.Name, true)
	}
	if ev.Has(fsnotify.Rename|fsnotify.Remove) && w.dirs[ev.Name] {
		w.rewatch.Reset(100 * time.Millisecond)
	}
	w.add(c, err != nil)
	return true
}

// rewatchAll watches every folder of the site that has lost its watch (a
// folder moved within the site), and reports what is in it.
func (w *Watcher) rewatchAll() bool {
	if w.fsw == nil || w.polling.Load() {
		return false
	}
	watched := map[string]bool{}
	for _, p := range w.fsw.WatchList() {
		watched[p] = true
	}
	dirs := []string{w.root}
	for _, top := range []string{"content", "layouts", "static"} {
		walkDir(w.root, filepath.Join(w.root, top), nil, &dirs)
	}
	clear(w.dirs)
	n := len(w.pending)
	for _, d := range dirs {
		if watched[d] {
			w.dirs[d] = true
			continue
		}
		w.addTree(d, true)
	}
	return len(w.pending) != n
}

// addTree watches a folder created after start and the folders in it, each
// before reading it: a file made before its folder's watch is found by the
// read, one made after gets an event. With synth, what the reads find is
// reported as changed.
func (w *Watcher) addTree(dir string, synth bool) {
	now := time.Now()
	var visit func(d string)
	visit = func(d string) {
		w.addWatch(d)
		entries, err := os.ReadDir(d)
		if err != nil {
			return // gone again: its removal is an event of its parent
		}
		for _, e := range entries {
			p := filepath.Join(d, e.Name())
			c, ok := Classify(w.root, p)
			if !ok {
				continue
			}
			if synth {
				w.seen[c.Path] = now
				w.add(c, false)
			}
			if e.IsDir() { // not a symbolic link: those are never followed
				visit(p)
			}
		}
	}
	visit(dir)
	if l := w.fswList(); l != nil {
		w.folders.Store(int64(len(l)))
	}
}

func (w *Watcher) fswList() []string {
	if w.fsw == nil || w.polling.Load() {
		return nil
	}
	return w.fsw.WatchList()
}

func (w *Watcher) add(c Change, gone bool) {
	w.pending[c.Path] = pend{c: c, gone: gone}
	w.batched = nil
}

func (w *Watcher) allGone() bool {
	for _, p := range w.pending {
		if !p.gone {
			return false
		}
	}
	return true
}

func (w *Watcher) batch() []Change {
	out := make([]Change, 0, len(w.pending))
	for _, p := range w.pending {
		out = append(out, p.c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// scanned takes a scan's findings: while polling they are the changes; while
// receiving events they check that every change had its event.
func (w *Watcher) scanned(r scanResult) bool {
	now, changes := time.Now(), r.changes
	// The change happened after the previous scan began; its event, if any, too
	// (give or take the clock's resolution).
	since := r.since.Add(-100 * time.Millisecond)
	for p, t := range w.seen {
		if now.Sub(t) > time.Minute {
			delete(w.seen, p)
		}
	}
	if w.polling.Load() {
		for _, c := range changes {
			_, err := os.Lstat(filepath.Join(w.root, filepath.FromSlash(c.Path)))
			w.add(c, err != nil)
		}
		return len(changes) > 0
	}
	found := false
	for _, c := range changes {
		switch w.explained(c.Path, since) {
		case exactly:
		case byFolder:
			// A folder moved or made in one go: the files in it had no events
			// of their own, and some may not have been reported yet.
			_, err := os.Lstat(filepath.Join(w.root, filepath.FromSlash(c.Path)))
			w.add(c, err != nil)
			found = true
		default:
			w.suspects[c.Path] = now.Add(w.cfg.grace)
		}
	}
	return found
}

type explanation int

const (
	unexplained explanation = iota
	exactly                 // an event for the path itself
	byFolder                // an event for a folder above it
)

// explained says whether an event for p, or for a folder above it, arrived after since.
func (w *Watcher) explained(p string, since time.Time) explanation {
	if t, ok := w.seen[p]; ok && t.After(since) {
		return exactly
	}
	for q := path.Dir(p); q != "." && q != "/" && q != ""; q = path.Dir(q) {
		if t, ok := w.seen[q]; ok && t.After(since) {
			return byFolder
		}
	}
	return unexplained
}

// earliestSuspect is the first deadline among the suspects.
func (w *Watcher) earliestSuspect() time.Time {
	var first time.Time
	for _, deadline := range w.suspects {
		if first.IsZero() || deadline.Before(first) {
			first = deadline
		}
	}
	return first
}

// checkSuspects falls back to polling when a change found by a scan never got its event.
func (w *Watcher) checkSuspects() bool {
	now := time.Now()
	var late []string
	for p, deadline := range w.suspects {
		if !now.Before(deadline) {
			late = append(late, p)
		}
	}
	if len(late) == 0 {
		return false
	}
	sort.Strings(late)
	w.stopNotify(fmt.Sprintf("watch: %s changed but no file event arrived (a network or VM-shared folder?)", late[0]))
	for p := range w.suspects {
		c, ok := Classify(w.root, filepath.Join(w.root, filepath.FromSlash(p)))
		if ok {
			_, err := os.Lstat(filepath.Join(w.root, filepath.FromSlash(p)))
			w.add(c, err != nil)
		}
	}
	clear(w.suspects)
	return true
}

// scanner scans the site folder: often while polling, now and then to check
// that events arrive. The interval grows with the time a scan takes, so a
// large site does not keep a core busy.
func (w *Watcher) scanner(prev tree, prevStart time.Time) {
	defer w.wg.Done()
	var took time.Duration
	for {
		var tick <-chan time.Time
		if w.polling.Load() {
			tick = time.After(max(w.cfg.pollEvery, 10*took))
		} else if w.cfg.verify > 0 {
			tick = time.After(max(w.cfg.verify, 50*took))
		}
		select {
		case <-tick:
		case <-w.wake:
			continue
		case <-w.stop:
			return
		}
		start := time.Now()
		cur, dirs := scan(w.root)
		took = time.Since(start)
		if w.polling.Load() {
			w.folders.Store(int64(len(dirs)))
		}
		r := scanResult{changes: diff(w.root, prev, cur), since: prevStart}
		prev, prevStart = cur, start
		select {
		case w.scans <- r:
		case <-w.stop:
			return
		}
	}
}

// under reports whether p is dir or inside it (slash paths).
func under(p, dir string) bool {
	return p == dir || len(p) > len(dir) && p[len(dir)] == '/' && p[:len(dir)] == dir
}
