package build_test

import (
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"kakehashi/internal/build"
	"kakehashi/internal/config"
	"kakehashi/internal/consent"
	"kakehashi/internal/content"
	"kakehashi/internal/guard"
	"kakehashi/internal/publish"
	"kakehashi/internal/render"
	"kakehashi/internal/site"
	"kakehashi/internal/theme"
)

// The benchmarks run on a generated bilingual corpus shaped like the one in
// ../shared/bench (which CI does not have): talents and a quarter as many
// employers, each in ja and en, about one in ten unconsented.
const benchTalents = 1000

var (
	corpusOnce sync.Once
	corpusDir  string
)

func corpus(b *testing.B) string {
	b.Helper()
	corpusOnce.Do(func() {
		dir, err := os.MkdirTemp(benchTemp(), "kakehashi-corpus-")
		if err != nil {
			b.Fatal(err)
		}
		if err := writeCorpus(dir, benchTalents); err != nil {
			b.Fatal(err)
		}
		corpusDir = dir
	})
	return corpusDir
}

var (
	enWords   = strings.Fields("the team we hired refugee talent engineer company role skills career interview support visa language training manager project customer growth trust first year learned together office Tokyo Japanese English process mentor weekly feedback culture")
	jaPhrases = []string{"私たちは", "難民人材を", "採用しました。", "最初の一年は", "チームと一緒に", "学びました。", "日本語の研修を", "続けています。", "在留資格の", "安定につながりました。"}
	skillSet  = []string{"networking", "linux", "go", "python", "accounting", "logistics", "design", "translation"}
)

func writeCorpus(dir string, talents int) error {
	r := rand.New(rand.NewSource(1))
	write := func(rel, body string) error {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(body), 0o644)
	}
	para := func(lang string, n int) string {
		var sb strings.Builder
		for i := 0; i < n; i++ {
			if lang == "ja" {
				for k := 0; k < 8; k++ {
					sb.WriteString(jaPhrases[r.Intn(len(jaPhrases))])
				}
			} else {
				for k := 0; k < 22; k++ {
					sb.WriteString(enWords[r.Intn(len(enWords))] + " ")
				}
				sb.WriteString("end. ")
			}
			sb.WriteString("\n\n")
		}
		return sb.String()
	}
	if err := write("site.yaml", "title: { ja: \"難民人材ストーリー\", en: \"Refugee Talent Stories\" }\nbaseURL: https://example.org/\nlanguages: [ja, en]\n"); err != nil {
		return err
	}
	employers := max(1, talents/4)
	for i := 0; i < talents; i++ {
		ok := r.Intn(10) != 0
		for _, lang := range []string{"ja", "en"} {
			body := fmt.Sprintf("---\ntitle: \"Talent story %d\"\nname: \"Person %05d Fullname\"\nalias: \"P.%d\"\nrole: Engineer\nskills: [%s]\nemployer: employer-%05d\ndate: 2023-%02d-%02d\nconsent:\n  publish: %v\n  real_name: %v\n---\n%s",
				i, i, i, skillSet[i%len(skillSet)], r.Intn(employers), 1+r.Intn(12), 1+r.Intn(28), ok, r.Intn(2) == 0, para(lang, 12))
			if err := write(fmt.Sprintf("content/talents/talent-%05d.%s.md", i, lang), body); err != nil {
				return err
			}
		}
	}
	for i := 0; i < employers; i++ {
		ok := r.Intn(10) != 0
		for _, lang := range []string{"ja", "en"} {
			body := fmt.Sprintf("---\ntitle: \"Case study %d\"\ncompany: \"Company %05d\"\nindustry: IT\ntalents: [talent-%05d]\ndate: 2023-%02d-%02d\nconsent:\n  publish: %v\n---\n%s",
				i, i, r.Intn(talents), 1+r.Intn(12), 1+r.Intn(28), ok, para(lang, 12))
			if err := write(fmt.Sprintf("content/employers/employer-%05d.%s.md", i, lang), body); err != nil {
				return err
			}
		}
	}
	return nil
}

// benchTemp prefers memory: on the disk of a CI machine, file system calls
// can cost more than the whole build and would hide every other change.
func benchTemp() string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		return "/dev/shm"
	}
	return ""
}

