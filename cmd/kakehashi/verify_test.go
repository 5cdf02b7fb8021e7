package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// buildHostile builds the hostile corpus with the build command into a
// temporary folder and returns the output folder.
func buildHostile(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := runArgs("build", "-s", hostileSite, "-d", out, "--now", "2026-11-25", "-q"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	return out
}

func TestVerifyCleanOutput(t *testing.T) {
	out := buildHostile(t)
	code, stdout, stderr := runArgs("verify", "-s", hostileSite, "-d", out, "--now", "2026-11-25")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d\nstderr:\n%s", code, stderr)
	}
	ok := regexp.MustCompile(`^verify: OK: \d+ files in .+ scanned for \d+ fingerprints \(7 content files published, 36 skipped, consent as of 2026-11-25\)\n$`)
	if !ok.MatchString(stdout) {
		t.Errorf("stdout = %q, want one line matching %s", stdout, ok)
	}
}

func TestVerifyTamperedOutput(t *testing.T) {
	jpeg, err := os.ReadFile(filepath.Join(hostileSite, "content", "talents", "ok-published.jpg")) // carries EXIF with GPS
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		file   string // output file to write or append to
		data   string
		append bool
		// The first line: the first finding, naming the file and the string (a regular expression).
		want string
	}{
		{"title of a skipped item in a page", "en/index.html", "<p>The lantern keeper of Quorvath</p>", true,
			`verify: FAILED: en/index.html:\d+: title "The lantern keeper of Quorvath" of talents/publish-text-true: content/talents/publish-text-true.en.md is skipped: consent.publish must be true or false, not the text "true"`},
		{"JPEG with EXIF GPS", "en/talents/ok-real-name/me.jpg", string(jpeg), false,
			`verify: FAILED: en/talents/ok-real-name/me.jpg: image metadata "EXIF.*": published images must carry no EXIF, GPS or other metadata`},
		{"stale page of a skipped item", "en/talents/mariam-h/index.html", "<h1>old</h1>", false,
			"verify: FAILED: en/talents/mariam-h/index.html: file not written by the build"},
		{"stale page of a skipped item of this site", "en/talents/pubilsh/index.html", "<h1>old</h1>", false,
			`verify: FAILED: en/talents/pubilsh/index.html: page of a skipped item "en/talents/pubilsh/" of talents/pubilsh: content/talents/pubilsh.en.md is skipped: consent has an unknown field "pubilsh"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := buildHostile(t)
			p := filepath.Join(out, filepath.FromSlash(tc.file))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			data := []byte(tc.data)
			if tc.append {
				old, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				data = append(old, data...)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runArgs("verify", "-s", hostileSite, "-d", out, "--now", "2026-11-25")
			if code != 1 {
				t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			first, _, _ := strings.Cut(stderr, "\n")
			if !regexp.MustCompile("^" + tc.want).MatchString(first) {
				t.Errorf("first line:\n%s\nwant it to match\n%s", first, tc.want)
			}
			if stdout != "" {
				t.Errorf("stdout on failure: %q", stdout)
			}
		})
	}
}

// TestVerifyAllFindings tampers three ways at once: without -v only the
// first finding is printed with a count, with -v every one.
func TestVerifyAllFindings(t *testing.T) {
	out := buildHostile(t)
	jpeg, err := os.ReadFile(filepath.Join(hostileSite, "content", "talents", "ok-published.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(out, "ja", "index.html")
	old, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		page:                          append(old, "<p>The lantern keeper of Caskwell</p>"...),
		filepath.Join(out, "gps.jpg"): jpeg,
		filepath.Join(out, "en", "talents", "consnet", "index.html"): []byte("<h1>The lantern keeper of Jorrowind</h1>"),
	} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := runArgs("verify", "-s", hostileSite, "-d", out, "--now", "2026-11-25")
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 1 || len(lines) != 2 || !strings.HasPrefix(lines[0], "verify: FAILED: en/talents/consnet/index.html: ") ||
		!strings.Contains(lines[1], "in 3 files") || !strings.Contains(lines[1], "run with -v") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	code, _, stderr = runArgs("verify", "-s", hostileSite, "-d", out, "--now", "2026-11-25", "-v")
	for _, want := range []string{
		`(?m)^verify: FAILED: en/talents/consnet/index.html: page of a skipped item "en/talents/consnet/"`,
		`(?m)^verify: en/talents/consnet/index.html:1: title "The lantern keeper of Jorrowind"`,
		`(?m)^verify: gps.jpg: image metadata "EXIF`,
		`(?m)^verify: gps.jpg: image of no published item "gps.jpg"`,
		`(?m)^verify: ja/index.html:\d+: title "The lantern keeper of Caskwell"`,
	} {
		if !regexp.MustCompile(want).MatchString(stderr) {
			t.Errorf("-v does not list %q:\n%s", want, stderr)
		}
	}
	if code != 1 || !strings.HasSuffix(stderr, "verify: 5 findings in 3 files of "+out+"\n") {
		t.Errorf("-v: exit %d, stderr:\n%s", code, stderr)
	}
}

func TestVerifyErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no output", []string{"verify", "-s", hostileSite, "-d", filepath.Join(t.TempDir(), "none")}, 1, "cannot verify: output folder"},
		{"default output is <source>/public", []string{"verify", "-s", "testdata/no-such-site"}, 1, filepath.Join("testdata", "no-such-site", "public") + " not found"},
		{"bad date", []string{"verify", "--now", "tomorrow"}, 2, `--now "tomorrow"`},
		{"extra argument", []string{"verify", "public"}, 2, `unexpected argument "public"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runArgs(tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.stderr)
			}
		})
	}
}
