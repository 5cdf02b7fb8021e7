package server

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kakehashi/internal/build"
	"kakehashi/internal/fileerr"
	"kakehashi/internal/publish"
)

// fixture is a snapshot with one file of each sort the server must type.
func fixture() *build.Snapshot { return snapshotOf(fixtureFiles()) }

func snapshotOf(files map[string][]byte) *build.Snapshot {
	return &build.Snapshot{Files: publish.FilesOf(files)}
}

// storedSnapshot keeps files the way the preview does: in a private folder.
func storedSnapshot(t *testing.T, store *publish.Store, files map[string][]byte) *build.Snapshot {
	t.Helper()
	b := store.Build()
	for rel, data := range files {
		if err := b.Put(rel, data); err != nil {
			t.Fatal(err)
		}
	}
	return &build.Snapshot{Files: b.Files()}
}

func fixtureFiles() map[string][]byte {
	return map[string][]byte{
		"index.html":                   []byte("<!doctype html><html><body><p>root</p></body></html>"),
		"404.html":                     []byte("<!doctype html><html><body><h1>not here</h1></body></html>"),
		"en/index.html":                []byte("<!doctype html><html><body><p>home</p><script src=\"/__kakehashi/live.js\" defer></script></body></html>"),
		"en/talents/index.html":        []byte("<!doctype html><html><body><p>talents</p></body></html>"),
		"en/talents/a/index.html":      []byte("<!doctype html><html><body><p>a</p></body></html>"),
		"en/talents/a/a.jpg":           []byte("\xff\xd8\xff\xe0jpeg"),
		"en/feed.xml":                  []byte("<?xml version=\"1.0\"?><feed></feed>"),
		"sitemap.xml":                  []byte("<?xml version=\"1.0\"?><urlset></urlset>"),
		"robots.txt":                   []byte("User-agent: *\n"),
		"theme/kakehashi.css":          []byte("body{color:red}"),
		"theme/kakehashi.js":           []byte("console.log(1)"),
		"images/bridge.png":            []byte("\x89PNG\r\n\x1a\n"),
		"images/logo.svg":              []byte("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"),
		"fonts/x.woff2":                []byte("wOF2"),
		"data/search.json":             []byte("[]"),
		"files/unknown.zzz":            []byte("\x00\x01binary"),
		"en/talents/a/folder.html/x":   []byte("odd"),
		"en/no-slash-needed/page.html": []byte("<html><body>p</body></html>"),
	}
}

func newServer(t *testing.T, snap *build.Snapshot) (*Server, *httptest.Server) {
	t.Helper()
	s := New()
	if snap != nil {
		s.Swap(snap)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() { s.Close(); ts.Close() })
	return s, ts
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestServeFiles(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testServeFiles(t, fixture()) })
	t.Run("store", func(t *testing.T) {
		testServeFiles(t, storedSnapshot(t, publish.NewStore(t.TempDir()), fixtureFiles()))
	})
}

func testServeFiles(t *testing.T, snap *build.Snapshot) {
	_, ts := newServer(t, snap)
	tests := []struct {
		path     string
		status   int
		ctype    string
		contains string
		location string
	}{
		{"/", 200, "text/html; charset=utf-8", "root", ""},
		{"/en/", 200, "text/html; charset=utf-8", "home", ""},
		{"/en/talents/", 200, "text/html; charset=utf-8", "talents", ""},
		{"/en/talents", 302, "", "", "/en/talents/"},
		{"/en/talents?x=1", 302, "", "", "/en/talents/?x=1"},
		{"/en/talents/a/", 200, "text/html; charset=utf-8", "<p>a</p>", ""},
		{"/en/talents/a/index.html", 200, "text/html; charset=utf-8", "<p>a</p>", ""},
		{"/en/talents/a/a.jpg", 200, "image/jpeg", "jpeg", ""},
		{"/en/feed.xml", 200, "application/xml; charset=utf-8", "<feed>", ""},
		{"/sitemap.xml", 200, "application/xml; charset=utf-8", "urlset", ""},
		{"/robots.txt", 200, "text/plain; charset=utf-8", "User-agent", ""},
		{"/theme/kakehashi.css", 200, "text/css; charset=utf-8", "color:red", ""},
		{"/theme/kakehashi.js", 200, "text/javascript; charset=utf-8", "console", ""},
		{"/images/bridge.png", 200, "image/png", "PNG", ""},
		{"/images/logo.svg", 200, "image/svg+xml", "<svg", ""},
		{"/fonts/x.woff2", 200, "font/woff2", "wOF2", ""},
		{"/data/search.json", 200, "application/json", "[]", ""},
		{"/files/unknown.zzz", 200, "application/octet-stream", "binary", ""},
		{"/en/no-slash-needed/page.html", 200, "text/html; charset=utf-8", "p", ""},
		{"/missing", 404, "text/html; charset=utf-8", "not here", ""},
		{"/en/talents/b/", 404, "text/html; charset=utf-8", "not here", ""},
		{"/__kakehashi/live.js", 200, "text/javascript; charset=utf-8", "EventSource", ""},
	}
	for _, tt := range tests {
		resp, body := get(t, ts.URL+tt.path)
		if resp.StatusCode != tt.status {
			t.Errorf("GET %s: status %d, want %d", tt.path, resp.StatusCode, tt.status)
			continue
		}
		if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", tt.path, resp.Header.Get("Content-Type"), tt.ctype)
		}
		if !strings.Contains(body, tt.contains) {
			t.Errorf("GET %s: body %q does not contain %q", tt.path, body, tt.contains)
		}
		if tt.location != "" && resp.Header.Get("Location") != tt.location {
			t.Errorf("GET %s: Location %q, want %q", tt.path, resp.Header.Get("Location"), tt.location)
		}
		if tt.status == 200 && resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", tt.path, resp.Header.Get("Cache-Control"))
		}
	}
}

