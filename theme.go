// Package kakehashi holds the default theme. It is embedded in the binary so
// that a site folder with only site.yaml and content/ builds; a site's own
// layouts/ and static/ files override it file by file (see internal/theme).
package kakehashi

import "embed"

// Theme holds layouts/ (templates and UI strings) and static/theme/ (CSS, JS).
//
//go:embed layouts static/theme
var Theme embed.FS
