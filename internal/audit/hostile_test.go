package audit_test

import (
	"bytes"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"kakehashi/internal/audit"
	"kakehashi/internal/build"
	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
)

// hostile is the hostile corpus: consent written every wrong way a volunteer
// might, and a few correct files around it.
const hostile = "testdata/hostile"

var now = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// hostileCases is the expected decision for every content file of the
// corpus. A file missing from this table fails TestHostileDecisions, so a
// new hostile file cannot go untested.
var hostileCases = []struct {
	file    string // under content/
	publish bool
	reason  string // substring of the skip reason
}{
	{"talents/publish-text-true.en.md", false, `consent.publish must be true or false, not the text "true"`},
	{"talents/publish-text-upper.en.md", false, `not the text "TRUE"`},
	{"talents/publish-yes.en.md", false, `consent.publish must be true or false, not the text "yes"`},
	{"talents/publish-on.en.md", false, `consent.publish must be true or false, not the text "on"`},
	{"talents/publish-one.en.md", false, "consent.publish must be true or false, not a number"},
	{"talents/publish-null.en.md", false, "consent.publish is empty"},
	{"talents/publish-blank.en.md", false, "consent.publish is empty"},
	{"talents/publish-list.en.md", false, "consent.publish must be true or false, not a list"},
	{"talents/publish-false.en.md", false, "consent.publish is false"},
	{"talents/consnet.en.md", false, "no consent block"},
	{"talents/consent-capital.en.md", false, "no consent block"},
	{"talents/pubilsh.en.md", false, `unknown field "pubilsh"`},
	{"talents/homoglyph.en.md", false, "unknown field \"\u0440ublish\""},
	{"talents/column-zero.en.md", false, "consent block is empty"},
	{"talents/top-level.en.md", false, "publish is at the top level"},
	{"talents/nested-elsewhere.en.md", false, "no consent block"},
	{"talents/consent-list.en.md", false, "consent must be a block of keys (publish: true, ...), not a list"},
	{"talents/consent-text.en.md", false, `consent must be a block of keys (publish: true, ...), not the text "yes"`},
	{"talents/empty-block.en.md", false, "consent.publish is missing"},
	{"talents/unknown-key.en.md", false, `unknown field "expire"`},
	{"talents/expires-dmy.en.md", false, `consent.expires must be a date like 2027-06-30, not the text "30/06/2027"`},
	{"talents/expires-month.en.md", false, `not the text "June 2027"`},
	{"talents/expires-slashes.en.md", false, `not the text "2027/06/30"`},
	{"talents/expires-impossible.en.md", false, `not the text "2027-06-31"`},
	{"talents/expired-today.en.md", false, "consent expired on 2026-11-25"},
	{"talents/languages-text.en.md", false, `consent.languages must be a list such as [ja, en], not the text "ja, en"`},
	{"talents/languages-other.ja.md", false, "consent not given for language ja"},
	{"talents/real-name-text.en.md", false, `consent.real_name must be true or false, not the text "true"`},
	{"talents/photo-text.en.md", false, `consent.photo must be true or false, not the text "yes"`},
	{"talents/draft-text.en.md", false, `draft must be true or false, not the text "false"`},
	{"talents/draft-true.en.md", false, "draft"},
	{"talents/toml-wrong-table.en.md", false, "no consent block"},
	{"talents/toml-publish-text.en.md", false, `consent.publish must be true or false, not the text "true"`},
	{"talents/toml-top-level.en.md", false, "publish is at the top level"},
	{"talents/toml-expires-text.en.md", false, `not the text "30/06/2027"`},
	// The correct files around them.
	{"talents/ok-published.en.md", true, ""},
	{"talents/ok-published.ja.md", true, ""},
	{"talents/ok-real-name.en.md", true, ""},
	{"talents/ok-ja-only.ja.md", true, ""},
	{"talents/ok-ja-only.en.md", false, "consent not given for language en"},
	{"employers/ok-employer.en.md", true, ""},
	{"employers/ok-employer.ja.md", true, ""},
	{"employers/あおば食堂.ja.md", true, ""},
}

