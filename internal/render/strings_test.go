package render_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"kakehashi/internal/config"
	"kakehashi/internal/render"
	"kakehashi/internal/theme"
)

var cfg = &config.Config{Languages: []string{"ja", "en"}, BaseURL: "https://example.org/"}

func TestSiteOverridesOneUIString(t *testing.T) {
	site := fstest.MapFS{"layouts/i18n/en.yaml": {Data: []byte("home.recent: \"Latest stories\"\n")}}
	r, err := render.New(cfg, theme.New(site).Sub("layouts"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r.T("en", "home.recent"); got != "Latest stories" {
		t.Errorf("override: %q", got)
	}
	if got, _ := r.T("en", "talent.role"); got != "Role" {
		t.Errorf("theme string lost beside the override: %q", got)
	}
}

func TestMissingUIStringNamesKeyAndLanguage(t *testing.T) {
	r, err := render.New(cfg, theme.New(nil).Sub("layouts"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.T("ja", "no.such.key")
	if err == nil || !strings.Contains(err.Error(), `"no.such.key"`) || !strings.Contains(err.Error(), "ja") {
		t.Errorf("err = %v", err)
	}
}

func TestEveryThemeKeyExistsInEveryLanguage(t *testing.T) {
	r, err := render.New(cfg, theme.New(nil).Sub("layouts"))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range r.Keys("en") {
		if _, err := r.T("ja", key); err != nil {
			t.Error(err)
		}
	}
	for _, key := range r.Keys("ja") {
		if _, err := r.T("en", key); err != nil {
			t.Error(err)
		}
	}
}
