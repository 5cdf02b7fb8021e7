package a11y

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestStylesheet checks what the browser tests cannot see when Chromium is
// missing: the theme loads no fonts or other files from elsewhere, has dark
// and print styles, and never hides sideways overflow on the whole page.
func TestStylesheet(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "static", "theme", "kakehashi.css"))
	if err != nil {
		t.Fatal(err)
	}
	css := string(data)
	for _, want := range []string{"@media (prefers-color-scheme: dark)", "@media print", ":focus-visible", ".skip-link:focus"} {
		if !strings.Contains(css, want) {
			t.Errorf("kakehashi.css has no %s", want)
		}
	}
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`@font-face`),
		regexp.MustCompile(`@import`),
		regexp.MustCompile(`url\(\s*["']?(https?:)?//`),
		regexp.MustCompile(`(?s)(^|[}\s,])(html|body)\s*\{[^}]*overflow(-x)?\s*:\s*(hidden|clip)`),
	} {
		if m := bad.FindString(css); m != "" {
			t.Errorf("kakehashi.css: %q: the theme uses system fonts and local files only, and lets nothing be cut off", strings.TrimSpace(m))
		}
	}
}