func loadHostile(t *testing.T, opts consent.Options) []audit.Entry {
	t.Helper()
	list, err := audit.Load(os.DirFS(hostile), opts)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestHostileDecisions(t *testing.T) {
	list := loadHostile(t, consent.Options{Now: now})
	byFile := map[string]audit.Entry{}
	for _, e := range list {
		byFile[e.File] = e
	}
	tested := map[string]bool{}
	for _, tc := range hostileCases {
		file := "content/" + tc.file
		tested[file] = true
		t.Run(tc.file, func(t *testing.T) {
			e, ok := byFile[file]
			switch {
			case !ok:
				t.Fatalf("%s is not in the audit", file)
			case e.Published() != tc.publish:
				t.Fatalf("published = %v, want %v (reason %q)", e.Published(), tc.publish, e.Reason)
			case !strings.Contains(e.Reason, tc.reason):
				t.Fatalf("reason %q does not contain %q", e.Reason, tc.reason)
			case e.Published() && e.Reason != "":
				t.Fatalf("published with a reason %q", e.Reason)
			case !e.Published() && (e.RealName || e.Photo || !e.Expires.IsZero()):
				t.Fatalf("skipped entry shows real name %v, photo %v, expires %v", e.RealName, e.Photo, e.Expires)
			}
		})
	}
	for _, e := range list {
		if !tested[e.File] {
			t.Errorf("%s (%s: %s) has no case in hostileCases", e.File, e.Status, e.Reason)
		}
	}
	if !sort.SliceIsSorted(list, func(i, j int) bool { return list[i].File < list[j].File }) {
		t.Error("the list is not sorted by file")
	}
}

// TestHostileDetails checks the shown/expires columns of the correct files.
func TestHostileDetails(t *testing.T) {
	list := loadHostile(t, consent.Options{Now: now})
	date := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	want := map[string]audit.Entry{
		"content/talents/ok-published.en.md": {Section: "talents", Slug: "ok-published", Lang: "en", Photo: true, Expires: date("2026-12-20")},
		"content/talents/ok-published.ja.md": {Section: "talents", Slug: "ok-published", Lang: "ja", Photo: true, Expires: date("2026-12-20")},
		// The photo is set but not consented; the real name is consented.
		"content/talents/ok-real-name.en.md": {Section: "talents", Slug: "ok-real-name", Lang: "en", RealName: true, Expires: date("2027-01-31")},
		// real_name: false, and no expiry.
		"content/talents/ok-ja-only.ja.md": {Section: "talents", Slug: "ok-ja-only", Lang: "ja"},
		"content/employers/あおば食堂.ja.md":    {Section: "employers", Slug: "あおば食堂", Lang: "ja"},
		// A valid draft flag is reported even though the file is skipped.
		"content/talents/draft-true.en.md": {Section: "talents", Slug: "draft-true", Lang: "en", Status: audit.Skipped, Reason: "draft", Draft: true},
	}
	for _, e := range list {
		w, ok := want[e.File]
		if !ok {
			continue
		}
		w.File = e.File
		if w.Status == "" {
			w.Status = audit.Published
		}
		if e != w {
			t.Errorf("%s:\n got %+v\nwant %+v", e.File, e, w)
		}
	}
}

func TestHostileDrafts(t *testing.T) {
	list := loadHostile(t, consent.Options{Now: now, Drafts: true})
	for _, e := range list {
		switch e.File {
		case "content/talents/draft-true.en.md":
			if !e.Published() || !e.Draft {
				t.Errorf("with drafts, %s: %s %q draft=%v; want published draft", e.File, e.Status, e.Reason, e.Draft)
			}
		case "content/talents/draft-text.en.md":
			if e.Published() {
				t.Errorf("with drafts, %s is published; a draft flag that is not true/false must still skip", e.File)
			}
		}
	}
}

// TestHostileBuildLeavesNoTrace builds the corpus and walks every output
// file: no title, sentence, real name or URL of a skipped file may be in it,
// nor a photo that is not consented.
func TestHostileBuildLeavesNoTrace(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := build.Run(build.Options{Source: hostile, Destination: dest, Now: now}); err != nil {
		t.Fatal(err)
	}
	forbidden := hostileFingerprints(t)
	nskipped := 0
	for _, tc := range hostileCases {
		if !tc.publish {
			nskipped++
		}
	}
	if len(forbidden) < nskipped {
		t.Fatalf("only %d fingerprints for %d skipped files: the corpus was not read", len(forbidden), nskipped)
	}
	var images []string
	files := 0
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dest, p)
		rel = filepath.ToSlash(rel)
		files++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(rel, ".jpg") {
			images = append(images, rel)
		}
		for _, f := range forbidden {
			if strings.Contains(rel, f.slugPath) && f.slugPath != "" {
				t.Errorf("%s: output path holds the slug of skipped %s", rel, f.file)
			}
			for _, s := range f.texts {
				for _, form := range []string{s, html.EscapeString(s), strings.ToLower(s)} {
					if bytes.Contains(data, []byte(form)) {
						t.Errorf("%s contains %q of skipped %s", rel, s, f.file)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ja/talents/ok-published/ok-published.jpg"}; strings.Join(images, " ") != strings.Join(want, " ") {
		t.Errorf("images in the output = %v, want only the consented photo %v", images, want)
	}
	for _, page := range []string{"en/talents/ok-published/index.html", "ja/talents/ok-published/index.html", "en/talents/ok-real-name/index.html", "ja/talents/ok-ja-only/index.html", "ja/employers/あおば食堂/index.html"} {
		if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(page))); err != nil {
			t.Errorf("published page missing: %v", err)
		}
	}
	t.Logf("%d output files checked against %d skipped files", files, len(forbidden))
}

type fingerprint struct {
	file     string
	texts    []string // titles, real names, body sentences
	slugPath string   // "talents/<slug>/" for an item skipped in every language
}

// hostileFingerprints lists, for every skipped file of the corpus, what must
// not appear in the output, read from the files themselves rather than from
// the guard package, so that the test checks the guard instead of trusting it.
func hostileFingerprints(t *testing.T) []fingerprint {
	t.Helper()
	fsys := os.DirFS(hostile)
	cfg, err := config.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	sources, err := content.Load(fsys, cfg)
	if err != nil {
		t.Fatal(err)
	}
	published := map[string]bool{} // key → some translation is published
	skipped := map[string]bool{}
	for _, tc := range hostileCases {
		if tc.publish {
			stem := strings.TrimSuffix(tc.file, ".md")
			published[stem[:strings.LastIndexByte(stem, '.')]] = true
		} else {
			skipped["content/"+tc.file] = true
		}
	}
	var out []fingerprint
	for _, src := range sources {
		if !skipped[src.Path] {
			// A published file whose real name is not consented: its name is a fingerprint too.
			if block, _ := src.Front["consent"].(map[string]any); block["real_name"] != true && src.Meta.Name != "" {
				out = append(out, fingerprint{file: src.Path, texts: []string{src.Meta.Name}})
			}
			continue
		}
		f := fingerprint{file: src.Path, texts: []string{src.Meta.Title}}
		if src.Meta.Name != "" {
			f.texts = append(f.texts, src.Meta.Name)
		}
		for _, line := range strings.Split(string(src.Body), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				f.texts = append(f.texts, line)
			}
		}
		if !published[src.Key] {
			f.slugPath = src.Section + "/" + src.Slug + "/"
		}
		out = append(out, f)
	}
	return out
}
