package render

import (
	"errors"
	"fmt"
	"io/fs"

	"gopkg.in/yaml.v3"

	"kakehashi/internal/fileerr"
)

// loadStrings reads layouts/i18n/<lang>.yaml for every language. The theme
// file system is already an overlay (site over embedded); a site that wants to
// change one string copies the file.
func loadStrings(layouts fs.FS, langs []string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, lang := range langs {
		name := "i18n/" + lang + ".yaml"
		data, err := fs.ReadFile(layouts, name)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("layouts/%s: missing: every language needs its UI strings", name)
		}
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := yaml.Unmarshal(data, &m); err != nil {
			return nil, fileerr.FromYAML("layouts/"+name, 0, err)
		}
		out[lang] = m
	}
	return out, nil
}
