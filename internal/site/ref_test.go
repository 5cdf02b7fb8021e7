package site_test

// refBuild is the page graph as it was built before the memo and the
// precomputed sort keys (commit dbbc5ac), kept word for word apart from the
// names: the oracle that the equality tests hold Build to, edge cases and all.

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
	"kakehashi/internal/fileerr"
	"kakehashi/internal/site"
)

type refSite struct {
	Config      *config.Config
	Pages       []*site.Page
	Skipped     []site.Skip
	Warnings    []string
	Home        map[string]*site.Page
	Sections    map[string][]*site.Page
	Photos      []*site.Photo
	byPath      map[string]*site.Page
	unpublished map[string]string
	items       map[string]map[string]*site.Page
	files       map[string]map[string]bool
	fsys        fs.FS
}

func refBuild(cfg *config.Config, sources []*content.Source, opts site.Options) (*refSite, error) {
	s := &refSite{
		Config:      cfg,
		Home:        map[string]*site.Page{},
		Sections:    map[string][]*site.Page{},
		byPath:      map[string]*site.Page{},
		unpublished: map[string]string{},
		items:       map[string]map[string]*site.Page{},
		files:       map[string]map[string]bool{},
		fsys:        opts.FS,
	}
	var errs []error
	for _, src := range sources {
		if err := s.add(src, opts); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s.addGenerated()
	s.link()
	s.addTaxonomies()
	s.linkTranslations()
	if err := s.attachPhotos(); err != nil {
		return nil, err
	}
	refSortByPath(s.Pages)
	sort.Slice(s.Skipped, func(i, j int) bool { return s.Skipped[i].File < s.Skipped[j].File })
	return s, nil
}

func (s *refSite) add(src *content.Source, opts site.Options) error {
	p := &site.Page{
		Lang:    src.Lang,
		Source:  src,
		Key:     src.Key,
		Section: src.Section,
		Slug:    src.Slug,
		Title:   src.Meta.Title,
		Date:    src.Meta.Date,
	}
	switch {
	case src.IsIndex && src.Dir == "":
		p.Kind, p.Path = site.KindHome, src.Lang+"/"
	case src.IsIndex:
		p.Kind, p.Path = site.KindSection, src.Lang+"/"+src.Dir+"/"
		p.Section = src.Dir
	default:
		p.Kind = site.KindPage
		switch src.Section {
		case site.SectionTalents:
			p.Kind = site.KindTalent
		case site.SectionEmployers:
			p.Kind = site.KindEmployer
		}
		p.Path = path.Join(src.Lang, src.Section, src.Slug) + "/"
	}
	if s.files[src.Key] == nil {
		s.files[src.Key] = map[string]bool{}
	}
	s.files[src.Key][src.Lang] = true
	if !src.IsIndex {
		p.Consent = consent.Decide(src.Front, src.Lang, opts.Consent)
		if !p.Consent.Publish {
			s.Skipped = append(s.Skipped, site.Skip{Source: src, File: src.Path, Lang: src.Lang, Reason: p.Consent.Reason})
			if !opts.Unconsented {
				s.unpublished[p.Path] = src.Path
				return nil
			}
			p.Unconsented = true
		}
		if p.Title == "" && !p.Unconsented {
			return fileerr.Errorf(src.Path, 1, "title is missing: every story needs a title")
		}
		p.Name = src.Meta.Alias
		if p.Consent.RealName && src.Meta.Name != "" {
			p.Name = src.Meta.Name
		}
	}
	if prev := s.byPath[p.Path]; prev != nil {
		return fileerr.Errorf(src.Path, src.Line("slug"), "%s is also the address of %s: give one of them another slug", p.Path, prev.Source.Path)
	}
	s.byPath[p.Path] = p
	s.Pages = append(s.Pages, p)
	if s.items[p.Key] == nil {
		s.items[p.Key] = map[string]*site.Page{}
	}
	s.items[p.Key][p.Lang] = p
	return nil
}

func (s *refSite) addGenerated() {
	sections := map[string]bool{}
	for _, p := range s.Pages {
		if p.Kind != site.KindHome && p.Kind != site.KindSection && p.Section != "" {
			sections[p.Section] = true
		}
	}
	names := make([]string, 0, len(sections))
	for n := range sections {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, lang := range s.Config.Languages {
		s.generate(&site.Page{Kind: site.KindHome, Lang: lang, Key: "_index", Path: lang + "/", Title: s.Config.Title[lang]})
		for _, sec := range names {
			s.generate(&site.Page{Kind: site.KindSection, Lang: lang, Key: sec + "/_index", Section: sec, Slug: sec, Path: lang + "/" + sec + "/", Title: sec})
		}
	}
}

func (s *refSite) generate(p *site.Page) {
	if s.byPath[p.Path] != nil {
		return
	}
	s.byPath[p.Path] = p
	s.Pages = append(s.Pages, p)
	if s.items[p.Key] == nil {
		s.items[p.Key] = map[string]*site.Page{}
	}
	s.items[p.Key][p.Lang] = p
}

func (s *refSite) link() {
	for _, p := range s.Pages {
		switch p.Kind {
		case site.KindHome:
			s.Home[p.Lang] = p
		case site.KindSection:
			s.Sections[p.Lang] = append(s.Sections[p.Lang], p)
		case site.KindTalent:
			if ref := p.Source.Meta.Employer; ref != "" {
				p.Employer = s.ref(p, site.SectionEmployers, ref)
			}
		case site.KindEmployer:
			for _, ref := range p.Source.Meta.Talents {
				if t := s.ref(p, site.SectionTalents, ref); t != nil {
					p.Talents = append(p.Talents, t)
				}
			}
		}
	}
	for _, p := range s.Pages {
		if !p.IsItem() {
			continue
		}
		for _, lang := range s.Config.Languages {
			if !s.ListedIn(p, lang) {
				continue
			}
			if sec := s.items[p.Section+"/_index"][lang]; sec != nil {
				sec.Pages = append(sec.Pages, p)
			}
			if home := s.Home[lang]; home != nil {
				home.Pages = append(home.Pages, p)
			}
		}
	}
	for _, p := range s.Pages {
		refSortNewestFirst(p.Pages)
	}
}

func (s *refSite) linkTranslations() {
	for _, p := range s.Pages {
		p.Translations = p.Translations[:0]
		for _, lang := range s.Config.Languages {
			if t := s.items[p.Key][lang]; t != nil && t != p {
				p.Translations = append(p.Translations, t)
			}
		}
	}
}

func (s *refSite) ListedIn(p *site.Page, lang string) bool {
	if p.Lang == lang {
		return true
	}
	if s.files[p.Key][lang] {
		return false
	}
	if p.Consent.Languages != nil && !slices.Contains(p.Consent.Languages, lang) {
		return false
	}
	for _, l := range s.Config.Languages {
		if l == p.Lang {
			return true
		}
		if l != lang && s.items[p.Key][l] != nil {
			return false
		}
	}
	return true
}

func (s *refSite) Fallback(p *site.Page, lang string) *site.Page {
	if p.Section != "" {
		if sec := s.items[p.Section+"/_index"][lang]; sec != nil {
			return sec
		}
	}
	return s.Home[lang]
}

func refSortNewestFirst(pages []*site.Page) {
	slices.SortFunc(pages, func(a, b *site.Page) int {
		if c := b.Date.Compare(a.Date); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
}

func (s *refSite) ref(p *site.Page, section, slug string) *site.Page {
	target := path.Join(p.Lang, section, slug) + "/"
	if t := s.byPath[target]; t != nil {
		return t
	}
	if file, skipped := s.unpublished[target]; skipped {
		s.Warnings = append(s.Warnings, fmt.Sprintf("%s: cross-reference to %s dropped: it is not published", p.Source.Path, file))
	} else {
		s.Warnings = append(s.Warnings, fmt.Sprintf("%s: %s %q: no such item in %s/ (%s)", p.Source.Path, map[string]string{site.SectionTalents: "talents", site.SectionEmployers: "employer"}[section], slug, section, p.Lang))
	}
	return nil
}

func (s *refSite) UnpublishedPaths() []string {
	out := make([]string, 0, len(s.unpublished))
	for p := range s.unpublished {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func refSortByPath(pages []*site.Page) {
	slices.SortFunc(pages, func(a, b *site.Page) int { return strings.Compare(a.Path, b.Path) })
}

func (s *refSite) addTaxonomies() {
	type termKey struct{ tax, lang, slug string }
	terms := map[termKey]*site.Page{}
	var keys []termKey
	for _, p := range s.Pages {
		if !p.IsItem() || p.Source == nil {
			continue
		}
		for _, tax := range refTaxonomies {
			if p.Section != tax.Section {
				continue
			}
			list := tax.terms(&p.Source.Meta)
			if len(list) == 0 {
				continue
			}
			for _, lang := range s.Config.Languages {
				if !s.ListedIn(p, lang) {
					continue
				}
				for _, term := range list {
					slug := site.TermSlug(term)
					if slug == "" {
						continue
					}
					k := termKey{tax.Name, lang, slug}
					tp := terms[k]
					if tp == nil {
						tp = &site.Page{Kind: site.KindTerm, Lang: lang, Key: tax.Name + "/" + slug, Section: tax.Name, Slug: slug,
							Path: lang + "/" + tax.Name + "/" + slug + "/", Title: term, Taxonomy: tax.Name, Term: term}
						terms[k] = tp
						keys = append(keys, k)
					}
					if len(tp.Pages) == 0 || tp.Pages[len(tp.Pages)-1] != p {
						tp.Pages = append(tp.Pages, p)
					}
				}
			}
		}
	}
	slices.SortFunc(keys, func(a, b termKey) int {
		return cmp.Or(strings.Compare(a.tax, b.tax), strings.Compare(a.lang, b.lang), strings.Compare(a.slug, b.slug))
	})
	var index *site.Page
	for _, k := range keys {
		if index == nil || index.Taxonomy != k.tax || index.Lang != k.lang {
			index = &site.Page{Kind: site.KindTerms, Lang: k.lang, Key: k.tax + "/_index", Section: k.tax, Slug: k.tax,
				Path: k.lang + "/" + k.tax + "/", Title: k.tax, Taxonomy: k.tax}
			s.generate(index)
		}
		tp := terms[k]
		refSortNewestFirst(tp.Pages)
		s.generate(tp)
		index.Pages = append(index.Pages, tp)
	}
	refSortByPath(s.Pages)
}

var refTaxonomies = []struct {
	Name, Section string
	terms         func(*content.Meta) []string
}{
	{Name: "skills", Section: site.SectionTalents, terms: func(m *content.Meta) []string { return m.Skills }},
	{Name: "industry", Section: site.SectionEmployers, terms: func(m *content.Meta) []string {
		if m.Industry == "" {
			return nil
		}
		return []string{m.Industry}
	}},
}

func (s *refSite) attachPhotos() error {
	var errs []error
	placed := map[string]*site.Photo{}
	for _, lang := range s.Config.Languages {
		for _, p := range s.Pages {
			if p.Lang != lang || p.Source == nil || p.Source.IsIndex || !p.Consent.Photo || p.Source.Meta.Photo == "" {
				continue
			}
			src := p.Source.Meta.Photo
			if ph := placed[src]; ph != nil {
				p.Photo = ph
				continue
			}
			if err := s.checkPhoto(src); err != nil {
				errs = append(errs, fileerr.New(p.Source.Path, p.Source.Line("photo"), err))
				continue
			}
			ph := &site.Photo{Source: src, Path: p.Path + path.Base(src)}
			placed[src] = ph
			p.Photo = ph
			s.Photos = append(s.Photos, ph)
		}
	}
	return errors.Join(errs...)
}

func (s *refSite) checkPhoto(file string) error {
	if s.fsys == nil {
		return nil
	}
	parts := strings.Split(file, "/")
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		info, err := refLstat(s.fsys, p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("photo %s not found", file)
			}
			return err
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("photo %s is reached through the symbolic link %s: copy the photo into the content folder instead", file, p)
		}
		if i == len(parts)-1 && !info.Mode().IsRegular() {
			return fmt.Errorf("photo %s is not a file", file)
		}
	}
	return nil
}

func refLstat(fsys fs.FS, name string) (fs.FileInfo, error) {
	if l, ok := fsys.(fs.ReadLinkFS); ok {
		return l.Lstat(name)
	}
	return fs.Stat(fsys, name)
}
