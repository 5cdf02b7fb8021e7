package build

import (
	"io/fs"
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
	files map[string][]byte // the last successful build
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
// map is the whole site and must not be modified. On error, the previous
// build stays the base of the next one.
func (inc *Incremental) Build(changed []string) (map[string][]byte, *Result, error) {
	inc.mu.Lock()
	defer inc.mu.Unlock()
	mem := publish.NewMem()
	res, err := inc.b.build(mem, inc.files, changed)
	if err != nil {
		return nil, nil, err
	}
	inc.files = mem.Files()
	return inc.files, res, nil
}
