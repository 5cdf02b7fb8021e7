package a11y

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"

	"kakehashi/internal/build"
	"kakehashi/internal/site"
)

// TestTheme checks the default theme in a real browser. One Chromium serves
// every subtest; run a part alone with -run, e.g. -run 'TestTheme/axe/ja/talent'.
func TestTheme(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the theme's browser tests")
	}
	bin := chromiumPath()
	if bin == "" {
		t.Skip("chromium is not installed (apt-get install -y chromium, or set KAKEHASHI_CHROMIUM): skipping the theme's browser tests")
	}
	axeFile := axePath()
	if axeFile == "" {
		t.Skip("axe-core is missing (run `npm install --no-save axe-core@4` at the repository root, or set AXE_CORE to axe.min.js): skipping the theme's browser tests")
	}
	axe, err := os.ReadFile(axeFile)
	if err != nil {
		t.Fatal(err)
	}

	sample := serve(t, repoRoot, build.Options{})
	// The preview's view of the edge cases: drafts and unconsented items are
	// shown under their banners, as `kakehashi serve` shows them.
	edge := serve(t, filepath.Join("testdata", "stress"), build.Options{Drafts: true, Unconsented: true})
	br := startChromium(t, bin, tabs, string(axe), 3*time.Minute)

	// Every page kind in both languages, and the two pages outside any language.
	kinds := append(sample.pick("", nil),
		page{name: "entry", url: sample.url + "/?stay"},
		page{name: "404", url: sample.url + "/404.html"},
	)
	published := func(p *site.Page) bool { return !p.Unconsented && !p.Consent.Draft }
	edges := slices.Concat(
		edge.pick("edge/", func(p *site.Page) bool {
			return published(p) && (p.Kind == site.KindHome || p.Kind == site.KindTalent || p.Kind == site.KindEmployer)
		}),
		edge.pick("draft/", func(p *site.Page) bool { return p.Consent.Draft && p.Kind == site.KindTalent }),
		edge.pick("unconsented/", func(p *site.Page) bool { return p.Unconsented && p.Kind == site.KindTalent }),
	)
	if len(kinds) < 16 || len(edges) < 10 {
		t.Fatalf("expected every page kind in both languages; got %d sample pages and %d edge pages:\n%v\n%v", len(kinds), len(edges), kinds, edges)
	}
	checked := slices.Concat(kinds, edges)

	t.Run("axe", func(t *testing.T) {
		for _, p := range checked {
			t.Run(p.name, func(t *testing.T) {
				t.Parallel()
				checkAxe(t, br.tab(t), p)
			})
		}
	})

	t.Run("keyboard", func(t *testing.T) {
		for _, p := range checked {
			t.Run(p.name, func(t *testing.T) {
				t.Parallel()
				checkKeyboard(t, br.tab(t), p)
			})
		}
	})

	t.Run("no-sideways-scroll-at-320px", func(t *testing.T) {
		for _, p := range checked {
			t.Run(p.name, func(t *testing.T) {
				t.Parallel()
				checkNarrow(t, br.tab(t), p)
			})
		}
	})

	t.Run("typography", func(t *testing.T) {
		for _, p := range checked {
			if p.name == "ja/talent" || p.name == "ja/page" || p.name == "edge/ja/talent" {
				t.Run(p.name, func(t *testing.T) {
					t.Parallel()
					checkTypography(t, br.tab(t), p)
				})
			}
		}
	})

	t.Run("screenshots", func(t *testing.T) {
		dir := os.Getenv("KAKEHASHI_SCREENSHOTS")
		if dir == "" {
			dir = t.TempDir()
			t.Log("screenshots go to a temporary folder, removed when the test ends; set KAKEHASHI_SCREENSHOTS=DIR to keep them")
		} else if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		urls := map[string]string{}
		for _, p := range kinds {
			urls[p.name] = p.url
		}
		for _, s := range []struct {
			file string
			page string // a name from kinds
			view view
		}{
			{"home-ja-phone.png", "ja/home", phone},
			{"home-en-phone.png", "en/home", phone},
			{"home-ja-desktop.png", "ja/home", desktop},
			{"home-en-desktop.png", "en/home", desktop},
			{"talent-ja-phone.png", "ja/talent", phone},
			{"talent-en-phone.png", "en/talent", phone},
			{"talent-ja-desktop.png", "ja/talent", desktop},
			{"talent-en-desktop.png", "en/talent", desktop},
			{"home-ja-phone-dark.png", "ja/home", view{width: 360, height: 740, phone: true, dark: true}},
			{"talent-en-desktop-dark.png", "en/talent", view{width: 1280, height: 900, dark: true}},
			{"talent-ja-print.png", "ja/talent", view{width: 794, height: 1123, print: true}},
		} {
			t.Run(s.file, func(t *testing.T) {
				t.Parallel()
				b := br.tab(t)
				b.open(t, urls[s.page], s.view)
				png := b.screenshot(t)
				if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
					t.Fatalf("%s: not a PNG", s.file)
				}
				path := filepath.Join(dir, s.file)
				if err := os.WriteFile(path, png, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("%s (%s)", path, urls[s.page])
			})
		}
	})
}

