package render

import (
	"errors"
	"fmt"
	"io/fs"

	"gopkg.in/yaml.v3"

	"kakehashi/internal/fileerr"
)

// layered is a theme file system that can return every layer of a file
// (theme.Overlay): the site's string table then overrides the theme's key by
// key instead of replacing it.
type layered interface {
	ReadLayers(name string) ([][]byte, error)
}

// loadStrings reads layouts/i18n/<lang>.yaml for every language.
func loadStrings(layouts fs.FS, langs []string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, lang := range langs {
		name := "i18n/" + lang + ".yaml"
		var layers [][]byte
		var err error
		if l, ok := layouts.(layered); ok {
			layers, err = l.ReadLayers(name)
		} else {
			var data []byte
			data, err = fs.ReadFile(layouts, name)
			layers = [][]byte{data}
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("layouts/%s: missing: every language needs its UI strings", name)
		}
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		for _, data := range layers {
			if err := yaml.Unmarshal(data, &m); err != nil {
				return nil, fileerr.FromYAML("layouts/"+name, 0, err)
			}
		}
		out[lang] = m
	}
	return out, nil
}
