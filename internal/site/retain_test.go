package site_test

import (
	"testing"
	"time"

	"kakehashi/internal/consent"
	"kakehashi/internal/site"
)

// TestMemoHoldsOnlyTheLastBuild: the pages the memo's link records point to
// are pages of the last build. A record left pointing at a replaced page
// keeps that build's pages alive, and with them the lists they share
// memory with: every build of a preview session would stay in memory.
func TestMemoHoldsOnlyTheLastBuild(t *testing.T) {
	c := newCorpus(t, 11, 300, true)
	memo := site.NewMemo()
	opts := site.Options{Consent: consent.Options{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}, FS: c.fsys, Memo: memo}
	for step := range 60 {
		if step > 0 {
			c.edit(t)
		}
		s, err := site.Build(c.cfg, c.sources, opts)
		if err != nil {
			t.Fatal(err)
		}
		live := make(map[*site.Page]bool, len(s.Pages))
		for _, p := range s.Pages {
			live[p] = true
		}
		for _, p := range site.MemoLinks(memo) {
			if !live[p] {
				t.Fatalf("step %d: the memo still points to %s of an earlier build", step, p.Path)
			}
		}
	}
}
