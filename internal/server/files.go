package server

import (
	"mime"
	"net/http"
	"path"
	"strings"

	"kakehashi/internal/publish"
)

// cleanPath returns the request's path if it is a plain path inside the site:
// no ".." or "." segment (also not percent-encoded), no NUL, no backslash, no
// encoded slash. No request path reaches the disk (a snapshot's files are
// looked up by name), so this is defence in depth; a request that needs cleaning is refused rather than guessed at.
func cleanPath(r *http.Request) (string, bool) {
	raw := strings.ToLower(r.URL.EscapedPath())
	for _, bad := range []string{"%2e", "%2f", "%5c", "%00"} {
		if strings.Contains(raw, bad) {
			return "", false
		}
	}
	p := r.URL.Path
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\x00\\") {
		return "", false
	}
	for _, seg := range strings.Split(p[1:], "/") {
		if seg == ".." || seg == "." {
			return "", false
		}
	}
	if strings.Contains(p, "//") {
		return "", false
	}
	return p, true
}

// lookup maps a clean URL path to a file of the snapshot: "/" and folders to
// their index.html. redirect says the path names a folder without its
// trailing slash (the page's relative links need the slash).
func lookup(files *publish.Files, p string) (rel string, redirect bool) {
	rel = strings.TrimPrefix(p, "/")
	if rel == "" || strings.HasSuffix(rel, "/") {
		return rel + "index.html", false
	}
	if files.Has(rel) {
		return rel, false
	}
	if files.Has(rel + "/index.html") {
		return rel, true
	}
	return rel, false
}

// types are the content types of what a site holds, independent of the
// machine's MIME database.
var types = map[string]string{
	".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
	".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
	".json": "application/json", ".map": "application/json", ".webmanifest": "application/manifest+json",
	".xml": "application/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8",
	".csv": "text/csv; charset=utf-8",
	".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
	".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
	".pdf": "application/pdf", ".mp4": "video/mp4", ".webm": "video/webm", ".mp3": "audio/mpeg",
}

func contentType(rel string, data []byte) string {
	ext := strings.ToLower(path.Ext(rel))
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return http.DetectContentType(data)
}
