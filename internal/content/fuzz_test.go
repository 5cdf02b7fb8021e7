package content_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"kakehashi/internal/content"
	"kakehashi/internal/imagemeta"
)

// FuzzParse feeds arbitrary bytes to content.Parse, as a volunteer's editor or
// an attacker's pull request might. It must not panic or hang; an error always
// starts with the file's name; and what it accepts keeps every path inside
// content/. Seeds live in testdata/fuzz/FuzzParse and run as ordinary tests.
func FuzzParse(f *testing.F) {
	for _, s := range []struct{ name, text string }{
		{"talents/a.en.md", "---\ntitle: A\nname: N\nalias: A.\nphoto: a.jpg\nskills: [go, linux]\nemployer: acme\ndate: 2024-01-02\nconsent:\n  publish: true\n  languages: [ja, en]\n  expires: 2027-06-30\n  real_name: false\n---\nBody *text*.\n"},
		{"talents/a.ja.md", "+++\ntitle = \"A\"\ndate = 2024-01-02\n[consent]\npublish = true\nexpires = 2027-06-30\n+++\n本文です。\n"},
		{"employers/b.en.md", "\ufeff---\r\ntitle: B\r\ncompany: C\r\ntalents: [a, b]\r\n---\r\nBody\r\n"},
		{"_index.en.md", "\n\n---\ntitle: Home\n---\n"},
		{"talents/x.en.md", "---\nslug: ../x\n---\n"},
		{"talents/x.en.md", "---\nphoto: ../../../etc/passwd\n---\n"},
		{"talents/x.en.md", "---\nphoto: \"a\\\\b.jpg\"\n---\n"},
		{"talents/x.en.md", "---\na: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n---\n"},
		{"talents/x.en.md", "---\na: &a [*a]\n---\n"},
		{"talents/x.en.md", "---\na: 1\na: 2\n---\n"},
		{"talents/x.en.md", "---\na: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n---\n"},
		{"talents/x.en.md", "+++\na = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n+++\n"},
		{"talents/x.en.md", "+++\na = \"[[[[\" # [[[[\nb = '''\n[[[[''''\nc = \"\"\"\\\"\"\"[\"\"\"\n+++\n"},
		{"talents/x.en.md", "+++\na = {b = {c = {d = 1}}}\n[[t]]\nx = 1\n[[t]]\nx = 2\n+++\n"},
		{"talents/x.en.md", "---\ntitle: [a]\n---\n"},
		{"talents/x.en.md", "---\ntitle: A\n"},
		{"talents/x.en.md", "no front matter"},
		{"talents/x.en.md", "---\ntitle: A\n---\n\xff\xfe"},
		{"a b/x.en.md", "---\ntitle: A\n---\n"},
		{"talents/x.fr.md", "---\ntitle: A\n---\n"},
	} {
		f.Add(s.name, []byte(s.text))
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		p := "content/" + name
		if !fs.ValidPath(p) || !strings.HasSuffix(p, ".md") {
			p = "content/talents/x.en.md"
		}
		// A hang crashes the worker, so that the fuzzer saves the input.
		watchdog := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("Parse(%q, %q) hung", p, data)) })
		src, err := content.Parse(p, data, cfg)
		watchdog.Stop()
		if err != nil {
			if !strings.HasPrefix(err.Error(), p+":") {
				t.Fatalf("error does not start with %q: %v", p+":", err)
			}
			return
		}
		checkSource(t, p, src)
	})
}

// checkSource checks what Parse promises about a file it accepted.
func checkSource(t *testing.T, p string, src *content.Source) {
	t.Helper()
	if src.Path != p || !utf8.Valid(src.Raw) || bytes.ContainsRune(src.Raw, '\r') {
		t.Fatalf("Path %q, or Raw not UTF-8 with LF line ends", src.Path)
	}
	if len(src.Body) > len(src.Raw) || !bytes.HasSuffix(src.Raw, src.Body) {
		t.Fatal("Body is not the end of Raw")
	}
	if want := bytes.Count(src.Raw[:len(src.Raw)-len(src.Body)], []byte("\n")) + 1; src.BodyLine != want {
		t.Fatalf("BodyLine = %d, want %d", src.BodyLine, want)
	}
	if !cfg.HasLanguage(src.Lang) {
		t.Fatalf("language %q is not configured", src.Lang)
	}
	safeName := func(what, s string) {
		if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/\\\x00") || strings.HasPrefix(s, ".") {
			t.Fatalf("%s %q could leave its folder", what, s)
		}
	}
	if !src.IsIndex {
		safeName("slug", src.Slug)
	}
	for _, ref := range append([]string{src.Meta.Employer}, src.Meta.Talents...) {
		if ref != "" {
			safeName("reference", ref)
		}
	}
	if ph := src.Meta.Photo; ph != "" {
		if !strings.HasPrefix(ph, content.Dir+"/") || path.Clean(ph) != ph || strings.ContainsAny(ph, "\\\x00") || !fs.ValidPath(ph) {
			t.Fatalf("photo %q leaves content/", ph)
		}
		if _, ok := imagemeta.FormatOf(ph); !ok {
			t.Fatalf("photo %q is not an image: it would be copied out as is", ph)
		}
	}
	for _, seg := range strings.Split(src.Dir, "/") {
		if src.Dir != "" {
			safeName("folder", seg)
		}
	}
}
