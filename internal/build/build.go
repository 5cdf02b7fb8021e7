// Package build runs the pipeline once: load → decide consent and build the
// page graph → guard → render → publish. It is the one place the stages are
// wired together; the CLI and the preview server both call it.
package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"kakehashi/internal/diskfs"
	"kakehashi/internal/guard"
	"kakehashi/internal/publish"
	"kakehashi/internal/render"
	"kakehashi/internal/site"
	"kakehashi/internal/theme"
)

// Options describe one build.
type Options struct {
	// Source is the site folder; Destination the output folder (default Source/public).
	Source      string
	Destination string
	// BaseURL overrides site.yaml's baseURL.
	BaseURL string
	Now     time.Time
	Drafts  bool
	// Minify is on unless NoMinify.
	NoMinify bool
	// Unconsented (preview only) shows skipped items, watermarked, and turns the leak scan off.
	Unconsented bool
	// RenderOptions are passed to the renderer (the preview server injects its script).
	RenderOptions []render.Option
	// BeforeSwap, when set, inspects the finished output in its work folder
	// before it replaces the destination; an error keeps the previous output
	// (the CLI runs the verifier here).
	BeforeSwap func(res *Result, out fs.FS) error
	// Progress, when set, is kept up to date while Run works.
	Progress *Progress
	// ContentLoaded, when set, is told the size of the content read, once
	// it is read (the CLI sizes its memory limit by it).
	ContentLoaded func(bytes int64)
	// Store, when set, keeps the files of an Incremental build (the preview
	// server's) in its private folder instead of in memory.
	Store *publish.Store
}

// Result reports what a build did.
type Result struct {
	Site     *site.Site
	Warnings []string
	// Pages counts the HTML pages written per language ("" for root pages).
	Pages map[string]int
	Files int
	// Reused counts the outputs an incremental build took unchanged from the last build.
	Reused int
	// Written lists every output path: sorted in a one-off build (Run, Into),
	// in no particular order in an Incremental one.
	Written []string
	// Fingerprints are what the output was scanned for (nil in an unconsented preview).
	Fingerprints *guard.Fingerprints
	// Stages are the timings of each stage, in order.
	Stages []Stage
	Took   time.Duration
}

// Stage is the timing of one stage.
type Stage struct {
	Name string
	Took time.Duration
}

// Run builds the site into Destination, swapping the new output in only when
// every stage succeeded.
func Run(opts Options) (*Result, error) {
	start := time.Now()
	if opts.Source == "" {
		opts.Source = "."
	}
	if opts.Destination == "" {
		opts.Destination = filepath.Join(opts.Source, "public")
	}
	if err := checkDestination(opts.Source, opts.Destination); err != nil {
		return nil, err
	}
	target, err := publish.NewDir(opts.Destination)
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	var fsys fs.FS = diskfs.Dir(opts.Source)
	var into publish.Target = target
	if opts.Progress != nil {
		fsys = countingFS{fsys, opts.Progress}
		into = countingTarget{target, opts.Progress}
	}
	res, err := Into(fsys, into, opts)
	if err == nil && opts.BeforeSwap != nil {
		err = opts.BeforeSwap(res, os.DirFS(target.Path()))
	}
	if err != nil {
		_ = target.Abort()
		return nil, err
	}
	if err := target.Commit(); err != nil {
		_ = target.Abort()
		return nil, fmt.Errorf("publish: %w", err)
	}
	res.Took = time.Since(start)
	return res, nil
}

// Into builds the site in fsys into target (a folder or memory); the caller
// commits or discards the target.
func Into(fsys fs.FS, target publish.Target, opts Options) (*Result, error) {
	return newBuilder(fsys, opts).build(target, nil, nil)
}

// copyStatic sends every file of static/ (the site's over the theme's) through the funnel.
func copyStatic(themeFS *theme.Overlay, funnel *publish.Funnel) error {
	static := themeFS.Sub("static")
	return walkStatic(static, func(p string) error {
		if err := checkImageSize(static, p); err != nil {
			return fmt.Errorf("static/%w", err)
		}
		data, err := fs.ReadFile(static, p)
		if err != nil {
			return fmt.Errorf("static/%s: %w", p, err)
		}
		if err := funnel.Write(p, data); err != nil {
			return fmt.Errorf("static/%s: %w", p, err)
		}
		return nil
	})
}

// walkStatic calls fn for each file of static/ that is published: hidden
// files are not; symbolic links are refused.
func walkStatic(static fs.FS, fn func(p string) error) error {
	return fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == "." {
				return nil
			}
			return err
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return fmt.Errorf("static/%s: symbolic links are not allowed in static/: copy the file instead", p)
		}
		return fn(p)
	})
}

// checkDestination refuses an output folder that would swallow the site: the
// swap replaces the destination wholesale.
func checkDestination(source, dest string) error {
	src, err := filepath.Abs(source)
	if err != nil {
		return err
	}
	dst, err := filepath.Abs(dest)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(dst, src)
	if err == nil && (rel == "." || !strings.HasPrefix(rel, "..")) {
		return fmt.Errorf("destination %s contains the site folder %s: choose a folder such as %s", dest, source, filepath.Join(source, "public"))
	}
	for _, d := range []string{"content", "layouts", "static"} {
		if r, err := filepath.Rel(filepath.Join(src, d), dst); err == nil && !strings.HasPrefix(r, "..") {
			return fmt.Errorf("destination %s is inside the site's %s/ folder: choose a folder such as %s", dest, d, filepath.Join(source, "public"))
		}
	}
	return nil
}
