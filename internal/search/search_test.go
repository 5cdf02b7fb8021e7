package search_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"kakehashi/internal/search"
)

func TestTerms(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Network engineer's second start", []string{"network", "engineer", "second", "start"}},
		{"ネットワーク技術者", []string{"ネッ", "ット", "トワ", "ワー", "ーク", "ク技", "技術", "術者"}},
		// Punctuation and the katakana middle dot end a run; a run of one is kept whole.
		{"ファリダ・ヌーリ、駅。", []string{"ファ", "ァリ", "リダ", "ヌー", "ーリ", "駅"}},
		// Script changes end a run; NFKC folds full-width Latin and half-width kana.
		{"Go言語とＬｉｎｕｘ", []string{"go", "言語", "語と", "linux"}},
		{"ｶﾀｶﾅ", []string{"カタ", "タカ", "カナ"}},
		{"々 人々", []string{"々", "人々"}},
		// One-letter words are dropped; long words are cut.
		{"a b c ok", []string{"ok"}},
		{strings.Repeat("x", 40), []string{strings.Repeat("x", search.MaxWordRunes)}},
		{"Café CAFÉ 2024年", []string{"café", "café", "2024", "年"}},
		{"한국어 텍스트", []string{"한국", "국어", "텍스", "스트"}},
	} {
		if got := search.Terms(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Terms(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

var docs = []search.Doc{
	{URL: "/ja/talents/f/", Title: "カブールから来たエンジニア", Text: "F.Nさんは、カブールの通信会社で8年間ネットワーク技術者として働いていました。Linuxサーバーの監視も担当。"},
	{URL: "/ja/employers/k/", Title: "雲羽精機：経理と物流に", Text: "医療機器や計測器向けの精密部品をつくる会社です。ネットワークの話は出てきません。"},
	{URL: "/ja/talents/t/", Title: "ネットワーク技術者の再出発", Text: "ミャンマーで会計士として働いていました。"},
	{URL: "/en/x/", Title: "Nursing in Tokyo", Text: "A caregiver and nurse. Network engineers welcome."},
}

func build(t *testing.T, docs []search.Doc) []byte {
	t.Helper()
	data, err := search.Build(docs)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func urls(t *testing.T, index []byte, q string) []string {
	t.Helper()
	res, err := search.Search(index, q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range res {
		out = append(out, r.URL)
	}
	return out
}

func TestJapaneseWordInsideASentence(t *testing.T) {
	ix := build(t, docs)
	for _, tc := range []struct {
		q    string
		want []string
	}{
		// 技術者 appears in doc 0 only in the middle of a sentence, with no spaces around it.
		{"技術者", []string{"/ja/talents/t/", "/ja/talents/f/"}},
		{"通信会社", []string{"/ja/talents/f/"}},
		{"精密部品", []string{"/ja/employers/k/"}},
		{"監視", []string{"/ja/talents/f/"}},
		// A lone character finds the words that hold it.
		{"監", []string{"/ja/talents/f/"}},
		// All terms must match: 技者 is not a word of any text.
		{"技者", nil},
		{"会計士 カブール", nil},
		{"linux", []string{"/ja/talents/f/"}},
		{"ＬＩＮＵＸ", []string{"/ja/talents/f/"}},
		// Words match the words they begin.
		{"nurs", []string{"/en/x/"}},
		{"nurse", []string{"/en/x/"}},
		{"engineer", []string{"/en/x/"}},
		{"", nil},
		{"。、", nil},
	} {
		if got := urls(t, ix, tc.q); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Search(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
}

func TestTitlesRankAboveBodyText(t *testing.T) {
	ix := build(t, []search.Doc{
		{URL: "/body-many/", Title: "A story", Text: "network network network network, networking and networks"},
		{URL: "/body/", Title: "Another story", Text: "a network"},
		{URL: "/title/", Title: "The network", Text: "nothing else"},
		{URL: "/title-prefix/", Title: "Networking", Text: "nothing else"},
		{URL: "/ja-body/", Title: "経理の仕事", Text: "ネットワークの話"},
		{URL: "/ja-title/", Title: "ネットワーク技術者", Text: "仕事の話"},
	})
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"network", []string{"/title/", "/title-prefix/", "/body-many/", "/body/"}},
		{"ネットワーク", []string{"/ja-title/", "/ja-body/"}},
		{"話", []string{"/ja-body/", "/ja-title/"}},
		{"仕事", []string{"/ja-body/", "/ja-title/"}},
	} {
		if got := urls(t, ix, tc.q); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Search(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
}

func TestDeterministicAndInOrder(t *testing.T) {
	first := build(t, docs)
	for i := 0; i < 20; i++ {
		if got := build(t, docs); !bytes.Equal(got, first) {
			t.Fatalf("build %d differs:\n%s\n%s", i, first, got)
		}
	}
	var ix struct {
		Docs  [][2]string      `json:"docs"`
		Title map[string][]int `json:"title"`
		Body  map[string][]int `json:"body"`
	}
	if err := json.Unmarshal(first, &ix); err != nil {
		t.Fatal(err)
	}
	for i, d := range docs {
		if ix.Docs[i] != [2]string{d.URL, d.Title} {
			t.Errorf("docs[%d] = %q, want %q", i, ix.Docs[i], [2]string{d.URL, d.Title})
		}
	}
	for _, m := range []map[string][]int{ix.Title, ix.Body} {
		for k, p := range m {
			for i := 1; i < len(p); i++ {
				if p[i-1] >= p[i] {
					t.Errorf("posting of %q not ascending: %v", k, p)
				}
			}
		}
	}
	// Body postings leave out documents whose title holds the term.
	if got := ix.Body["ネッ"]; !reflect.DeepEqual(got, []int{0, 1}) {
		t.Errorf(`body["ネッ"] = %v, want [0 1]`, got)
	}
	// Keys are written sorted: encoding/json does it for maps; check the bytes.
	keys := keyOrder(t, first, `"title":{`)
	for i := 1; i < len(keys); i++ {
		if keys[i-1] >= keys[i] {
			t.Fatalf("title keys not sorted: %q before %q", keys[i-1], keys[i])
		}
	}
}

// keyOrder returns the keys of the object that starts after marker, in the order written.
func keyOrder(t *testing.T, data []byte, marker string) []string {
	t.Helper()
	i := bytes.Index(data, []byte(marker))
	if i < 0 {
		t.Fatalf("no %s in index", marker)
	}
	dec := json.NewDecoder(bytes.NewReader(data[i+len(marker)-1:]))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestStoresNoBodyText(t *testing.T) {
	ix := build(t, docs)
	for _, phrase := range []string{"通信会社", "監視も担当", "caregiver and nurse", "Network engineers"} {
		if bytes.Contains(ix, []byte(phrase)) {
			t.Errorf("index holds the body text %q", phrase)
		}
	}
}

func TestRejectsBadDocs(t *testing.T) {
	for _, bad := range [][]search.Doc{
		{{URL: "", Title: "x"}},
		{{URL: "/a/"}, {URL: "/a/"}},
	} {
		if _, err := search.Build(bad); err == nil {
			t.Errorf("Build(%v): no error", bad)
		}
	}
	if data := build(t, nil); string(data) != `{"v":2,"docs":[],"title":{},"body":{}}` {
		t.Errorf("empty index = %s", data)
	}
	if _, err := search.Search([]byte(`{"v":1}`), "x"); err == nil {
		t.Error("Search accepted an index of another version")
	}
}

// TestPostingsAreDifferences checks the version 2 postings: each position
// written as its difference from the one before, read back as positions.
func TestPostingsAreDifferences(t *testing.T) {
	docs := []search.Doc{
		{URL: "/a/", Text: "kabul"},
		{URL: "/b/", Text: "kabul"},
		{URL: "/c/", Text: "tokyo"},
		{URL: "/d/", Text: "tokyo kabul"},
		{URL: "/e/", Text: "nagoya"},
		{URL: "/f/", Text: "kabul"},
	}
	data := build(t, docs)
	for _, want := range []string{`"kabul":[0,1,2,2]`, `"tokyo":[2,1]`, `"nagoya":[4]`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("index lacks %s:\n%s", want, data)
		}
	}
	if got, want := urls(t, data, "kabul"), []string{"/a/", "/b/", "/d/", "/f/"}; !reflect.DeepEqual(got, want) {
		t.Errorf("kabul: %v, want %v", got, want)
	}
	if got, want := urls(t, data, "tokyo kabul"), []string{"/d/"}; !reflect.DeepEqual(got, want) {
		t.Errorf("tokyo kabul: %v, want %v", got, want)
	}
}

// TestRejectsBrokenPostings: differences that do not ascend, or add up past
// the numbers of an index, are a broken index, not results.
func TestRejectsBrokenPostings(t *testing.T) {
	for _, posting := range []string{`[1,0]`, `[-1]`, `[0,-1]`, `[2147483647,1]`} {
		data := `{"v":2,"docs":[["/a/","a"],["/b/","b"]],"title":{},"body":{"x":` + posting + `}}`
		if _, err := search.Search([]byte(data), "x"); err == nil {
			t.Errorf("Search accepted the posting %s", posting)
		}
		if _, err := search.ReadIndex([]byte(data)); err == nil {
			t.Errorf("ReadIndex accepted the posting %s", posting)
		}
	}
}

// TestSizeLinearInDocuments: ten times the documents make ten times the
// index, not more. Version 1 wrote positions, whose numbers grow longer with
// the documents: a term held by most of them cost a byte more each time
// their number grew tenfold.
func TestSizeLinearInDocuments(t *testing.T) {
	size := func(n int) int {
		docs := make([]search.Doc, n)
		for i := range docs {
			text := "ネットワーク技術者 network engineer"
			if i%7 == 0 {
				text = "経理 accountant"
			}
			docs[i] = search.Doc{URL: fmt.Sprintf("/ja/talents/p%06d/", i), Title: "物語", Text: text}
		}
		return len(build(t, docs))
	}
	small, large := size(1000), size(10000)
	if ratio := float64(large) / float64(small); ratio > 10.05 {
		t.Errorf("1,000 documents: %d bytes; 10,000: %d bytes (%.2f×)", small, large, ratio)
	}
}
