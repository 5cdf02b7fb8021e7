package content

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// The rules as they were first written, as regular expressions.
var (
	slugReference   = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}_-]*$`)
	folderReference = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}._-]*$`)
	langReference   = regexp.MustCompile(`^(.+)\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)$`)
)

// TestNameRulesMatchTheirExpressions: ValidSlug, validFolder and
// langSuffix agree with the expressions on every ASCII byte in every
// place and on random names from the characters that matter.
func TestNameRulesMatchTheirExpressions(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := ValidSlug(s), slugReference.MatchString(s); got != want {
			t.Fatalf("ValidSlug(%q) = %v, want %v", s, got, want)
		}
		if got, want := validFolder(s), folderReference.MatchString(s); got != want {
			t.Fatalf("validFolder(%q) = %v, want %v", s, got, want)
		}
		name, lang, ok := langSuffix(s)
		m := langReference.FindStringSubmatch(s)
		if ok != (m != nil) || ok && (name != m[1] || lang != m[2]) {
			t.Fatalf("langSuffix(%q) = %q, %q, %v; the expression gives %q", s, name, lang, ok, m)
		}
	}
	for c := 0; c < 256; c++ {
		b := string([]byte{byte(c)})
		for _, s := range []string{b, "a" + b, b + "a", "ab" + b + "c", "x." + b + "b", "x.ab" + b, "x.en-" + b + "B", b + ".en"} {
			check(s)
		}
	}
	pieces := []string{"a", "z", "Q", "0", "9", "-", "_", ".", "en", "ja", "pt", "-BR", "-Hant", "é", "日本", "٣", "Ⅻ", "\ufffd", "\xff", "\n", " ", "/", "A-"}
	r := rand.New(rand.NewPCG(12, 13))
	for range 50000 {
		var b strings.Builder
		for k := r.IntN(7); k >= 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		check(b.String())
	}
}
