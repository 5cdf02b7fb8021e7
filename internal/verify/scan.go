package verify

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strings"

	"kakehashi/internal/config"
	"kakehashi/internal/content"
	"kakehashi/internal/guard"
	"kakehashi/internal/imagemeta"
	"kakehashi/internal/leakscan"
	"kakehashi/internal/site"
	"kakehashi/internal/theme"
)

// verifier holds what one verification knows about the site; read-only once
// prepared, so that files are checked in parallel.
type verifier struct {
	site *site.Site
	cfg  *config.Config
	fsys fs.FS
	// expected is the set of files a build of the current content writes;
	// nil when it is unknown (the content does not build).
	expected map[string]bool

	// skipOf maps an item key to its first skipped file; published marks the
	// keys with a published page.
	skipOf    map[string]site.Skip
	skipFile  map[string]site.Skip
	published map[string]bool

	plain, escapes, markup, markupEsc *leakscan.Scanner
	// paths finds the slugs of items skipped in every language in output paths.
	paths *leakscan.Scanner

	photos    map[string]bool // output paths of consented photos
	static    fs.FS           // static/ of the site over the theme's
	forbidden map[[32]byte]string
	allowed   map[[32]byte]bool
	photoOf   map[string]string // content image → key of the item that names it

	base     *url.URL
	basePath string
}

// linkNeedles returns the URL paths of skipped pages as fingerprints: for an
// item skipped in every language "talents/mariam-h" (any language, any
// form of link), otherwise "en/talents/yulia-m" (the skipped language only).
// It also indexes the skips.
func (v *verifier) linkNeedles() []leakscan.Needle {
	v.skipOf, v.skipFile, v.published = map[string]site.Skip{}, map[string]site.Skip{}, map[string]bool{}
	for _, p := range v.site.Pages {
		if p.Source != nil && !p.Unconsented {
			v.published[p.Key] = true
		}
	}
	var out []leakscan.Needle
	seen := map[string]bool{}
	add := func(text, owner string) {
		if !seen[text] {
			seen[text] = true
			out = append(out, leakscan.Needle{Text: text, Kind: KindLink, Owner: owner})
		}
	}
	for _, sk := range v.site.Skipped {
		src := sk.Source
		v.skipFile[src.Path] = sk
		if _, ok := v.skipOf[src.Key]; !ok {
			v.skipOf[src.Key] = sk
		}
		if !v.published[src.Key] && src.Section != "" {
			add(path.Join(src.Section, src.Slug), src.Key)
		} else {
			add(path.Join(src.Lang, src.Section, src.Slug), src.Key)
		}
	}
	return out
}

// prepare builds the scanners.
func (v *verifier) prepare(needles []leakscan.Needle) {
	set := leakscan.Compile(needles)
	v.plain = set.Scanner()
	v.escapes = set.Scanner(leakscan.WithEscapes())
	v.markup = set.Scanner(leakscan.WithHTML())
	v.markupEsc = set.Scanner(leakscan.WithHTML(), leakscan.WithEscapes())

	publishedSlug := map[string]bool{}
	for _, p := range v.site.Pages {
		publishedSlug[p.Slug] = true
	}
	var slugs []leakscan.Needle
	seen := map[string]bool{}
	for _, sk := range v.site.Skipped {
		src := sk.Source
		if v.published[src.Key] || publishedSlug[src.Slug] || seen[src.Slug] {
			continue
		}
		seen[src.Slug] = true
		slugs = append(slugs, leakscan.Needle{Text: src.Slug, Kind: KindSkippedSlug, Owner: src.Key})
	}
	for _, n := range needles {
		if n.Kind != guard.KindSlug && n.Kind != KindLink {
			slugs = append(slugs, n)
		}
	}
	v.paths = leakscan.New(slugs)

	v.base, _ = url.Parse(v.cfg.BaseURL)
	v.basePath = v.cfg.BasePath()
	v.photos = map[string]bool{}
	for _, ph := range v.site.Photos {
		v.photos[ph.Path] = true
	}
	v.static, _ = fs.Sub(theme.New(v.fsys), "static")
}

// readPhotos fingerprints the images in content/ by their bytes, raw and
// stripped: those that are no consented photo must not turn up in the output
// under any name.
func (v *verifier) readPhotos() error {
	v.forbidden, v.allowed, v.photoOf = map[[32]byte]string{}, map[[32]byte]bool{}, map[string]string{}
	if v.fsys == nil {
		return nil
	}
	consented := map[string]bool{}
	for _, ph := range v.site.Photos {
		consented[ph.Source] = true
	}
	name := func(src *content.Source) {
		if src != nil && src.Meta.Photo != "" {
			if _, ok := v.photoOf[src.Meta.Photo]; !ok {
				v.photoOf[src.Meta.Photo] = src.Key
			}
		}
	}
	for _, p := range v.site.Pages {
		name(p.Source)
	}
	for _, sk := range v.site.Skipped {
		name(sk.Source)
	}
	err := fs.WalkDir(v.fsys, content.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == content.Dir && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		format, ok := imagemeta.FormatOf(p)
		if d.IsDir() || !ok || !d.Type().IsRegular() {
			return nil
		}
		data, err := fs.ReadFile(v.fsys, p)
		if err != nil {
			return err
		}
		for _, h := range imageHashes(format, data) {
			if consented[p] {
				v.allowed[h] = true
			} else {
				v.forbidden[h] = p
			}
		}
		return nil
	})
	return err
}

