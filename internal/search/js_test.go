package search_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/js"

	"kakehashi/internal/search"
)

// script is the browser half of search, in the default theme.
const script = "../../static/theme/search.js"

// driver runs search.js's terms and find under Node on the cases in argv[2].
const driver = `
const s = require(process.argv[1]);
const c = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
const out = { terms: c.texts.map(s.terms), found: {} };
for (const [lang, ix] of Object.entries(c.indexes)) { const r = s.read(ix); out.found[lang] = c.queries.map(q => s.find(r, q)); }
process.stdout.write(JSON.stringify(out));
`

// TestScriptAgreesWithGo checks that search.js splits text into the same terms
// as search.Terms and ranks the same results as search.Search, on the sample
// site's indexes. It needs Node (skipped without it).
func TestScriptAgreesWithGo(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: search.js not checked")
	}
	texts := []string{
		"", "Network engineer's second start", "ネットワーク技術者", "ファリダ・ヌーリ、駅。",
		"Go言語とＬｉｎｕｘ", "ｶﾀｶﾅ", "々 人々", "a b c ok", "Café CAFÉ 2024年", "한국어 텍스트",
		"ﾃﾞｰﾀ分析　（ＩＴ）", "𠮷野家の牛丼", "naïve façade—Œuvre ǅemal",
		"①②③ ㈱ ㌔ ﬁne", "It’s 5 o’clock", "Ⅻ章 ⅻ",
	}
	queries := []string{
		"", "ネットワーク", "技術者", "技", "ネット", "network", "netw", "engineer tokyo", "nurs",
		"linux", "ＬＩＮＵＸ", "経理", "介護 ホテル", "care", "f.n.", "カフェ", "通訳", "the", "ｶﾌｪ", "2024",
	}
	indexes := map[string]json.RawMessage{}
	for lang, docs := range sampleDocs(t) {
		indexes[lang] = build(t, docs)
	}
	queries = append(queries, texts...)
	cases, err := json.Marshal(map[string]any{"texts": texts, "queries": queries, "indexes": indexes})
	if err != nil {
		t.Fatal(err)
	}
	casesFile := filepath.Join(t.TempDir(), "cases.json")
	if err := os.WriteFile(casesFile, cases, 0o644); err != nil {
		t.Fatal(err)
	}
	// Check the script as written and as the publish funnel minifies it.
	src, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	var min bytes.Buffer
	if err := js.Minify(minify.New(), &min, bytes.NewReader(src), nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("search.js: %d bytes, %d minified", len(src), min.Len())
	for name, code := range map[string][]byte{"search.js": src, "search.min.js": min.Bytes()} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(file, code, 0o644); err != nil {
				t.Fatal(err)
			}
			compare(t, node, file, casesFile, texts, queries, indexes)
		})
	}
}

func compare(t *testing.T, node, script, casesFile string, texts, queries []string, indexes map[string]json.RawMessage) {
	t.Helper()
	cmd := exec.Command(node, "-e", driver, script, casesFile)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got struct {
		Terms [][]string
		Found map[string][][][2]int
	}
	if err := json.Unmarshal(stdout, &got); err != nil {
		t.Fatalf("node output: %v\n%s", err, stdout)
	}
	for i, s := range texts {
		want := search.Terms(s)
		if len(want) == 0 {
			want = []string{}
		}
		if !reflect.DeepEqual(got.Terms[i], want) {
			t.Errorf("terms(%q): search.js %q, Go %q", s, got.Terms[i], want)
		}
	}
	nonEmpty := 0
	for lang, ix := range indexes {
		urls := map[string]int{}
		var docs struct{ Docs [][2]string }
		if err := json.Unmarshal(ix, &docs); err != nil {
			t.Fatal(err)
		}
		for i, d := range docs.Docs {
			urls[d[0]] = i
		}
		for i, q := range queries {
			res, err := search.Search(ix, q)
			if err != nil {
				t.Fatal(err)
			}
			want := [][2]int{}
			for _, r := range res {
				want = append(want, [2]int{urls[r.URL], r.Score})
			}
			if len(want) > 0 {
				nonEmpty++
			}
			if !reflect.DeepEqual(got.Found[lang][i], want) {
				t.Errorf("%s: find(%q): search.js %v, Go %v", lang, q, got.Found[lang][i], want)
			}
		}
	}
	if nonEmpty < 10 {
		t.Errorf("only %d queries found anything: the comparison proves little", nonEmpty)
	}
}
