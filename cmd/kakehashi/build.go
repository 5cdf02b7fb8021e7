package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"kakehashi/internal/verify"
	"os"
	"sort"
	"strings"
	"time"

	"kakehashi/internal/build"
	"kakehashi/internal/content"
)

// siteFlags are the flags every command that reads a site shares.
type siteFlags struct {
	source string
	now    string
}

func (f *siteFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.source, "source", ".", "site folder (holds site.yaml and content/)")
	fs.StringVar(&f.source, "s", ".", "short for --source")
	fs.StringVar(&f.now, "now", "", "date consent expiry is measured against, YYYY-MM-DD (default: today)")
}

func (f *siteFlags) today() (time.Time, error) {
	if f.now == "" {
		n := time.Now()
		return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	t, err := content.ParseDate(f.now)
	if err != nil {
		return time.Time{}, fmt.Errorf("--now %q: write the date as YYYY-MM-DD", f.now)
	}
	return t, nil
}

// newFlagSet returns a flag set that prints errors as one line with a hint.
func newFlagSet(name, synopsis string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	// Parse would call Usage on every bad flag too; help is printed by parse,
	// once, and only when asked for with -h or --help.
	fs.Usage = func() {}
	help := &helpFlag{print: func() {
		fmt.Fprintf(stdout, "Usage: kakehashi %s\n\nFlags:\n", synopsis)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}}
	fs.Var(help, "help", "show this help")
	fs.Var(help, "h", "show this help")
	return fs
}

// helpFlag is -h/--help: it remembers that help was asked for and how to print it.
type helpFlag struct {
	asked bool
	print func()
}

func (h *helpFlag) String() string   { return "" }
func (h *helpFlag) Set(string) error { h.asked = true; return nil }
func (h *helpFlag) IsBoolFlag() bool { return true }

// helpAsked prints the help of fs and reports true when -h or --help was given.
func helpAsked(fs *flag.FlagSet) bool {
	f := fs.Lookup("help")
	if f == nil {
		return false
	}
	h, ok := f.Value.(*helpFlag)
	if ok && h.asked {
		h.print()
	}
	return ok && h.asked
}

// parse parses args; it returns done=true with the exit code when the command must stop.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, done bool) {
	err := fs.Parse(args)
	if helpAsked(fs) {
		return 0, true
	}
	if err != nil {
		fmt.Fprintf(stderr, "kakehashi %s: %v; run 'kakehashi help %s'\n", fs.Name(), err, fs.Name())
		return 2, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kakehashi %s: unexpected argument %q; run 'kakehashi help %s'\n", fs.Name(), fs.Arg(0), fs.Name())
		return 2, true
	}
	return 0, false
}

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("build", "build [-s DIR] [-d DIR] [--base-url URL] [--now YYYY-MM-DD] [--drafts] [--verify] [-v] [-q]", stdout, stderr)
	var sf siteFlags
	sf.register(fs)
	var opts build.Options
	fs.StringVar(&opts.Destination, "destination", "", "output folder (default: <source>/public)")
	fs.StringVar(&opts.Destination, "d", "", "short for --destination")
	fs.StringVar(&opts.BaseURL, "base-url", "", "absolute URL the site is served from (overrides site.yaml)")
	fs.BoolVar(&opts.Drafts, "drafts", false, "publish drafts too (consent rules still apply)")
	verbose := fs.Bool("v", false, "list every decision and stage timing")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	memProfile := fs.String("memprofile", "", "write a heap profile to this file at the end")
	quiet := fs.Bool("q", false, "print errors only")
	fullVerify := fs.Bool("verify", false, "also run kakehashi verify's full scan on the finished output before it replaces the published site")
	if code, done := parse(fs, args, stderr); done {
		return code
	}
	now, err := sf.today()
	if err != nil {
		fmt.Fprintf(stderr, "kakehashi build: %v\n", err)
		return 2
	}
	opts.Source, opts.Now = sf.source, now
	// Every file is scanned for fingerprints as it is written (the funnel);
	// --verify adds the verifier's whole-output scan (links, images, stray
	// files) before the swap, at about the cost of a second build.
	beforeSwap := func(res *build.Result, out iofs.FS) error {
		expected := map[string]bool{}
		for _, p := range res.Written {
			expected[p] = true
		}
		rep, err := verify.Scan(verify.Input{Site: res.Site, Fingerprints: res.Fingerprints, SiteFS: os.DirFS(sf.source), Expected: expected}, out)
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		if len(rep.Findings) > 0 {
			return fmt.Errorf("verify: %s (%d findings in all; run kakehashi verify -v after fixing)", rep.Findings[0], len(rep.Findings))
		}
		return nil
	}
	if *fullVerify {
		opts.BeforeSwap = beforeSwap
	}
	stop, err := startProfiles(*cpuProfile, *memProfile)
	if err != nil {
		fmt.Fprintf(stderr, "kakehashi build: %v\n", err)
		return 2
	}
	paint := newPainter(stderr)
	opts.Progress = &build.Progress{}
	// The limit matters once the heap is large, long after the start: it
	// is set from the content the build read (see limitMemory).
	pauseCollection()
	opts.ContentLoaded = limitMemory
	stopProgress := func() {}
	if !*quiet {
		stopProgress = progressLine(stderr, opts.Progress)
	}
	res, err := build.Run(opts)
	stopProgress()
	stop()
	if err != nil {
		fmt.Fprintf(stderr, "%s\n%v\n", paint.red("kakehashi build: failed; the previous output is unchanged."), err)
		return 1
	}
	if *quiet {
		return 0
	}
	// A large site's report is thousands of lines: written in blocks, not
	// a system call a line.
	report := bufio.NewWriterSize(stderr, 64<<10)
	for _, sk := range res.Site.Skipped {
		fmt.Fprintln(report, paint.yellow(sk.String()))
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(report, paint.yellow("warning: ")+w)
	}
	report.Flush()
	out := bufio.NewWriterSize(stdout, 64<<10)
	if *verbose {
		// The whole decision list: what was published, beside the skips above.
		for _, p := range res.Site.Pages {
			if p.Source != nil && p.IsItem() {
				fmt.Fprintf(out, "%s: published%s\n", p.Source.Path, decisionNotes(p.Consent.RealName, p.Photo != nil, p.Consent.Draft))
			}
		}
		for _, st := range res.Stages {
			fmt.Fprintf(out, "stage %-7s %v\n", st.Name, st.Took.Round(time.Microsecond))
		}
	}
	fmt.Fprintln(out, newPainter(stdout).green(summary(res)))
	out.Flush()
	return 0
}

