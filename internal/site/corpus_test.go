package site_test

import (
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/content"
	"kakehashi/internal/site"
)

// doc is one generated content file, kept as fields so that a test can change
// one of them and parse the file again (a new *content.Source, as after a save).
type doc struct {
	path     string
	title    string
	name     string
	alias    string
	slug     string
	skills   []string
	industry string
	employer string
	talents  []string
	date     string
	draft    string // raw YAML value, "" for none
	photo    string
	consent  string // the lines under "consent:", "" for no block at all
	// foreign is a language that is not the site's: content.Load refuses
	// such a file, but Build must not mind a caller that makes one.
	foreign string
}

func (d *doc) text() string {
	var b strings.Builder
	b.WriteString("---\n")
	if d.title != "" {
		fmt.Fprintf(&b, "title: %q\n", d.title)
	}
	if d.name != "" {
		fmt.Fprintf(&b, "name: %q\n", d.name)
	}
	if d.alias != "" {
		fmt.Fprintf(&b, "alias: %q\n", d.alias)
	}
	if d.slug != "" {
		fmt.Fprintf(&b, "slug: %s\n", d.slug)
	}
	if d.skills != nil {
		q := make([]string, len(d.skills))
		for i, s := range d.skills {
			q[i] = fmt.Sprintf("%q", s)
		}
		fmt.Fprintf(&b, "skills: [%s]\n", strings.Join(q, ", "))
	}
	if d.industry != "" {
		fmt.Fprintf(&b, "industry: %q\n", d.industry)
	}
	if d.employer != "" {
		fmt.Fprintf(&b, "employer: %s\n", d.employer)
	}
	if d.talents != nil {
		fmt.Fprintf(&b, "talents: [%s]\n", strings.Join(d.talents, ", "))
	}
	if d.date != "" {
		fmt.Fprintf(&b, "date: %s\n", d.date)
	}
	if d.draft != "" {
		fmt.Fprintf(&b, "draft: %s\n", d.draft)
	}
	if d.photo != "" {
		fmt.Fprintf(&b, "photo: %s\n", d.photo)
	}
	if d.consent != "" {
		b.WriteString("consent:\n" + d.consent)
	}
	b.WriteString("---\nBody.\n")
	return b.String()
}

// corpus is a generated site: its files as docs and as parsed sources.
type corpus struct {
	cfg     *config.Config
	docs    []*doc
	sources []*content.Source
	fsys    fstest.MapFS
	r       *rand.Rand
	next    int // number for the next added file
	edge    bool
}

var (
	testSkills = []string{"networking", "linux", "Go", "go", "python", "machine learning", " C++ ", "介護", "+", "design", "Linux"}
	testInds   = []string{"IT", "retail", "it", "manufacturing", "介護", ""}
	benchSkill = []string{"networking", "linux", "go", "python", "accounting", "logistics", "design", "translation", "sales", "java", "data", "security", "cooking", "nursing", "teaching"}
	benchInds  = []string{"IT", "retail", "consulting", "manufacturing", "logistics", "hospitality", "finance"}
)

func (c *corpus) parse(t testing.TB, d *doc) *content.Source {
	t.Helper()
	p := d.path
	if d.foreign != "" {
		p = strings.Replace(p, "."+d.foreign+".", ".en.", 1)
	}
	src, err := content.Parse(p, []byte(d.text()), c.cfg)
	if err != nil {
		t.Fatalf("%s: %v\n%s", d.path, err, d.text())
	}
	if d.foreign != "" {
		src.Path, src.Lang = d.path, d.foreign
	}
	return src
}

func (c *corpus) date() string {
	if c.edge && c.r.Intn(20) == 0 {
		return ""
	}
	// Few distinct days, so that many items share one and order by path.
	return fmt.Sprintf("202%d-%02d-%02d", 2+c.r.Intn(3), 1+c.r.Intn(12), 1+c.r.Intn(28))
}

