package leakscan

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGoldenPage scans a built page that hides names in every way the
// package knows of, and compares the findings with testdata/page.golden.
func TestGoldenPage(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("testdata", "page.html"))
	if err != nil {
		t.Fatal(err)
	}
	s := New(needles, WithHTML(), WithEscapes())
	var b strings.Builder
	for _, m := range s.Find(text) {
		fmt.Fprintf(&b, "%d:%d\t%s\t%s\t%q\n", m.Line, m.Col, m.Needle.Kind, m.Needle.Text, text[m.Offset:m.End])
	}
	golden := filepath.Join("testdata", "page.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("findings differ from %s (run with -update to accept)\n got:\n%s\nwant:\n%s", golden, got, want)
	}
}