func tempDir(b *testing.B) string {
	dir, err := os.MkdirTemp(benchTemp(), "kakehashi-out-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

type stages struct {
	fsys    fs.FS
	cfg     *config.Config
	sources []*content.Source
	site    *site.Site
	fp      *guard.Fingerprints
	r       *render.Renderer
}

func prepare(b *testing.B, upTo string) *stages {
	b.Helper()
	st := &stages{fsys: os.DirFS(corpus(b))}
	var err error
	if st.cfg, err = config.Load(st.fsys); err != nil {
		b.Fatal(err)
	}
	if upTo == "load" {
		return st
	}
	if st.sources, err = content.Load(st.fsys, st.cfg); err != nil {
		b.Fatal(err)
	}
	if upTo == "consent" {
		return st
	}
	if st.site, err = site.Build(st.cfg, st.sources, site.Options{Consent: consent.Options{Now: now}, FS: st.fsys}); err != nil {
		b.Fatal(err)
	}
	if upTo == "guard" {
		return st
	}
	if st.fp, err = guard.Check(st.site); err != nil {
		b.Fatal(err)
	}
	if st.r, err = render.New(st.cfg, theme.New(st.fsys).Sub("layouts")); err != nil {
		b.Fatal(err)
	}
	return st
}

// discard is a Target that keeps nothing.
type discard struct{}

func (discard) Put(string, []byte) error { return nil }

// rawWriter skips the funnel: render alone.
type rawWriter struct{}

func (rawWriter) Write(string, []byte) error { return nil }

func BenchmarkLoad(b *testing.B) {
	st := prepare(b, "load")
	for b.Loop() {
		if _, err := content.Load(st.fsys, st.cfg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConsentAndGraph(b *testing.B) {
	st := prepare(b, "consent")
	for b.Loop() {
		if _, err := site.Build(st.cfg, st.sources, site.Options{Consent: consent.Options{Now: now}}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGuard(b *testing.B) {
	st := prepare(b, "guard")
	for b.Loop() {
		if _, err := guard.Check(st.site); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	st := prepare(b, "render")
	for b.Loop() {
		if _, err := st.r.Render(st.site, rawWriter{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderMinifyScan(b *testing.B) {
	st := prepare(b, "render")
	for b.Loop() {
		f := publish.New(discard{}, publish.WithLeakScan(st.fp.Needles))
		if _, err := st.r.Render(st.site, f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderMinify(b *testing.B) {
	st := prepare(b, "render")
	for b.Loop() {
		f := publish.New(discard{})
		if _, err := st.r.Render(st.site, f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrite(b *testing.B) {
	st := prepare(b, "render")
	mem := publish.NewMem()
	if _, err := st.r.Render(st.site, publish.New(mem, publish.WithoutMinify())); err != nil {
		b.Fatal(err)
	}
	files := mem.Map()
	for b.Loop() {
		d, err := publish.NewDir(filepath.Join(tempDir(b), "public"))
		if err != nil {
			b.Fatal(err)
		}
		for p, data := range files {
			if err := d.Put(p, data); err != nil {
				b.Fatal(err)
			}
		}
		if err := d.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuild(b *testing.B) {
	src := corpus(b)
	dest := filepath.Join(tempDir(b), "public")
	for b.Loop() {
		if _, err := build.Run(build.Options{Source: src, Destination: dest, Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if corpusDir != "" {
		os.RemoveAll(corpusDir)
	}
	os.Exit(code)
}

// BenchmarkIncrementalEdit is one save of one talent in the preview server:
// the time from a changed file to a complete new site in memory.
func BenchmarkIncrementalEdit(b *testing.B) {
	src := corpus(b)
	inc := build.NewIncremental(os.DirFS(src), build.Options{Now: now})
	if _, _, err := inc.Build(nil); err != nil {
		b.Fatal(err)
	}
	rel := "content/talents/talent-00001.en.md"
	p := filepath.Join(src, rel)
	orig, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	defer os.WriteFile(p, orig, 0o644)
	i := 0
	for b.Loop() {
		i++
		if err := os.WriteFile(p, append(orig, fmt.Sprintf("\nEdit %d.\n", i)...), 0o644); err != nil {
			b.Fatal(err)
		}
		if _, _, err := inc.Build([]string{rel}); err != nil {
			b.Fatal(err)
		}
	}
}
