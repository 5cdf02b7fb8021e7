// Package a11y holds the browser tests of the default theme (layouts/ and
// static/theme/ at the repository root). It has no code of its own.
//
// The tests build the sample site (the repository root) and a site of edge
// cases (testdata/stress: long URLs and words, a wide table, a draft and an
// unconsented item under their banners), serve both with net/http/httptest
// and drive one headless Chromium through chromedp:
//
//   - axe-core finds no violation on every page kind in both languages, in
//     light and in dark mode;
//   - the first Tab focuses the skip link, Enter moves focus to <main>, and
//     every Tab stop shows a focus ring;
//   - at 320 CSS pixels no page scrolls sideways;
//   - Japanese text runs about 35–40 characters a line at a line height of
//     1.8–2.0, in the system's fonts (no web fonts);
//   - screenshots of the home and a talent page in both languages at phone
//     (360×740) and desktop (1280×900) widths are written to the test's
//     temporary folder, or to $KAKEHASHI_SCREENSHOTS when it is set.
//
// They need Chromium (/usr/bin/chromium, or $KAKEHASHI_CHROMIUM) and the npm
// package axe-core (`npm install --no-save axe-core@4` at the repository root,
// or $AXE_CORE naming axe.min.js or its folder); without either they skip
// with a message saying so. `go test -short` skips them too.
package a11y