func TestNotFoundWithoutSite404(t *testing.T) {
	files := fixtureFiles()
	delete(files, "404.html")
	_, ts := newServer(t, snapshotOf(files))
	resp, body := get(t, ts.URL+"/missing")
	if resp.StatusCode != 404 || !strings.Contains(body, "404") {
		t.Errorf("status %d body %q, want a plain 404", resp.StatusCode, body)
	}
}

func TestMethods(t *testing.T) {
	_, ts := newServer(t, fixture())
	resp, err := http.Head(ts.URL + "/en/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength <= 0 {
		t.Errorf("HEAD: status %d, %d body bytes, length %d; want 200, no body, a length", resp.StatusCode, len(body), resp.ContentLength)
	}
	resp, err = http.Post(ts.URL+"/en/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d Allow %q, want 405 with Allow", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

// TestPathSafety sends raw request lines: an HTTP client would clean some of them.
func TestPathSafety(t *testing.T) {
	files := fixtureFiles()
	// A file named like a traversal target must not be reachable through one.
	files["etc/passwd"] = []byte("reachable only by its own name")
	t.Run("memory", func(t *testing.T) { testPathSafety(t, snapshotOf(files)) })
	t.Run("store", func(t *testing.T) {
		dir := t.TempDir()
		// Next to the store's folder, where a path escaping it would land.
		if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "secret.txt"), []byte("outside"), 0o600); err != nil {
			t.Fatal(err)
		}
		testPathSafety(t, storedSnapshot(t, publish.NewStore(dir), files))
	})
}

func testPathSafety(t *testing.T, snap *build.Snapshot) {
	_, ts := newServer(t, snap)
	addr := strings.TrimPrefix(ts.URL, "http://")
	for _, target := range []string{
		"/../etc/passwd",
		"/en/../../etc/passwd",
		"/en/..",
		"/%2e%2e/etc/passwd",
		"/%2E%2E/etc/passwd",
		"/en/%2e%2e/%2e%2e/etc/passwd",
		"/.%2e/etc/passwd",
		"/en%2f..%2fetc/passwd",
		"/en/..%5c..%5cetc/passwd",
		"/en\\..\\etc\\passwd",
		"/en/%00",
		"/en/./talents/",
		"//etc/passwd",
		"/en//talents/",
	} {
		status, body := rawGet(t, addr, target)
		if status != http.StatusBadRequest {
			t.Errorf("GET %s: status %d, want 400 (body %q)", target, status, body)
		}
		if strings.Contains(body, "reachable") {
			t.Errorf("GET %s: served a file through a traversal", target)
		}
	}
	if status, body := rawGet(t, addr, "/etc/passwd"); status != 200 || !strings.Contains(body, "reachable") {
		t.Errorf("GET /etc/passwd (a site file): status %d", status)
	}
	// Neither the files next to a store's folder nor the stored files under
	// their own names are the site.
	for _, target := range append([]string{"/secret.txt"}, storedNames(t, snap)...) {
		if status, body := rawGet(t, addr, target); status != http.StatusNotFound || strings.Contains(body, "outside") {
			t.Errorf("GET %s: status %d, want the site's 404", target, status)
		}
	}
}

