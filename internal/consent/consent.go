// Package consent decides whether one content file may be published.
//
// The rule is fail-closed: a file is published only when its front matter says
// so exactly, in the one shape CONTENT.md describes. Anything else (a missing
// block, a misspelt key, "true" in quotes, a date in another format) skips the
// file and says why. The decision reads the front matter as decoded, before any
// conversion, so that a value of the wrong type is seen as such. No I/O.
package consent

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"kakehashi/internal/content"
)

// Options are the facts a decision depends on besides the file.
type Options struct {
	// Now is the day consent expiry is measured against.
	Now time.Time
	// Drafts publishes files marked draft: true (for previews).
	Drafts bool
}

// Same reports whether o and p give every file the same decision: the same
// day and the same drafts setting (a memo of decisions is valid while they are).
func (o Options) Same(p Options) bool {
	return o.Drafts == p.Drafts && o.today().Equal(p.today())
}

// today is the calendar day of Now, as a date in UTC.
func (o Options) today() time.Time {
	return time.Date(o.Now.Year(), o.Now.Month(), o.Now.Day(), 0, 0, 0, 0, time.UTC)
}

// Decision is the verdict on one file in one language.
type Decision struct {
	Publish bool
	// Reason says why a file is skipped; empty when it is published.
	Reason string
	// RealName and Photo say whether the real name and the photo may be shown.
	RealName bool
	Photo    bool
	// Expires is the last day before consent ends (zero: no end); Languages the
	// languages consented to (nil: all).
	Expires   time.Time
	Languages []string
	Draft     bool
}

// Decide applies the consent rule to a file's decoded front matter in lang.
func Decide(front map[string]any, lang string, opts Options) Decision {
	skip := func(format string, args ...any) Decision {
		return Decision{Reason: fmt.Sprintf(format, args...)}
	}
	raw, ok := front["consent"]
	if !ok {
		for _, k := range []string{"publish", "real_name", "expires", "languages"} {
			if _, top := front[k]; top {
				return skip("%s is at the top level: it must be indented inside the consent block", k)
			}
		}
		return skip("no consent block")
	}
	block, ok := raw.(map[string]any)
	if !ok {
		if raw == nil {
			if _, top := front["publish"]; top {
				return skip("consent block is empty and publish is at the top level: indent publish under consent:")
			}
			return skip("consent block is empty")
		}
		return skip("consent must be a block of keys (publish: true, ...), not %s", content.TypeName(raw))
	}
	// One pass over the block. These are the keys it may hold; any other key
	// skips the file (the first in sort order is named): a misspelt "expire"
	// must not quietly mean "never expires".
	var publish, realName, photo, languages, expires any
	var hasPublish, hasRealName, hasPhoto, hasLanguages, hasExpires, hasUnknown bool
	var unknown string
	for k, v := range block {
		switch k {
		case "publish":
			publish, hasPublish = v, true
		case "real_name":
			realName, hasRealName = v, true
		case "photo":
			photo, hasPhoto = v, true
		case "languages":
			languages, hasLanguages = v, true
		case "expires":
			expires, hasExpires = v, true
		case "given_by", "given_on", "approved_by", "note":
		default:
			if !hasUnknown || k < unknown {
				unknown, hasUnknown = k, true
			}
		}
	}
	if hasUnknown {
		return skip("consent has an unknown field %q: check its spelling", unknown)
	}

	d := Decision{}
	switch v := publish.(type) {
	case bool:
		if !v {
			return skip("consent.publish is false: not consented or withdrawn")
		}
	case nil:
		if hasPublish {
			return skip("consent.publish is empty: it must be true to publish")
		}
		return skip("consent.publish is missing")
	case string:
		return skip("consent.publish must be true or false, not the text %q: remove the quotes", v)
	default:
		return skip("consent.publish must be true or false, not %s", content.TypeName(v))
	}

	var reason string
	if d.RealName, reason = flag(realName, hasRealName, "real_name"); reason != "" {
		return skip("%s", reason)
	}
	if d.Photo, reason = flag(photo, hasPhoto, "photo"); reason != "" {
		return skip("%s", reason)
	}

	if hasLanguages {
		list, ok := languages.([]any)
		if !ok {
			return skip("consent.languages must be a list such as [ja, en], not %s", content.TypeName(languages))
		}
		d.Languages = make([]string, 0, len(list))
		for _, e := range list {
			s, ok := e.(string)
			if !ok || strings.TrimSpace(s) == "" {
				return skip("consent.languages: each entry must be a language code, not %s", content.TypeName(e))
			}
			d.Languages = append(d.Languages, strings.TrimSpace(s))
		}
		if !slices.Contains(d.Languages, lang) {
			return skip("consent not given for language %s (consent.languages: %v)", lang, d.Languages)
		}
	}

	if hasExpires {
		t, ok := date(expires)
		if !ok {
			return skip("consent.expires must be a date like 2027-06-30, not %s", content.TypeName(expires))
		}
		d.Expires = t
		if !opts.today().Before(t) {
			return skip("consent expired on %s", t.Format("2006-01-02"))
		}
	}

	switch v := front["draft"].(type) {
	case nil:
	case bool:
		d.Draft = v
	default:
		return skip("draft must be true or false, not %s", content.TypeName(v))
	}
	if d.Draft && !opts.Drafts {
		return skip("draft")
	}
	d.Publish = true
	return d
}

// flag reads an optional boolean consent field, v if present; absent means false.
func flag(v any, present bool, key string) (bool, string) {
	if !present {
		return false, ""
	}
	b, ok := v.(bool)
	if !ok {
		if s, isText := v.(string); isText {
			return false, fmt.Sprintf("consent.%s must be true or false, not the text %q: remove the quotes", key, s)
		}
		return false, fmt.Sprintf("consent.%s must be true or false, not %s", key, content.TypeName(v))
	}
	return b, ""
}

// date accepts a YAML/TOML date or the text YYYY-MM-DD, and nothing else.
func date(v any) (time.Time, bool) {
	switch v := v.(type) {
	case time.Time:
		// A date with a time of day still ends consent on that calendar day.
		return time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC), true
	case string:
		t, err := content.ParseDate(v)
		return t, err == nil
	}
	return time.Time{}, false
}
