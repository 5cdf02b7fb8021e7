package tmplexec

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// A generator of templates from the constructs a theme uses, in the HTML
// contexts the escapers here serve (and some they do not), to compare a
// Program with html/template on many more shapes than a table lists.
type generator struct {
	r     *rand.Rand
	depth int
}

var (
	genFields = []string{".Title", ".Empty", ".URL", ".Bad", ".Content", ".Trusted", ".Style", ".Minutes", ".Zero", ".Count", ".Flag",
		".Photo", ".NoPhoto", ".Photo.URL", ".Photo.Alt", ".Links", ".None", ".Names", ".Inner.Deep", ".InnerPtr", ".Kind", ".Any", ".AnyNil",
		".Promoted", ".ByValue", "$.Lang", "$.Title", ".", "$", ".Missing", ".Map"}
	genLists = []string{".Links", ".None", ".Names", ".Array", "$.Links"}
	genConds = []string{".Title", ".Empty", ".Flag", ".Photo", ".NoPhoto", ".Links", "(eq .Lang \"en\")", "(ne $.Title .Title)", "(not .Zero)",
		"(and .Title .Photo)", "(or .Empty .Minutes)", "(len .Names)", ".Here", ".URL"}
	genFuncs = []string{`(print .Lang "/x")`, `(printf "%s|%d" .Lang .Minutes)`, `(index .Names 1)`, `(or .Empty .Title)`, `(.T "k")`, `(.Asset "a b/c?d=<e>")`, `(.Pair .Lang "x")`}
)

func (g *generator) value() string {
	if g.r.IntN(4) == 0 {
		return genFuncs[g.r.IntN(len(genFuncs))]
	}
	return genFields[g.r.IntN(len(genFields))]
}

// inline is markup with actions in text and attribute contexts.
func (g *generator) inline() string {
	v := g.value()
	switch g.r.IntN(9) {
	case 0:
		return "<a href=\"{{ " + v + " }}\">{{ " + g.value() + " }}</a>"
	case 1:
		return "<p title=\"{{ " + v + " }}\">x</p>"
	case 2:
		return "<img src=\"/p/{{ " + v + " }}\" alt='{{ " + g.value() + " }}'>"
	case 3:
		return "<a href=\"/s?q={{ " + v + " }}&amp;r=1\">s</a>"
	case 4:
		return "<title>{{ " + v + " }}</title>"
	case 5:
		return "<script>var x = {{ " + v + " }};</script>" // left to html/template
	default:
		return "<b>{{ " + v + " }}</b> & text "
	}
}

func (g *generator) block() string {
	g.depth++
	defer func() { g.depth-- }()
	if g.depth > 3 {
		return g.inline()
	}
	var b strings.Builder
	for k := g.r.IntN(3); k >= 0; k-- {
		switch g.r.IntN(7) {
		case 0:
			b.WriteString("{{ if " + genConds[g.r.IntN(len(genConds))] + " }}" + g.block() + "{{ else }}" + g.inline() + "{{ end }}")
		case 1:
			b.WriteString("{{ with " + g.value() + " }}" + g.block() + "{{ end }}")
		case 2:
			b.WriteString("{{ range " + genLists[g.r.IntN(len(genLists))] + " }}" + g.block() + "{{ else }}none{{ end }}")
		case 3:
			b.WriteString("{{ range $i, $e := " + genLists[g.r.IntN(len(genLists))] + " }}{{ $i }}:{{ $e }}" + g.inline() + "{{ end }}")
		case 4:
			b.WriteString("{{ $v := " + g.value() + " }}" + g.inline() + "{{ $v }}")
		case 5:
			b.WriteString("{{ template \"part\" " + g.value() + " }}")
		default:
			b.WriteString(g.inline())
		}
	}
	return b.String()
}

// TestRandomTemplates: on thousands of generated templates, a Program
// prints what html/template prints, and never prints where it fails.
func TestRandomTemplates(t *testing.T) {
	data := testPage()
	fast := 0
	n := 3000
	if testing.Short() {
		n = 500
	}
	for i := range n {
		g := &generator{r: rand.New(rand.NewPCG(uint64(i), 11))}
		src := `{{ define "part" }}<i>{{ . }}</i>{{ end }}<div>` + g.block() + `</div>`
		want, got, wantErr, ok := runBoth(t, src, data)
		if !ok {
			continue
		}
		fast++
		if wantErr != nil {
			t.Fatalf("%s\nprinted %q where html/template fails: %v", src, got, wantErr)
		}
		if got != want {
			t.Fatalf("%s\n got  %q\n want %q", src, got, want)
		}
	}
	// The generator must keep exercising the Program, not only the fallback.
	if fast < n/10 {
		t.Errorf("only %d of %d templates ran on the Program", fast, n)
	}
	t.Logf("%d of %d templates ran on the Program", fast, n)
}