// consentBlock is a consent block: mostly published, with every kind of skip.
func (c *corpus) consentBlock() string {
	if !c.edge {
		if c.r.Intn(10) == 0 {
			return "  publish: false\n"
		}
		return fmt.Sprintf("  publish: true\n  languages: [ja, en]\n  expires: 2099-01-01\n  real_name: %v\n  photo: false\n", c.r.Intn(2) == 0)
	}
	switch c.r.Intn(40) {
	case 0, 1, 2:
		return "  publish: false\n"
	case 3:
		return ""
	case 4:
		return "  publish: \"true\"\n"
	case 5, 6:
		return "  publish: true\n  expires: 2020-01-01\n"
	case 7:
		return "  publish: true\n  languages: [ja]\n"
	case 8:
		return "  publish: true\n  languages: [en]\n"
	case 9:
		return "  pubilsh: true\n"
	}
	var b strings.Builder
	b.WriteString("  publish: true\n")
	if c.r.Intn(3) == 0 {
		b.WriteString("  languages: [ja, en]\n")
	}
	if c.r.Intn(3) == 0 {
		b.WriteString("  expires: 2030-01-01\n")
	}
	if c.r.Intn(2) == 0 {
		b.WriteString("  real_name: true\n")
	}
	if c.r.Intn(3) == 0 {
		b.WriteString("  photo: true\n")
	}
	return b.String()
}

func (c *corpus) draft() string {
	if !c.edge {
		return ""
	}
	switch c.r.Intn(30) {
	case 0:
		return "true"
	case 1:
		return "false"
	case 2:
		return "\"yes\""
	}
	return ""
}

func (c *corpus) skills() []string {
	n := 1 + c.r.Intn(2)
	pool := benchSkill
	if c.edge {
		n, pool = c.r.Intn(4), testSkills
	}
	out := []string{}
	for range n {
		out = append(out, pool[c.r.Intn(len(pool))])
	}
	return out
}

// langs picks the languages an item is written in.
func (c *corpus) langs() []string {
	if c.edge {
		switch c.r.Intn(10) {
		case 0:
			return []string{"ja"}
		case 1:
			return []string{"en"}
		}
	}
	return []string{"ja", "en"}
}

func (c *corpus) talent(i, employers int) []*doc {
	slug := fmt.Sprintf("talent-%05d", i)
	emp := fmt.Sprintf("employer-%05d", c.r.Intn(employers+employers/10+1))
	skills, date, cons := c.skills(), c.date(), c.consentBlock()
	photo := ""
	if c.edge && c.r.Intn(4) == 0 {
		photo = slug + ".jpg"
		c.fsys["content/talents/"+photo] = &fstest.MapFile{Data: []byte("jpeg")}
	}
	var out []*doc
	for _, lang := range c.langs() {
		d := &doc{path: fmt.Sprintf("content/talents/%s.%s.md", slug, lang), title: fmt.Sprintf("Talent %d (%s)", i, lang),
			name: fmt.Sprintf("Person %05d Fullname", i), alias: fmt.Sprintf("P.%d", i), skills: skills, employer: emp,
			date: date, draft: c.draft(), photo: photo, consent: cons}
		if c.edge && c.r.Intn(8) == 0 {
			d.consent = c.consentBlock()
		}
		out = append(out, d)
	}
	return out
}

func (c *corpus) employer(i, talents int) []*doc {
	slug := fmt.Sprintf("employer-%05d", i)
	ind := benchInds[i%len(benchInds)]
	if c.edge {
		ind = testInds[c.r.Intn(len(testInds))]
	}
	var refs []string
	for range 1 + c.r.Intn(2) {
		refs = append(refs, fmt.Sprintf("talent-%05d", c.r.Intn(talents+talents/10+1)))
	}
	date, cons := c.date(), c.consentBlock()
	var out []*doc
	for _, lang := range c.langs() {
		d := &doc{path: fmt.Sprintf("content/employers/%s.%s.md", slug, lang), title: fmt.Sprintf("Case %d (%s)", i, lang),
			industry: ind, talents: refs, date: date, draft: c.draft(), consent: cons}
		if c.edge && c.r.Intn(8) == 0 {
			d.consent = c.consentBlock()
		}
		out = append(out, d)
	}
	return out
}