// storedNames are the names of the files in a snapshot's private folder, as request paths.
func storedNames(t *testing.T, snap *build.Snapshot) []string {
	data, ok, err := snap.Files.Get("index.html")
	if !ok || err != nil {
		t.Fatalf("index.html: %v", err)
	}
	sum := sha256.Sum256(data)
	name := hex.EncodeToString(sum[:16])
	return []string{"/" + name, "/" + name + "/"}
}

func rawGet(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", target)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestInjectOnlyIntoHTML(t *testing.T) {
	_, ts := newServer(t, fixture())
	_, page := get(t, ts.URL+"/en/")
	if n := strings.Count(page, scriptPath); n != 1 {
		t.Errorf("page has the script %d times, want once: %s", n, page)
	}
	if !strings.Contains(page, `id="kakehashi-live"`) || !strings.HasSuffix(page, "</body></html>") {
		t.Errorf("page lacks the version marker before </body>: %s", page)
	}
	// A layout that forgot {{ .Inject }} still gets the script.
	_, page = get(t, ts.URL+"/en/talents/")
	if n := strings.Count(page, scriptPath); n != 1 {
		t.Errorf("page without Inject has the script %d times, want once: %s", n, page)
	}
	for _, p := range []string{"/theme/kakehashi.css", "/en/feed.xml", "/theme/kakehashi.js"} {
		if _, body := get(t, ts.URL+p); strings.Contains(body, "kakehashi-live") {
			t.Errorf("%s was changed: %q", p, body)
		}
	}
}

func TestOverlayOnEveryPageUntilFixed(t *testing.T) {
	s, ts := newServer(t, fixture())
	s.Fail(errors.Join(
		fmt.Errorf("content: %w", fileerr.Errorf("content/talents/a.en.md", 12, "yaml: mapping values are not allowed <here>")),
		fileerr.Errorf("content/talents/b.en.md", 3, "title is missing"),
	))
	for _, p := range []string{"/", "/en/", "/en/talents/a/", "/missing"} {
		_, body := get(t, ts.URL+p)
		for _, want := range []string{`id="kakehashi-problem"`, "content/talents/a.en.md:12", "mapping values are not allowed &lt;here&gt;", "content/talents/b.en.md:3", "title is missing"} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s during a failed build: no %q in %s", p, want, body)
			}
		}
	}
	if _, body := get(t, ts.URL+"/en/talents/a/"); !strings.Contains(body, "<p>a</p>") {
		t.Errorf("the last good page is not served during a failed build")
	}
	if _, body := get(t, ts.URL+"/theme/kakehashi.css"); strings.Contains(body, "problem") {
		t.Errorf("the overlay was added to a stylesheet")
	}
	s.Swap(fixture())
	if _, body := get(t, ts.URL+"/en/"); strings.Contains(body, "kakehashi-problem") {
		t.Errorf("overlay still shown after a good build")
	}
}

func TestBeforeFirstBuild(t *testing.T) {
	s, ts := newServer(t, nil)
	resp, body := get(t, ts.URL+"/en/")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, scriptPath) || !strings.Contains(body, "kakehashi-live") {
		t.Errorf("before the first build: status %d body %q; want 503 with the live script", resp.StatusCode, body)
	}
	s.Fail(fileerr.Errorf("site.yaml", 2, "languages must be a list"))
	if _, body := get(t, ts.URL+"/"); !strings.Contains(body, "site.yaml:2") {
		t.Errorf("no overlay before the first build: %s", body)
	}
}

// sse reads Server-Sent Events.
type sse struct {
	t      *testing.T
	events chan [2]string
}

func listen(t *testing.T, url string) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: Content-Type %q", resp.Header.Get("Content-Type"))
	}
	s := &sse{t: t, events: make(chan [2]string, 16)}
	go func() {
		defer close(s.events)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var name string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				s.events <- [2]string{name, line[len("data: "):]}
			}
		}
	}()
	return s
}

func (s *sse) next() (string, string) {
	s.t.Helper()
	select {
	case e, ok := <-s.events:
		if !ok {
			s.t.Fatal("event stream ended")
		}
		return e[0], e[1]
	case <-time.After(5 * time.Second):
		s.t.Fatal("no event within 5s")
	}
	return "", ""
}

