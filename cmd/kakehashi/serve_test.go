package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// serveBuffer is an io.Writer the test can read while serve writes to it.
type serveBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *serveBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *serveBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until the buffer matches re and returns the first submatch (or the match).
func (b *serveBuffer) waitFor(t *testing.T, re string) string {
	t.Helper()
	rx := regexp.MustCompile(re)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := rx.FindStringSubmatch(b.String()); m != nil {
			return m[len(m)-1]
		}
	}
	t.Fatalf("no %q in output:\n%s", re, b.String())
	return ""
}

// serveSite copies the preview test site.
func serveSite(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if err := os.CopyFS(dir, os.DirFS("../../internal/server/testdata/site")); err != nil {
		t.Fatal(err)
	}
	return dir
}

type serving struct {
	url            string
	stdout, stderr *serveBuffer
	cancel         context.CancelFunc
	code           chan int
	once           sync.Once
}

// startServe runs `kakehashi serve` on a free port until the test ends.
func startServe(t *testing.T, dir string, flags ...string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &serving{stdout: &serveBuffer{}, stderr: &serveBuffer{}, cancel: cancel, code: make(chan int, 1)}
	args := append([]string{"serve", "-s", dir, "--port", "0", "--now", "2025-01-01"}, flags...)
	go func() { s.code <- run(ctx, args, s.stdout, s.stderr) }()
	t.Cleanup(func() { s.stop(t) })
	s.url = s.stdout.waitFor(t, `serving .* at (http://\S+/) `)
	s.stdout.waitFor(t, `built: `)
	return s
}

