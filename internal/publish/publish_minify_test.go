package publish

import (
	"strings"
	"testing"
)

func TestMinifyKeepsJSONNumbers(t *testing.T) {
	mem := NewMem()
	f := New(mem)
	if err := f.Write("en/search.json", []byte(`{"a": [1000, 20000, 3]}`)); err != nil {
		t.Fatal(err)
	}
	if got := string(mem.Files()["en/search.json"]); got != `{"a":[1000,20000,3]}` {
		t.Errorf("minified JSON = %s", got)
	}
	if err := f.Write("a.html", []byte("<p>  x  </p>\n\n")); err != nil {
		t.Fatal(err)
	}
	if got := string(mem.Files()["a.html"]); strings.Contains(got, "  ") {
		t.Errorf("HTML not minified: %q", got)
	}
}
