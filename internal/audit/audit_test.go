package audit_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kakehashi/internal/audit"
	"kakehashi/internal/consent"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestExpiring(t *testing.T) {
	list := []audit.Entry{
		{File: "a", Status: audit.Published, Expires: day("2026-11-26")}, // 1 day left
		{File: "b", Status: audit.Published, Expires: day("2026-12-25")}, // 30 days left
		{File: "c", Status: audit.Published, Expires: day("2026-12-26")}, // 31 days left
		{File: "d", Status: audit.Published},                             // no end
		{File: "e", Status: audit.Skipped, Reason: "draft"},              // skipped: never expiring
		{File: "f", Status: audit.Skipped, Expires: day("2026-11-30")},   // skipped, even with a date
		{File: "g", Status: audit.Published, Expires: day("2030-01-01")}, // far away
		{File: "h", Status: audit.Published, Expires: day("2026-11-25")}, // ends today (cannot be published; counted as 0 days)
	}
	tests := []struct {
		days int
		want string
	}{
		{0, "h"},
		{1, "a h"},
		{29, "a h"},
		{30, "a b h"},
		{31, "a b c h"},
		{10000, "a b c g h"},
	}
	// A time of day in now must not shift the count.
	now := time.Date(2026, 11, 25, 23, 59, 0, 0, time.UTC)
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.days), func(t *testing.T) {
			var got []string
			for _, e := range audit.Expiring(list, now, tc.days) {
				got = append(got, e.File)
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("Expiring(%d days) = %q, want %q", tc.days, g, tc.want)
			}
		})
	}
}

func TestDaysLeft(t *testing.T) {
	now := day("2026-11-25")
	tests := []struct {
		expires string
		want    int
	}{
		{"", -1},
		{"2026-11-25", 0},
		{"2026-11-26", 1},
		{"2027-11-25", 365},
		{"2028-11-25", 731}, // 2028 is a leap year
	}
	for _, tc := range tests {
		e := audit.Entry{Status: audit.Published}
		if tc.expires != "" {
			e.Expires = day(tc.expires)
		}
		if got := audit.DaysLeft(e, now); got != tc.want {
			t.Errorf("DaysLeft(expires %q) = %d, want %d", tc.expires, got, tc.want)
		}
	}
}

func TestExpiringHostile(t *testing.T) {
	list := loadHostile(t, consent.Options{Now: now})
	var got []string
	for _, e := range audit.Expiring(list, now, 25) {
		got = append(got, e.File)
	}
	want := "content/talents/ok-published.en.md content/talents/ok-published.ja.md"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("Expiring(25 days) = %q, want %q", g, want)
	}
	if e := audit.Expiring(list, now, 24); len(e) != 0 {
		t.Errorf("Expiring(24 days) = %v, want none", e)
	}
}

