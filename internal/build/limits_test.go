package build_test

// Hostile input through the whole builder: markup and addresses in front
// matter and Markdown (issue 7, point 3), and inputs built to exhaust time or
// memory (point 5).

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tdewolff/parse/v2"
	htmllex "github.com/tdewolff/parse/v2/html"

	"kakehashi/internal/build"
)

// payloads are what an attacker would put in a field; each carries a marker
// (p0, p1, ...) so that the test can tell the field was rendered at all.
var payloads = []string{
	`<script>alert("p0")</script>`,
	`"></a><img src=x onerror=alert("p1")>`,
	`' onmouseover='alert("p2")' x='`,
	`javascript:alert("p3")`,
	`</script><script>alert("p4")</script><!--`,
	`</title></head><body onload=alert("p5")>`,
	`]]><x>p6</x><![CDATA[ & &amp; &#x3C;`,
}

func hostileSite(unsafe bool) map[string]string {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) } // a YAML double-quoted string
	p := payloads
	yaml := "title: { ja: " + q("サイト"+p[5]) + ", en: " + q("Site"+p[5]) + " }\n" +
		"description: { ja: " + q(p[6]) + ", en: " + q(p[6]) + " }\n" +
		"baseURL: https://example.org/\nlanguages: [ja, en]\n"
	if unsafe {
		yaml += "markup: { unsafe: true }\n"
	}
	body := "Plain words.\n\n" +
		`<script>alert("b0")</script>` + "\n\n" +
		`<img src=x onerror=alert("b1")>` + "\n\n" +
		`Inline <b class="raw-ok" onclick="alert('b2')">bold</b>.` + "\n\n" +
		`[one](javascript:alert("b3")) [two](JaVaScRiPt:alert("b4")) [three](java&#x73;cript:alert("b5")) ![four](javascript:alert("b6"))` + "\n\n" +
		`<a href="javascript:alert('b7')">five</a> <javascript:alert("b8")>` + "\n\n" +
		"[six][r]\n\n[r]: javascript:alert(\"b9\")\n"
	talent := "---\n" +
		"title: " + q(p[0]+" title") + "\n" +
		"name: " + q(p[1]+" name") + "\n" +
		"alias: " + q(p[2]+" alias") + "\n" +
		"role: " + q(p[3]) + "\n" +
		"summary: " + q(p[4]+" summary") + "\n" +
		"skills: [" + q(p[0]) + ", go]\n" +
		"employer: acme\n" +
		"date: 2024-01-02\n" +
		"photo: evil.jpg\n" +
		"consent:\n  publish: true\n  real_name: true\n  photo: true\n---\n" + body
	employer := "---\n" +
		"title: " + q(p[6]+" employer") + "\n" +
		"company: " + q(p[1]+" company") + "\n" +
		"industry: " + q(p[2]) + "\n" +
		"talents: [evil]\n" +
		"date: 2024-02-03\n" +
		"consent:\n  publish: true\n---\n" + body
	photo, err := os.ReadFile("../../content/talents/thiha-a.jpg")
	if err != nil {
		panic(err)
	}
	return map[string]string{
		"content/talents/evil.jpg":     string(photo),
		"site.yaml":                    yaml,
		"content/talents/evil.en.md":   talent,
		"content/talents/evil.ja.md":   talent,
		"content/employers/acme.en.md": employer,
	}
}

// TestHostileValuesAreEscaped builds a site whose every field carries markup
// and script, and checks every output file as a browser or a feed reader
// would read it.
func TestHostileValuesAreEscaped(t *testing.T) {
	for _, unsafe := range []bool{false, true} {
		t.Run(fmt.Sprintf("unsafe=%v", unsafe), func(t *testing.T) {
			src := writeSite(t, hostileSite(unsafe))
			dest := filepath.Join(t.TempDir(), "public")
			runBuild(t, src, dest)
			files := readTree(t, dest)
			var all bytes.Buffer
			for name, data := range files {
				all.Write(data)
				switch filepath.Ext(name) {
				case ".html":
					checkPage(t, name, data, unsafe)
				case ".xml":
					checkXML(t, name, data)
				case ".json":
					// Data for scripts (the search index): it must parse, and
					// hold no address a script could follow into script.
					var v any
					if err := json.Unmarshal(data, &v); err != nil {
						t.Errorf("%s: %v", name, err)
					}
					checkJSON(t, name, v)
				default:
					if bytes.Contains(bytes.ToLower(data), []byte("<script")) || bytes.Contains(data, []byte("<img")) {
						t.Errorf("%s: holds raw markup from the content", name)
					}
				}
			}
			// Every payload reached the output (escaped): the checks above saw them.
			for i := range payloads {
				if marker := fmt.Sprintf("p%d", i); !bytes.Contains(all.Bytes(), []byte(marker)) {
					t.Errorf("payload %s is rendered nowhere: the test proves nothing for it", marker)
				}
			}
			page := string(files["en/talents/evil/index.html"])
			// The real name is the photo's alt text: an attribute value, whole.
			if alt := portraitAlt([]byte(page)); alt != payloads[1]+" name" {
				t.Errorf("the photo's alt text is %q, want the name as written", alt)
			}
			if unsafe != strings.Contains(page, `class="raw-ok"`) {
				t.Errorf("markup.unsafe=%v, but raw HTML passed: %v", unsafe, !unsafe)
			}
		})
	}
}

