package render

import (
	"errors"
	"strings"
	"testing"

	"kakehashi/internal/search"
)

type checkingWriter struct{ checked map[string]string }

func (w *checkingWriter) Write(string, []byte) error { return nil }

func (w *checkingWriter) CheckText(rel string, text []byte) error {
	w.checked[rel] = string(text)
	if strings.Contains(string(text), "Secret Name") {
		return errors.New(rel + ": leak")
	}
	return nil
}

func TestSearchTextGoesThroughTheWritersCheck(t *testing.T) {
	w := &checkingWriter{checked: map[string]string{}}
	docs := []search.Doc{{URL: "/en/a/", Title: "A title", Text: "Body with Secret Name inside"}}
	if err := checkDocs(w, "en/search.json", docs); err == nil {
		t.Fatal("the writer's check did not stop the index")
	}
	if !strings.Contains(w.checked["en/search.json"], "A title") {
		t.Errorf("title not checked: %q", w.checked)
	}
}

func TestVisibleText(t *testing.T) {
	got := visibleText(`<p>Hello <a href="/x/">world</a> &amp; 日本</p><ul><li>one</li></ul>`)
	if strings.Join(strings.Fields(got), " ") != "| Hello world & 日本 | | | one | |" {
		t.Errorf("visibleText = %q", got)
	}
}