// imageHashes returns the hash of data and, if it differs, of data stripped of metadata.
func imageHashes(format imagemeta.Format, data []byte) [][32]byte {
	hs := [][32]byte{sha256.Sum256(data)}
	if stripped, err := imagemeta.Strip(format, data); err == nil && !bytes.Equal(stripped, data) {
		hs = append(hs, sha256.Sum256(stripped))
	}
	return hs
}

// markupExts are read as HTML/XML.
var markupExts = map[string]bool{".html": true, ".htm": true, ".xhtml": true, ".xml": true, ".svg": true, ".rss": true, ".atom": true}

// checkFile returns the findings of one output file.
func (v *verifier) checkFile(out fs.FS, f outFile) ([]Finding, error) {
	rel := f.rel
	if f.symlink {
		return []Finding{{File: rel, Kind: KindSymlink, Text: rel, Detail: "a build never writes links, and a link can publish any file of the server"}}, nil
	}
	findings := v.checkPath(rel)
	pathFlagged := len(findings) > 0
	data, err := fs.ReadFile(out, rel)
	if err != nil {
		return nil, fmt.Errorf("read output: %w", err)
	}
	format, isImage := imagemeta.FormatOf(rel)
	if !isImage {
		format, isImage = imagemeta.Detect(data)
	}
	if isImage {
		for _, f := range v.checkImage(rel, format, data) {
			pathFlagged = pathFlagged || f.Kind == KindUnconsented || f.Kind == KindUnreachable
			findings = append(findings, f)
		}
		findings = append(findings, v.scan(rel, data, true, v.plain)...)
	} else if markupExts[strings.ToLower(path.Ext(rel))] {
		// Links first: a link caught both ways is reported with its own text.
		findings = append(findings, v.checkLinks(rel, data)...)
		findings = append(findings, v.scan(rel, data, false, v.markup, v.markupEsc, v.plain)...)
	} else {
		findings = append(findings, v.scan(rel, data, false, v.plain, v.escapes)...)
	}
	if !pathFlagged && v.expected != nil && !v.expected[rel] {
		findings = append(findings, Finding{File: rel, Kind: KindUnexpected, Text: rel,
			Detail: "a build of the current content does not write it: left from an earlier build, or added by hand"})
	}
	return dedupeLinks(findings), nil
}

// checkPath reports a file inside a skipped item's page folder, and a path
// that holds a fingerprint (the slug of an item skipped in every language,
// a title, a real name).
func (v *verifier) checkPath(rel string) []Finding {
	var out []Finding
	if file, ok := v.site.Unpublished(rel); ok {
		sk := v.skipFile[file]
		text := file
		if sk.Source != nil {
			text = path.Join(sk.Source.Lang, sk.Source.Section, sk.Source.Slug) + "/"
		}
		out = append(out, Finding{File: rel, Kind: KindSkippedPage, Text: text, Owner: keyOf(sk), Detail: skipDetail(sk)})
	}
	seen := map[string]bool{}
	for _, m := range v.paths.Find([]byte(rel)) {
		if seen[m.Needle.Text] {
			continue
		}
		seen[m.Needle.Text] = true
		f := Finding{File: rel, Kind: m.Needle.Kind, Text: m.Needle.Text, Owner: m.Needle.Owner, Detail: "in the file's path: " + v.ownerDetail(m.Needle)}
		if f.Kind == KindSkippedSlug && len(out) > 0 && out[0].Owner == f.Owner {
			continue // the page folder finding says it already
		}
		out = append(out, f)
	}
	return out
}

// checkImage reports metadata, an invalid image, an image that is neither a
// consented photo nor a static file, and the pixels of an unconsented photo.
func (v *verifier) checkImage(rel string, format imagemeta.Format, data []byte) []Finding {
	var out []Finding
	for _, h := range imageHashes(format, data) {
		if src, ok := v.forbidden[h]; ok && !v.allowed[h] {
			out = append(out, Finding{File: rel, Kind: KindUnconsented, Text: src, Owner: v.photoOf[src],
				Detail: "this is the photo " + src + ", which no published item may show"})
			break
		}
	}
	if len(out) == 0 && !v.photos[rel] && !v.isStatic(rel) && (v.expected == nil || !v.expected[rel]) {
		out = append(out, Finding{File: rel, Kind: KindUnreachable, Text: rel,
			Detail: "an image is published only as the consented photo of a published item, or from static/"})
	}
	blocks, err := imagemeta.Metadata(format, data)
	switch {
	case err != nil:
		out = append(out, Finding{File: rel, Kind: KindInvalidImage, Text: err.Error(),
			Detail: "the build writes only valid images; this one cannot be checked for metadata"})
	case len(blocks) > 0:
		out = append(out, Finding{File: rel, Kind: KindMetadata, Text: strings.Join(blocks, ", "),
			Detail: "published images must carry no EXIF, GPS or other metadata"})
	}
	return out
}