// frontMarker finds the markers of front matter payloads (p0, p1, ...); the
// Markdown body's raw HTML carries b0, b1, ... instead.
var frontMarker = regexp.MustCompile(`\bp[0-9]\b`)

// checkPage fails on anything in an HTML page that could run script: an
// element or attribute from the content, an event handler, a javascript:
// address. With markup.unsafe the body's raw HTML passes by design; front
// matter never does.
func checkPage(t *testing.T, name string, data []byte, unsafe bool) {
	t.Helper()
	suspect := func(s string) bool { return !unsafe || frontMarker.MatchString(s) }
	l := htmllex.NewLexer(parse.NewInputBytes(data))
	var tag string
	var attrs map[string]string
	var keys []string
	endTag := func() {
		for _, key := range keys {
			val := attrs[key]
			switch {
			case strings.HasPrefix(key, "on") && suspect(val):
				t.Errorf("%s: <%s %s=%q>", name, tag, key, val)
			case dangerousURL(val) && suspect(val):
				t.Errorf("%s: <%s %s=%q>", name, tag, key, val)
			}
		}
		switch tag {
		case "script":
			if typ := attrs["type"]; attrs["src"] == "" && typ != "" && typ != "application/ld+json" && typ != "application/json" {
				t.Errorf("%s: <script type=%q>", name, typ)
			}
		case "img":
			if attrs["src"] == "x" && suspect(attrs["onerror"]) {
				t.Errorf("%s: an <img> from the content: %v", name, attrs)
			}
		case "x":
			t.Errorf("%s: an <x> element from front matter", name)
		}
	}
	for {
		tt, _ := l.Next()
		switch tt {
		case htmllex.ErrorToken:
			if !errors.Is(l.Err(), io.EOF) {
				t.Errorf("%s: %v", name, l.Err())
			}
			return
		case htmllex.StartTagToken:
			tag, attrs, keys = strings.ToLower(string(l.Text())), map[string]string{}, nil
		case htmllex.StartTagCloseToken, htmllex.StartTagVoidToken:
			endTag()
		case htmllex.AttributeToken:
			key := strings.ToLower(string(l.AttrKey()))
			attrs[key] = html.UnescapeString(unquote(l.AttrVal()))
			keys = append(keys, key)
		case htmllex.TextToken:
			text := string(l.Text())
			if tag == "script" && strings.Contains(text, "alert(") && suspect(text) && !json.Valid([]byte(strings.TrimSpace(text))) {
				t.Errorf("%s: content reached a script: %.200s", name, text)
			}
		}
	}
}

// dangerousURL reads an address as a browser would (tabs and line breaks
// dropped, spaces and control characters trimmed) and reports a script scheme.
func dangerousURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v)
	v = strings.ToLower(strings.TrimFunc(v, func(r rune) bool { return r <= ' ' }))
	return strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") ||
		strings.HasPrefix(v, "data:") && !strings.HasPrefix(v, "data:image/")
}

func checkJSON(t *testing.T, name string, v any) {
	switch v := v.(type) {
	case string:
		if dangerousURL(v) {
			t.Errorf("%s: holds the address %q", name, v)
		}
	case []any:
		for _, e := range v {
			checkJSON(t, name, e)
		}
	case map[string]any:
		for _, e := range v {
			checkJSON(t, name, e)
		}
	}
}

// checkXML fails unless data is well-formed XML whose elements are the
// feed's or the sitemap's own.
func checkXML(t *testing.T, name string, data []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Errorf("%s: not well-formed: %v", name, err)
			return
		}
		if se, ok := tok.(xml.StartElement); ok && (se.Name.Local == "x" || se.Name.Local == "script" || se.Name.Local == "img") {
			t.Errorf("%s: <%s> from the content", name, se.Name.Local)
		}
	}
}