// newCorpus generates talents talent profiles and a quarter as many employer
// case studies, in Japanese and English. With edge set it adds every odd
// shape the graph knows: skipped translations, untranslated items, drafts,
// photos, plain and nested sections, a plain section named like a taxonomy,
// items at the root, slugs from front matter, missing dates.
func newCorpus(t testing.TB, seed int64, talents int, edge bool) *corpus {
	t.Helper()
	c := &corpus{
		cfg:  &config.Config{Languages: []string{"ja", "en"}, BaseURL: "https://example.org/", Title: map[string]string{"ja": "サイト", "en": "Site"}},
		fsys: fstest.MapFS{},
		r:    rand.New(rand.NewSource(seed)),
		edge: edge,
	}
	employers := max(1, talents/4)
	for i := range talents {
		c.docs = append(c.docs, c.talent(i, employers)...)
	}
	for i := range employers {
		c.docs = append(c.docs, c.employer(i, talents)...)
	}
	for _, lang := range []string{"ja", "en"} {
		c.docs = append(c.docs, &doc{path: "content/_index." + lang + ".md", title: "Home " + lang},
			&doc{path: "content/talents/_index." + lang + ".md", title: "Talents " + lang})
		if !edge {
			c.docs = append(c.docs, &doc{path: "content/employers/_index." + lang + ".md", title: "Employers " + lang})
		}
	}
	if edge {
		c.docs = append(c.docs,
			&doc{path: "content/talents/archive/_index.en.md", title: "Archive"},
			&doc{path: "content/talents/archive/old-one.en.md", title: "Old", skills: []string{"go"}, date: "2020-01-01", consent: "  publish: true\n"},
			&doc{path: "content/talents/archive/old-two.md", title: "古い", date: "2020-01-02", employer: "employer-00001", consent: "  publish: true\n"},
			&doc{path: "content/about.en.md", title: "About", consent: "  publish: true\n"},
			&doc{path: "content/about.ja.md", title: "概要", consent: "  publish: false\n"},
			&doc{path: "content/skills/go.en.md", title: "Go, the section page", date: "2021-05-05", consent: "  publish: true\n"},
			&doc{path: "content/skills/rust.ja.md", title: "Rust", consent: "  publish: true\n"},
			&doc{path: "content/industry/_index.ja.md", title: "業種"},
			&doc{path: "content/news/renamed.en.md", slug: "custom-slug", title: "Custom", date: "2024-02-02", consent: "  publish: true\n"},
			&doc{path: "content/news/plain.md", title: "ニュース", date: "2024-02-02", consent: "  publish: true\n  languages: [ja]\n"},
			&doc{path: "content/news/both.ja.md", title: "両方", consent: "  publish: true\n  languages: [en, ja]\n"},
			&doc{path: "content/news/both.fr.md", foreign: "fr", title: "Les deux", consent: "  publish: true\n"},
			&doc{path: "content/talents/_index.fr.md", foreign: "fr", title: "Talents (fr)"},
			&doc{path: "content/talents/talent-00002.fr.md", foreign: "fr", title: "Talent 2 (fr)", skills: []string{"go"}, consent: "  publish: true\n  languages: [fr, en]\n"},
		)
		for i := range 30 {
			d := &doc{path: fmt.Sprintf("content/news/n-%02d.%s.md", i, []string{"ja", "en"}[i%2]), title: fmt.Sprintf("News %d", i), date: c.date(), consent: c.consentBlock(), draft: c.draft()}
			c.docs = append(c.docs, d)
		}
	}
	c.next = talents
	for _, d := range c.docs {
		c.sources = append(c.sources, c.parse(t, d))
	}
	return c
}

// docFor returns the doc src was parsed from.
func (c *corpus) docFor(src *content.Source) *doc {
	for _, d := range c.docs {
		if d.path == src.Path {
			return d
		}
	}
	panic("no doc for " + src.Path)
}

