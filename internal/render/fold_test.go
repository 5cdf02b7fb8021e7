package render

import (
	"bytes"
	"html/template"
	"os"
	"testing"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/site"
	"kakehashi/internal/theme"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // the folded template, as parse prints it
	}{
		{"text", `<p>{{ "Skip to content" }}</p>`, `<p>Skip to content</p>`},
		{"escaped", `<p>{{ "<b>&" }}</p>`, `<p>&lt;b&gt;&amp;</p>`},
		{"attribute", `<a title="{{ "say \"hi\"" }}">`, `<a title="say &#34;hi&#34;">`},
		{"unquoted attribute", `<a title={{ "a b" }}>`, `<a title=a&#32;b>`},
		{"url", `<link href="{{ "/theme/a b.css?x=<1>" }}">`, `<link href="/theme/a%20b.css?x=%3c1%3e">`},
		{"url filtered", `<a href="{{ "javascript:alert(1)" }}">`, `<a href="#ZgotmplZ">`},
		{"script", `<script>var s = {{ "</script>" }}, n = {{ 1.5 }};</script>`, `<script>var s = "\u003c/script\u003e", n =  1.5 ;</script>`},
		{"js attribute", `<button onclick="f({{ "it's" }})">`, `<button onclick="f(&#34;it&#39;s&#34;)">`},
		{"css", `<p style="color: {{ "red;x" }}">`, `<p style="color: ZgotmplZ">`},
		{"comment", `<p><!-- x -->{{ "y" }}</p>`, `<p>y</p>`},
		{"nested", `{{ if .X }}{{ "a" }}{{ else }}{{ "b" }}{{ end }}{{ range .L }}{{ "c" }}{{ end }}`, `{{if .X}}a{{else}}b{{end}}{{range .L}}c{{end}}`},
		{"field", `<p>{{ "a" }}{{ .X }}{{ "b" }}</p>`, `<p>a{{.X | _html_template_htmlescaper}}b</p>`},
		{"function", `<p>{{ printf "%d" 1 }}</p>`, `<p>{{printf "%d" 1 | _html_template_htmlescaper}}</p>`},
		{"variable", `{{ $x := "a" }}{{ $x }}`, `{{$x := "a"}}{{$x | _html_template_htmlescaper}}`},
		{"nil", `<p>{{ nil }}</p>`, `<p>{{nil | _html_template_htmlescaper}}</p>`},
	}
	data := map[string]any{"X": "<x>", "L": []int{1, 2}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			folded := template.Must(template.New("t").Parse(tt.src))
			plain := template.Must(template.New("t").Parse(tt.src))
			fold(folded)
			if got := folded.Tree.Root.String(); got != tt.want {
				t.Errorf("folded\n got  %s\n want %s", got, tt.want)
			}
			a, errA := run(folded, data)
			b, errB := run(plain, data)
			if a != b || (errA == nil) != (errB == nil) {
				t.Errorf("output %q (%v), without folding %q (%v)", a, errA, b, errB)
			}
		})
	}
}

// TestFoldCalledTemplates: the templates the entry calls are folded too,
// those html/template derives for another context print as before, and a
// template the entry does not reach is left unescaped.
func TestFoldCalledTemplates(t *testing.T) {
	src := `{{ define "p" }}{{ "<p>" }}{{ end }}{{ define "q" }}{{ "q" }}{{ end }}<div>{{ template "p" }}</div><a title="{{ template "p" }}">`
	folded := template.Must(template.New("t").Parse(src))
	plain := template.Must(template.New("t").Parse(src))
	fold(folded)
	if got, want := folded.Lookup("p").Tree.Root.String(), `&lt;p&gt;`; got != want {
		t.Errorf("p folded to %s, want %s", got, want)
	}
	if got, want := folded.Lookup("q").Tree.Root.String(), `{{"q"}}`; got != want {
		t.Errorf("q, not called, is %s, want %s", got, want)
	}
	a, _ := run(folded, nil)
	b, _ := run(plain, nil)
	if a != b {
		t.Errorf("output %q, without folding %q", a, b)
	}
}

// TestFoldLeavesAnEscapingErrorToExecute: a set html/template refuses to
// escape is not folded, and executing it reports the same error as before.
func TestFoldLeavesAnEscapingErrorToExecute(t *testing.T) {
	src := `<a href="{{ if .X }}x{{ end }}`
	folded := template.Must(template.New("t").Parse(src))
	plain := template.Must(template.New("t").Parse(src))
	fold(folded)
	_, errA := run(folded, nil)
	_, errB := run(plain, nil)
	if errA == nil || errB == nil || errA.Error() != errB.Error() {
		t.Errorf("error %v, without folding %v", errA, errB)
	}
}

func run(t *template.Template, data any) (string, error) {
	var b bytes.Buffer
	err := t.Execute(&b, data)
	return b.String(), err
}

// sample is the sample site with a renderer, whose themes are folded, and
// the same themes unfolded.
type sample struct {
	s     *site.Site
	langs []string
	r     *Renderer
	plain map[string]*templates
	views *viewBuilder
}

