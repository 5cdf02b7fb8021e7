// Package watch turns file system activity in a site folder into Changes the
// preview server acts on. It watches folders, never single files (one handle
// per folder with inotify, whatever the number of files), adds folders created
// after start, merges the bursts of events one editor save makes, and falls
// back to polling where events do not arrive. Nothing outside this package
// sees fsnotify.
package watch

import (
	"path/filepath"
	"strings"
)

// Kind says what a change touches, and so how much must be rebuilt.
type Kind uint8

const (
	// Content is a file or folder under content/ (stories, _index files, photos).
	Content Kind = iota + 1
	// Layout is a file under layouts/ (templates, UI strings).
	Layout
	// Static is a file under static/, copied as is.
	Static
	// Config is site.yaml.
	Config
	// Rescan means events were lost (the kernel queue overflowed): anything may
	// have changed. Its Path is ".".
	Rescan
)

func (k Kind) String() string {
	switch k {
	case Content:
		return "content"
	case Layout:
		return "layout"
	case Static:
		return "static"
	case Config:
		return "config"
	case Rescan:
		return "rescan"
	}
	return "unknown"
}

// Change is one changed path: created, written, renamed or removed.
type Change struct {
	Kind Kind
	// Path is slash-separated and relative to the site folder: "content/talents/a.en.md".
	Path string
}

func (c Change) String() string { return c.Kind.String() + " " + c.Path }

// ConfigFile is the settings file at the root of a site folder.
const ConfigFile = "site.yaml"

// watchedDirs are the site folders watched recursively.
var watchedDirs = map[string]Kind{"content": Content, "layouts": Layout, "static": Static}

// Classify says what kind of change a path under root is. It reports false for
// paths the builder never reads (public/, .git/, editor swap and backup files,
// paths outside root). It looks at the path only: no I/O.
func Classify(root, path string) (Change, bool) {
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return Change{}, false
	}
	rel = filepath.ToSlash(rel)
	if rel == ConfigFile {
		return Change{Kind: Config, Path: rel}, true
	}
	top, _, _ := strings.Cut(rel, "/")
	kind, ok := watchedDirs[top]
	if !ok {
		return Change{}, false
	}
	for _, seg := range strings.Split(rel, "/") {
		if ignored(seg) {
			return Change{}, false
		}
	}
	return Change{Kind: kind, Path: rel}, true
}

// ignored reports names the builder skips or that only editors use: hidden
// files and folders (".x.md.swp", ".#x.md", ".git"), Emacs auto-saves
// ("#x.md#"), backups ("x.md~"), Vim's write probe ("4913") and JetBrains'
// safe-write files. The save itself still arrives as the rename or write of
// the real file.
func ignored(name string) bool {
	switch {
	case name == "":
		return false
	case name[0] == '.' || name[0] == '#':
		return true
	case strings.HasSuffix(name, "~"), name == "4913":
		return true
	case strings.HasSuffix(name, "___jb_tmp___"), strings.HasSuffix(name, "___jb_old___"):
		return true
	case strings.HasSuffix(name, ".swp"), strings.HasSuffix(name, ".swx"), strings.HasSuffix(name, ".kate-swp"):
		return true
	}
	return false
}
