package server

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kakehashi/internal/render"
)

// Addresses the server keeps for itself. No site file can be served from
// them: the builder writes no path starting with "__".
const (
	livePrefix = "/__kakehashi/"
	scriptPath = livePrefix + "live.js"
	eventsPath = livePrefix + "events"
)

// scriptTag is what every page rendered for the preview carries before </body>.
const scriptTag = `<script src="` + scriptPath + `" defer></script>`

// Inject is the renderer option that puts the live-reload script into every
// page. Only the preview server passes it: `kakehashi build` output never has
// the script.
func Inject() render.Option {
	return render.WithViewHook(func(v *render.View) { v.Inject = template.HTML(scriptTag) })
}

// liveJS reloads the page after a rebuild has been swapped in, swaps the
// stylesheets when only they changed, and replaces the error overlay when a
// build fails or is fixed. The page's version comes from the marker the server
// adds to every page, so a page served just before a swap reloads as soon as it
// connects.
const liveJS = `(function () {
  "use strict";
  var marker = document.getElementById("kakehashi-live");
  var version = marker ? marker.getAttribute("data-version") : "";
  var problems = marker ? marker.getAttribute("data-problems") : "";
  var es = new EventSource("` + eventsPath + `?v=" + encodeURIComponent(version) + "&p=" + encodeURIComponent(problems));
  es.addEventListener("reload", function () { es.close(); location.reload(); });
  es.addEventListener("css", function (e) {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (old) {
      var u = new URL(old.href, location.href);
      if (u.origin !== location.origin) return;
      u.searchParams.set("kakehashi", e.data);
      var fresh = old.cloneNode();
      fresh.href = u.href;
      fresh.onload = fresh.onerror = function () { old.remove(); };
      old.after(fresh);
    });
  });
  es.addEventListener("problem", function () {
    fetch(location.href, { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var next = doc.getElementById("kakehashi-problem");
      var cur = document.getElementById("kakehashi-problem");
      if (cur) cur.remove();
      if (next) document.body.appendChild(document.adoptNode(next));
    });
  });
})();
`

// inject adds the version marker, the error overlay and (for layouts that
// forgot {{ .Inject }}) the script to an HTML page, before </body>.
func inject(page []byte, st *state) []byte {
	var add bytes.Buffer
	fmt.Fprintf(&add, `<div id="kakehashi-live" data-version="%s" data-problems="%d" hidden></div>`, st.version, st.problemSeq)
	if len(st.problems) > 0 {
		_ = overlay.Execute(&add, st.problems)
	}
	if !bytes.Contains(page, []byte(scriptPath)) {
		add.WriteString(scriptTag)
	}
	at := bytes.LastIndex(page, []byte("</body>"))
	if at < 0 {
		at = len(page)
	}
	out := make([]byte, 0, len(page)+add.Len())
	out = append(out, page[:at]...)
	out = append(out, add.Bytes()...)
	return append(out, page[at:]...)
}

// overlay shows the build errors over the last good page. Inline styles: the
// site's stylesheet may be what is broken.
var overlay = template.Must(template.New("overlay").Parse(`<div id="kakehashi-problem" role="alert" style="position:fixed;inset:auto 0 0 0;z-index:2147483647;max-height:60vh;overflow:auto;margin:0;padding:1em 1.25em;background:#2b0d0d;color:#fff;border-top:6px solid #e5484d;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 -4px 24px rgba(0,0,0,.4)">
<p style="margin:0 0 .5em;font-weight:bold;font-family:system-ui,sans-serif">Build failed: this is the last good version of the page. Fix the file and save; this message goes away by itself. / ビルドに失敗しました。表示は最後に成功したときのものです。</p>
{{ range . }}<pre style="margin:.25em 0;white-space:pre-wrap;color:#fff;background:none">{{ if .File }}<b class="kakehashi-file">{{ .File }}{{ if .Line }}:{{ .Line }}{{ end }}</b>: {{ end }}{{ .Message }}</pre>
{{ end }}</div>`))

// events streams Server-Sent Events to one open page: "reload" and "css"
// after a swap, "problem" when the errors change. It is level-triggered: on
// every wake-up it compares what the page has seen with the current state, so
// a page that connects late, or misses a wake-up, still catches up.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return
	}
	wake := s.subscribe()
	defer s.unsubscribe(wake)

	seen := r.URL.Query().Get("v")
	// The overlay the page was served with (without p: the current one).
	seenProblems := s.state.Load().problemSeq
	if p, err := strconv.Atoi(r.URL.Query().Get("p")); err == nil {
		seenProblems = p
	}
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		st := s.state.Load()
		var msg string
		switch {
		case st.version != seen && st.snap != nil:
			kind := "reload"
			if st.cssOnly && st.prev == seen {
				kind = "css"
			}
			msg = fmt.Sprintf("event: %s\ndata: %s\n\n", kind, st.version)
			seen = st.version
			seenProblems = st.problemSeq
		case st.problemSeq != seenProblems:
			msg = fmt.Sprintf("event: problem\ndata: %d\n\n", len(st.problems))
			seenProblems = st.problemSeq
		}
		if msg != "" {
			if _, err := w.Write([]byte(msg)); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
			continue
		}
		select {
		case <-wake:
		case <-ping.C:
			if _, err := w.Write([]byte(": ping\n\n")); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}

func (s *Server) subscribe() chan struct{} {
	c := make(chan struct{}, 1)
	s.mu.Lock()
	s.clients[c] = struct{}{}
	s.mu.Unlock()
	return c
}

func (s *Server) unsubscribe(c chan struct{}) {
	s.mu.Lock()
	delete(s.clients, c)
	s.mu.Unlock()
}

// notify wakes every open page; a page already awake loses nothing (it reads the state).
func (s *Server) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.clients {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// Clients is the number of pages connected for live reload.
func (s *Server) Clients() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.clients)
}

func serveScript(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = strings.NewReader(liveJS).WriteTo(w)
}
