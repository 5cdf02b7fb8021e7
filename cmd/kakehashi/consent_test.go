package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileSite is the hostile corpus of the audit package.
const hostileSite = "../../internal/audit/testdata/hostile"

func init() {
	// Another test file of this package may define -update as well.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata/golden")
	}
}

func updatingGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// runArgs runs the command line with buffers.
func runArgs(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestConsentGolden(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"consent.txt", []string{"consent", "-s", hostileSite, "--now", "2026-11-25"}},
		{"consent.json", []string{"consent", "--source", hostileSite, "--now", "2026-11-25", "--json"}},
		{"consent-drafts.txt", []string{"consent", "-s", hostileSite, "--now", "2026-11-25", "--drafts"}},
		{"consent-expiring.txt", []string{"consent", "-s", hostileSite, "--now", "2026-11-25", "--expiring", "30"}},
		{"consent-expiring.json", []string{"consent", "-s", hostileSite, "--now", "2026-11-25", "--expiring", "30", "--json"}},
	}
	for _, tc := range tests {
		t.Run(tc.golden, func(t *testing.T) {
			code, stdout, stderr := runArgs(tc.args...)
			wantCode := 0
			if strings.HasPrefix(tc.golden, "consent-expiring") {
				wantCode = 1
			}
			if code != wantCode || stderr != "" {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, wantCode, stderr)
			}
			checkCLIGolden(t, filepath.Join("testdata", "golden", tc.golden), stdout)
		})
	}
}

func TestConsentExpiring(t *testing.T) {
	// ok-published ends on 2026-12-20 (25 days after 2026-11-25), ok-real-name on 2027-01-31 (67 days).
	tests := []struct {
		days  string
		code  int
		files []string
	}{
		{"0", 0, nil},
		{"24", 0, nil},
		{"25", 1, []string{"content/talents/ok-published.en.md", "content/talents/ok-published.ja.md"}},
		{"66", 1, []string{"content/talents/ok-published.en.md", "content/talents/ok-published.ja.md"}},
		{"67", 1, []string{"content/talents/ok-published.en.md", "content/talents/ok-published.ja.md", "content/talents/ok-real-name.en.md"}},
	}
	for _, tc := range tests {
		t.Run(tc.days, func(t *testing.T) {
			code, stdout, stderr := runArgs("consent", "-s", hostileSite, "--now", "2026-11-25", "--expiring", tc.days, "--json")
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, stderr)
			}
			var got []struct{ File string }
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("%v in\n%s", err, stdout)
			}
			var files []string
			for _, e := range got {
				files = append(files, e.File)
			}
			if fmt.Sprint(files) != fmt.Sprint(tc.files) {
				t.Errorf("expiring within %s days: %v, want %v", tc.days, files, tc.files)
			}
			// The text form says the same.
			code, text, _ := runArgs("consent", "-s", hostileSite, "--now", "2026-11-25", "--expiring", tc.days)
			if code != tc.code {
				t.Errorf("text form: exit %d, want %d", code, tc.code)
			}
			if len(tc.files) == 0 && !strings.Contains(text, "no published item's consent ends within "+tc.days+" days") {
				t.Errorf("text form:\n%s", text)
			}
			for _, f := range tc.files {
				if !strings.Contains(text, f) {
					t.Errorf("text form does not name %s:\n%s", f, text)
				}
			}
		})
	}
}

func TestConsentErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"bad date", []string{"consent", "-s", hostileSite, "--now", "25/11/2026"}, 2, `--now "25/11/2026": write the date as YYYY-MM-DD`},
		{"negative days", []string{"consent", "-s", hostileSite, "--expiring", "-1"}, 2, "--expiring -1"},
		{"days not a number", []string{"consent", "-s", hostileSite, "--expiring", "soon"}, 2, "invalid value"},
		{"extra argument", []string{"consent", "-s", hostileSite, "content"}, 2, `unexpected argument "content"`},
		{"no site", []string{"consent", "-s", "testdata/no-such-site"}, 1, "site.yaml: not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.stderr)
			}
			if tc.code == 1 && stdout != "" {
				t.Errorf("stdout on error: %q", stdout)
			}
		})
	}
}

func TestConsentHelp(t *testing.T) {
	code, stdout, _ := runArgs("help", "consent")
	if code != 0 || !strings.Contains(stdout, "Usage: kakehashi consent") || !strings.Contains(stdout, "-expiring DAYS") {
		t.Errorf("help consent: exit %d\n%s", code, stdout)
	}
}

func checkCLIGolden(t *testing.T, golden, got string) {
	t.Helper()
	if updatingGolden() {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		w, g := strings.Split(string(want), "\n"), strings.Split(got, "\n")
		var diff strings.Builder
		for i := 0; i < max(len(w), len(g)); i++ {
			var wl, gl string
			if i < len(w) {
				wl = w[i]
			}
			if i < len(g) {
				gl = g[i]
			}
			if wl != gl {
				fmt.Fprintf(&diff, "line %d:\n- %s\n+ %s\n", i+1, wl, gl)
			}
		}
		t.Errorf("output differs from %s (go test -update to accept):\n%s", golden, diff.String())
	}
}