// tabs is how many browser tabs the subtests share.
const tabs = 2

// checkAxe runs axe-core on p, and its colour rules again in dark mode
// (nothing but colours changes there); on home pages also on the search box
// with a query typed and its results shown, in both modes.
func checkAxe(t *testing.T, b *tab, p page) {
	b.open(t, p.url, desktop)
	// The search box is hidden until its script runs (it does not on the
	// entry page here, whose scripts are blocked): check it as shown.
	search := eval[bool](t, b, `(() => {
  const f = document.querySelector("form.search"), ran = !!f && !f.hidden;
  document.querySelectorAll("form.search[hidden]").forEach(f => f.hidden = false);
  return ran && !!f.querySelector("input");
})()`)
	for _, dark := range []bool{false, true} {
		v := desktop
		v.dark = dark
		var rules []string
		if dark {
			b.media(t, v)
			rules = []string{"color-contrast", "link-in-text-block"}
		}
		report(t, p, v, "", b.audit(t, "", rules...))
		// The search box is the same on every page: check its results on the homes.
		if search && strings.HasSuffix(p.name, "/home") && b.searchFor(t, map[bool]string{true: "経理", false: "account"}[strings.Contains(p.name, "ja/")]) {
			report(t, p, v, "the search box with results", b.audit(t, "form.search", rules...))
			b.searchFor(t, "")
		}
	}
}

