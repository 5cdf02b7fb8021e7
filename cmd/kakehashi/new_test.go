package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kakehashi/internal/build"
	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
)

// runNewArgs runs 'kakehashi new ARGS' with buffers.
func runNewArgs(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), append([]string{"new"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// newSite creates a site with 'kakehashi new site' and returns its folder.
func newSite(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, stderr := runNewArgs(t, "site", dir); code != 0 {
		t.Fatalf("new site: exit %d: %s", code, stderr)
	}
	return dir
}

// decide parses a content file of dir and applies the consent rule to it.
func decide(t *testing.T, dir, rel string) (*content.Source, consent.Decision) {
	t.Helper()
	cfg, err := config.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	src, err := content.Parse(rel, data, cfg)
	if err != nil {
		t.Fatalf("generated file does not parse: %v\n%s", err, data)
	}
	return src, consent.Decide(src.Front, src.Lang, consent.Options{Now: time.Now()})
}

// setPublish rewrites the consent.publish line of a content file.
func setPublish(t *testing.T, name string, to string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`(?m)^  publish: \S+`)
	if len(line.FindAllIndex(data, -1)) != 1 {
		t.Fatalf("%s: want one publish line in the consent block", name)
	}
	edited := line.ReplaceAllLiteralString(string(data), "  publish: "+to)
	if err := os.WriteFile(name, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fields are the front matter fields of CONTENT.md by kind; consent fields
// are those every new file must carry (expires is optional and commented out).
var fields = map[string]struct{ top, consent []string }{
	"talent": {
		top:     []string{"title", "name", "alias", "role", "skills", "photo", "employer", "date", "draft"},
		consent: []string{"publish", "languages", "real_name", "photo", "given_by", "given_on"},
	},
	"employer": {
		top:     []string{"title", "company", "industry", "talents", "date"},
		consent: []string{"publish", "approved_by", "languages"},
	},
}

func TestNewStoryIsSkippedUntilPublishIsTrue(t *testing.T) {
	dir := newSite(t)
	for _, kind := range []string{"talent", "employer"} {
		t.Run(kind, func(t *testing.T) {
			// Flags may come after the slug, as people type them.
			code, stdout, stderr := runNewArgs(t, kind, "amina-k", "-s", dir)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, lang := range []string{"ja", "en"} {
				rel := "content/" + kind + "s/amina-k." + lang + ".md"
				if !strings.Contains(stdout, filepath.FromSlash(rel)) {
					t.Errorf("stdout does not name %s:\n%s", rel, stdout)
				}
				src, d := decide(t, dir, rel)
				if d.Publish || !strings.Contains(d.Reason, "publish is false") {
					t.Errorf("%s: new file decided %+v, want skipped as not consented", rel, d)
				}
				for _, f := range fields[kind].top {
					if _, ok := src.Front[f]; !ok {
						t.Errorf("%s: no %s field", rel, f)
					}
				}
				block, _ := src.Front["consent"].(map[string]any)
				for _, f := range fields[kind].consent {
					if _, ok := block[f]; !ok {
						t.Errorf("%s: no consent.%s field", rel, f)
					}
				}
				// Every consent line, expires included, explains itself in a comment.
				front := string(src.Raw[:len(src.Raw)-len(src.Body)])
				_, consentLines, _ := strings.Cut(front, "\nconsent:\n")
				for _, line := range strings.Split(strings.TrimSuffix(consentLines, "---\n"), "\n") {
					if line != "" && !strings.Contains(line, "# ") {
						t.Errorf("%s: consent line without a comment: %q", rel, line)
					}
				}
				if !strings.Contains(consentLines, "# expires: ") {
					t.Errorf("%s: no commented expires line", rel)
				}

				setPublish(t, filepath.Join(dir, filepath.FromSlash(rel)), "true")
				if _, d := decide(t, dir, rel); !d.Publish || d.RealName || d.Photo {
					t.Errorf("%s: with publish: true decided %+v, want published without real name or photo", rel, d)
				}
				setPublish(t, filepath.Join(dir, filepath.FromSlash(rel)), `"true"`)
				if _, d := decide(t, dir, rel); d.Publish {
					t.Errorf(`%s: with publish: "true" decided %+v, want skipped`, rel, d)
				}
			}
		})
	}
}

func TestNewSiteBuilds(t *testing.T) {
	dir := newSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	res, err := build.Run(build.Options{Source: dir, Destination: dest, Now: time.Now()})
	if err != nil {
		t.Fatalf("build of a new site: %v", err)
	}
	if len(res.Site.Skipped) != 2 {
		t.Errorf("skipped %v, want the example talent in both languages", res.Site.Skipped)
	}
	for _, p := range []string{"index.html", "ja/index.html", "en/index.html", "ja/talents/index.html", "en/talents/index.html"} {
		if _, err := os.Stat(filepath.Join(dest, p)); err != nil {
			t.Errorf("new site: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(dest, "ja/talents/example")); !os.IsNotExist(err) {
		t.Errorf("the unconsented example was published (stat: %v)", err)
	}

	// Once consent is recorded, the example is a valid story: it is published.
	for _, lang := range []string{"ja", "en"} {
		setPublish(t, filepath.Join(dir, "content", "talents", "example."+lang+".md"), "true")
	}
	if _, err := build.Run(build.Options{Source: dir, Destination: dest, Now: time.Now()}); err != nil {
		t.Fatalf("build with the example consented: %v", err)
	}
	for _, lang := range []string{"ja", "en"} {
		if _, err := os.Stat(filepath.Join(dest, lang, "talents", "example", "index.html")); err != nil {
			t.Errorf("consented example: %v", err)
		}
	}
}

func TestNewRefusesToOverwrite(t *testing.T) {
	dir := newSite(t)
	siteYAML := filepath.Join(dir, "site.yaml")
	before, err := os.ReadFile(siteYAML)
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runNewArgs(t, "site", dir)
	if code != 1 || !strings.Contains(stderr, siteYAML) {
		t.Errorf("new site over a site: exit %d, stderr %q; want 1 naming %s", code, stderr, siteYAML)
	}
	if after, _ := os.ReadFile(siteYAML); !bytes.Equal(before, after) {
		t.Errorf("site.yaml changed")
	}

	// The example talent's slug is taken.
	code, _, stderr = runNewArgs(t, "talent", "-s", dir, "example")
	if code != 1 || !strings.Contains(stderr, "content/talents/example.") {
		t.Errorf("new talent example: exit %d, stderr %q", code, stderr)
	}

	// One translation exists already (written by hand, no language suffix):
	// nothing is written, not even the missing translation.
	hand := filepath.Join(dir, "content", "employers", "acme.md")
	if err := os.MkdirAll(filepath.Dir(hand), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hand, []byte("---\ntitle: x\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runNewArgs(t, "employer", "acme", "-s", dir)
	if code != 1 || !strings.Contains(stderr, "content/employers/acme.md") {
		t.Errorf("new employer acme: exit %d, stderr %q", code, stderr)
	}
	for _, lang := range []string{"ja", "en"} {
		if _, err := os.Stat(filepath.Join(dir, "content", "employers", "acme."+lang+".md")); !os.IsNotExist(err) {
			t.Errorf("acme.%s.md was written beside an existing story", lang)
		}
	}

	// A file in the way of a later write: the earlier ones are removed again.
	if err := os.WriteFile(filepath.Join(dir, "content", "talents", "zed.en.md~"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	files := []newFile{{"content/talents/a.ja.md", "x"}, {"content/talents/zed.en.md~", "y"}}
	if err := writeNew(dir, files); err == nil || !strings.Contains(err.Error(), "zed.en.md~") {
		t.Errorf("writeNew over a file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "content", "talents", "a.ja.md")); !os.IsNotExist(err) {
		t.Errorf("a.ja.md left behind after a failed write")
	}
}

func TestNewArguments(t *testing.T) {
	dir := newSite(t)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{}, 2, "say what to create"},
		{[]string{"story", "x"}, 2, `unknown kind "story"`},
		{[]string{"talent"}, 2, "give one slug"},
		{[]string{"talent", "a", "b"}, 2, "give one slug"},
		{[]string{"site"}, 2, "give the folder"},
		{[]string{"site", "x", "-s", dir}, 2, "-s is not used"},
		{[]string{"talent", "x", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"talent", "x", "-s", filepath.Join(dir, "nowhere")}, 1, "site.yaml: not found"},
	} {
		code, _, stderr := runNewArgs(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("new %q: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
	for _, slug := range []string{"a b", "../x", "-x", "a.b", "_index", "x/y", "a\x00b", "amina-k.en"} {
		code, _, stderr := runNewArgs(t, "talent", "-s", dir, "--", slug)
		if code == 0 || !strings.Contains(stderr, "slug") {
			t.Errorf("new talent %q: exit %d, stderr %q", slug, code, stderr)
		}
	}
	for _, slug := range []string{"amina-k", "アミナ", "a_b2", "X"} {
		if code, _, stderr := runNewArgs(t, "talent", slug, "-s", dir); code != 0 {
			t.Errorf("new talent %q: exit %d, stderr %q", slug, code, stderr)
		}
	}
	if code, stdout, _ := runNewArgs(t, "--help"); code != 0 || !strings.Contains(stdout, "new site DIR") {
		t.Errorf("new --help: exit %d, stdout %q", code, stdout)
	}
}