// edit changes the corpus the way a volunteer's save would: one file replaced
// by a changed copy, removed, or added.
func (c *corpus) edit(t testing.TB) string {
	t.Helper()
	i := c.r.Intn(len(c.docs))
	d := *c.docs[i]
	what := ""
	switch c.r.Intn(12) {
	case 0:
		what = "flip consent"
		if strings.Contains(d.consent, "publish: true") {
			d.consent = strings.Replace(d.consent, "publish: true", "publish: false", 1)
		} else {
			d.consent = "  publish: true\n"
		}
	case 1:
		what = "new consent"
		d.consent = c.consentBlock()
	case 2:
		what = "date"
		d.date = c.date()
	case 3:
		what = "title"
		d.title += " (edited)"
	case 4:
		what = "skills"
		d.skills = c.skills()
	case 5:
		what = "employer"
		d.employer = fmt.Sprintf("employer-%05d", c.r.Intn(c.next/4+2))
	case 6:
		what = "talents"
		d.talents = []string{fmt.Sprintf("talent-%05d", c.r.Intn(c.next+2))}
	case 7:
		what = "delete " + d.path
		c.docs = slices.Delete(c.docs, i, i+1)
		c.sources = slices.Delete(c.sources, i, i+1)
		return what
	case 11:
		// A story in a section of its own: one section page more (or, when
		// deleted, fewer) before the term pages.
		d := &doc{path: fmt.Sprintf("content/extra-%d/story.en.md", c.next), title: "Extra", date: c.date(), consent: "  publish: true\n"}
		c.next++
		c.docs = append(c.docs, d)
		c.sources = append(c.sources, c.parse(t, d))
		return "add " + d.path
	case 8:
		what = "add"
		docs := c.talent(c.next, max(1, c.next/4))
		if c.r.Intn(3) == 0 {
			docs = c.employer(c.next, c.next)
		}
		c.next++
		for _, d := range docs {
			c.docs = append(c.docs, d)
			c.sources = append(c.sources, c.parse(t, d))
		}
		return what
	case 9:
		what = "draft"
		d.draft = c.draft()
	case 10:
		what = "same text"
	}
	c.docs[i] = &d
	c.sources[i] = c.parse(t, &d)
	return what + " " + d.path
}

// dump writes out everything a graph holds, pages referred to by their path,
// so that two graphs are equal exactly when their dumps are.
type graph interface {
	pages() []*site.Page
	listedIn(p *site.Page, lang string) bool
	fallback(p *site.Page, lang string) *site.Page
	page(path string) *site.Page
}

type newGraph struct{ *site.Site }

func (g newGraph) pages() []*site.Page                        { return g.Pages }
func (g newGraph) listedIn(p *site.Page, lang string) bool    { return g.ListedIn(p, lang) }
func (g newGraph) fallback(p *site.Page, l string) *site.Page { return g.Fallback(p, l) }
func (g newGraph) page(path string) *site.Page                { return g.Page(path) }

type refGraph struct{ *refSite }

func (g refGraph) pages() []*site.Page                        { return g.Pages }
func (g refGraph) listedIn(p *site.Page, lang string) bool    { return g.ListedIn(p, lang) }
func (g refGraph) fallback(p *site.Page, l string) *site.Page { return g.Fallback(p, l) }
func (g refGraph) page(path string) *site.Page                { return g.byPath[path] }

