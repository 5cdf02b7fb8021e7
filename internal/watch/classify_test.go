package watch

import (
	"path/filepath"
	"testing"
)

func TestClassify(t *testing.T) {
	root := filepath.FromSlash("/site")
	tests := []struct {
		path string
		want Change
		ok   bool
	}{
		{"/site/site.yaml", Change{Config, "site.yaml"}, true},
		{"/site/content/talents/a.en.md", Change{Content, "content/talents/a.en.md"}, true},
		{"/site/content/talents/a.jpg", Change{Content, "content/talents/a.jpg"}, true},
		{"/site/content", Change{Content, "content"}, true},
		{"/site/content/new-section", Change{Content, "content/new-section"}, true},
		{"/site/layouts/talent.html", Change{Layout, "layouts/talent.html"}, true},
		{"/site/layouts/i18n/ja.yaml", Change{Layout, "layouts/i18n/ja.yaml"}, true},
		{"/site/static/theme/kakehashi.css", Change{Static, "static/theme/kakehashi.css"}, true},
		{"/site/static/x.tmp", Change{Static, "static/x.tmp"}, true},
		// Not read by the builder.
		{"/site", Change{}, false},
		{"/site/public/index.html", Change{}, false},
		{"/site/README.md", Change{}, false},
		{"/site/site.yaml.bak", Change{}, false},
		{"/site/.git/index", Change{}, false},
		{"/other/content/a.md", Change{}, false},
		{"/site/../content/a.md", Change{}, false},
		{"/sitecontent/a.md", Change{}, false},
		// Editor leftovers.
		{"/site/content/talents/.a.en.md.swp", Change{}, false},
		{"/site/content/talents/.#a.en.md", Change{}, false},
		{"/site/content/talents/#a.en.md#", Change{}, false},
		{"/site/content/talents/a.en.md~", Change{}, false},
		{"/site/content/talents/4913", Change{}, false},
		{"/site/content/talents/a.en.md___jb_tmp___", Change{}, false},
		{"/site/layouts/base.html.kate-swp", Change{}, false},
		{"/site/content/.hidden/a.md", Change{}, false},
	}
	for _, tt := range tests {
		got, ok := Classify(root, filepath.FromSlash(tt.path))
		if ok != tt.ok || got != tt.want {
			t.Errorf("Classify(%q) = %v, %v; want %v, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Content: "content", Layout: "layout", Static: "static", Config: "config", Rescan: "rescan", 0: "unknown"} {
		if k.String() != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), want)
		}
	}
}