// TestJavascriptBaseURLIsRefused: the one front-matter-like value that becomes
// the start of every address.
func TestJavascriptBaseURLIsRefused(t *testing.T) {
	for _, base := range []string{"javascript:alert(1)//", "JAVASCRIPT:alert(1)", "data:text/html,x", "//evil.example/"} {
		files := hostileSite(false)
		files["site.yaml"] = strings.Replace(files["site.yaml"], "https://example.org/", base, 1)
		src := writeSite(t, files)
		_, err := build.Run(build.Options{Source: src, Destination: filepath.Join(t.TempDir(), "public"), Now: now})
		if base == "//evil.example/" {
			continue // scheme-relative: a real site address, allowed
		}
		if err == nil || !strings.Contains(err.Error(), "baseURL") {
			t.Errorf("baseURL %q: err = %v", base, err)
		}
	}
}

// measure runs fn and reports its time and the bytes it allocated.
func measure(fn func()) (time.Duration, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	fn()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return took, after.TotalAlloc - before.TotalAlloc
}

// limitSite is a small valid site with one talent whose story and photo the
// test replaces.
func limitSite(t *testing.T, story string) (src, dest string) {
	t.Helper()
	src = writeSite(t, map[string]string{
		"site.yaml":                siteFiles["site.yaml"],
		"content/talents/a.en.md":  story,
		"content/talents/ok.en.md": "---\ntitle: OK\nconsent:\n  publish: true\n---\nFine.\n",
	})
	return src, filepath.Join(t.TempDir(), "public")
}

func story(front, body string) string {
	return "---\ntitle: A\nalias: A.\n" + front + "consent:\n  publish: true\n  photo: true\n---\n" + body
}

