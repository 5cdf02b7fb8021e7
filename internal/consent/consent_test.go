package consent_test

import (
	"strings"
	"testing"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
)

var now = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// decide parses a whole file the way the builder does, so that the table
// exercises real YAML and TOML decoding rather than hand-built maps.
func decide(t *testing.T, file, text string, drafts bool) consent.Decision {
	t.Helper()
	cfg := &config.Config{Languages: []string{"ja", "en"}}
	src, err := content.Parse(file, []byte(text), cfg)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return consent.Decide(src.Front, src.Lang, consent.Options{Now: now, Drafts: drafts})
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name    string
		file    string // default: content/talents/x.en.md
		front   string
		drafts  bool
		publish bool
		reason  string // substring of the skip reason
		real    bool
		photo   bool
	}{
		{name: "minimal consent", front: "consent:\n  publish: true", publish: true},
		{name: "full consent", front: "consent:\n  publish: true\n  languages: [ja, en]\n  expires: 2027-06-30\n  real_name: true\n  photo: true\n  given_by: A\n  given_on: 2023-06-01", publish: true, real: true, photo: true},
		{name: "real name and photo default to false", front: "consent:\n  publish: true\n  given_by: A", publish: true},
		{name: "explicit false flags", front: "consent:\n  publish: true\n  real_name: false\n  photo: false", publish: true},
		{name: "no consent block", front: "title: x", reason: "no consent block"},
		{name: "empty front matter", front: "", reason: "no consent block"},
		{name: "publish at top level", front: "publish: true", reason: "top level"},
		{name: "publish at top level beside empty consent", front: "publish: true\nconsent:", reason: "empty"},
		{name: "empty consent block", front: "consent:", reason: "empty"},
		{name: "consent is text", front: "consent: yes", reason: "block of keys"},
		{name: "consent is true", front: "consent: true", reason: "block of keys"},
		{name: "consent is a list", front: "consent:\n  - publish: true", reason: "block of keys"},
		{name: "wrong indentation makes publish top level", front: "consent:\npublish: true", reason: "empty"},
		{name: "misspelt consent key", front: "consnet:\n  publish: true", reason: "no consent block"},
		{name: "publish missing", front: "consent:\n  real_name: true", reason: "publish is missing"},
		{name: "publish null", front: "consent:\n  publish:", reason: "publish is empty"},
		{name: "publish false", front: "consent:\n  publish: false", reason: "publish is false"},
		{name: "publish quoted true", front: "consent:\n  publish: \"true\"", reason: `not the text "true"`},
		{name: "publish yes", front: "consent:\n  publish: yes", reason: `not the text "yes"`},
		{name: "publish on", front: "consent:\n  publish: on", reason: "not the text"},
		{name: "publish 1", front: "consent:\n  publish: 1", reason: "not a number"},
		{name: "publish list", front: "consent:\n  publish: [true]", reason: "not a list"},
		{name: "misspelt publish", front: "consent:\n  pubilsh: true", reason: `unknown field "pubilsh"`},
		{name: "misspelt expires", front: "consent:\n  publish: true\n  expire: 2020-01-01", reason: `unknown field "expire"`},
		{name: "real_name quoted", front: "consent:\n  publish: true\n  real_name: \"true\"", reason: "real_name must be true or false"},
		{name: "photo number", front: "consent:\n  publish: true\n  photo: 1", reason: "photo must be true or false"},
		{name: "expires yesterday", front: "consent:\n  publish: true\n  expires: 2026-11-24", reason: "expired on 2026-11-24"},
		{name: "expires on the day itself", front: "consent:\n  publish: true\n  expires: 2026-11-25", reason: "expired on 2026-11-25"},
		{name: "expires tomorrow", front: "consent:\n  publish: true\n  expires: 2026-11-26", publish: true},
		{name: "expires quoted ISO date", front: "consent:\n  publish: true\n  expires: \"2027-01-01\"", publish: true},
		{name: "expires with time of day on the day", front: "consent:\n  publish: true\n  expires: 2026-11-25T23:59:00Z", reason: "expired"},
		{name: "expires in other format", front: "consent:\n  publish: true\n  expires: 30/06/2027", reason: "expires must be a date"},
		{name: "expires as words", front: "consent:\n  publish: true\n  expires: June 2027", reason: "expires must be a date"},
		{name: "expires as number", front: "consent:\n  publish: true\n  expires: 2027", reason: "expires must be a date"},
		{name: "expires empty", front: "consent:\n  publish: true\n  expires:", reason: "expires must be a date"},
		{name: "language allowed", front: "consent:\n  publish: true\n  languages: [en]", publish: true},
		{name: "language not allowed", front: "consent:\n  publish: true\n  languages: [ja]", reason: "not given for language en"},
		{name: "languages empty list", front: "consent:\n  publish: true\n  languages: []", reason: "not given for language en"},
		{name: "languages as text", front: "consent:\n  publish: true\n  languages: en", reason: "must be a list"},
		{name: "languages with number", front: "consent:\n  publish: true\n  languages: [en, 1]", reason: "each entry"},
		{name: "default language file without suffix", file: "content/talents/x.md", front: "consent:\n  publish: true\n  languages: [en]", reason: "not given for language ja"},
		{name: "draft skipped", front: "draft: true\nconsent:\n  publish: true", reason: "draft"},
		{name: "draft shown with --drafts", front: "draft: true\nconsent:\n  publish: true", drafts: true, publish: true},
		{name: "draft false", front: "draft: false\nconsent:\n  publish: true", publish: true},
		{name: "draft as text", front: "draft: \"false\"\nconsent:\n  publish: true", reason: "draft must be true or false"},
		{name: "withdrawn draft with --drafts stays skipped", front: "draft: true\nconsent:\n  publish: false", drafts: true, reason: "publish is false"},
		{name: "TOML consent", file: "content/talents/x.en.md", front: "+++\n[consent]\npublish = true\nreal_name = true\n+++", publish: true, real: true},
		{name: "TOML publish at top level", front: "+++\npublish = true\n+++", reason: "top level"},
		{name: "TOML wrong table", front: "+++\n[consnet]\npublish = true\n+++", reason: "no consent block"},
		{name: "TOML publish string", front: "+++\n[consent]\npublish = \"true\"\n+++", reason: `not the text "true"`},
		{name: "TOML expiry local date", front: "+++\n[consent]\npublish = true\nexpires = 2026-11-25\n+++", reason: "expired on 2026-11-25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = "content/talents/x.en.md"
			}
			text := tt.front
			if !strings.HasPrefix(text, "+++") {
				text = "---\n" + text + "\n---\n"
			}
			d := decide(t, file, text+"\nBody.\n", tt.drafts)
			if d.Publish != tt.publish {
				t.Fatalf("Publish = %v (reason %q), want %v", d.Publish, d.Reason, tt.publish)
			}
			if !tt.publish {
				if d.Reason == "" || !strings.Contains(d.Reason, tt.reason) {
					t.Errorf("reason = %q, want it to contain %q", d.Reason, tt.reason)
				}
				if d.RealName || d.Photo {
					t.Errorf("a skipped file must not carry real name or photo consent: %+v", d)
				}
				return
			}
			if d.Reason != "" {
				t.Errorf("published with a reason %q", d.Reason)
			}
			if d.RealName != tt.real || d.Photo != tt.photo {
				t.Errorf("RealName, Photo = %v, %v; want %v, %v", d.RealName, d.Photo, tt.real, tt.photo)
			}
		})
	}
}
