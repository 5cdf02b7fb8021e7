package build_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"kakehashi/internal/build"
	"kakehashi/internal/minifier"
	"kakehashi/internal/publish"
)

// TestPagesFromMinifiedTemplatesAreMinified: pages are assembled from
// templates and Markdown minified ahead of time instead of being minified
// whole. Minifying such a page again must give exactly what minifying the
// page rendered from the templates as written gives (same document), and
// must find next to nothing left to remove (the page is minified).
func TestPagesFromMinifiedTemplatesAreMinified(t *testing.T) {
	site := os.DirFS("../..")
	files := func(opts build.Options) map[string][]byte {
		t.Helper()
		mem := publish.NewMem()
		opts.Now = now
		if _, err := build.Into(site, mem, opts); err != nil {
			t.Fatal(err)
		}
		return mem.Map()
	}
	fast, asWritten := files(build.Options{}), files(build.Options{NoMinify: true})
	var pages, fastSize, wholeSize int
	for name, page := range fast {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		again, err := minifier.File("text/html", page)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		whole, err := minifier.File("text/html", asWritten[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(again, whole) {
			t.Errorf("%s: not the same document as the page rendered from the templates as written", name)
		}
		fastSize += len(page)
		wholeSize += len(whole)
	}
	if pages < 20 {
		t.Fatalf("only %d pages built", pages)
	}
	// What is left are single newlines beside template actions, where the
	// minifier cannot know what the action prints.
	if extra := float64(fastSize-wholeSize) / float64(wholeSize); extra > 0.01 {
		t.Errorf("pages are %.1f%% larger than minified whole (%d vs %d bytes)", extra*100, fastSize, wholeSize)
	}
}

// TestSearchIndexIsMinified: the search index is written as the index
// builder makes it, not minified again; it must be what minifying it gives.
func TestSearchIndexIsMinified(t *testing.T) {
	mem := publish.NewMem()
	if _, err := build.Into(os.DirFS("../.."), mem, build.Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	files := mem.Map()
	for _, lang := range []string{"ja", "en"} {
		index := files[lang+"/search.json"]
		if len(index) < 100 {
			t.Fatalf("%s/search.json: %d bytes", lang, len(index))
		}
		again, err := minifier.File("application/json", index)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, index) {
			t.Errorf("%s/search.json is not minified: %d bytes, %d minified", lang, len(index), len(again))
		}
	}
}

// TestTemplateErrorsNameTheLineAsWritten: the theme is executed minified, but
// an error names the line of the layout as its author wrote it.
func TestTemplateErrorsNameTheLineAsWritten(t *testing.T) {
	files := map[string]string{}
	for k, v := range siteFiles {
		files[k] = v
	}
	files["layouts/talent.html"] = "{{ define \"main\" }}\n<article>\n\n<p>\n  {{ .NoSuchField }}\n</p>\n</article>\n{{ end }}\n"
	src := writeSite(t, files)
	_, err := build.Into(os.DirFS(src), publish.NewMem(), build.Options{Now: now})
	if err == nil {
		t.Fatal("a template error was not reported")
	}
	if !strings.Contains(err.Error(), "talent.html:5:") {
		t.Errorf("error does not name line 5 of talent.html: %v", err)
	}
}
