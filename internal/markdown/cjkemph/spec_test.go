package cjkemph_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/testutil"

	"kakehashi/internal/markdown/cjkemph"
)

// goldmarkDir returns goldmark's module directory, whose _test/spec.json and
// extension/_test/*.txt hold the CommonMark and GFM examples.
func goldmarkDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/yuin/goldmark").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("goldmark module directory not found (go list: %v)", err)
	}
	return dir
}

// TestCommonMarkSpec renders every CommonMark 0.31.2 example (goldmark's
// _test/spec.json) with and without the extension. No example contains a
// CJK character or variation selector, so the outputs must be identical,
// and every example plain goldmark passes must still pass - in particular
// all of "Emphasis and strong emphasis".
func TestCommonMarkSpec(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(goldmarkDir(t), "_test", "spec.json"))
	if err != nil {
		t.Skip(err)
	}
	var examples []struct {
		Markdown string `json:"markdown"`
		HTML     string `json:"html"`
		Example  int    `json:"example"`
		Section  string `json:"section"`
	}
	if err := json.Unmarshal(data, &examples); err != nil {
		t.Fatal(err)
	}
	opts := []goldmark.Option{goldmark.WithRendererOptions(html.WithXHTML(), html.WithUnsafe())}
	plain := goldmark.New(opts...)
	ours := goldmark.New(append(opts, goldmark.WithExtensions(cjkemph.Extension))...)
	emphasis := 0
	for _, ex := range examples {
		want := render(t, plain, ex.Markdown)
		got := render(t, ours, ex.Markdown)
		if got != want {
			t.Errorf("example %d (%s): %q\n got: %q\nwant: %q", ex.Example, ex.Section, ex.Markdown, got, want)
		}
		if ex.Section == "Emphasis and strong emphasis" {
			emphasis++
			if strings.TrimSpace(got) != strings.TrimSpace(ex.HTML) {
				t.Errorf("emphasis example %d: %q\n got: %q\nspec: %q", ex.Example, ex.Markdown, got, ex.HTML)
			}
		}
	}
	if emphasis < 100 {
		t.Errorf("only %d emphasis examples found in spec.json", emphasis)
	}
}

// TestGFMStrikethroughFile runs goldmark's own strikethrough cases against
// our strikethrough parser.
func TestGFMStrikethroughFile(t *testing.T) {
	file := filepath.Join(goldmarkDir(t), "extension", "_test", "strikethrough.txt")
	md := goldmark.New(
		goldmark.WithRendererOptions(html.WithUnsafe()),
		goldmark.WithExtensions(cjkemph.Strikethrough),
	)
	testutil.DoTestCaseFile(md, file, t)
}

// TestGoldmarkExtensionFiles renders the inputs of goldmark's extension
// test files with the site configuration, with and without our extensions,
// and requires identical output: tables, task lists, linkify, footnotes,
// typographer and definition lists must not notice us.
func TestGoldmarkExtensionFiles(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(goldmarkDir(t), "extension", "_test", "*.txt"))
	if len(files) == 0 {
		t.Skip("no goldmark extension test files")
	}
	extra := []goldmark.Extender{extension.Typographer, extension.DefinitionList}
	plain := site(extra...)
	ours := site(append(extra, cjkemph.Extension, cjkemph.Strikethrough)...)
	for _, file := range files {
		inputs := caseInputs(t, file)
		if len(inputs) == 0 {
			t.Errorf("%s: no cases parsed", file)
		}
		for i, in := range inputs {
			if got, want := render(t, ours, in), render(t, plain, in); got != want {
				t.Errorf("%s case #%d: %q\n got: %q\nwant: %q", filepath.Base(file), i+1, in, got, want)
			}
		}
	}
}

// caseInputs returns the Markdown inputs of a file in goldmark's test case
// format (see testutil.DoTestCaseFile).
func caseInputs(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	const sep = "//- - - - - - - - -//"
	var inputs []string
	for _, c := range strings.Split(string(data), "//= = = = = = = = = = = = = = = = = = = = = = = =//") {
		parts := strings.Split(c, sep+"\n")
		if len(parts) < 3 {
			continue
		}
		inputs = append(inputs, strings.TrimSuffix(parts[1], "\n"))
	}
	return inputs
}
