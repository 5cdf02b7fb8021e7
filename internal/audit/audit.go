// Package audit lists the consent decision for every content file, as data:
// what is published, what is skipped and why, whether a real name or a photo
// is shown, and when consent ends. It reads the decisions from the page graph
// the build itself uses (site.Build), so the list shows exactly what a build
// with the same options publishes.
//
// The list has two encodings: a stable JSON array (WriteJSON) for scripts and
// CI, and an aligned table (WriteTable) for people.
package audit

import (
	"io/fs"
	"sort"
	"time"

	"kakehashi/internal/consent"
	"kakehashi/internal/site"
)

// Status is the verdict on one file.
type Status string

const (
	Published Status = "published"
	Skipped   Status = "skipped"
)

// Entry is the decision on one content file in its language. _index files
// (the site's own text of the home and section pages) need no consent and
// are not listed.
type Entry struct {
	// File is the slash path from the site root, "content/talents/amina-k.en.md".
	File    string
	Section string
	Slug    string
	Lang    string
	Status  Status
	// Reason says why the file is skipped; empty when it is published.
	Reason string
	// RealName is true when the page shows the person's real name: published,
	// consent.real_name true and a name given.
	RealName bool
	// Photo is true when the page shows its photo: published, consent.photo
	// true and a photo given.
	Photo bool
	// Expires is the day consent ends, the first day the file is skipped
	// (zero: no end, or the file is skipped for another reason first).
	Expires time.Time
	// Draft is the file's draft flag (false when it is not true/false).
	Draft bool
}

// Published reports whether the entry is published.
func (e Entry) Published() bool { return e.Status == Published }

// Load reads the site in fsys (site.yaml and content/) and returns the
// decision list, sorted by file.
func Load(fsys fs.FS, opts consent.Options) ([]Entry, error) {
	s, err := site.Load(fsys, site.Options{Consent: opts})
	if err != nil {
		return nil, err
	}
	return FromSite(s), nil
}

// FromSite returns the decision list of a page graph, sorted by file. Pages
// shown only as unconsented previews are listed as skipped.
func FromSite(s *site.Site) []Entry {
	var list []Entry
	for _, p := range s.Pages {
		if p.Source == nil || p.Source.IsIndex || p.Unconsented {
			continue
		}
		src := p.Source
		list = append(list, Entry{
			File:     src.Path,
			Section:  src.Section,
			Slug:     src.Slug,
			Lang:     src.Lang,
			Status:   Published,
			RealName: p.Consent.RealName && src.Meta.Name != "",
			Photo:    p.Photo != nil,
			Expires:  p.Consent.Expires,
			Draft:    src.Meta.Draft,
		})
	}
	for _, sk := range s.Skipped {
		src := sk.Source
		list = append(list, Entry{
			File:    src.Path,
			Section: src.Section,
			Slug:    src.Slug,
			Lang:    src.Lang,
			Status:  Skipped,
			Reason:  sk.Reason,
			Draft:   src.Meta.Draft,
		})
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].File != list[j].File {
			return list[i].File < list[j].File
		}
		return list[i].Lang < list[j].Lang
	})
	return list
}

// DaysLeft is the number of days from now until e's consent ends (the first
// day it is skipped), or -1 when it has no end.
func DaysLeft(e Entry, now time.Time) int {
	if e.Expires.IsZero() {
		return -1
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	end := time.Date(e.Expires.Year(), e.Expires.Month(), e.Expires.Day(), 0, 0, 0, 0, time.UTC)
	return int(end.Sub(today).Hours() / 24)
}

// Expiring returns the published entries whose consent ends within days days
// of now (DaysLeft <= days), in list order.
func Expiring(list []Entry, now time.Time, days int) []Entry {
	var out []Entry
	for _, e := range list {
		if !e.Published() {
			continue
		}
		if left := DaysLeft(e, now); left >= 0 && left <= days {
			out = append(out, e)
		}
	}
	return out
}

// Counts returns how many entries are published and skipped.
func Counts(list []Entry) (published, skipped int) {
	for _, e := range list {
		if e.Published() {
			published++
		} else {
			skipped++
		}
	}
	return published, skipped
}