// stop cancels the command (Ctrl-C) and checks that it ends cleanly.
func (s *serving) stop(t *testing.T) {
	s.once.Do(func() {
		s.cancel()
		select {
		case code := <-s.code:
			if code != 0 {
				t.Errorf("serve exited %d after Ctrl-C; stderr:\n%s", code, s.stderr)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("serve did not stop within 5s of Ctrl-C")
		}
	})
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var versionMarker = regexp.MustCompile(`id="kakehashi-live" data-version="([^"]+)" data-problems="(\d+)"`)

// events opens the page's live-reload stream and returns its events as "name data".
func events(t *testing.T, base, page string) <-chan string {
	t.Helper()
	_, body := httpGet(t, base+strings.TrimPrefix(page, "/"))
	m := versionMarker.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s has no version marker: %s", page, body)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"__kakehashi/events?v="+m[1]+"&p="+m[2], nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan string, 16)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		name := ""
		for sc.Scan() {
			switch line := sc.Text(); {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				out <- name + " " + strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return out
}

func nextEvent(t *testing.T, ev <-chan string, want string) {
	t.Helper()
	select {
	case e := <-ev:
		if !strings.HasPrefix(e, want+" ") {
			t.Fatalf("event %q, want %s", e, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s event within 10s", want)
	}
}

func TestServeLiveEditAndRecover(t *testing.T) {
	dir := serveSite(t)
	s := startServe(t, dir)
	if !strings.HasPrefix(s.url, "http://127.0.0.1:") {
		t.Errorf("URL %s is not on loopback", s.url)
	}
	page := "en/talents/amina-k/"
	file := filepath.Join(dir, "content/talents/amina-k.en.md")
	original, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ev := events(t, s.url, page)

	// An edit: the reload event comes after the new build is being served.
	edited := bytes.Replace(original, []byte("Original paragraph one."), []byte("Edited while the server ran."), 1)
	if err := os.WriteFile(file, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	nextEvent(t, ev, "reload")
	if code, body := httpGet(t, s.url+page); code != 200 || !strings.Contains(body, "Edited while the server ran.") {
		t.Fatalf("after the reload event: status %d, new text not served", code)
	}

	// A broken file: the last good page stays, with the overlay; the terminal says the same.
	broken := bytes.Replace(edited, []byte("title: "), []byte("title: [unclosed "), 1)
	if err := os.WriteFile(file, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	nextEvent(t, ev, "problem")
	code, body := httpGet(t, s.url+page)
	if code != 200 || !strings.Contains(body, "Edited while the server ran.") {
		t.Errorf("during the failed build the last good page is not served (status %d)", code)
	}
	if !strings.Contains(body, `id="kakehashi-problem"`) || !strings.Contains(body, "content/talents/amina-k.en.md:2") {
		t.Errorf("no overlay naming the file and line: %s", body)
	}
	if _, other := httpGet(t, s.url+"ja/"); !strings.Contains(other, "content/talents/amina-k.en.md:2") {
		t.Errorf("the overlay is not on every page")
	}
	s.stderr.waitFor(t, `build failed; still serving the last good build:\n\s+content/talents/amina-k.en.md:2: `)

	// The fix: the overlay goes by itself.
	if err := os.WriteFile(file, original, 0o644); err != nil {
		t.Fatal(err)
	}
	nextEvent(t, ev, "reload")
	if _, body := httpGet(t, s.url+page); strings.Contains(body, "kakehashi-problem") || !strings.Contains(body, "Original paragraph one.") {
		t.Errorf("after the fix the overlay is still there or the text is old")
	}
	s.stop(t)
	if !strings.Contains(s.stdout.String(), "stopped") {
		t.Errorf("no 'stopped' after Ctrl-C:\n%s", s.stdout)
	}
}

func TestServeNewFolderAndStylesheet(t *testing.T) {
	dir := serveSite(t)
	s := startServe(t, dir)
	ev := events(t, s.url, "en/")
	// A stylesheet-only change swaps styles without a reload.
	if err := os.WriteFile(filepath.Join(dir, "static/theme/extra.css"), []byte(".extra{color:blue}"), 0o644); err != nil {
		t.Fatal(err)
	}
	nextEvent(t, ev, "css")
	if _, css := httpGet(t, s.url+"theme/extra.css"); !strings.Contains(css, "blue") {
		t.Errorf("new stylesheet not served: %s", css)
	}
	// A section created while the server runs.
	if err := os.MkdirAll(filepath.Join(dir, "content/news/2025"), 0o755); err != nil {
		t.Fatal(err)
	}
	news := "---\ntitle: \"Opening day\"\ndate: 2025-01-01\nconsent:\n  publish: true\n---\nWe opened.\n"
	if err := os.WriteFile(filepath.Join(dir, "content/news/2025/open.en.md"), []byte(news), 0o644); err != nil {
		t.Fatal(err)
	}
	nextEvent(t, ev, "reload")
	if code, body := httpGet(t, s.url+"en/news/open/"); code != 200 || !strings.Contains(body, "We opened.") {
		t.Errorf("the story in the new folder is not served: status %d", code)
	}
	if _, list := httpGet(t, s.url+"en/news/"); !strings.Contains(list, "Opening day") {
		t.Errorf("the new section does not list the story")
	}
}

func TestServeFlags(t *testing.T) {
	site := serveSite(t)
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"--unconsented", "--bind", "0.0.0.0"}, 2, "loopback only"},
		{[]string{"--now", "2025-13-40"}, 2, "YYYY-MM-DD"},
		{[]string{"--nope"}, 2, "flag provided but not defined"},
		{[]string{"extra"}, 2, "unexpected argument"},
		{[]string{"-s", filepath.Join(site, "missing")}, 1, "missing"},
	}
	for _, tt := range tests {
		var stdout, stderr serveBuffer
		args := append([]string{"serve", "-s", site, "--port", "0"}, tt.args...)
		code := run(context.Background(), args, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("serve %v: exit %d, stderr %q; want %d and %q", tt.args, code, stderr.String(), tt.code, tt.stderr)
		}
	}
	var stdout, stderr serveBuffer
	if code := run(context.Background(), []string{"serve", "--help"}, &stdout, &stderr); code != 0 {
		t.Errorf("serve --help: exit %d", code)
	}
	for _, flag := range []string{"-source", "-bind", "-port", "-drafts", "-unconsented", "-poll", "-now"} {
		if !strings.Contains(stdout.String(), flag) {
			t.Errorf("serve --help does not describe %s:\n%s", flag, stdout.String())
		}
	}
}

func TestServePortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	var stdout, stderr serveBuffer
	code := run(context.Background(), []string{"serve", "-s", serveSite(t), "--port", strings.TrimPrefix(ln.Addr().String(), "127.0.0.1:")}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "--port 0") {
		t.Errorf("port %d in use: exit %d, stderr %q; want 1 and a hint", port, code, stderr.String())
	}
}

func TestServeWarnsWhenExposed(t *testing.T) {
	s := startServe(t, serveSite(t), "--bind", "0.0.0.0")
	if !strings.Contains(s.stderr.String(), "other machines on the network can see this preview") {
		t.Errorf("no warning when listening on all interfaces: %s", s.stderr)
	}
	if !strings.HasPrefix(s.url, "http://localhost:") {
		t.Errorf("URL %s: want localhost for an unspecified address", s.url)
	}
}

func TestServePoll(t *testing.T) {
	dir := serveSite(t)
	s := startServe(t, dir, "--poll")
	if !strings.Contains(s.stdout.String(), "polling for changes") {
		t.Errorf("--poll: %s", s.stdout)
	}
	ev := events(t, s.url, "en/")
	file := filepath.Join(dir, "content/talents/omar-s.en.md")
	data, _ := os.ReadFile(file)
	if err := os.WriteFile(file, bytes.Replace(data, []byte("three hundred"), []byte("four hundred"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	nextEvent(t, ev, "reload")
	if _, body := httpGet(t, s.url+"en/talents/omar-s/"); !strings.Contains(body, "four hundred") {
		t.Errorf("the polled change is not served")
	}
}

// TestBuildHasNoLiveScript: the live-reload script exists only in serve.
func TestBuildHasNoLiveScript(t *testing.T) {
	dir := serveSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	var stdout, stderr serveBuffer
	if code := run(context.Background(), []string{"build", "-s", dir, "-d", dest, "--now", "2025-01-01"}, &stdout, &stderr); code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr.String())
	}
	n := 0
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		data, err := os.ReadFile(p)
		if err == nil && (bytes.Contains(data, []byte("__kakehashi")) || bytes.Contains(data, []byte("kakehashi-live"))) {
			t.Errorf("%s: build output has the live-reload script", p)
		}
		return err
	})
	if err != nil || n == 0 {
		t.Fatalf("walked %d files: %v", n, err)
	}
}
