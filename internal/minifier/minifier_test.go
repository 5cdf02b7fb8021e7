package minifier

import (
	"html/template"
	"strings"
	"testing"
)

func TestTemplate(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"whitespace between blocks", "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n", "<ul><li>a</li><li>b</li></ul>"},
		{"actions kept as written", `<a href="{{ .URL }}">{{ .Title }}</a>`, `<a href="{{ .URL }}">{{ .Title }}</a>`},
		{"action inside attribute list", `<p class="x"{{ if .Y }} lang="{{ .L }}"{{ end }}>t</p>`, `<p class="x"{{ if .Y }} lang="{{ .L }}"{{ end }}>t</p>`},
		{"quotes kept", `<div class="a">x</div>`, `<div class="a">x</div>`},
		{"comments in actions kept", "{{/* a\nb */}}<p>x</p>", "{{/* a\nb */}}<p>x</p>"},
		{"space between inline text and action kept", "<p>Hello {{ .Name }}</p>", "<p>Hello {{ .Name }}</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Template([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Template(%q) = %q, want %q", tt.src, got, tt.want)
			}
			if _, err := template.New("t").Parse(string(got)); err != nil {
				t.Errorf("minified template does not parse: %v", err)
			}
		})
	}
}

func TestHTML(t *testing.T) {
	got, err := HTML([]byte("<h2 id=\"a\">Title</h2>\n<p>one\ntwo  three</p>\n<pre><code>x\n  y\n</code></pre>\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := "<h2 id=\"a\">Title</h2><p>one\ntwo three</p><pre><code>x\n  y\n</code></pre>"
	if string(got) != want {
		t.Errorf("HTML = %q, want %q", got, want)
	}
}

func TestMediaType(t *testing.T) {
	for name, want := range map[string]string{"a/index.html": "text/html", "x.CSS": "text/css", "s.json": "application/json", "f.xml": "application/xml", "p.jpg": ""} {
		got, ok := MediaType(name)
		if got != want || ok != (want != "") {
			t.Errorf("MediaType(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

func TestFileKeepsNumbersInJSON(t *testing.T) {
	got, err := File("application/json", []byte(`{"n": 1000, "f": 0.50}`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), `1000`) {
		t.Errorf("number rewritten: %s", got)
	}
}
