package consent

// oldDecide is Decide as it was before it read the consent block in one pass
// (commit dbbc5ac), kept as the oracle of TestDecideAsBefore.

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"kakehashi/internal/content"
)

// fields are the keys a consent block may hold. Any other key skips the file:
// a misspelt "expire" must not quietly mean "never expires".
var oldFields = map[string]bool{
	"publish": true, "languages": true, "expires": true, "real_name": true, "photo": true,
	"given_by": true, "given_on": true, "approved_by": true, "note": true,
}

// Decide applies the consent rule to a file's decoded front matter in lang.
func oldDecide(front map[string]any, lang string, opts Options) Decision {
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
	keys := make([]string, 0, len(block))
	for k := range block {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !oldFields[k] {
			return skip("consent has an unknown field %q: check its spelling", k)
		}
	}

	d := Decision{}
	switch v := block["publish"].(type) {
	case bool:
		if !v {
			return skip("consent.publish is false: not consented or withdrawn")
		}
	case nil:
		if _, present := block["publish"]; present {
			return skip("consent.publish is empty: it must be true to publish")
		}
		return skip("consent.publish is missing")
	case string:
		return skip("consent.publish must be true or false, not the text %q: remove the quotes", v)
	default:
		return skip("consent.publish must be true or false, not %s", content.TypeName(v))
	}

	var reason string
	if d.RealName, reason = oldFlag(block, "real_name"); reason != "" {
		return skip("%s", reason)
	}
	if d.Photo, reason = oldFlag(block, "photo"); reason != "" {
		return skip("%s", reason)
	}

	if v, present := block["languages"]; present {
		list, ok := v.([]any)
		if !ok {
			return skip("consent.languages must be a list such as [ja, en], not %s", content.TypeName(v))
		}
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

	if v, present := block["expires"]; present {
		t, ok := oldDate(v)
		if !ok {
			return skip("consent.expires must be a date like 2027-06-30, not %s", content.TypeName(v))
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

// flag reads an optional boolean consent field; absent means false.
func oldFlag(block map[string]any, key string) (bool, string) {
	v, present := block[key]
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
func oldDate(v any) (time.Time, bool) {
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
