package tmplexec

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

type link struct {
	Title, URL string
	Here       bool
}

type photo struct{ URL, Alt string }

type inner struct{ Deep string }

type Embedded struct{ Promoted string }

type named string

type stringer struct{ s string }

func (s stringer) String() string { return "str:" + s.s }

type page struct {
	Embedded
	Lang, Title, Empty string
	URL                string
	Bad                string // a URL with a scheme html/template refuses
	Content            template.HTML
	Trusted            template.URL
	Style              template.CSS
	Minutes, Zero      int
	Count              uint8
	Flag               bool
	Photo, NoPhoto     *photo
	Links, None        []link
	Names              []string
	Array              [2]string
	Inner              inner
	InnerPtr           *inner
	Map                map[string]string
	Any                any
	AnyNil             any
	Kind               named
	Stringer           stringer
	Err                error
	Func               func() string
	private            string
}

func (p *page) T(key string) (string, error) {
	if key == "missing" {
		return "", errors.New("no such key")
	}
	return "t:" + key, nil
}

func (p *page) Asset(path string) string { return "/base/" + path }

func (p *page) Pair(a, b string) string { return a + "+" + b }

func (p page) ByValue() string { return "value:" + p.Lang }

func (p *page) Panics() string { panic("boom") }

func (l link) Upper() string { return strings.ToUpper(l.Title) }

func testPage() *page {
	return &page{
		Embedded: Embedded{"promoted"},
		Lang:     "en", Title: `Tom & "Jerry" <b>'+'</b>`, URL: "/en/talents/a b/?q=1&r=<2>%zz%41",
		Bad:     "javascript:alert(1)",
		Content: "<p>Hello <em>world</em></p>", Trusted: "javascript:ok()", Style: "color:red",
		Minutes: 7, Count: 3, Flag: true,
		Photo: &photo{"/p/a.jpg", "Portrait of \x00 A"},
		Links: []link{{"One", "/one/", true}, {"Two <2>", "https://x.example/two?a=b", false}, {"", "mailto:a@b", false}},
		Names: []string{"a", "b", "c"}, Array: [2]string{"x", "y"},
		Inner: inner{"deep"}, Map: map[string]string{"k": "v"},
		Any: "any-string", Kind: "named<kind>", Stringer: stringer{"s"},
		Err: errors.New("e"), Func: func() string { return "f" }, private: "p",
	}
}

// runBoth runs src with html/template and with a Program. fast is false when
// the Program refused or stopped (html/template's result stands).
func runBoth(t *testing.T, src string, data any) (want, got string, wantErr error, fast bool) {
	t.Helper()
	tmpl, err := template.New("t").Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	var a bytes.Buffer
	wantErr = tmpl.Execute(&a, data)
	prog, err := Compile(tmpl, nil)
	if err != nil {
		if !errors.Is(err, ErrUnsupported) {
			t.Fatalf("Compile %q: %v, not ErrUnsupported", src, err)
		}
		return a.String(), "", wantErr, false
	}
	var b bytes.Buffer
	if err := prog.Execute(&b, data); err != nil {
		if !errors.Is(err, ErrUnsupported) {
			t.Fatalf("Execute %q: %v, not ErrUnsupported", src, err)
		}
		return a.String(), "", wantErr, false
	}
	return a.String(), b.String(), wantErr, true
}