func loadSample(tb testing.TB, minify bool) *sample {
	tb.Helper()
	root := os.DirFS("../..")
	cfg, err := config.Load(root)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := site.Load(root, site.Options{Consent: consent.Options{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		tb.Fatal(err)
	}
	if len(s.Pages) < 20 {
		tb.Fatalf("only %d pages", len(s.Pages))
	}
	layouts := theme.New(root).Sub("layouts")
	var opts []Option
	read := asWritten(layouts)
	if minify {
		opts = append(opts, WithMinify())
		read = minified(read)
	}
	r, err := New(cfg, layouts, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	plain := map[string]*templates{}
	for _, lang := range cfg.Languages {
		if plain[lang], err = parseUnfolded(layouts, constants(read, r.strings[lang], cfg.BasePath())); err != nil {
			tb.Fatal(err)
		}
	}
	views := &viewBuilder{r: r, s: s, bodies: make([]body, len(s.Pages)), index: map[*site.Page]int{}}
	for i, p := range s.Pages {
		views.index[p] = i
	}
	return &sample{s: s, langs: cfg.Languages, r: r, plain: plain, views: views}
}

// TestFoldedThemeRendersAsUnfolded: every page and card of the sample site,
// in each language, minified and not, is byte for byte what the theme
// renders without folding.
func TestFoldedThemeRendersAsUnfolded(t *testing.T) {
	for _, minify := range []bool{false, true} {
		sm := loadSample(t, minify)
		same := func(what, lang string, exec func(ts *templates, b *bytes.Buffer) error) {
			t.Helper()
			var a, b bytes.Buffer
			if err := exec(sm.r.theme(lang), &a); err != nil {
				t.Fatal(err)
			}
			if err := exec(sm.plain[lang], &b); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("minify %v: %s differs when folded", minify, what)
			}
		}
		for _, p := range sm.s.Pages {
			v := sm.views.page(p)
			same(p.Path, p.Lang, func(ts *templates, b *bytes.Buffer) error { return ts.executePage(b, string(p.Kind), v) })
			for _, lang := range sm.langs {
				c := sm.views.newCard(p, lang)
				same("card of "+p.Path+" in "+lang, lang, func(ts *templates, b *bytes.Buffer) error { return ts.executeCard(b, c) })
			}
		}
	}
}

// BenchmarkExecutePages runs the minified theme on every page of the sample
// site: as a build does (folded, on tmplexec), folded on html/template, and
// as written on html/template.
func BenchmarkExecutePages(b *testing.B) {
	sm := loadSample(b, true)
	views := make([]*View, len(sm.s.Pages))
	for i, p := range sm.s.Pages {
		views[i] = sm.views.page(p)
	}
	// The folded sets without their programs: html/template's execution.
	folded := map[string]*templates{}
	for _, lang := range sm.langs {
		ts := *sm.r.theme(lang)
		ts.programs, ts.cardProgram = nil, nil
		folded[lang] = &ts
	}
	for _, run := range []struct {
		name  string
		theme func(lang string) *templates
	}{
		{"tmplexec", sm.r.theme},
		{"folded", func(lang string) *templates { return folded[lang] }},
		{"unfolded", func(lang string) *templates { return sm.plain[lang] }},
	} {
		b.Run(run.name, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				for i, p := range sm.s.Pages {
					buf.Reset()
					if err := run.theme(p.Lang).executePage(&buf, string(p.Kind), views[i]); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// TestThemeRunsOnPrograms: the default theme's sets compile for tmplexec
// and every page and card of the sample site runs on them (so a change to
// the theme or to tmplexec that sends pages back to html/template's
// reflective calls shows here, not only in a benchmark). What they print
// is checked against html/template in TestFoldedThemeRendersAsUnfolded.
func TestThemeRunsOnPrograms(t *testing.T) {
	sm := loadSample(t, true)
	leftToHTMLTemplate := map[string]bool{"index": true} // its script's values need the JavaScript escapers
	for _, lang := range sm.langs {
		ts := sm.r.theme(lang)
		for kind := range ts.pages {
			if (ts.programs[kind] == nil) != leftToHTMLTemplate[kind] {
				t.Errorf("%s: program %v, want one: %v", kind, ts.programs[kind] != nil, !leftToHTMLTemplate[kind])
			}
		}
		if ts.cardProgram == nil {
			t.Errorf("%s: the card template has no program", lang)
		}
	}
	for _, p := range sm.s.Pages {
		v := sm.views.page(p)
		var buf bytes.Buffer
		if prog := sm.r.theme(p.Lang).programs[string(p.Kind)]; prog != nil {
			if err := prog.Execute(&buf, v); err != nil {
				t.Errorf("%s: %v", p.Path, err)
			}
		}
		for _, lang := range sm.langs {
			if err := sm.r.theme(lang).cardProgram.Execute(&buf, sm.views.newCard(p, lang)); err != nil {
				t.Errorf("card of %s in %s: %v", p.Path, lang, err)
			}
		}
	}
}
