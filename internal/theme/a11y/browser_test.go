package a11y

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"kakehashi/internal/build"
	"kakehashi/internal/site"
)

// repoRoot is the sample site, and where npm puts node_modules/.
const repoRoot = "../../.."

// now is the day the sample site's consent is measured against.
var now = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// chromiumPath finds the browser: $KAKEHASHI_CHROMIUM (as for the live-reload
// test in cmd/kakehashi), else the usual names on $PATH.
func chromiumPath() string {
	if p := os.Getenv("KAKEHASHI_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// axePath finds axe.min.js: $AXE_CORE (the file or its folder), else
// node_modules/axe-core/ at the repository root.
func axePath() string {
	var candidates []string
	if p := os.Getenv("AXE_CORE"); p != "" {
		candidates = append(candidates, p, filepath.Join(p, "axe.min.js"))
	}
	candidates = append(candidates, filepath.Join(repoRoot, "node_modules", "axe-core", "axe.min.js"))
	for _, p := range candidates {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// served is a built site behind a test server.
type served struct {
	url string // without the trailing slash
	res *build.Result
}

// serve builds the site in src and serves it. The language entry page (/)
// sends the reader on to a language with an inline script; a request for
// "/?stay" gets a Content-Security-Policy that blocks page scripts, so the
// entry page itself can be checked (DevTools evaluation is not blocked).
func serve(t *testing.T, src string, opts build.Options) *served {
	t.Helper()
	opts.Source = src
	opts.Destination = filepath.Join(t.TempDir(), "public")
	opts.Now = now
	res, err := build.Run(opts)
	if err != nil {
		t.Fatalf("building %s: %v", src, err)
	}
	files := http.FileServer(http.Dir(opts.Destination))
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("stay") {
			w.Header().Set("Content-Security-Policy", "script-src 'none'")
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return &served{url: ts.URL, res: res}
}

// page is one address to check.
type page struct {
	name string // "ja/talent", shown in subtest names and messages
	url  string
}

// pick returns one page per language and kind of s: the first by path that
// keep accepts, but one with a photo where there is one, and the section
// listing the most pages.
func (s *served) pick(prefix string, keep func(*site.Page) bool) []page {
	type key struct {
		lang string
		kind site.Kind
	}
	chosen := map[key]*site.Page{}
	var order []key
	for _, p := range s.res.Site.Pages {
		if keep != nil && !keep(p) {
			continue
		}
		k := key{p.Lang, p.Kind}
		old, ok := chosen[k]
		if !ok {
			order = append(order, k)
		}
		if !ok || (old.Photo == nil && p.Photo != nil) || len(p.Pages) > len(old.Pages) {
			chosen[k] = p
		}
	}
	var out []page
	for _, k := range order {
		out = append(out, page{name: prefix + k.lang + "/" + string(k.kind), url: s.url + "/" + chosen[k].Path})
	}
	return out
}

// browser is the one headless Chromium of the test, with a few tabs that
// parallel subtests take turns on.
type browser struct {
	ctx  context.Context
	tabs chan *tab
}

// tab is one browser tab.
type tab struct {
	ctx context.Context
	axe string // the source of axe.min.js
}

// startChromium starts one headless Chromium for the whole test with n tabs.
// Everything ends after limit, so a hung browser fails the test instead of
// stalling it.
func startChromium(t *testing.T, bin string, n int, axe string, limit time.Duration) *browser {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	br := &browser{ctx: bctx, tabs: make(chan *tab, n)}
	for i := range n {
		tctx := bctx
		if i > 0 {
			var tcancel context.CancelFunc
			tctx, tcancel = chromedp.NewContext(bctx)
			t.Cleanup(tcancel)
		}
		// A background tab is not focused; keyboard checks need it to be.
		_, err := chromedp.Call(tctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		if err != nil {
			t.Fatalf("opening tab %d: %v", i, err)
		}
		br.tabs <- &tab{ctx: tctx, axe: axe}
	}
	return br
}

// tab waits for a free tab, which goes back when t ends.
func (br *browser) tab(t *testing.T) *tab {
	t.Helper()
	select {
	case b := <-br.tabs:
		t.Cleanup(func() { br.tabs <- b })
		return b
	case <-br.ctx.Done():
		t.Fatalf("no browser tab: %v", br.ctx.Err())
		return nil
	}
}

// view is how a page is looked at.
type view struct {
	width, height int64
	phone         bool
	dark          bool
	print         bool
}

var (
	desktop = view{width: 1280, height: 900}
	phone   = view{width: 360, height: 740, phone: true}
	narrow  = view{width: 320, height: 640, phone: true}
)

// open shows url as v and waits until the page has loaded and laid out.
func (b *tab) open(t *testing.T, url string, v view) {
	t.Helper()
	size := chromedp.EmulateViewport(v.width, v.height, chromedp.EmulatePortrait)
	if v.phone {
		size = chromedp.EmulateViewport(v.width, v.height, chromedp.EmulatePortrait, chromedp.EmulateMobile)
	}
	if err := chromedp.Do(b.ctx, size, b.emulateMedia(v), chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
	b.settle(t)
}

// media switches the open page to v's colour scheme and media type.
func (b *tab) media(t *testing.T, v view) {
	t.Helper()
	if err := chromedp.Do(b.ctx, b.emulateMedia(v)); err != nil {
		t.Fatalf("emulating media: %v", err)
	}
	b.settle(t)
}

func (b *tab) emulateMedia(v view) chromedp.Action[chromedp.Void] {
	media := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{
		{Name: "prefers-color-scheme", Value: scheme(v.dark)},
		{Name: "prefers-reduced-motion", Value: "reduce"},
	}}
	if v.print {
		media.Media = "print"
	}
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, media)
		return err
	})
}

// settle waits for fonts and one frame.
func (b *tab) settle(t *testing.T) {
	t.Helper()
	eval[bool](t, b, `document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => r(true))))`)
}

func scheme(dark bool) string {
	if dark {
		return "dark"
	}
	return "light"
}

// eval runs js in the page and decodes its value into T.
func eval[T any](t *testing.T, b *tab, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", firstLine(js), err)
	}
	return v
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

// violation is one axe rule broken on a page.
type violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  string `json:"target"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

func (v violation) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&sb, "\n    %s", n.Target)
		if s := strings.TrimSpace(n.Summary); s != "" {
			fmt.Fprintf(&sb, "\n      %s", strings.ReplaceAll(s, "\n", "\n      "))
		}
	}
	return sb.String()
}

// axeRun runs axe-core on the open page, on the whole document or on what a
// selector matches: the rules that are on by default (WCAG 2.0 and 2.1 A
// and AA, and axe's best practices) and target-size (WCAG 2.2 AA), or only
// the rules named.
const axeRun = `((within, rules) => axe.run(within ? {include: [within]} : document, Object.assign(
  {resultTypes: ["violations"]},
  rules.length ? {runOnly: {type: "rule", values: rules}} : {rules: {"target-size": {enabled: true}}},
)))(%s, %s).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact || "", help: v.help,
  nodes: v.nodes.map(n => ({target: JSON.stringify(n.target), summary: n.failureSummary || ""})),
})))`

// audit injects axe-core into the open page and returns what it finds (see
// axeRun); within is a CSS selector, or "" for the whole page.
func (b *tab) audit(t *testing.T, within string, rules ...string) []violation {
	t.Helper()
	if !eval[bool](t, b, `typeof axe === "object"`) {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](b.axe)); err != nil {
			t.Fatalf("injecting axe-core: %v", err)
		}
	}
	sel, _ := json.Marshal(within)
	names, _ := json.Marshal(append([]string{}, rules...))
	raw := eval[[]byte](t, b, fmt.Sprintf(axeRun, sel, names))
	var vs []violation
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatalf("reading axe results: %v\n%s", err, raw)
	}
	return vs
}

// press sends one key to the page, as a keyboard would.
func (b *tab) press(t *testing.T, key string) {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.KeyEvent(key)); err != nil {
		t.Fatalf("pressing %q: %v", key, err)
	}
}

// screenshot takes a PNG of the whole page.
func (b *tab) screenshot(t *testing.T) []byte {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return png
}