// TestSameAsHTMLTemplate: what a Program prints is what html/template
// prints; what it does not run exactly, it leaves to html/template. The
// cases marked fast must run on the Program (the theme's constructs).
func TestSameAsHTMLTemplate(t *testing.T) {
	tests := []struct {
		src  string
		fast bool
	}{
		// Escapers, each context.
		{`<p>{{ .Title }}</p>`, true},
		{`<p title="{{ .Title }}">x</p>`, true},
		{`<title>{{ .Title }}</title>`, true},
		{`<textarea>{{ .Content }}</textarea>`, true},
		{`<a href="{{ .URL }}">x</a>`, true},
		{`<a href="{{ .Bad }}">x</a>`, true},
		{`<a href="{{ .Trusted }}">x</a>`, true},
		{`<a href="/search?q={{ .Title }}&l={{ .URL }}">x</a>`, true},
		{`<a href="{{ .URL }}#{{ .Title }}">x</a>`, true},
		{`<img src="{{ .Photo.URL }}" alt="{{ .Photo.Alt }}">`, true},
		{`<div>{{ .Content }}</div>`, true},
		{`<div title="{{ .Content }}">x</div>`, false}, // attribute of HTML: tags stripped
		{`<p>{{ .Style }} {{ .Trusted }}</p>`, true},
		{`<p title="{{ .Style }}">{{ .Kind }}</p>`, true},
		{`<p>{{ .Minutes }} {{ .Count }} {{ .Flag }} {{ .Zero }}</p>`, true},
		{`<p>{{ .Stringer }}</p>`, false},
		{`<p>{{ .Err }}</p>`, false},
		{`<p>{{ .Photo }}</p>`, false},
		{`<p>{{ .Any }}</p>`, true},
		{`<p>{{ .AnyNil }}</p>`, true},
		{`<script>var x = {{ .Title }};</script>`, false},
		{`<p style="color: {{ .Title }}">x</p>`, false},
		{`<p class={{ .Title }}>x</p>`, false},
		// Control structures.
		{`{{ if .Title }}yes{{ else }}no{{ end }}{{ if .Empty }}yes{{ else }}no{{ end }}`, true},
		{`{{ with .Photo }}<img src="{{ .URL }}">{{ end }}{{ with .NoPhoto }}x{{ else }}none{{ end }}`, true},
		{`{{ with .Empty }}x{{ else with .Title }}<b>{{ . }}</b>{{ end }}`, true},
		{`{{ if .Zero }}a{{ else if .Minutes }}b{{ . | len }}{{ end }}`, false},
		{`<ul>{{ range .Links }}<li><a href="{{ .URL }}"{{ if .Here }} aria-current="page"{{ end }}>{{ .Title }}</a></li>{{ end }}</ul>`, true},
		{`{{ range .None }}x{{ else }}<p>empty</p>{{ end }}`, true},
		{`{{ range $i, $l := .Links }}{{ $i }}={{ $l.Title }};{{ end }}`, true},
		{`{{ range $l := .Links }}{{ $l.URL }};{{ end }}`, true},
		{`{{ range .Array }}{{ . }}{{ end }}`, true},
		{`{{ range .Map }}{{ . }}{{ end }}`, false},
		{`{{ range .Names }}{{ if eq . "b" }}{{ break }}{{ end }}{{ . }}{{ end }}`, false},
		// Variables.
		{`{{ $x := .Title }}{{ $x }}{{ with .Photo }}{{ $x }}{{ $.Lang }}{{ end }}`, true},
		{`{{ $x := 1 }}{{ range .Names }}{{ $x = . }}{{ end }}{{ $x }}`, true},
		{`{{ with $p := .Photo }}{{ $p.Alt }}{{ end }}`, true},
		// Fields, methods and chains.
		{`{{ .Inner.Deep }} {{ .Promoted }} {{ .ByValue }}`, true},
		{`{{ .InnerPtr.Deep }}`, false}, // nil pointer: html/template's error
		{`{{ .Missing }}`, false},
		{`{{ .private }}`, false},
		{`{{ .Map.k }}`, false},
		{`{{ .T "a" }} {{ $.T "b" }} {{ .Asset (print .Lang "/search.json") }} {{ .Pair "x" .Lang }}`, true},
		{`{{ .Lang | .Asset }}`, true},
		{`{{ .T "missing" }}`, false},
		{`{{ .Panics }}`, false},
		{`{{ range .Links }}{{ .Upper }}{{ end }}`, true},
		{`{{ .Func }}`, false},
		{`{{ (index .Links 1).Title }}`, false},
		// Functions.
		{`{{ and .Title .Empty }}|{{ or .Empty .Title }}|{{ or .Empty .Zero }}|{{ and .Flag .Minutes }}`, true},
		{`{{ if and .Title (ne .Title .Lang) }}a{{ end }}{{ if or .Photo .Empty }}b{{ end }}{{ if not .Empty }}c{{ end }}`, true},
		{`{{ or .Empty .Title | printf "%s!" }}`, true},
		{`{{ if eq .Lang "en" "ja" }}a{{ end }}{{ if eq .Minutes 7 }}b{{ end }}{{ if eq .Kind "named<kind>" }}c{{ end }}`, true},
		{`{{ if eq .Minutes "7" }}a{{ end }}`, false},
		{`{{ if eq .AnyNil "x" }}a{{ else }}b{{ end }}`, true},
		{`{{ if eq .Count 3 }}a{{ end }}`, false},
		{`{{ len .Names }} {{ len .Title }} {{ .Names | len }}`, true},
		{`{{ index .Names 1 }} {{ index .Map "k" }} {{ index .Map "none" }} {{ with index .Links 0 }}{{ .URL }}{{ end }}`, true},
		{`{{ index .Names 5 }}`, false},
		{`{{ print .Lang "/x" 1 2 .Flag }} {{ printf "%s-%d-%v" .Lang .Minutes .Names }} {{ print .AnyNil }}`, true},
		{`{{ printf .Kind }}`, false},
		{`{{ html .Title }}`, false},
		{`{{ lt 1 2 }}`, false},
		{`{{ 1.5 }} {{ 0x10 }}`, false},
		{`{{ nil }}`, false},
		// Templates.
		{`{{ define "a" }}<b>{{ .Title }}</b>{{ end }}{{ template "a" . }}{{ template "a" .Inner }}`, false}, // .Title on inner: missing field
		{`{{ define "a" }}<b>{{ .Deep }}</b>{{ end }}{{ template "a" .Inner }}{{ block "b" . }}{{ .Lang }}{{ end }}`, true},
		{`{{ define "n" }}[{{ . }}]{{ end }}{{ template "n" }}{{ template "n" .Minutes }}`, true},
		{`{{ define "v" }}{{ $x := "in" }}{{ $x }}{{ end }}{{ $x := "out" }}{{ template "v" }}{{ $x }}`, true},
		{`{{ define "rec" }}{{ if . }}{{ len . }}{{ template "rec" slice . 1 }}{{ end }}{{ end }}{{ template "rec" .Names }}`, false},
		{`<a title="{{ template "t2" . }}">x</a>{{ define "t2" }}{{ .Title }}{{ end }}`, false},
		{`{{/* a comment */}}<p>{{- .Lang -}} </p>`, true},
	}
	data := testPage()
	for _, tt := range tests {
		want, got, wantErr, fast := runBoth(t, tt.src, data)
		if fast && got != want {
			t.Errorf("%s\n got  %q\n want %q (err %v)", tt.src, got, want, wantErr)
		}
		if fast && wantErr != nil {
			t.Errorf("%s: printed %q where html/template fails: %v", tt.src, got, wantErr)
		}
		if tt.fast && !fast {
			t.Errorf("%s: left to html/template; the Program should run it", tt.src)
		}
		if !tt.fast && fast {
			t.Logf("%s: now runs on the Program (same output)", tt.src)
		}
	}
}