// TestResourceLimits: inputs built to exhaust time or memory end with a clear
// error, or a bounded result, within bounded time and memory.
func TestResourceLimits(t *testing.T) {
	tests := []struct {
		name string
		// prepare writes the hostile input into the site folder.
		prepare func(t *testing.T, src string)
		// want is a substring of the error; "" means the build succeeds, and
		// orOK lets the build either succeed or fail with want.
		want     string
		orOK     bool
		maxAlloc uint64
	}{
		{"50 MB Markdown file", func(t *testing.T, src string) {
			p := filepath.Join(src, "content/talents/a.en.md")
			if err := os.WriteFile(p, []byte(story("", "Text.\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			// A sparse file: 50 MB long, nothing to write.
			if err := os.Truncate(p, 50<<20); err != nil {
				t.Fatal(err)
			}
		}, "content/talents/a.en.md: file is 50.0 MB; content files are limited to 1024 KB", false, 32 << 20},
		{"10,000-level nested list", func(t *testing.T, src string) {
			body := strings.Repeat("- ", 10000) + "deep\n\n" + strings.Repeat("> ", 10000) + "deeper\n"
			writeFile(t, src, "content/talents/a.en.md", story("", body))
		}, "nested more than", true, 256 << 20},
		{"YAML alias bomb", func(t *testing.T, src string) {
			var b strings.Builder
			b.WriteString("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
			for i := 1; i < 10; i++ {
				fmt.Fprintf(&b, "l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", "))
			}
			writeFile(t, src, "content/talents/a.en.md", story(b.String(), "Text.\n"))
		}, "content/talents/a.en.md:7: front matter holds more than 10000 values", false, 32 << 20},
		{"100 MB image", func(t *testing.T, src string) {
			writeFile(t, src, "content/talents/a.en.md", story("photo: a.jpg\n", "Text.\n"))
			writeHugeJPEG(t, filepath.Join(src, "content/talents/a.jpg"))
		}, "content/talents/a.jpg: image is 100.0 MB; images are limited to 20 MB", false, 64 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, dest := limitSite(t, story("", "Text.\n"))
			tt.prepare(t, src)
			var err error
			took, alloc := measure(func() {
				_, err = build.Run(build.Options{Source: src, Destination: dest, Now: now})
			})
			t.Logf("%v, %d MB allocated, err: %.200v", took, alloc>>20, err)
			switch {
			case err == nil && tt.orOK:
			case err == nil || !strings.Contains(err.Error(), tt.want):
				t.Fatalf("err = %.300v, want %q", err, tt.want)
			}
			if alloc > tt.maxAlloc {
				t.Errorf("allocated %d MB, more than %d MB", alloc>>20, tt.maxAlloc>>20)
			}
			if took > 30*time.Second {
				t.Errorf("took %v", took)
			}
		})
	}
}

func writeFile(t *testing.T, dir, rel, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeHugeJPEG writes a structurally valid 100 MB JPEG, sparse on disk: the
// small sample photo with 100 MB of entropy-coded data (0x00 bytes) spliced
// into its scan.
func writeHugeJPEG(t *testing.T, p string) {
	t.Helper()
	data, err := os.ReadFile("../../content/talents/thiha-a.jpg")
	if err != nil {
		t.Fatal(err)
	}
	eoi := bytes.LastIndex(data, []byte{0xFF, 0xD9})
	if eoi < 0 {
		t.Fatal("sample photo has no EOI")
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(data[:eoi]); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{0xFF, 0xD9}, int64(eoi)+100<<20); err != nil {
		t.Fatal(err)
	}
}

// TestLinksOutOfTheSiteAreRefused: a layout, a static file or a photo that is
// a symbolic link to a file outside the site folder is never read.
func TestLinksOutOfTheSiteAreRefused(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.html")
	if err := os.WriteFile(secret, []byte(`{{ define "main" }}SECRET-OUTSIDE-THE-SITE{{ end }}`), 0o644); err != nil {
		t.Fatal(err)
	}
	jpg, err := os.ReadFile("../../content/talents/thiha-a.jpg")
	if err != nil {
		t.Fatal(err)
	}
	secretJPG := filepath.Join(outside, "secret.jpg")
	if err := os.WriteFile(secretJPG, jpg, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, link, target, want string }{
		{"layout", "layouts/talent.html", secret, "layouts/talent.html"},
		{"layouts folder", "layouts", outside, "layouts"},
		{"static file", "static/secret.html", secret, "static/secret.html"},
		{"folder in static", "static/docs", outside, "static/docs"},
		{"static folder", "static", outside, "static"},
		{"photo", "content/talents/a.jpg", secretJPG, "content/talents/a.jpg"},
		{"photo folder", "content/talents/photos", outside, "content/talents/photos"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.HasPrefix(tt.link, "layouts") || tt.link == "static" {
			}
			front := ""
			switch tt.name {
			case "photo":
				front = "photo: a.jpg\n"
			case "photo folder":
				front = "photo: photos/secret.jpg\n"
			}
			src, dest := limitSite(t, story(front, "Text.\n"))
			link := filepath.Join(src, filepath.FromSlash(tt.link))
			if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(tt.target, link); err != nil {
				t.Skipf("no symbolic links: %v", err)
			}
			_, err := build.Run(build.Options{Source: src, Destination: dest, Now: now})
			for name, data := range readTreeIfAny(dest) {
				if bytes.Contains(data, []byte("SECRET-OUTSIDE")) || bytes.Equal(data, jpg) || strings.Contains(name, "secret") {
					t.Errorf("%s: read through the link", name)
				}
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "symbolic link") {
				t.Errorf("err = %v, want it to name %s and the link", err, tt.want)
			}
		})
	}
}

// readTreeIfAny is readTree for a folder that may not exist.
func readTreeIfAny(dir string) map[string][]byte {
	out := map[string][]byte{}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = data
		}
		return nil
	})
	return out
}

// TestHostileFileNamesAreRefused: file names that are harmless on this
// system but a path on another (a backslash is a separator on Windows) stop
// the build with the file's name, and nothing is written.
func TestHostileFileNamesAreRefused(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{"content file with backslash", `content/talents/a\..\..\x.en.md`, `slug "a\\..\\..\\x"`},
		{"content folder with backslash", `content/a\b/x.en.md`, `folder name "a\\b"`},
		{"content folder like a drive", `content/C:/x.en.md`, `folder name "C:"`},
		{"static file with backslash", `static/a\..\..\x.css`, `static/a\..\..\x.css`},
		{"static file with line break", "static/a\nb.css", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, dest := limitSite(t, story("", "Text.\n"))
			p := filepath.Join(src, filepath.FromSlash(tt.file))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("---\ntitle: X\nconsent:\n  publish: true\n---\nx\n"), 0o644); err != nil {
				t.Skipf("this system refuses the name: %v", err)
			}
			_, err := build.Run(build.Options{Source: src, Destination: dest, Now: now})
			if tt.want == "" {
				// Harmless on every system: published under its own name, inside the output.
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if _, err := os.Stat(dest); err == nil {
				t.Error("a failed build created the output")
			}
			if entries, _ := os.ReadDir(filepath.Dir(dest)); len(entries) != 0 {
				t.Errorf("a failed build left %v", entries)
			}
		})
	}
}

// unquote removes the quotes around an attribute value, if it has them.
func unquote(v []byte) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return string(v[1 : len(v)-1])
	}
	return string(v)
}

// portraitAlt returns the alt text of the page's portrait photo.
func portraitAlt(page []byte) string {
	l := htmllex.NewLexer(parse.NewInputBytes(page))
	var attrs map[string]string
	for {
		switch tt, _ := l.Next(); tt {
		case htmllex.ErrorToken:
			return ""
		case htmllex.StartTagToken:
			attrs = map[string]string{}
		case htmllex.AttributeToken:
			attrs[strings.ToLower(string(l.AttrKey()))] = html.UnescapeString(unquote(l.AttrVal()))
		case htmllex.StartTagCloseToken, htmllex.StartTagVoidToken:
			if attrs["class"] == "portrait" {
				return attrs["alt"]
			}
		}
	}
}
