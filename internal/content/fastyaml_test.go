package content

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/adrg/frontmatter"
)

// fastYAMLCases are the accept (true) or fall back (false) decisions of the
// fast path; what it accepts must decode as yaml.v3 decodes it.
var fastYAMLCases = []struct {
	name   string
	text   string
	accept bool
}{
	// Accepted: the shapes of real front matter.
	{"one key", "title: A\n", true},
	{"no final line end", "title: A", true},
	{"typical talent", "title: \"Accountant 1\"\nname: \"Person 00001 Fullname\"\nalias: \"P.1\"\nrole: \"Accountant\"\nskills: [linux, design]\nemployer: employer-00781\ndate: 2023-02-24\ndraft: false\nconsent:\n  publish: true\n  languages: [ja, en]\n  expires: 2099-01-01\n  real_name: true\n  photo: false\n  given_on: 2023-05-01\n", true},
	{"Japanese", "title: \"難民人材ストーリー\"\nrole: 介護職員\nname: ジャン＝ポール・ムケンディ\n", true},
	{"emoji and NBSP", "a: 😀 x\nb: \u00a0x\u00a0\n", true},
	{"comments and blank lines", "# c\n\ntitle: A # c\n   # indented\n\nconsent: # c\n# at the margin\n  publish: false   # withdrawn\n", true},
	{"hash and colon inside text", "a: x#y\nb: x:y\nc: https://example.org/a?b=c#d\nd: a :b\n", true},
	{"punctuation in text", "a: a, b [c] {d} 'e' \"f\" - g\nb: (x)\nc: /x\nd: _x\ne: $x\n", true},
	{"single quotes", "a: 'it''s'\nb: ''\nc: '  x # y: z  '\nd: '\\n'\n", true},
	{"double quotes", "a: \"x \\\"y\\\" \\\\ \\n\\t\\0\\e\\ \\_\"\nb: \"\"\nc: \"\\u00e9\\x41\\U0001F600\\N\\L\\P\"\n", true},
	{"quoted words", "a: \"true\"\nb: '1'\nc: \"2024-01-02\"\nd: \"null\"\ne: \"~\"\n", true},
	{"booleans", "a: true\nb: True\nc: TRUE\nd: false\ne: False\nf: FALSE\n", true},
	{"integers", "a: 0\nb: 123\nc: -5\nd: -0\ne: 999999999999999999\n", true},
	{"dates", "a: 2024-01-02\nb: 0001-01-01\nc: [2024-02-29]\nd: 0000-12-31\ne: 9999-12-31\n", true},
	{"month 0", "a: 2024-00-10\n", false},
	{"month 13", "a: 2024-13-01\n", false},
	{"day 0", "a: 2024-01-00\n", false},
	{"not a leap year", "a: 2023-02-29\n", false},
	{"flow sequences", "a: [a, 'b c', \"d\", 1, true, 2024-01-02]\nb: []\nc: [ ]\nd: [ x , z ] # c\ne: [a - b, c d]\n", true},
	{"block sequences", "a:\n  - x\n  - 'y'\n  - 3 # c\nb:\n- x\n-   z\nc: d\n", true},
	{"four-space indentation", "a:\n    b:\n        c: d\n    e: f\ng: h\n", true},
	{"indented root", "  a: 1\n  b:\n   c: 2\n", true},
	{"trailing spaces", "a: b c  \nb: 'x'  \nc: [x]  \nd:  \n  e: f\n", true},
	{"keys", "real_name: a\ngiven-on: b\n_x: c\nA1: d\n", true},
	{"same key in two blocks", "a:\n  x: 1\nb:\n  x: 2\n", true},

	// Left to yaml.v3.
	{"empty", "", false},
	{"only comments", "# c\n\n", false},
	{"anchor and alias", "a: &x 1\nb: *x\n", false},
	{"tag", "a: !!str 1\n", false},
	{"literal block", "a: |\n  x\n", false},
	{"folded block", "a: >\n  x\n", false},
	{"plain over two lines", "a: b\n  c\n", false},
	{"plain over two lines after a comment", "a: b\n  # c\n  d\n", false},
	{"quoted over two lines", "a: \"b\n  c\"\n", false},
	{"escaped line end", "a: \"b\\\n  c\"\n", false},
	{"flow mapping", "a: {b: c}\n", false},
	{"complex key", "? a\n: b\n", false},
	{"duplicate key", "a: 1\na: 2\n", false},
	{"nested duplicate key", "a:\n  b: 1\n  b: 2\n", false},
	{"tab in value", "a:\tb\n", false},
	{"tab indentation", "\ta: b\n", false},
	{"tab inside quotes", "a: \"\tb\"\n", false},
	{"document start", "---\na: b\n", false},
	{"document end", "a: b\n...\n", false},
	{"directive", "%YAML 1.2\na: b\n", false},
	{"infinity", "a: .inf\n", false},
	{"float", "a: 1.5\n", false},
	{"exponent", "a: 1e3\n", false},
	{"hexadecimal", "a: 0x1F\n", false},
	{"octal", "a: 0o17\n", false},
	{"old octal", "a: 012\n", false},
	{"leading zero", "a: 09\n", false},
	{"underscores", "a: 1_000\n", false},
	{"plus sign", "a: +1\n", false},
	{"huge integer", "a: 99999999999999999999\n", false},
	{"tilde", "a: ~\n", false},
	{"null", "a: null\n", false},
	{"empty value", "a:\nb: c\n", false},
	{"empty value at the end", "a:\n", false},
	{"yes", "a: yes\n", false},
	{"No", "a: No\n", false},
	{"on", "a: on\n", false},
	{"OFF", "a: OFF\n", false},
	{"y", "a: y\n", false},
	{"n in a flow sequence", "a: [x, n]\n", false},
	{"Y in a block sequence", "a:\n  - Y\n", false},
	{"odd case true", "a: tRUE\n", false},
	{"short date", "a: 2024-1-2\n", false},
	{"impossible date", "a: 2024-02-30\n", false},
	{"timestamp", "a: 2024-01-02T10:00:00Z\n", false},
	{"date and time", "a: 2024-01-02 10:00\n", false},
	{"text starting with a digit", "a: 3rd place\n", false},
	{"quoted key", "\"a\": b\n", false},
	{"number key", "1: b\n", false},
	{"boolean key", "true: b\n", false},
	{"yes key", "yes: b\n", false},
	{"key with a space", "a b: c\n", false},
	{"key with a dot", "a.b: c\n", false},
	{"space before colon", "a : b\n", false},
	{"no space after colon", "a:b\n", false},
	{"long key", strings.Repeat("k", 65) + ": b\n", false},
	{"sequence of mappings", "a:\n  - b: c\n", false},
	{"nested sequence", "a:\n  - - b\n", false},
	{"flow sequence in block sequence", "a:\n  - [b]\n", false},
	{"empty item", "a:\n  -\n", false},
	{"empty item with spaces", "a:\n  - \n", false},
	{"nested flow sequence", "a: [[b]]\n", false},
	{"trailing comma", "a: [b,]\n", false},
	{"empty entry", "a: [b, , c]\n", false},
	{"leading comma", "a: [, b]\n", false},
	{"unclosed flow sequence", "a: [b\n", false},
	{"flow sequence over two lines", "a: [b,\n  c]\n", false},
	{"pair in flow sequence", "a: [b: c]\n", false},
	{"question mark in flow sequence", "a: [b?c]\n", false},
	{"hash in flow sequence", "a: [b#c]\n", false},
	{"text after flow sequence", "a: [b] c\n", false},
	{"comment without space", "a: [b]#c\n", false},
	{"mapping in a value", "a: b: c\n", false},
	{"colon at the end", "a: b:\n", false},
	{"unknown escape", "a: \"\\/\"\n", false},
	{"surrogate escape", "a: \"\\ud800\"\n", false},
	{"short escape", "a: \"\\u12\"\n", false},
	{"text after single quotes", "a: 'b' c\n", false},
	{"text after double quotes", "a: \"b\"c\n", false},
	{"key after quotes", "a: \"b\": c\n", false},
	{"bad indentation", "a:\n  b: 1\n c: 2\n", false},
	{"more indented sibling", "a: 1\n  b: 2\n", false},
	{"less indented than root", "  a: 1\nb: 2\n", false},
	{"sequence then mapping at its indentation", "a:\n  - b\n  c: d\n", false},
	{"root sequence", "- a\n- b\n", false},
	{"root scalar", "a\n", false},
	{"CR", "a: b\r\n", false},
	{"NUL", "a: b\x00\n", false},
	{"DEL", "a: b\x7f\n", false},
	{"line separator", "a: b\u2028c\n", false},
	{"NEL", "a: b\u0085c\n", false},
	{"BOM", "a: \ufeffb\n", false},
	{"invalid UTF-8", "a: \xff\n", false},
	{"at sign", "a: @b\n", false},
	{"backquote", "a: `b\n", false},
	{"percent", "a: %b\n", false},
	{"merge", "a: <<\n", false},
	{"dash", "a: -\n", false},
	{"dash text", "a: -b\n", false},
	{"item in a value", "a: - b\n", false},
	{"question mark", "a: ?b\n", false},
	{"dot", "a: .b\n", false},
	{"merge key", "<<: {a: b}\n", false},
	{"too many keys", keyLines(fastMaxKeys + 1), false},
	{"too deep", deepYAML(fastMaxDepth + 2), false},
}