// TestNilData: a page with no data prints as html/template prints it or
// is left to it.
func TestNilData(t *testing.T) {
	for _, src := range []string{`<p>{{ .Title }}</p>`, `{{ if .X }}x{{ end }}{{ range .L }}y{{ end }}`, `{{ .A.B }}`} {
		want, got, _, fast := runBoth(t, src, nil)
		if fast && got != want {
			t.Errorf("%s: got %q, want %q", src, got, want)
		}
	}
}

// TestCompileRefusesWhatItCannotSee: an unescaped set, functions of the
// set's own and a set html/template refused to escape are not compiled.
func TestCompileRefusesWhatItCannotSee(t *testing.T) {
	// A set not run yet is escaped by Compile, also where only a called
	// template prints.
	for _, src := range []string{`<p>{{ .X }}</p>`, `{{ define "x" }}<a href="{{ .X }}">{{ .X }}</a>{{ end }}{{ template "x" . }}`} {
		notRun := template.Must(template.New("t").Parse(src))
		prog, err := Compile(notRun, nil)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		data := map[string]string{"X": `javascript:<script>alert(1)</script>`}
		var got, want bytes.Buffer
		if err := prog.Execute(&got, struct{ X string }{data["X"]}); err != nil {
			t.Fatal(err)
		}
		if err := notRun.Execute(&want, struct{ X string }{data["X"]}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() || strings.Contains(got.String(), "<script>") {
			t.Errorf("%s: got %q, want %q", src, got.String(), want.String())
		}
	}
	funcs := template.FuncMap{"eq": func(a, b string) bool { return true }}
	own := template.Must(template.New("t").Funcs(funcs).Parse(`{{ if eq .X "y" }}yes{{ end }}`))
	_ = own.Execute(io.Discard, map[string]string{"X": "x"})
	if _, err := Compile(own, funcs); !errors.Is(err, ErrUnsupported) {
		t.Errorf("set with its own eq compiled: %v", err)
	}
	bad := template.Must(template.New("t").Parse(`<a href="{{ if .X }}x{{ end }}`))
	if err := bad.Execute(io.Discard, nil); err == nil {
		t.Fatal("html/template escaped an unfinished attribute")
	}
	if _, err := Compile(bad, nil); !errors.Is(err, ErrUnsupported) {
		t.Errorf("set html/template refused compiled: %v", err)
	}
}

// escaperTemplates put one value in each context the escapers here serve.
var escaperTemplates = []string{
	`<p>{{ . }}</p>`,
	`<p title="{{ . }}">`,
	`<p title='{{ . }}'>`,
	`<title>{{ . }}</title>`,
	`<a href="{{ . }}">`,
	`<a href="/x/{{ . }}">`,
	`<a href="/x?q={{ . }}">`,
	`<img srcset="/a.png 1x, {{ . }} 2x">`,
}

// checkEscapers compares the Program with html/template on one value.
func checkEscapers(t *testing.T, progs []*Program, tmpls []*template.Template, v any) {
	t.Helper()
	for i, tmpl := range tmpls {
		var a, b bytes.Buffer
		if err := tmpl.Execute(&a, v); err != nil {
			t.Fatalf("%s: %v", escaperTemplates[i], err)
		}
		if progs[i] == nil {
			continue
		}
		if err := progs[i].Execute(&b, v); err != nil {
			continue // left to html/template
		}
		if a.String() != b.String() {
			t.Fatalf("%s with %q:\n got  %q\n want %q", escaperTemplates[i], v, b.String(), a.String())
		}
	}
}

func escaperPrograms(t testing.TB) ([]*Program, []*template.Template) {
	var progs []*Program
	var tmpls []*template.Template
	for _, src := range escaperTemplates {
		tmpl := template.Must(template.New("t").Parse(src))
		_ = tmpl.Execute(io.Discard, "")
		prog, err := Compile(tmpl, nil)
		if err != nil && !errors.Is(err, ErrUnsupported) {
			t.Fatal(err)
		}
		progs, tmpls = append(progs, prog), append(tmpls, tmpl)
	}
	return progs, tmpls
}

// TestEscapersOnEveryByte: every byte, alone and in company, and random
// strings of the characters that matter, escape as html/template escapes them.
func TestEscapersOnEveryByte(t *testing.T) {
	progs, tmpls := escaperPrograms(t)
	for i, p := range progs {
		if p == nil && i < 7 {
			t.Fatalf("%s: not compiled", escaperTemplates[i])
		}
	}
	for c := 0; c < 256; c++ {
		s := string([]byte{byte(c)})
		checkEscapers(t, progs, tmpls, s)
		checkEscapers(t, progs, tmpls, "a"+s+"%4"+s+"%41é")
		checkEscapers(t, progs, tmpls, template.URL("x"+s))
		checkEscapers(t, progs, tmpls, template.HTML("<b>"+s+"&amp;</b>"))
	}
	alphabet := []string{"a", "Z", "0", " ", "&", "<", ">", "\"", "'", "+", "%", "%4", "%41", ":", "/", "?", "#", "=", "\x00", "é", "日本", "\xff", "\ufdd0", "\uffff", "javascript:", "HTTP:", "mailto:", "data:", "\n", "\t"}
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 3000; n++ {
		var b strings.Builder
		for k := r.IntN(8); k >= 0; k-- {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		checkEscapers(t, progs, tmpls, b.String())
	}
	checkEscapers(t, progs, tmpls, 42)
	checkEscapers(t, progs, tmpls, named("a&b"))
}

func FuzzEscapers(f *testing.F) {
	for _, s := range []string{"", "a&b", "<script>", "javascript:x", "%zz%41", "\x00\xff", "日本語 テスト", "+'\""} {
		f.Add(s)
	}
	progs, tmpls := escaperPrograms(f)
	f.Fuzz(func(t *testing.T, s string) {
		checkEscapers(t, progs, tmpls, s)
		checkEscapers(t, progs, tmpls, template.HTML(s))
		checkEscapers(t, progs, tmpls, template.URL(s))
	})
}

// TestConcurrentExecute: one Program on many goroutines, types changing
// under its remembered lookups.
func TestConcurrentExecute(t *testing.T) {
	src := `{{ range .Links }}<a href="{{ .URL }}">{{ .Title }}</a>{{ end }}{{ with .Photo }}{{ .Alt }}{{ end }}`
	tmpl := template.Must(template.New("t").Parse(src))
	var want bytes.Buffer
	data := testPage()
	if err := tmpl.Execute(&want, data); err != nil {
		t.Fatal(err)
	}
	other := struct {
		Links []struct{ URL, Title string }
		Photo struct{ Alt string }
	}{Links: []struct{ URL, Title string }{{"/u", "T"}}, Photo: struct{ Alt string }{"alt"}}
	var wantOther bytes.Buffer
	if err := tmpl.Execute(&wantOther, other); err != nil {
		t.Fatal(err)
	}
	prog, err := Compile(tmpl, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for g := 0; g < 8; g++ {
		go func() {
			var b bytes.Buffer
			for i := 0; i < 200; i++ {
				b.Reset()
				d, w := any(data), want.String()
				if (i+g)%2 == 0 {
					d, w = other, wantOther.String()
				}
				if err := prog.Execute(&b, d); err != nil || b.String() != w {
					done <- fmt.Errorf("got %q (%v), want %q", b.String(), err, w)
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