func dump(g graph, skipped []site.Skip, warnings []string, home map[string]*site.Page, sections map[string][]*site.Page, photos []*site.Photo, unpublished []string) string {
	var b strings.Builder
	d := &dumper{b: &b, photos: map[*site.Photo]int{}}
	for i, ph := range photos {
		d.photos[ph] = i
	}
	w := func(name string, v any) {
		b.WriteString(name + ": ")
		d.value(reflect.ValueOf(v))
		b.WriteByte('\n')
	}
	w("skipped", skipped)
	w("warnings", warnings)
	w("home", home)
	w("sections", sections)
	w("photos", photos)
	w("unpublished", unpublished)
	w("pages", g.pages())
	seen := map[*site.Page]bool{}
	queue := slices.Clone(g.pages())
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		b.WriteString("page " + p.Path + "\n")
		v := reflect.ValueOf(p).Elem()
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			b.WriteString("  " + v.Type().Field(i).Name + ": ")
			d.value(v.Field(i))
			b.WriteByte('\n')
		}
		for _, lang := range []string{"ja", "en", "fr"} {
			fmt.Fprintf(&b, "  listed in %s: %v; fallback: ", lang, p.IsItem() && g.listedIn(p, lang))
			d.value(reflect.ValueOf(g.fallback(p, lang)))
			b.WriteByte('\n')
		}
		if got := g.page(p.Path); got != p {
			fmt.Fprintf(&b, "  Page(%s) is another page: %v\n", p.Path, got != nil)
		}
		queue = append(queue, p.Translations...)
		queue = append(queue, p.Pages...)
		queue = append(queue, p.Talents...)
		if p.Employer != nil {
			queue = append(queue, p.Employer)
		}
	}
	for _, u := range unpublished {
		if g.page(u) != nil {
			b.WriteString("unpublished path has a page: " + u + "\n")
		}
	}
	return b.String()
}

type dumper struct {
	b      *strings.Builder
	photos map[*site.Photo]int
}

var (
	pageType   = reflect.TypeFor[*site.Page]()
	sourceType = reflect.TypeFor[*content.Source]()
	photoType  = reflect.TypeFor[*site.Photo]()
	timeType   = reflect.TypeFor[time.Time]()
)

func (d *dumper) value(v reflect.Value) {
	b := d.b
	switch v.Type() {
	case pageType:
		if v.IsNil() {
			b.WriteString("<nil page>")
		} else {
			b.WriteString("page(" + v.Interface().(*site.Page).Path + ")")
		}
		return
	case sourceType:
		if v.IsNil() {
			b.WriteString("<nil source>")
		} else {
			fmt.Fprintf(b, "source(%s %p)", v.Interface().(*content.Source).Path, v.Interface())
		}
		return
	case photoType:
		if v.IsNil() {
			b.WriteString("<nil photo>")
		} else {
			ph := v.Interface().(*site.Photo)
			i, ok := d.photos[ph]
			fmt.Fprintf(b, "photo(%s %s #%d %v)", ph.Source, ph.Path, i, ok)
		}
		return
	case timeType:
		t := v.Interface().(time.Time)
		fmt.Fprintf(b, "%s %s", t.Format(time.RFC3339Nano), t.Location())
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		b.WriteString("{")
		for i := range v.NumField() {
			b.WriteString(v.Type().Field(i).Name + ":")
			d.value(v.Field(i))
			b.WriteString(" ")
		}
		b.WriteString("}")
	case reflect.Slice:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		b.WriteString("[")
		for i := range v.Len() {
			if i > 0 {
				b.WriteString(", ")
			}
			d.value(v.Index(i))
		}
		b.WriteString("]")
	case reflect.Map:
		if v.IsNil() {
			b.WriteString("nil-map")
			return
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		b.WriteString("map[")
		for _, k := range keys {
			b.WriteString(k.String() + "=")
			d.value(v.MapIndex(k))
			b.WriteString(" ")
		}
		b.WriteString("]")
	case reflect.String:
		b.WriteString(strconv.Itoa(v.Len()) + ":" + v.String())
	default:
		fmt.Fprintf(b, "%v", v.Interface())
	}
}

func dumpNew(s *site.Site) string {
	return dump(newGraph{s}, s.Skipped, s.Warnings, s.Home, s.Sections, s.Photos, s.UnpublishedPaths())
}

func dumpRef(s *refSite) string {
	return dump(refGraph{s}, s.Skipped, s.Warnings, s.Home, s.Sections, s.Photos, s.UnpublishedPaths())
}

// firstDiff shows where two dumps part.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n- %.600s\n+ %.600s", i+1, x, y)
		}
	}
	return ""
}