func keyLines(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "k%d: v\n", i)
	}
	return b.String()
}

func deepYAML(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%sk:\n", strings.Repeat(" ", i))
	}
	fmt.Fprintf(&b, "%sk: v\n", strings.Repeat(" ", n))
	return b.String()
}

func TestFastYAMLDecisions(t *testing.T) {
	for _, tt := range fastYAMLCases {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := fastYAML([]byte(tt.text))
			if ok != tt.accept {
				t.Fatalf("fastYAML(%q) accepted = %v, want %v", tt.text, ok, tt.accept)
			}
			if ok {
				compareWithYAMLv3(t, []byte(tt.text), got)
			}
		})
	}
}

// compareWithYAMLv3 checks that yaml.v3 accepts data and decodes it to fast.
func compareWithYAMLv3(t *testing.T, data []byte, fast map[string]any) {
	t.Helper()
	var slow map[string]any
	if err := decodeYAMLNodes(data, &slow); err != nil {
		t.Fatalf("fast path accepted %q, which yaml.v3 refuses: %v", data, err)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("for %q\nfast path: %#v\nyaml.v3:   %#v", data, fast, slow)
	}
}

func TestFastYAMLValues(t *testing.T) {
	got, ok := fastYAML([]byte("title: \"Accountant 1\"\nskills: [linux, 'a b']\ndate: 2023-02-24\ncount: 7\nconsent:\n  publish: true\n  languages:\n    - ja\n  empty: []\n"))
	want := map[string]any{
		"title":  "Accountant 1",
		"skills": []any{"linux", "a b"},
		"date":   time.Date(2023, 2, 24, 0, 0, 0, 0, time.UTC),
		"count":  7,
		"consent": map[string]any{
			"publish":   true,
			"languages": []any{"ja"},
			"empty":     []any{},
		},
	}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v, %v\nwant %#v", got, ok, want)
	}
}

