// Package verify checks a built site from the outside: it rebuilds the
// consent decisions and the fingerprints of what must not be published from
// the site folder (content.Load → site.Build → guard.Check), then reads every
// file of the output folder and reports whatever should not be there. It is
// the second line of defence after the build's own funnel, so it trusts
// nothing the build wrote: it finds a page left from an earlier build, a
// file copied in by hand, an image with its EXIF, a link to a withdrawn story.
//
// What counts as a finding, per output file:
//   - a fingerprint (title, distinctive sentence, slug, alias, company of a
//     skipped item; a real name without consent; a consent record) anywhere in
//     the file: HTML, XML and SVG are read as markup (entities decoded, tags
//     zero-width, attributes scanned), and every file is also read as plain
//     text and with JSON/JavaScript/URL escapes decoded;
//   - a link to the page of a skipped item (relative, root-relative or
//     absolute), or the URL path of one anywhere in a text;
//   - in a JPEG, PNG or WebP (by extension or by its first bytes): any
//     metadata block, or bytes that are not a valid image;
//   - a path inside the folder of a skipped item's page, or holding the slug
//     of an item skipped in every language;
//   - an image that is neither a consented photo nor a file of static/, and
//     an image with the pixels of a photo whose consent is not given;
//   - a file that a build of the current content does not write (left from
//     an earlier build, or added by hand), and any symbolic link.
//
// A real name that guard.Check finds in a published source is a finding too,
// reported against the source file.
package verify

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"kakehashi/internal/audit"
	"kakehashi/internal/build"
	"kakehashi/internal/consent"
	"kakehashi/internal/fileerr"
	"kakehashi/internal/guard"
	"kakehashi/internal/publish"
	"kakehashi/internal/site"
)

// Kinds of findings besides the fingerprint kinds of package guard ("title",
// "real name", "sentence", "slug", "alias", "company", "consent record").
const (
	KindSymlink      = "symbolic link"
	KindSkippedPage  = "page of a skipped item"
	KindSkippedSlug  = "slug of a skipped item"
	KindUnconsented  = "photo without consent"
	KindMetadata     = "image metadata"
	KindInvalidImage = "invalid image"
	KindLink         = "link to a skipped item"
	KindUnreachable  = "image of no published item"
	KindUnexpected   = "file not written by the build"
	KindSourceLeak   = "real name in a published source"
	KindBuildFails   = "build fails"
)

// Finding is one thing in the output that must not be there.
type Finding struct {
	// File is the output file, a slash path under the output folder; for
	// KindSourceLeak and KindBuildFails it is the site file at fault.
	File string
	// Line is the 1-based line of Text in File; 0 when the finding is about
	// the file as a whole (its path, an image, a binary file).
	Line int
	// Kind says what was found (see the Kind constants and guard's kinds).
	Kind string
	// Text is the string found: the fingerprint, the metadata blocks, the
	// slug, the link.
	Text string
	// Owner is the content item the string belongs to ("talents/mariam-h"), if any.
	Owner string
	// Detail says why it must not be there.
	Detail string
}

// String formats a finding as FILE[:LINE]: KIND "TEXT"[ of OWNER][: DETAIL].
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(f.File)
	if f.Line > 0 {
		fmt.Fprintf(&b, ":%d", f.Line)
	}
	fmt.Fprintf(&b, ": %s %q", f.Kind, f.Text)
	if f.Owner != "" {
		b.WriteString(" of " + f.Owner)
	}
	if f.Detail != "" {
		b.WriteString(": " + f.Detail)
	}
	return b.String()
}

// Report is the result of a verification.
type Report struct {
	// Findings, sorted by file, line and kind; empty when the output is clean.
	Findings []Finding
	// Files is the number of output files scanned; Needles the number of
	// strings searched for in each.
	Files   int
	Needles int
	// Decisions is the consent decision list the output was checked against.
	Decisions []audit.Entry
}

type options struct {
	drafts bool
}

// Option configures a verification.
type Option func(*options)

// WithDrafts verifies an output built with drafts (build --drafts).
func WithDrafts(on bool) Option { return func(o *options) { o.drafts = on } }

// Verify checks the output folder outDir against the site folder siteDir, with
// consent measured on the day now, and returns the findings (nil when clean).
// The error reports what made verification impossible (no output folder,
// unreadable content), never a finding.
func Verify(siteDir, outDir string, now time.Time, opts ...Option) ([]Finding, error) {
	r, err := Run(siteDir, outDir, now, opts...)
	if err != nil {
		return nil, err
	}
	return r.Findings, nil
}

// Run is Verify with counts.
func Run(siteDir, outDir string, now time.Time, opts ...Option) (*Report, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if st, err := os.Stat(outDir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("output folder %s not found: build the site first, or name the folder with -d", outDir)
		}
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("output folder %s is not a folder", outDir)
	}
	fsys := os.DirFS(siteDir)
	s, err := site.Load(fsys, site.Options{Consent: consent.Options{Now: now, Drafts: o.drafts}})
	if err != nil {
		return nil, err
	}
	in := Input{Site: s, SiteFS: fsys}
	var early []Finding
	fp, err := guard.Check(s)
	if err != nil {
		// The build would refuse this content, so the output was built from
		// something else: it is still checked with what can be known.
		early = sourceFindings(err)
	} else {
		in.Fingerprints = fp
		in.Expected, err = expectedFiles(fsys, build.Options{Now: now, Drafts: o.drafts})
		if err != nil {
			early = append(early, buildFinding(siteDir, err))
		}
	}
	rep, err := Scan(in, os.DirFS(outDir))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", outDir, err)
	}
	rep.Findings = append(early, rep.Findings...)
	sortFindings(rep.Findings)
	return rep, nil
}

