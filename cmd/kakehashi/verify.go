package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"kakehashi/internal/verify"
)

// runVerify scans a built output folder for anything the consent decisions
// do not allow. It exits 0 with a one-line summary when the output is clean,
// and 1 naming the file and the string of the first finding (every finding
// with -v), or when the output cannot be checked at all.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("verify", "verify [-s DIR] [-d DIR] [--now YYYY-MM-DD] [--drafts] [-v]", stdout, stderr)
	var sf siteFlags
	sf.register(fs)
	var dest string
	fs.StringVar(&dest, "destination", "", "output folder to check (default: <source>/public)")
	fs.StringVar(&dest, "d", "", "short for --destination")
	drafts := fs.Bool("drafts", false, "the output was built with 'build --drafts'")
	verbose := fs.Bool("v", false, "list every finding, not only the first")
	if code, done := parse(fs, args, stderr); done {
		return code
	}
	now, err := sf.today()
	if err != nil {
		fmt.Fprintf(stderr, "kakehashi verify: %v\n", err)
		return 2
	}
	if dest == "" {
		dest = filepath.Join(sf.source, "public")
	}
	rep, err := verify.Run(sf.source, dest, now, verify.WithDrafts(*drafts))
	if err != nil {
		fmt.Fprintf(stderr, "kakehashi verify: cannot verify: %v\n", err)
		return 1
	}
	if len(rep.Findings) == 0 {
		pub, skip := 0, 0
		for _, d := range rep.Decisions {
			if d.Published() {
				pub++
			} else {
				skip++
			}
		}
		fmt.Fprintf(stdout, "verify: OK: %d files in %s scanned for %d fingerprints (%d content files published, %d skipped, consent as of %s)\n",
			rep.Files, dest, rep.Needles, pub, skip, now.Format("2006-01-02"))
		return 0
	}
	files := map[string]bool{}
	for _, f := range rep.Findings {
		files[f.File] = true
	}
	fmt.Fprintf(stderr, "verify: FAILED: %s\n", rep.Findings[0])
	if *verbose {
		for _, f := range rep.Findings[1:] {
			fmt.Fprintf(stderr, "verify: %s\n", f)
		}
		fmt.Fprintf(stderr, "verify: %d %s in %d %s of %s\n", len(rep.Findings), plural(len(rep.Findings), "finding", "findings"), len(files), plural(len(files), "file", "files"), dest)
	} else if len(rep.Findings) > 1 {
		fmt.Fprintf(stderr, "verify: %d findings in %d %s of %s; run with -v to list them all\n", len(rep.Findings), len(files), plural(len(files), "file", "files"), dest)
	}
	return 1
}
