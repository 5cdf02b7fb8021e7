package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"kakehashi/internal/build"
)

// isTerminal reports whether w is an interactive terminal; colour and the
// progress line are for people, not for CI logs.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// painter colours text on a terminal that wants colour (NO_COLOR unset, TERM not dumb).
type painter struct{ on bool }

func newPainter(w io.Writer) painter {
	return painter{on: isTerminal(w) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"}
}

func (p painter) paint(code, s string) string {
	if !p.on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p painter) red(s string) string    { return p.paint("31", s) }
func (p painter) yellow(s string) string { return p.paint("33", s) }
func (p painter) green(s string) string  { return p.paint("32", s) }

// progressLine shows a build's progress on a terminal once it has run for a
// second, and erases itself when stop is called.
func progressLine(w io.Writer, pr *build.Progress) (stop func()) {
	if !isTerminal(w) {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(w, "\r\x1b[K")
				}
				return
			case <-tick.C:
				if time.Since(start) < time.Second {
					continue
				}
				shown = true
				fmt.Fprintf(w, "\r\x1b[Kbuilding: %d content files loaded, %d files written", pr.Loaded.Load(), pr.Written.Load())
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
