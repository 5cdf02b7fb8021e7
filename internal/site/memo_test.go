package site_test

import (
	"fmt"
	"math/rand"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"kakehashi/internal/consent"
	"kakehashi/internal/content"
	"kakehashi/internal/site"
)

// build builds the sources three ways: with the memo, without it, and with
// the implementation from before the memo; all three must agree exactly.
func build(t *testing.T, c *corpus, sources []*content.Source, opts site.Options, memo *site.Memo, withRef bool) (*site.Site, string) {
	t.Helper()
	withMemo := opts
	withMemo.Memo = memo
	got, gerr := site.Build(c.cfg, sources, withMemo)
	want, werr := site.Build(c.cfg, sources, opts)
	var ref *refSite
	rerr := werr
	if withRef {
		ref, rerr = refBuild(c.cfg, sources, opts)
	}
	if fmt.Sprint(gerr) != fmt.Sprint(werr) || fmt.Sprint(werr) != fmt.Sprint(rerr) {
		t.Fatalf("errors differ:\nmemo: %v\nfresh: %v\nbefore: %v", gerr, werr, rerr)
	}
	distinct := map[*content.Source]bool{}
	for _, src := range sources {
		distinct[src] = true
	}
	if n := site.MemoLen(memo); n != len(distinct) {
		t.Fatalf("memo holds %d entries for %d sources", n, len(distinct))
	}
	if gerr != nil {
		return nil, ""
	}
	g, w := dumpNew(got), dumpNew(want)
	if g != w {
		t.Fatalf("graph with memo differs from a fresh build: %s", firstDiff(w, g))
	}
	if withRef {
		if r := dumpRef(ref); w != r {
			t.Fatalf("graph differs from the one built before the memo: %s", firstDiff(r, w))
		}
	}
	return got, g
}

func TestMemoGivesTheSameGraph(t *testing.T) {
	rounds := 40
	if testing.Short() {
		rounds = 10
	}
	for _, seed := range []int64{1, 2} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			c := newCorpus(t, seed, 1200, true)
			r := rand.New(rand.NewSource(seed))
			memo := site.NewMemo()
			opts := site.Options{Consent: consent.Options{Now: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}, FS: c.fsys}
			if s, _ := build(t, c, c.sources, opts, memo, true); s == nil || len(s.Pages) < 2000 || len(s.Skipped) < 100 || len(s.Warnings) < 100 || len(s.Photos) < 50 {
				t.Fatalf("corpus too plain: %d pages, %d skipped, %d warnings, %d photos", len(s.Pages), len(s.Skipped), len(s.Warnings), len(s.Photos))
			}
			var prev *site.Site
			var prevDump string
			var broken func()
			for round := range rounds {
				var did []string
				if broken != nil {
					broken()
					broken = nil
				}
				for range 1 + r.Intn(3) {
					did = append(did, c.edit(t))
				}
				switch r.Intn(25) {
				case 0:
					opts.Unconsented = !opts.Unconsented
					did = append(did, fmt.Sprint("unconsented ", opts.Unconsented))
				case 1:
					opts.Consent.Drafts = !opts.Consent.Drafts
					did = append(did, fmt.Sprint("drafts ", opts.Consent.Drafts))
				case 2:
					opts.Consent.Now = opts.Consent.Now.Add(time.Duration(r.Intn(48)) * time.Hour)
					did = append(did, fmt.Sprint("now ", opts.Consent.Now))
				case 3:
					// Past the expiry of some consents, then back.
					if opts.Consent.Now.Year() < 2030 {
						opts.Consent.Now = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
					} else {
						opts.Consent.Now = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
					}
					did = append(did, fmt.Sprint("now ", opts.Consent.Now))
				case 4:
					// A published story without a title: the build fails.
					i := r.Intn(len(c.docs))
					old, oldSrc := c.docs[i], c.sources[i]
					d := *old
					d.title, d.consent = "", "  publish: true\n"
					c.docs[i], c.sources[i] = &d, c.parse(t, &d)
					broken = func() { c.docs[i], c.sources[i] = old, oldSrc }
					did = append(did, "no title "+d.path)
				case 5:
					// A second story at the address of another: the build fails if both are shown.
					d := *c.docs[r.Intn(len(c.docs))]
					dir, base := path.Split(strings.TrimSuffix(d.path, ".md"))
					stem, lang, ok := strings.Cut(base, ".")
					d.path, d.slug = dir+stem+"-twin.md", stem
					if ok {
						d.path = dir + stem + "-twin." + lang + ".md"
					}
					c.docs, c.sources = append(c.docs, &d), append(c.sources, c.parse(t, &d))
					broken = func() {
						c.docs, c.sources = c.docs[:len(c.docs)-1], c.sources[:len(c.sources)-1]
					}
					did = append(did, "twin "+d.path)
				case 6:
					// A source passed twice (a caller's slip): if skipped, it is skipped twice.
					i := r.Intn(len(c.docs))
					c.docs, c.sources = append(c.docs, c.docs[i]), append(c.sources, c.sources[i])
					broken = func() {
						c.docs, c.sources = c.docs[:len(c.docs)-1], c.sources[:len(c.sources)-1]
					}
					did = append(did, "twice "+c.docs[i].path)
				}
				sources := c.sources
				if r.Intn(4) == 0 {
					sources = slices.Clone(sources)
					r.Shuffle(len(sources), func(i, j int) { sources[i], sources[j] = sources[j], sources[i] })
					did = append(did, "shuffled")
				}
				t.Logf("round %d: %s", round, strings.Join(did, "; "))
				s, d := build(t, c, sources, opts, memo, round%3 == 0)
				if prev != nil && round%5 == 0 {
					if again := dumpNew(prev); again != prevDump {
						t.Fatalf("the next build changed the previous graph: %s", firstDiff(prevDump, again))
					}
				}
				if s != nil {
					prev, prevDump = s, d
				}
			}
		})
	}
}

// The pages of a build are read (rendered, served) while the next build
// runs; two builds may share a memo. Under -race this shows that a build
// writes nothing an earlier one handed out.
func TestMemoBuildsWhileEarlierGraphIsRead(t *testing.T) {
	c := newCorpus(t, 3, 300, true)
	memo := site.NewMemo()
	opts := site.Options{Consent: consent.Options{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}, FS: c.fsys, Memo: memo}
	first, err := site.Build(c.cfg, c.sources, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := dumpNew(first)
	done := make(chan string)
	go func() {
		var got string
		for range 5 {
			got = dumpNew(first)
		}
		done <- got
	}()
	builds := make(chan error)
	for range 2 {
		sources := slices.Clone(c.sources)
		go func() {
			var err error
			for range 5 {
				_, err = site.Build(c.cfg, sources, opts)
			}
			builds <- err
		}()
	}
	for range 10 {
		c.edit(t)
		if _, err := site.Build(c.cfg, c.sources, opts); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if err := <-builds; err != nil {
			t.Fatal(err)
		}
	}
	if got := <-done; got != want {
		t.Fatalf("the first graph changed while it was read: %s", firstDiff(want, got))
	}
}