// Input is what Scan checks an output against.
type Input struct {
	// Site is the page graph of the current content.
	Site *site.Site
	// Fingerprints are guard.Check's; nil when the check failed, and then only
	// what needs no fingerprints (paths, images, links) is checked.
	Fingerprints *guard.Fingerprints
	// SiteFS is the site folder: its content/ photos and static/ files.
	SiteFS fs.FS
	// Expected is the set of files a build of the current content writes
	// (slash paths); nil when unknown, and then no file is reported for not
	// being in it.
	Expected map[string]bool
}

// Scan checks every file of out against in. It is the part of Verify that
// needs no build: a build can run it on its temporary output before the swap
// (with Expected set to the files it wrote), without importing a cycle.
func Scan(in Input, out fs.FS) (*Report, error) {
	s := in.Site
	v := &verifier{site: s, cfg: s.Config, fsys: in.SiteFS, expected: in.Expected}
	needles := v.linkNeedles()
	if in.Fingerprints != nil {
		needles = append(slices.Clone(in.Fingerprints.Needles), needles...)
	}
	v.prepare(needles)
	if err := v.readPhotos(); err != nil {
		return nil, err
	}
	files, err := listOutput(out)
	if err != nil {
		return nil, err
	}
	found, err := v.checkAll(out, files)
	if err != nil {
		return nil, err
	}
	sortFindings(found)
	return &Report{Findings: found, Files: len(files), Needles: len(needles), Decisions: audit.FromSite(s)}, nil
}

// checkAll checks the files in parallel, on a bounded pool of workers.
func (v *verifier) checkAll(out fs.FS, files []outFile) ([]Finding, error) {
	results := make([][]Finding, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), max(len(files), 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], errs[i] = v.checkFile(out, files[i])
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var found []Finding
	for _, r := range results {
		found = append(found, r...)
	}
	return found, nil
}

// outFile is one entry of the output folder.
type outFile struct {
	rel     string // slash path under the output folder
	symlink bool
}

// listOutput lists every file of out, hidden ones included, sorted.
func listOutput(out fs.FS) ([]outFile, error) {
	var files []outFile
	err := fs.WalkDir(out, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		files = append(files, outFile{rel: p, symlink: d.Type()&fs.ModeSymlink != 0})
		return nil
	})
	return files, err
}

// expectedFiles builds the site in memory and returns the set of files a
// build of the current content writes.
func expectedFiles(fsys fs.FS, opts build.Options) (map[string]bool, error) {
	mem := publish.NewMem()
	if _, err := build.Into(fsys, mem, opts); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, p := range mem.Paths() {
		set[p] = true
	}
	return set, nil
}

// sourceFindings turns guard.Check's error (one fileerr per leak, joined)
// into findings against the source files.
func sourceFindings(err error) []Finding {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var out []Finding
	for _, e := range errs {
		f := Finding{Kind: KindSourceLeak, Text: e.Error()}
		var fe *fileerr.Error
		if errors.As(e, &fe) {
			f.File, f.Line, f.Text = fe.File, fe.Line, fe.Err.Error()
		}
		f.Detail = "the build refuses this content; the output was built from something else"
		out = append(out, f)
	}
	return out
}

// buildFinding reports that the current content does not build, so that the
// set of files a build writes is unknown.
func buildFinding(siteDir string, err error) Finding {
	f := Finding{File: siteDir, Kind: KindBuildFails, Text: err.Error(),
		Detail: "a build of the current content fails, so files left from an earlier build cannot be told apart"}
	var le *publish.LeakError
	var fe *fileerr.Error
	switch {
	case errors.As(err, &le):
		f.File, f.Line, f.Kind, f.Text, f.Owner = le.File, le.Line, le.Needle.Kind, le.Needle.Text, le.Needle.Owner
		f.Detail = "a build of the current content would publish it (and so refuses to build)"
	case errors.As(err, &fe):
		f.File, f.Line, f.Text = fe.File, fe.Line, fe.Err.Error()
	}
	return f
}

// kindRank orders the findings of one file: the worst first (what its path
// says, what an image carries), then the strings it holds, line by line, then
// that it should not be there at all.
var kindRank = map[string]int{
	KindSourceLeak: 0, KindBuildFails: 0,
	KindSymlink: 1, KindSkippedPage: 2, KindSkippedSlug: 3, KindUnconsented: 4,
	KindMetadata: 5, KindInvalidImage: 6,
	KindUnreachable: 8, KindUnexpected: 9,
}

// rankFingerprint is the rank of the fingerprint kinds and of links.
const rankFingerprint = 7

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(rank(a.Kind), rank(b.Kind)),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Text, b.Text),
		)
	})
}

func rank(kind string) int {
	if r, ok := kindRank[kind]; ok {
		return r
	}
	return rankFingerprint
}