// summary is the last line of a build: pages per language, skips per reason, time.
func summary(res *build.Result) string {
	var b strings.Builder
	b.WriteString("built: ")
	var parts []string
	for _, lang := range res.Site.Config.Languages {
		parts = append(parts, fmt.Sprintf("%s %d pages", lang, res.Pages[lang]))
	}
	b.WriteString(strings.Join(parts, ", "))
	fmt.Fprintf(&b, ", %d files in all", res.Files)
	reasons := map[string]int{}
	for _, sk := range res.Site.Skipped {
		reasons[reasonKind(sk.Reason)]++
	}
	if len(reasons) > 0 {
		keys := make([]string, 0, len(reasons))
		for k := range reasons {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var rs []string
		for _, k := range keys {
			rs = append(rs, fmt.Sprintf("%d %s", reasons[k], k))
		}
		fmt.Fprintf(&b, "; skipped %d: %s", len(res.Site.Skipped), strings.Join(rs, ", "))
	}
	fmt.Fprintf(&b, "; in %v", res.Took.Round(time.Millisecond))
	return b.String()
}

// reasonKind groups skip reasons for the summary ("consent expired on 2025-12-31" → "expired").
func reasonKind(reason string) string {
	switch {
	case strings.Contains(reason, "expired"):
		return "expired"
	case strings.Contains(reason, "publish is false"):
		return "not consented or withdrawn"
	case strings.Contains(reason, "not given for language"):
		return "language not consented"
	case reason == "draft":
		return "draft"
	case strings.Contains(reason, "no consent block"):
		return "no consent"
	default:
		return "malformed consent"
	}
}

// decisionNotes says what a published page shows beyond its alias and text.
func decisionNotes(realName, photo, draft bool) string {
	var notes []string
	if realName {
		notes = append(notes, "real name")
	}
	if photo {
		notes = append(notes, "photo")
	}
	if draft {
		notes = append(notes, "draft")
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, ", ") + ")"
}
