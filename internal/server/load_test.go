package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kakehashi/internal/build"
)

// TestUnderLoad: 200 clients read pages and the event stream while the story
// they read changes every 50 ms. No request fails, every page is whole and of
// one build (its version marker and its text belong to the same save), and
// once the clients leave no goroutine or file handle is left behind.
func TestUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: skipped with -short")
	}
	dir := copySite(t)
	opts := testOptions()
	opts.RenderOptions = append(opts.RenderOptions, Inject())
	session := build.NewSession(dir, opts)
	srv := New()
	snap, err := session.Rebuild(nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.Swap(snap)

	baseGoroutines := runtime.NumGoroutine()
	baseFiles := openFiles()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()

	// versions maps a build's version marker to the save it shows.
	var versions sync.Map
	_, v := srv.Snapshot()
	versions.Store(v, 0)
	page := "content/talents/amina-k.en.md"
	orig, err := os.ReadFile(filepath.Join(dir, page))
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var editor sync.WaitGroup
	editor.Add(1)
	go func() {
		defer editor.Done()
		for n := 1; ; n++ {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			text := strings.Replace(string(orig), "Original paragraph one.", fmt.Sprintf("Save number %d.", n), 1)
			if err := os.WriteFile(filepath.Join(dir, page), []byte(text), 0o644); err != nil {
				t.Error(err)
				return
			}
			snap, err := session.Rebuild([]string{page})
			if err != nil {
				t.Error(err)
				return
			}
			// Record before serving it, so a reader never sees an unknown version.
			versions.Store(fmt.Sprintf("%s-%d", srv.instance, srv.n.Load()+1), n)
			srv.Swap(snap)
		}
	}()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200}, Timeout: 20 * time.Second}
	marker := regexp.MustCompile(`data-version="([^"]+)"`)
	saved := regexp.MustCompile(`Save number (\d+)\.|Original paragraph one\.`)
	var requests, failures, events atomic.Int64
	var clients sync.WaitGroup
	// A tenth of the clients are open pages holding the event stream; they
	// connect first and listen until the readers are done.
	streams, endStreams := context.WithCancel(ctx)
	for c := 0; c < 20; c++ {
		clients.Add(1)
		go func() {
			defer clients.Done()
			req, _ := http.NewRequestWithContext(streams, "GET", base+"/__kakehashi/events", nil)
			resp, err := client.Do(req)
			if err != nil {
				failures.Add(1)
				t.Errorf("events: %v", err)
				return
			}
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "event: ") {
					events.Add(1)
				}
			}
		}()
	}
	for i := 0; srv.Clients() < 20 && i < 500; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	deadline := time.Now().Add(3 * time.Second)
	var readers sync.WaitGroup
	for c := 0; c < 180; c++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for time.Now().Before(deadline) {
				requests.Add(1)
				resp, err := client.Get(base + "/en/talents/amina-k/")
				if err != nil {
					failures.Add(1)
					t.Errorf("request: %v", err)
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					failures.Add(1)
					t.Errorf("status %d, err %v", resp.StatusCode, err)
					return
				}
				m := marker.FindSubmatch(body)
				s := saved.FindSubmatch(body)
				if m == nil || s == nil || !strings.HasSuffix(strings.TrimSpace(string(body)), "</html>") {
					failures.Add(1)
					t.Errorf("a torn or incomplete page: %d bytes", len(body))
					return
				}
				want, ok := versions.Load(string(m[1]))
				got := 0
				if s[1] != nil {
					fmt.Sscan(string(s[1]), &got)
				}
				if !ok || want.(int) != got {
					failures.Add(1)
					t.Errorf("page of version %s shows save %d, want save %v", m[1], got, want)
					return
				}
			}
		}()
	}
	readers.Wait()
	close(stop)
	editor.Wait()
	endStreams()
	clients.Wait()
	if events.Load() < 20 {
		t.Errorf("the open pages received %d reload events in all", events.Load())
	}
	if failures.Load() > 0 {
		t.Fatalf("%d of %d requests failed", failures.Load(), requests.Load())
	}
	if requests.Load() < 200 {
		t.Errorf("only %d requests made", requests.Load())
	}
	client.CloseIdleConnections()
	cancel()
	if err := <-served; err != nil {
		t.Errorf("serve: %v", err)
	}

	// Everything the clients used is gone once they and the server are.
	var g, f int
	for i := 0; i < 50; i++ {
		g, f = runtime.NumGoroutine(), openFiles()
		if g <= baseGoroutines+2 && (f < 0 || f <= baseFiles+2) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("leak: %d goroutines (%d before), %d open files (%d before)", g, baseGoroutines, f, baseFiles)
}

// openFiles counts this process's file descriptors (-1 where /proc is missing).
func openFiles() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(entries)
}
