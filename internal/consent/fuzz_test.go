package consent_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
)

// FuzzDecide parses arbitrary front matter (YAML, or TOML when it starts with
// +++) and compares Decide with oracle, a second reading of CONTENT.md written
// without looking at consent.go. Decide may never publish what the oracle
// skips (that would publish without consent), nor skip what it publishes.
// Seeds live in testdata/fuzz/FuzzDecide and run as ordinary tests.
func FuzzDecide(f *testing.F) {
	for _, s := range []string{
		"consent:\n  publish: true",
		"consent:\n  publish: true\n  languages: [ja, en]\n  expires: 2027-06-30\n  real_name: true\n  photo: true\n  given_by: A\n  given_on: 2023-06-01",
		"consent:\n  publish: \"true\"",
		"consent:\n  publish: yes",
		"consent:\n  publish: TRUE",
		"consent:\n  publish: !!bool true",
		"consent:\n  publish: 1",
		"consent:\n  publish: [true]",
		"consent:\n  publish: true\n  expires: 2026-11-25",
		"consent:\n  publish: true\n  expires: 2026-11-26",
		"consent:\n  publish: true\n  expires: \" 2026-11-26 \"",
		"consent:\n  publish: true\n  expires: 2026-11-25T23:59:00-12:00",
		"consent:\n  publish: true\n  expires: 2027-02-29",
		"consent:\n  publish: true\n  languages: [\" en \"]",
		"consent:\n  publish: true\n  languages: []",
		"consent:\n  publish: true\n  languages: en",
		"consent:\n  publish: true\n  expire: 2020-01-01",
		"consent:\n  рublish: true",
		"consent:\n  publish: true\n  real_name: \"true\"",
		"consent:\n  publish: true\ndraft: true",
		"consent:\n  publish: true\ndraft: \"false\"",
		"consent:\n  publish: true\ndraft:",
		"consent:\npublish: true",
		"publish: true",
		"base: &b {publish: true}\nconsent: *b",
		"consent: {<<: {publish: true}, real_name: true}",
		"consent: {1: true, publish: true}",
		"+++\n[consent]\npublish = true\nexpires = 2027-06-30\n+++",
		"+++\n[consent]\npublish = \"true\"\n+++",
		"+++\n[consent]\npublish = true\nexpires = 2026-11-25T00:00:00Z\n+++",
		"+++\nconsent = [ {publish = true} ]\n+++",
	} {
		f.Add(s, "en", false, int16(0))
	}
	f.Add("consent:\n  publish: true\ndraft: true", "ja", true, int16(400))
	cfg := &config.Config{Languages: []string{"ja", "en"}}
	base := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, front, lang string, drafts bool, days int16) {
		text := front
		if !strings.HasPrefix(text, "+++") {
			text = "---\n" + text + "\n---\n"
		}
		src, err := content.Parse("content/talents/x.en.md", []byte(text+"\nBody.\n"), cfg)
		if err != nil {
			return
		}
		// A time of day must not matter: consent is given by the calendar day.
		now := base.AddDate(0, 0, int(days)).Add(time.Duration(days) * 7 * time.Minute % (24 * time.Hour))
		d := consent.Decide(src.Front, lang, consent.Options{Now: now, Drafts: drafts})
		want, why := oracle(src.Front, lang, now, drafts)
		switch {
		case d.Publish && !want:
			t.Fatalf("published, but %s\nfront matter: %q", why, front)
		case !d.Publish && want:
			t.Fatalf("skipped (%s), but the contract publishes it\nfront matter: %q", d.Reason, front)
		case !d.Publish && (d.Reason == "" || d.RealName || d.Photo):
			t.Fatalf("a skip must give a reason and no real name or photo consent: %+v", d)
		case d.Publish && d.Reason != "":
			t.Fatalf("published with a reason: %q", d.Reason)
		}
		if d.Publish {
			block := src.Front["consent"].(map[string]any)
			if d.RealName != (block["real_name"] == true) || d.Photo != (block["photo"] == true) {
				t.Fatalf("RealName, Photo = %v, %v for %v", d.RealName, d.Photo, block)
			}
		}
	})
}

// consentKeys are the keys CONTENT.md lists for a consent block.
var consentKeys = map[string]bool{
	"publish": true, "languages": true, "expires": true, "real_name": true, "photo": true,
	"given_by": true, "given_on": true, "approved_by": true, "note": true,
}

var isoDate = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})-([0-9]{2})$`)

// oracle is the consent rule of CONTENT.md, read afresh: publish only when the
// consent block is a block of known keys, publish is the boolean true, the
// flags are booleans, the language is listed (if a list is given), the expiry
// day (if given) is after today, and the file is not a draft (unless drafts
// are asked for). It returns why not, when not.
func oracle(front map[string]any, lang string, now time.Time, drafts bool) (bool, string) {
	block, ok := front["consent"].(map[string]any)
	if !ok {
		return false, "consent is not a block of keys"
	}
	for k := range block {
		if !consentKeys[k] {
			return false, "unknown key " + strconv.Quote(k)
		}
	}
	if v, ok := block["publish"].(bool); !ok || !v {
		return false, "publish is not the boolean true"
	}
	for _, k := range []string{"real_name", "photo"} {
		if v, present := block[k]; present {
			if _, ok := v.(bool); !ok {
				return false, k + " is not a boolean"
			}
		}
	}
	if v, present := block["languages"]; present {
		list, ok := v.([]any)
		if !ok {
			return false, "languages is not a list"
		}
		found := false
		for _, e := range list {
			s, ok := e.(string)
			if !ok || strings.TrimSpace(s) == "" {
				return false, "a language is not a code"
			}
			found = found || strings.TrimSpace(s) == lang
		}
		if !found {
			return false, "language " + lang + " is not listed"
		}
	}
	if v, present := block["expires"]; present {
		var y, m, d int
		switch v := v.(type) {
		case time.Time:
			var mm time.Month
			y, mm, d = v.Date()
			m = int(mm)
		case string:
			p := isoDate.FindStringSubmatch(strings.TrimSpace(v))
			if p == nil {
				return false, "expires is not YYYY-MM-DD"
			}
			y, _ = strconv.Atoi(p[1])
			m, _ = strconv.Atoi(p[2])
			d, _ = strconv.Atoi(p[3])
			// The last day of month m is day 0 of month m+1.
			if m < 1 || m > 12 || d < 1 || d > time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
				return false, "expires is not a real date"
			}
		default:
			return false, "expires is not a date"
		}
		ny, nm, nd := now.Date()
		if [3]int{y, m, d} == [3]int{ny, int(nm), nd} || !after(y, m, d, ny, int(nm), nd) {
			return false, "consent has expired"
		}
	}
	switch v := front["draft"].(type) {
	case nil:
	case bool:
		if v && !drafts {
			return false, "it is a draft"
		}
	default:
		return false, "draft is not a boolean"
	}
	return true, ""
}

// after reports whether the day y-m-d comes after ny-nm-nd.
func after(y, m, d, ny, nm, nd int) bool {
	if y != ny {
		return y > ny
	}
	if m != nm {
		return m > nm
	}
	return d > nd
}