// searchFor types q into the search box and waits for its results list
// (false when none came: no index, say).
func (b *tab) searchFor(t *testing.T, q string) bool {
	t.Helper()
	eval[bool](t, b, fmt.Sprintf(`(() => { const i = document.querySelector("form.search input"); i.value = %q; i.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`, q))
	if q == "" {
		return true
	}
	for range 120 {
		if eval[bool](t, b, `!!document.querySelector("form.search [aria-live] li")`) {
			return true
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Logf("no search results came for %q: the search box is checked without them", q)
	return false
}

func report(t *testing.T, p page, v view, what string, vs []violation) {
	t.Helper()
	if len(vs) == 0 {
		return
	}
	if what != "" {
		what = ", " + what
	}
	var sb strings.Builder
	for _, v := range vs {
		sb.WriteString("\n  " + v.String())
	}
	t.Errorf("%s (%s%s): axe-core found %d violations:%s", p.url, scheme(v.dark), what, len(vs), sb.String())
}

// jsDescribe describes an element and its focus ring: whether it has one (an
// outline of at least 2px, or a box shadow), the contrast of the outline
// against what lies behind it (WCAG 2.2 asks 3:1 of a focus indicator), and
// whether it is on screen.
const jsDescribe = `function describe(e) {
  if (!e || e === document.body || e === document.documentElement) return {what: "body"};
  let what = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\s+/).join(".") : "");
  if (e.getAttribute("href")) what += "[href=" + e.getAttribute("href") + "]";
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; }); return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  let bg = [255, 255, 255, 1];
  for (let p = parseFloat(s.outlineOffset) >= 0 ? e.parentElement : e; p; p = p.parentElement) {
    const c = rgb(getComputedStyle(p).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { bg = c; break; }
  }
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  const a = lum(rgb(s.outlineColor)), b = lum(bg);
  return {
    what: what,
    ring: outline || s.boxShadow !== "none",
    contrast: outline ? (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) : 0,
    visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.left < innerWidth && r.top < innerHeight,
    inMain: !!e.closest("main"),
  };
}`

// jsFocus describes the focused element.
const jsFocus = `(() => { ` + jsDescribe + `; return describe(document.activeElement); })()`

// jsRings focuses every element a keyboard can reach, as a keyboard would
// (focus-visible), and describes each.
const jsRings = `(() => { ` + jsDescribe + `;
  const out = [];
  for (const e of document.querySelectorAll("a[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable]")) {
    if (e.tabIndex < 0 || e.disabled || e.closest("[hidden], [inert]") || !e.getClientRects().length) continue;
    e.focus({focusVisible: true});
    if (document.activeElement === e) out.push(describe(e));
  }
  return out;
})()`

type focus struct {
	What     string  `json:"what"`
	Ring     bool    `json:"ring"`
	Contrast float64 `json:"contrast"`
	Visible  bool    `json:"visible"`
	InMain   bool    `json:"inMain"`
}

// checkKeyboard: the first Tab focuses the skip link, which is then visible;
// Enter moves focus to <main>, and the next Tab continues inside it; every
// element a keyboard reaches shows a focus ring that contrasts 3:1, in light
// and in dark mode.
func checkKeyboard(t *testing.T, b *tab, p page) {
	b.open(t, p.url, desktop)
	b.press(t, kb.Tab)
	f := eval[focus](t, b, jsFocus)
	if !strings.Contains(f.What, "skip-link") {
		t.Fatalf("%s: the first Tab focuses %s, not the skip link", p.url, f.What)
	}
	if !f.Visible {
		t.Errorf("%s: the focused skip link is not visible", p.url)
	}
	b.press(t, kb.Enter)
	var main bool
	for i := 0; i < 20 && !main; i++ {
		main = eval[bool](t, b, `document.activeElement === document.querySelector("main#main")`)
		if !main {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if !main {
		t.Fatalf("%s: Enter on the skip link leaves focus on %s, not <main id=main>", p.url, eval[focus](t, b, jsFocus).What)
	}
	b.press(t, kb.Tab)
	if f := eval[focus](t, b, jsFocus); !f.InMain {
		t.Errorf("%s: the Tab after the skip link focuses %s, outside <main>", p.url, f.What)
	}

	for _, dark := range []bool{false, true} {
		v := desktop
		v.dark = dark
		b.media(t, v)
		var bad []string
		stops := eval[[]focus](t, b, jsRings)
		for _, f := range stops {
			switch {
			case !f.Ring:
				bad = append(bad, f.What+": no focus ring")
			case f.Contrast > 0 && f.Contrast < 3:
				bad = append(bad, fmt.Sprintf("%s: focus ring contrast %.2f:1 (needs 3:1)", f.What, f.Contrast))
			case !f.Visible:
				bad = append(bad, f.What+": focused but not on screen")
			}
		}
		if len(bad) > 0 {
			t.Errorf("%s (%s), %d focusable elements:\n  %s", p.url, scheme(dark), len(stops), strings.Join(bad, "\n  "))
		}
	}
}

// jsOverflow measures sideways overflow: the document's scroll width, the
// overflow of <html> and <body> (hiding it there would only mask the
// problem), and the elements that stick out of the viewport outside any
// box that scrolls or clips them.
const jsOverflow = `(() => {
  const clipped = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o !== "visible") return true; } return false; };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    const spills = getComputedStyle(el).overflowX === "visible" && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1;
    if (r.width > 0 && (r.right > innerWidth + 0.5 || spills) && !clipped(el)) {
      out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") + " right=" + Math.round(r.right) + (spills ? " content " + el.scrollWidth + "px in " + el.clientWidth + "px" : "") + " " + JSON.stringify((el.textContent || "").trim().slice(0, 40)));
      if (out.length >= 8) break;
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    html: getComputedStyle(document.documentElement).overflowX,
    body: getComputedStyle(document.body).overflowX,
    offenders: out,
  };
})()`

type overflow struct {
	ScrollWidth int      `json:"scrollWidth"`
	HTML        string   `json:"html"`
	Body        string   `json:"body"`
	Offenders   []string `json:"offenders"`
}

func checkNarrow(t *testing.T, b *tab, p page) {
	b.open(t, p.url, narrow)
	r := eval[overflow](t, b, jsOverflow)
	if r.ScrollWidth > int(narrow.width) {
		t.Errorf("%s: at %dpx the page is %dpx wide; sticking out:\n  %s", p.url, narrow.width, r.ScrollWidth, strings.Join(r.Offenders, "\n  "))
	}
	if r.HTML != "visible" || r.Body != "visible" {
		t.Errorf("%s: overflow-x is %q on <html> and %q on <body>: wide content must wrap or scroll in its own box, not be cut off", p.url, r.HTML, r.Body)
	}
}

// jsTypography measures the first paragraph of the body text.
const jsTypography = `(() => {
  const p = document.querySelector(".prose > p");
  const s = getComputedStyle(p);
  const size = parseFloat(s.fontSize), spacing = parseFloat(s.letterSpacing) || 0;
  let faces = 0;
  for (const sheet of document.styleSheets) for (const rule of sheet.cssRules) if (rule instanceof CSSFontFaceRule) faces++;
  return {
    perLine: p.clientWidth / (size + spacing),
    lineHeight: parseFloat(s.lineHeight) / size,
    fontSize: size,
    family: s.fontFamily,
    faces: faces + document.fonts.size,
  };
})()`

// checkTypography: Japanese body text runs 33–41 full-width characters a line
// (about 35–40) at a line height of 1.8–2.0 and at least 16px, on desktop
// and phone, in the system's fonts.
func checkTypography(t *testing.T, b *tab, p page) {
	for _, v := range []view{desktop, phone} {
		b.open(t, p.url, v)
		r := eval[struct {
			PerLine    float64 `json:"perLine"`
			LineHeight float64 `json:"lineHeight"`
			FontSize   float64 `json:"fontSize"`
			Family     string  `json:"family"`
			Faces      int     `json:"faces"`
		}](t, b, jsTypography)
		t.Logf("%s at %dpx: %.1f characters a line, line height %.2f, %.1fpx", p.url, v.width, r.PerLine, r.LineHeight, r.FontSize)
		if v == desktop && (r.PerLine < 33 || r.PerLine > 41) {
			t.Errorf("%s at %dpx: %.1f characters a line, want about 35–40", p.url, v.width, r.PerLine)
		}
		if r.LineHeight < 1.8 || r.LineHeight > 2.0 {
			t.Errorf("%s at %dpx: line height %.2f, want 1.8–2.0", p.url, v.width, r.LineHeight)
		}
		if r.FontSize < 16 {
			t.Errorf("%s at %dpx: body text %.1fpx, want at least 16px", p.url, v.width, r.FontSize)
		}
		if r.Faces > 0 {
			t.Errorf("%s: %d web fonts; the theme uses the system's fonts only", p.url, r.Faces)
		}
		if !strings.Contains(r.Family, "Hiragino") || !strings.Contains(r.Family, "Noto Sans") {
			t.Errorf("%s: font-family %s lacks the usual Japanese system fonts", p.url, r.Family)
		}
	}
}