func (v *verifier) isStatic(rel string) bool {
	if v.static == nil || v.fsys == nil {
		return false
	}
	st, err := fs.Stat(v.static, rel)
	return err == nil && !st.IsDir()
}

// scan runs the scanners over data and returns each fingerprint once per line.
func (v *verifier) scan(rel string, data []byte, binary bool, scanners ...*leakscan.Scanner) []Finding {
	type key struct {
		text string
		line int
	}
	seen := map[key]bool{}
	var out []Finding
	for _, sc := range scanners {
		for _, m := range sc.Find(data) {
			line := m.Line
			if binary {
				line = 0
			}
			k := key{leakscan.Normalize(m.Needle.Text), line}
			if seen[k] {
				continue
			}
			seen[k] = true
			f := Finding{File: rel, Line: line, Kind: m.Needle.Kind, Text: m.Needle.Text, Owner: m.Needle.Owner, Detail: v.ownerDetail(m.Needle)}
			if binary {
				f.Detail = fmt.Sprintf("at byte %d: %s", m.Offset, f.Detail)
			}
			out = append(out, f)
		}
	}
	return out
}

// linkAttr finds URL attributes in markup: href, src, srcset and the like.
var linkAttr = regexp.MustCompile(`(?i)[\s"'](href|src|srcset|action|formaction|poster|cite|data|xlink:href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>=` + "`" + `]+))`)

// checkLinks resolves every URL attribute of a markup file against the page's
// own URL, so that relative links ("../mariam-h/") are caught too.
func (v *verifier) checkLinks(rel string, data []byte) []Finding {
	if v.base == nil {
		return nil
	}
	page := v.base.ResolveReference(&url.URL{Path: v.basePath + rel})
	var out []Finding
	for _, m := range linkAttr.FindAllSubmatchIndex(data, -1) {
		var val []byte
		var off int
		for g := 2; g <= 4; g++ {
			if m[2*g] >= 0 {
				val, off = data[m[2*g]:m[2*g+1]], m[2*g]
				break
			}
		}
		urls := []string{html.UnescapeString(string(val))}
		if strings.EqualFold(string(data[m[2]:m[3]]), "srcset") {
			urls = nil
			for _, c := range strings.Split(html.UnescapeString(string(val)), ",") {
				if fields := strings.Fields(c); len(fields) > 0 {
					urls = append(urls, fields[0])
				}
			}
		}
		for _, raw := range urls {
			target, ok := v.sitePath(page, raw)
			if !ok {
				continue
			}
			if file, skipped := v.site.Unpublished(target); skipped {
				sk := v.skipFile[file]
				out = append(out, Finding{File: rel, Line: 1 + bytes.Count(data[:off], []byte{'\n'}), Kind: KindLink,
					Text: raw, Owner: keyOf(sk), Detail: skipDetail(sk)})
			}
		}
	}
	return out
}

// sitePath resolves raw against page and returns the path under the site's
// base URL, or false when the URL leads elsewhere.
func (v *verifier) sitePath(page *url.URL, raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", false
	}
	t := page.ResolveReference(u)
	if (t.Scheme != "http" && t.Scheme != "https") || !strings.EqualFold(t.Host, v.base.Host) {
		return "", false
	}
	p, ok := strings.CutPrefix(t.Path, v.basePath)
	return p, ok
}

// dedupeLinks keeps one link finding per line and item: a link caught both
// as a URL path fingerprint and by resolving the href is one finding.
func dedupeLinks(fs []Finding) []Finding {
	type key struct {
		line  int
		owner string
	}
	seen := map[key]bool{}
	out := fs[:0]
	for _, f := range fs {
		if f.Kind == KindLink && f.Line > 0 {
			k := key{f.Line, f.Owner}
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		out = append(out, f)
	}
	return out
}

// ownerDetail says why a fingerprint must not be published.
func (v *verifier) ownerDetail(n leakscan.Needle) string {
	sk, skipped := v.skipOf[n.Owner]
	switch {
	case n.Kind == guard.KindRecord:
		return "consent records are never published"
	case n.Kind == guard.KindRealName && v.published[n.Owner]:
		return "consent.real_name is not true"
	case skipped:
		return skipDetail(sk)
	}
	return "not consented for publication"
}

func skipDetail(sk site.Skip) string {
	if sk.Source == nil {
		return "not consented for publication"
	}
	return sk.File + " is skipped: " + sk.Reason
}

func keyOf(sk site.Skip) string {
	if sk.Source == nil {
		return ""
	}
	return sk.Source.Key
}