// sampleFronts returns the YAML front matter blocks of the sample site, as
// adrg/frontmatter hands them to the decoder.
func sampleFronts(tb testing.TB) map[string][]byte {
	fsys := os.DirFS("../..")
	paths, err := Walk(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	fronts := map[string][]byte{}
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			tb.Fatal(err)
		}
		var front []byte
		capture := frontmatter.NewFormat("---", "---", func(b []byte, v any) error {
			front = bytes.Clone(b)
			return nil
		})
		if _, err := frontmatter.Parse(bytes.NewReader(data), nil, capture); err != nil {
			tb.Fatal(err)
		}
		if front != nil {
			fronts[p] = front
		}
	}
	if len(fronts) == 0 {
		tb.Fatal("no front matter found in the sample site")
	}
	return fronts
}

// The sample site is what volunteers copy: all of it takes the fast path.
func TestFastYAMLTakesTheSampleSite(t *testing.T) {
	for p, front := range sampleFronts(t) {
		got, ok := fastYAML(front)
		if !ok {
			t.Errorf("%s: front matter left to yaml.v3", p)
			continue
		}
		compareWithYAMLv3(t, front, got)
	}
}

// FuzzFastYAML compares the fast path with yaml.v3: whatever the fast path
// accepts, yaml.v3 must accept and decode to the same value. Seeds: the
// sample site's front matter, the decision table, generated shapes and
// testdata/fuzz/FuzzFastYAML.
func FuzzFastYAML(f *testing.F) {
	for _, front := range sampleFronts(f) {
		f.Add(front)
	}
	for _, tt := range fastYAMLCases {
		f.Add([]byte(tt.text))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 100; i++ {
		g := shapeGen{rng: rng}
		g.mapping(0, 0)
		f.Add([]byte(g.b.String()))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := fastYAML(data)
		if !ok {
			return
		}
		compareWithYAMLv3(t, data, fast)
		// And through the decoder the splitter calls.
		var m map[string]any
		if err := decodeYAML(data, &m); err != nil || !reflect.DeepEqual(m, fast) {
			t.Fatalf("decodeYAML(%q) = %#v, %v; fast path gave %#v", data, m, err, fast)
		}
	})
}

