// Package config reads site.yaml, the settings of one site folder.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"kakehashi/internal/fileerr"
)

// FileName is the settings file at the root of a site folder.
const FileName = "site.yaml"

// MaxSize bounds site.yaml: settings are a few lines; a huge file (20,000
// term labels) would only slow every build.
const MaxSize = 128 << 10

// Config is a site's settings.
type Config struct {
	// Title and Description are per language.
	Title       map[string]string `yaml:"title"`
	Description map[string]string `yaml:"description"`
	// BaseURL always ends in a slash; its path is the site's subfolder ("/" or "/site/").
	BaseURL string `yaml:"baseURL"`
	// Languages in order; the first is the default.
	Languages []string `yaml:"languages"`
	Markup    Markup   `yaml:"markup"`
	// Terms translates taxonomy terms: terms[term][lang] = label.
	Terms map[string]map[string]string `yaml:"terms"`
	// Aliases are other base URLs of this site (site.yaml's, when --base-url overrides it).
	Aliases []string `yaml:"-"`

	// basePath is BaseURL's path, worked out when basePathOf was set by
	// SetBaseURL: every link of every page asks for it.
	basePath, basePathOf string
}

// Markup holds Markdown settings.
type Markup struct {
	// Unsafe lets raw HTML in Markdown through. Off by default: content is written by
	// volunteers, and raw HTML can hide text from review or smuggle scripts.
	Unsafe bool `yaml:"unsafe"`
}

// DefaultLanguage is the first configured language.
func (c *Config) DefaultLanguage() string { return c.Languages[0] }

// HasLanguage reports whether lang is configured.
func (c *Config) HasLanguage(lang string) bool {
	for _, l := range c.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// BasePath is the path part of the base URL, with leading and trailing slash.
func (c *Config) BasePath() string {
	if c.basePathOf == c.BaseURL && c.basePath != "" {
		return c.basePath
	}
	return basePath(c.BaseURL)
}

func basePath(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// Load reads site.yaml from the root of fsys.
func Load(fsys fs.FS) (*Config, error) {
	if info, err := fs.Stat(fsys, FileName); err == nil && info.Size() > MaxSize {
		return nil, fmt.Errorf("%s: %d KB; settings are limited to %d KB", FileName, info.Size()>>10, MaxSize>>10)
	}
	data, err := fs.ReadFile(fsys, FileName)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: not found: a site folder needs a %s (see README)", FileName, FileName)
		}
		return nil, fmt.Errorf("%s: %w", FileName, err)
	}
	return Parse(FileName, data)
}

var unknownField = regexp.MustCompile(`field (\S+) not found in type`)

var langPattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`)

// Parse decodes settings; name is used in error messages.
func Parse(name string, data []byte) (*Config, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	// Unknown keys are errors: a misspelt setting silently ignored is worse than a failed build.
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		fe := fileerr.FromYAML(name, 0, err)
		if m := unknownField.FindStringSubmatch(fe.Err.Error()); m != nil {
			fe.Err = fmt.Errorf("unknown setting %q: check its spelling (settings: title, description, baseURL, languages, markup, terms)", m[1])
		}
		return nil, fe
	}
	if len(c.Languages) == 0 {
		c.Languages = []string{"ja", "en"}
	}
	seen := map[string]bool{}
	for _, l := range c.Languages {
		if !langPattern.MatchString(l) {
			return nil, fileerr.New(name, fileerr.LineOf(data, "languages"), fmt.Errorf("languages: %q is not a language code such as ja or en", l))
		}
		if seen[l] {
			return nil, fileerr.New(name, fileerr.LineOf(data, "languages"), fmt.Errorf("languages: %q is listed twice", l))
		}
		seen[l] = true
	}
	if c.BaseURL == "" {
		c.BaseURL = "/"
	}
	if err := c.SetBaseURL(c.BaseURL); err != nil {
		return nil, fileerr.New(name, fileerr.LineOf(data, "baseURL"), err)
	}
	return &c, nil
}

// OverrideBaseURL sets the base URL from the command line; the one site.yaml
// gives stays known as an alias, since stories link to it with absolute
// addresses that must still count as this site's (a link to a skipped item
// there must still be removed).
func (c *Config) OverrideBaseURL(raw string) error {
	old := c.BaseURL
	if err := c.SetBaseURL(raw); err != nil {
		return err
	}
	if old != "" && old != "/" && old != c.BaseURL {
		c.Aliases = append(c.Aliases, old)
	}
	return nil
}

// SetBaseURL validates and normalises a base URL.
func (c *Config) SetBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("baseURL: %v", err)
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("baseURL: %q must start with https:// or http://", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("baseURL: %q must not have a query or fragment", raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	c.BaseURL = u.String()
	c.basePath, c.basePathOf = basePath(c.BaseURL), c.BaseURL
	return nil
}
