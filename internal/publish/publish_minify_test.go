package publish

import (
	"errors"

	"kakehashi/internal/leakscan"
	"strings"
	"testing"
)

func TestMinifyKeepsJSONNumbers(t *testing.T) {
	mem := NewMem()
	f := New(mem)
	if err := f.Write("en/search.json", []byte(`{"a": [1000, 20000, 3]}`)); err != nil {
		t.Fatal(err)
	}
	if got := string(mem.Map()["en/search.json"]); got != `{"a":[1000,20000,3]}` {
		t.Errorf("minified JSON = %s", got)
	}
	if err := f.Write("a.html", []byte("<p>  x  </p>\n\n")); err != nil {
		t.Fatal(err)
	}
	if got := string(mem.Map()["a.html"]); strings.Contains(got, "  ") {
		t.Errorf("HTML not minified: %q", got)
	}
}

func TestLeakScanSeesThroughEscapes(t *testing.T) {
	needles := []leakscan.Needle{{Text: "山田花子", Kind: "real name", Owner: "talents/hanako"}, {Text: "Amina Karimi", Kind: "real name", Owner: "talents/amina-k"}}
	tests := []struct{ file, text string }{
		{"a.json", `{"n":"\u5c71\u7530\u82b1\u5b50"}`},
		{"a.html", `<script type="application/ld+json">{"name":"Amina\u0020Karimi"}</script>`},
		{"a.html", `<a href="/x/?q=%E5%B1%B1%E7%94%B0%E8%8A%B1%E5%AD%90">x</a>`},
		{"a.xml", `<t>Amina &amp;#32;Karimi</t>`},
		{"a.js", `var n = "Amina" + " Karimi";`},
	}
	for _, tt := range tests {
		f := New(NewMem(), WithLeakScan(needles), WithoutMinify())
		err := f.Write(tt.file, []byte(tt.text))
		var le *LeakError
		if tt.file == "a.js" {
			// String concatenation is not text; this documents the limit.
			continue
		}
		if !errors.As(err, &le) {
			t.Errorf("%s %q: err = %v, want a leak", tt.file, tt.text, err)
		}
	}
}

func TestCheckTextFindsANameInDerivedText(t *testing.T) {
	f := New(NewMem(), WithLeakScan([]leakscan.Needle{{Text: "Amina Karimi", Kind: "real name", Owner: "talents/a"}}))
	if err := f.CheckText("en/search.json", []byte("Title\nwe hired amina karimi\n")); err == nil {
		t.Error("CheckText missed a name")
	}
	if err := f.CheckText("en/search.json", []byte("Title\nnothing here\n")); err != nil {
		t.Error(err)
	}
}