// TestFastYAMLRandomShapes builds front matter from pieces that sit on the
// edges of the fast path (indentation, comments, quoting, scalars yaml.v3
// resolves to other types) and compares whatever the fast path accepts with
// yaml.v3. It reaches shapes that byte-level fuzzing rarely does.
func TestFastYAMLRandomShapes(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	rng := rand.New(rand.NewPCG(1, 2))
	accepted := 0
	for i := 0; i < n; i++ {
		g := shapeGen{rng: rng}
		g.mapping(rng.IntN(2)*rng.IntN(3), 0)
		data := []byte(g.b.String())
		if fast, ok := fastYAML(data); ok {
			accepted++
			compareWithYAMLv3(t, data, fast)
		}
	}
	t.Logf("%d of %d shapes took the fast path", accepted, n)
	if accepted < n/10 {
		t.Errorf("only %d of %d shapes took the fast path: the generator tests too little", accepted, n)
	}
}

var shapeKeys = []string{
	"title", "a", "b", "real_name", "given-on", "_x", "A1", "k", "languages",
	"y", "n", "on", "true", "null", "Yes", "a b", "a.b", `"q"`, "'q'", "<<", "? a", "1", "-a", "a:", "日本",
}

// shapeScalars are values the fast path takes; shapeEdges are values it
// takes or leaves to yaml.v3, on the edges of what it takes.
var shapeScalars = []string{
	"x", "hello world", "a:b", "a#b", "http://x/y?z#w", "a - b", "a, b", "x'y", `x"y`, "a :b", "b:#c",
	"2024-01-02", "2024-02-29", "0001-01-01", "0000-01-01", "9999-12-31", "0", "-0", "-5", "999999999999999999",
	"-999999999999999999", "true", "True", "TRUE", "false", "FALSE",
	"日本語", "\u3000x", "\u00a0", "x\u00a0", "😀", "\ufffd", "$x", "(x)", "=x", "^x", `\x`, ";x", "_x", "/x",
	"'s'", "'it''s'", "''", "'a #b'", "'a: b'", "' x '", `"d"`, `""`, `"a\"b\\c"`, `"\n\t\0\e\ \_\N\L\P\a\b\v\f\r\'"`,
	`"\u00e9\x41\U0001F600\xff\u0000"`, `"a" # c`, "'a' # c", `"# x: y"`, "'[x]'",
}

var shapeEdges = []string{
	"a: b", "a #b", "b:", "3rd", "2024-1-2", "2024-02-30", "2023-02-29", "2024-13-01", "2024-00-01",
	"2024-01-02 10:00:00", "2024-01-02T10:00:00Z", "007", "09", "1.5", "1e3", ".5", "-.5", "0x1F", "0o17",
	"0b11", "1_000", "+1", "9999999999999999999", "-9223372036854775808",
	"~", "null", "Null", "NULL", "tRUE", "yes", "No", "on", "OFF", "y", "N",
	"<<", "-", "-x", "?x", ":x", "!x", "!!str x", "&x", "*x", "|", ">", "@x", "`x", "%x", "[x]", "{x}", "{a: b}", "x]",
	".x", "x  ", "'a'b", "'x", `"\/"`, `"\ud800"`, `"\U00110000"`, `"\u12"`, `"\q"`, `"x`, `"a"b`, "x\ty", "x\u2028y",
}

