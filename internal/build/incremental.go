package build

import (
	"io/fs"
	"slices"
	"sync"

	"kakehashi/internal/publish"
	"kakehashi/internal/render"
)

// Incremental builds one site again and again in memory, redoing only what the
// changed files affect: unchanged content files are not read again, unchanged
// sources not scanned again, and a page whose inputs are unchanged is not
// rendered again. The result equals a full build of the same files.
type Incremental struct {
	mu    sync.Mutex
	b     *builder
	files *publish.Files // the last successful build
	// unsettled are the paths changed since the last successful build: a
	// failed build may have read some of them (or none), so the next build
	// reads them all again rather than trusting what the failure left.
	unsettled []string
	all       bool
}

// NewIncremental prepares in-memory builds of the site in fsys.
func NewIncremental(fsys fs.FS, opts Options) *Incremental {
	b := newBuilder(fsys, opts)
	b.cache = render.NewCache()
	return &Incremental{b: b}
}

// Build builds the site again. changed lists the site-relative slash paths
// ("content/talents/a.en.md", "layouts/base.html", "site.yaml") changed since
// the last call; nil means unknown, and everything is rebuilt. The returned
// Files are the whole site, in memory or, with Options.Store, in the store's
// folder. On error, the previous build stays the base of the next one.
func (inc *Incremental) Build(changed []string) (*publish.Files, *Result, error) {
	inc.mu.Lock()
	defer inc.mu.Unlock()
	inc.unsettled = append(inc.unsettled, changed...)
	if changed == nil {
		inc.all = true
	}
	if inc.all {
		changed = nil
	} else {
		changed = slices.Clone(inc.unsettled)
	}
	var target interface {
		publish.Keeper
		Files() *publish.Files
	}
	if store := inc.b.opts.Store; store != nil {
		target = store.BuildFrom(inc.files)
	} else {
		target = publish.NewMem()
	}
	res, err := inc.b.build(target, inc.files, changed)
	if err != nil {
		return nil, nil, err
	}
	prev := inc.files
	inc.files = target.Files()
	inc.unsettled, inc.all = nil, false
	if store := inc.b.opts.Store; store != nil {
		// The build before stays readable: a request may have looked it up
		// just before the new one is served.
		if err := store.Collect(inc.files, prev); err != nil {
			res.Warnings = append(res.Warnings, "cleaning the preview's folder: "+err.Error())
		}
	}
	return inc.files, res, nil
}