func (s *sse) none(d time.Duration) {
	s.t.Helper()
	select {
	case e := <-s.events:
		s.t.Fatalf("unexpected event %v", e)
	case <-time.After(d):
	}
}

func waitClients(t *testing.T, s *Server, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); s.Clients() != n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d clients, want %d", s.Clients(), n)
		}
	}
}

func TestEvents(t *testing.T) {
	s, ts := newServer(t, fixture())
	_, v1 := s.Snapshot()
	ev := listen(t, ts.URL+eventsPath+"?v="+v1)
	waitClients(t, s, 1)
	ev.none(50 * time.Millisecond)

	// A content change reloads.
	changed := fixtureFiles()
	changed["en/index.html"] = []byte("<html><body>changed</body></html>")
	next := snapshotOf(changed)
	s.Swap(next)
	_, v2 := s.Snapshot()
	if name, data := ev.next(); name != "reload" || data != v2 {
		t.Errorf("after a swap: %s %s, want reload %s", name, data, v2)
	}

	// A failed build shows the overlay; its fix reloads.
	s.Fail(fileerr.Errorf("content/a.md", 1, "broken"))
	if name, _ := ev.next(); name != "problem" {
		t.Errorf("after a failure: %s, want problem", name)
	}
	s.Swap(next)
	_, v3 := s.Snapshot()
	if name, data := ev.next(); name != "reload" || data != v3 {
		t.Errorf("after the fix: %s %s, want reload %s", name, data, v3)
	}

	// Only a stylesheet changed: swap styles, no reload.
	styled := fixtureFiles()
	styled["en/index.html"] = changed["en/index.html"]
	styled["theme/kakehashi.css"] = []byte("body{color:blue}")
	s.Swap(snapshotOf(styled))
	_, v4 := s.Snapshot()
	if name, data := ev.next(); name != "css" || data != v4 {
		t.Errorf("after a CSS-only change: %s %s, want css %s", name, data, v4)
	}
}

func TestLatePageReloadsAtOnce(t *testing.T) {
	s, ts := newServer(t, fixture())
	_, old := s.Snapshot()
	s.Swap(fixture()) // swapped after the page was served, before it connected
	ev := listen(t, ts.URL+eventsPath+"?v="+old)
	if name, _ := ev.next(); name != "reload" {
		t.Errorf("a page served before the last swap got %q, want reload", name)
	}
	// A page of another server run (same version number, other instance) reloads too.
	ev = listen(t, ts.URL+eventsPath+"?v=deadbeef-2")
	if name, _ := ev.next(); name != "reload" {
		t.Errorf("a page of an earlier server got %q, want reload", name)
	}
}

// TestFailureBeforeConnect: a page served before a build failed, which
// connects after, still gets the overlay.
func TestFailureBeforeConnect(t *testing.T) {
	s, ts := newServer(t, fixture())
	_, page := get(t, ts.URL+"/en/")
	m := regexp.MustCompile(`data-version="([^"]+)" data-problems="(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no marker in %s", page)
	}
	s.Fail(fileerr.Errorf("content/a.md", 1, "broken"))
	ev := listen(t, ts.URL+eventsPath+"?v="+m[1]+"&p="+m[2])
	if name, _ := ev.next(); name != "problem" {
		t.Errorf("got %q, want problem", name)
	}
	// A page served with the overlay connects quietly.
	_, page = get(t, ts.URL+"/en/")
	m = regexp.MustCompile(`data-version="([^"]+)" data-problems="(\d+)"`).FindStringSubmatch(page)
	ev = listen(t, ts.URL+eventsPath+"?v="+m[1]+"&p="+m[2])
	ev.none(100 * time.Millisecond)
}

func TestServeStopsOnCancel(t *testing.T) {
	s := New()
	s.Swap(fixture())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	ev := listen(t, "http://"+ln.Addr().String()+eventsPath+"?v=x")
	ev.next() // reload: connected
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not stop with an open event stream")
	}
}

func TestExposed(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": false, "127.0.0.2": false, "::1": false, "[::1]": false, "localhost": false, "LOCALHOST": false,
		"0.0.0.0": true, "::": true, "": true, "192.168.1.10": true, "example.org": true,
	} {
		if got := Exposed(host); got != want {
			t.Errorf("Exposed(%q) = %v, want %v", host, got, want)
		}
	}
}