func TestDisplayWidth(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"あおば食堂", 10},
		{"content/employers/あおば食堂.ja.md", 18 + 10 + 6},
		{"ＡＢ", 4},           // full-width Latin
		{"ｱｲ", 2},           // half-width katakana
		{"e\u0301", 1},      // combining acute accent
		{"a\u200bb", 2},     // zero-width space
		{"\u0440ublish", 7}, // Cyrillic er
		{"tab\there", 8},    // a control character is shown as a space
	}
	for _, tc := range tests {
		if got := audit.DisplayWidth(tc.s); got != tc.want {
			t.Errorf("DisplayWidth(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}

// TestTableAlignment checks that every column starts at the same display
// column on every row, whatever the script of the cells before it.
func TestTableAlignment(t *testing.T) {
	list := []audit.Entry{
		{File: "content/employers/あおば食堂.ja.md", Lang: "ja", Status: audit.Published, Expires: day("2027-01-01")},
		{File: "content/talents/a.en.md", Lang: "en", Status: audit.Skipped, Reason: "consent has an unknown field \"рublish\": check its spelling"},
		{File: "content/talents/ｗｉｄｅ.ja.md", Lang: "ja", Status: audit.Published, RealName: true, Photo: true, Draft: true},
		{File: "content/talents/b.en.md", Lang: "en", Status: audit.Skipped, Reason: "line\nbreak\tand \x1b[31mescape"},
	}
	var buf bytes.Buffer
	if err := audit.WriteTable(&buf, list); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(list)+1 {
		t.Fatalf("%d lines for %d entries plus a header:\n%s", len(lines), len(list), buf.String())
	}
	header := lines[0]
	for _, col := range []string{"LANG", "STATUS", "REAL NAME", "PHOTO", "EXPIRES", "DRAFT", "REASON"} {
		want := audit.DisplayWidth(header[:strings.Index(header, col)])
		for i, line := range lines[1:] {
			if col == "REASON" && list[i].Reason == "" {
				continue // the last cell is empty and trimmed
			}
			// The cell of col starts after a run of at least two spaces at display column want.
			if got := columnStart(line, want); !got {
				t.Errorf("column %s does not start at display column %d in\n%s\n%s", col, want, header, line)
			}
		}
	}
	for _, line := range lines {
		if strings.HasSuffix(line, " ") || strings.ContainsAny(line, "\t\x1b") {
			t.Errorf("line has trailing space or a control character: %q", line)
		}
	}
}

// columnStart reports whether a cell starts at display column col of line:
// the two characters before it are spaces and the one at it is not.
func columnStart(line string, col int) bool {
	w := 0
	var prev []rune
	for _, r := range line {
		if w == col {
			return r != ' ' && len(prev) >= 2 && prev[len(prev)-1] == ' ' && prev[len(prev)-2] == ' '
		}
		w += audit.DisplayWidth(string(r))
		prev = append(prev, r)
	}
	return false
}

func TestJSONShape(t *testing.T) {
	list := []audit.Entry{{File: "content/talents/a.en.md", Section: "talents", Slug: "a", Lang: "en", Status: audit.Published, Expires: day("2027-06-30"), RealName: true}}
	var buf bytes.Buffer
	if err := audit.WriteJSON(&buf, list); err != nil {
		t.Fatal(err)
	}
	want := `[
  {
    "file": "content/talents/a.en.md",
    "section": "talents",
    "slug": "a",
    "lang": "en",
    "status": "published",
    "reason": "",
    "real_name_shown": true,
    "photo_shown": false,
    "expires": "2027-06-30",
    "draft": false
  }
]
`
	if buf.String() != want {
		t.Errorf("JSON:\n%s\nwant:\n%s", buf.String(), want)
	}
	buf.Reset()
	if err := audit.WriteJSON(&buf, nil); err != nil || buf.String() != "[]\n" {
		t.Errorf("empty list: %q, %v; want [] and a newline", buf.String(), err)
	}
}

// TestGolden compares the JSON and the table of the hostile corpus with
// testdata/golden (go test -update rewrites them; read the diff before
// committing).
func TestGolden(t *testing.T) {
	list := loadHostile(t, consent.Options{Now: now})
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"hostile.json", func(b *bytes.Buffer) error { return audit.WriteJSON(b, list) }},
		{"hostile.txt", func(b *bytes.Buffer) error { return audit.WriteTable(b, list) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.write(&buf); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", "golden", tc.name), buf.Bytes())
		})
	}
	// The JSON must decode back into the same list.
	var buf bytes.Buffer
	if err := audit.WriteJSON(&buf, list); err != nil {
		t.Fatal(err)
	}
	var decoded []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &decoded); err != nil {
		t.Fatal(err)
	}
	if len(decoded) != len(list) {
		t.Fatalf("%d JSON objects for %d entries", len(decoded), len(list))
	}
	for i, e := range list {
		if decoded[i]["file"] != e.File || decoded[i]["status"] != string(e.Status) || decoded[i]["reason"] != e.Reason {
			t.Errorf("object %d = %v, want %+v", i, decoded[i], e)
		}
	}
}

func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update to accept):\n%s", golden, lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the first lines that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n- %s\n+ %s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}