type shapeGen struct {
	rng *rand.Rand
	b   strings.Builder
}

func (g *shapeGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// key is usually a good key.
func (g *shapeGen) key(used map[string]bool) string {
	for {
		k := shapeKeys[g.rng.IntN(9)]
		if g.rng.IntN(30) == 0 {
			k = g.pick(shapeKeys)
		}
		if !used[k] || g.rng.IntN(20) == 0 {
			used[k] = true
			return k
		}
	}
}

func (g *shapeGen) scalar() string {
	if g.rng.IntN(25) == 0 {
		return g.pick(shapeEdges)
	}
	return g.pick(shapeScalars)
}

func (g *shapeGen) flow() string {
	var items []string
	for i := g.rng.IntN(4); i > 0; i-- {
		items = append(items, g.scalar())
	}
	seps := []string{", ", ",", " , ", ",  "}
	s := "[" + strings.Join(items, seps[g.rng.IntN(len(seps))]) + "]"
	switch g.rng.IntN(30) {
	case 0, 1, 2:
		s = "[ " + strings.Join(items, ", ") + " ]"
	case 3:
		s = "[" + strings.Join(items, ", ") + ",]"
	case 4:
		s = "[[" + strings.Join(items, ", ") + "]]"
	}
	return s
}

// lineEnd is a line end, sometimes after a comment, trailing spaces or a
// blank or comment line.
func (g *shapeGen) lineEnd(indent int) {
	switch g.rng.IntN(20) {
	case 0, 1:
		g.b.WriteString(" # c")
	case 2, 3:
		g.b.WriteString("  ")
	case 4:
		g.b.WriteString("#c")
	}
	g.b.WriteByte('\n')
	switch g.rng.IntN(12) {
	case 0:
		g.b.WriteString("\n")
	case 1:
		g.b.WriteString(strings.Repeat(" ", g.rng.IntN(indent+3)) + "# comment: x\n")
	case 2:
		g.b.WriteString(strings.Repeat(" ", g.rng.IntN(indent+3)) + "\n")
	case 3:
		if g.rng.IntN(8) == 0 {
			// A continuation, or something misplaced.
			g.b.WriteString(strings.Repeat(" ", indent+g.rng.IntN(3)) + g.scalar() + "\n")
		}
	}
}

func (g *shapeGen) indentStep() int {
	return []int{1, 2, 2, 2, 2, 4, 4, 3}[g.rng.IntN(8)]
}

func (g *shapeGen) mapping(indent, depth int) {
	used := map[string]bool{}
	for i := 1 + g.rng.IntN(5); i > 0; i-- {
		g.b.WriteString(strings.Repeat(" ", indent))
		g.b.WriteString(g.key(used))
		switch g.rng.IntN(100) {
		case 0:
			g.b.WriteString(" :")
		case 1:
			g.b.WriteString(":\t")
		default:
			g.b.WriteString(":")
		}
		kind := g.rng.IntN(10)
		if depth >= 3 && kind >= 6 {
			kind = 0
		}
		switch {
		case kind < 4:
			g.b.WriteString(strings.Repeat(" ", 1+g.rng.IntN(2)/max(1, g.rng.IntN(4))))
			g.b.WriteString(g.scalar())
			g.lineEnd(indent)
		case kind < 6:
			g.b.WriteString(" " + g.flow())
			g.lineEnd(indent)
		case kind < 8:
			g.lineEnd(indent)
			g.mapping(indent+g.indentStep(), depth+1)
		default:
			g.lineEnd(indent)
			in := indent
			if g.rng.IntN(3) > 0 {
				in += g.indentStep()
			}
			for j := 1 + g.rng.IntN(3); j > 0; j-- {
				g.b.WriteString(strings.Repeat(" ", in) + "-")
				if g.rng.IntN(40) > 0 {
					g.b.WriteString(" " + g.scalar())
				}
				g.lineEnd(in)
			}
		}
	}
}
