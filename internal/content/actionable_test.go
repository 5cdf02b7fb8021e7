package content_test

import (
	"regexp"
	"strings"
	"testing"

	"kakehashi/internal/content"
)

// remedy matches the part of a message that tells a volunteer what to do.
var remedy = regexp.MustCompile(`(?i)\b(check|write|remove|use|add|rename|put|give|save|split|copy|refer|indent|close|resize|flatten|quote|keep|move|shorten)\b`)

// TestErrorsSayWhatToDo: every error a broken file can cause names the file,
// the line, and what to do about it.
func TestErrorsSayWhatToDo(t *testing.T) {
	inputs := map[string]string{
		"broken YAML list":   "---\ntitle: A\nskills: [a, b\n---\n",
		"tab indentation":    "---\ntitle: A\nconsent:\n\tpublish: true\n---\n",
		"unclosed quote":     "---\ntitle: \"A\nconsent:\n  publish: true\n---\n",
		"broken TOML":        "+++\ntitle = \"A\"\n[consent\n+++\n",
		"never closed":       "---\ntitle: A\n",
		"no front matter":    "Just text.\n",
		"bad UTF-8":          "---\ntitle: A\n---\n\xff\n",
		"bad date":           "---\ntitle: A\ndate: 15.06.2023\n---\n",
		"skills as text":     "---\ntitle: A\nskills: go, linux\n---\n",
		"title as list":      "---\ntitle: [a]\n---\n",
		"bad slug":           "---\ntitle: A\nslug: a/b\n---\n",
		"photo outside":      "---\ntitle: A\nphoto: ../../x.jpg\n---\n",
		"photo not an image": "---\ntitle: A\nphoto: notes.txt\n---\n",
		"bad employer ref":   "---\ntitle: A\nemployer: \"x y\"\n---\n",
		"duplicate key":      "---\ntitle: A\ntitle: B\n---\n",
	}
	for name, text := range inputs {
		_, err := content.Parse("content/talents/x.en.md", []byte(text), cfg)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		msg := err.Error()
		if !regexp.MustCompile(`^content/talents/x\.en\.md:\d+: `).MatchString(msg) {
			t.Errorf("%s: error does not start with file:line: %q", name, msg)
		}
		if parts := strings.SplitN(msg, ": ", 2); len(parts) < 2 || !remedy.MatchString(parts[1]) {
			t.Errorf("%s: error does not say what to do: %q", name, msg)
		}
	}
}
