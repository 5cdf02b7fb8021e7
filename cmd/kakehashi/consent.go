package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"kakehashi/internal/audit"
	"kakehashi/internal/consent"
)

// runConsent prints the consent decision for every content file: the table
// (or --json), or with --expiring only the published items whose consent ends
// soon, exiting 1 when there are any so that CI can warn the staff in time.
func runConsent(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("consent", "consent [-s DIR] [--now YYYY-MM-DD] [--json] [--expiring DAYS] [--drafts]", stdout, stderr)
	var sf siteFlags
	sf.register(fs)
	asJSON := fs.Bool("json", false, "print the decisions as a JSON array (fields in the README)")
	expiring := fs.Int("expiring", 0, "list only the published items whose consent ends within `DAYS` days, and exit 1 if there are any")
	drafts := fs.Bool("drafts", false, "decide as 'build --drafts' does (drafts are published)")
	if code, done := parse(fs, args, stderr); done {
		return code
	}
	checkExpiring := false
	fs.Visit(func(f *flag.Flag) { checkExpiring = checkExpiring || f.Name == "expiring" })
	if *expiring < 0 {
		fmt.Fprintf(stderr, "kakehashi consent: --expiring %d: give a number of days, 0 or more\n", *expiring)
		return 2
	}
	now, err := sf.today()
	if err != nil {
		fmt.Fprintf(stderr, "kakehashi consent: %v\n", err)
		return 2
	}
	list, err := audit.Load(os.DirFS(sf.source), consent.Options{Now: now, Drafts: *drafts})
	if err != nil {
		fmt.Fprintf(stderr, "kakehashi consent: %v\n", err)
		return 1
	}
	date := now.Format("2006-01-02")

	if checkExpiring {
		soon := audit.Expiring(list, now, *expiring)
		if *asJSON {
			if err := audit.WriteJSON(stdout, soon); err != nil {
				fmt.Fprintf(stderr, "kakehashi consent: %v\n", err)
				return 1
			}
		} else if len(soon) == 0 {
			fmt.Fprintf(stdout, "consent: no published item's consent ends within %d days of %s\n", *expiring, date)
		} else {
			fmt.Fprintf(stdout, "consent: the consent of %d published %s ends within %d days of %s:\n\n", len(soon), plural(len(soon), "file", "files"), *expiring, date)
			if err := audit.WriteExpiring(stdout, soon, now); err != nil {
				fmt.Fprintf(stderr, "kakehashi consent: %v\n", err)
				return 1
			}
			fmt.Fprintln(stdout, "\nRenew the consent (consent.expires), or each file is skipped from its EXPIRES day on.")
		}
		if len(soon) > 0 {
			return 1
		}
		return 0
	}

	if *asJSON {
		if err := audit.WriteJSON(stdout, list); err != nil {
			fmt.Fprintf(stderr, "kakehashi consent: %v\n", err)
			return 1
		}
		return 0
	}
	if err := audit.WriteTable(stdout, list); err != nil {
		fmt.Fprintf(stderr, "kakehashi consent: %v\n", err)
		return 1
	}
	pub, skip := audit.Counts(list)
	mode := ""
	if *drafts {
		mode = ", drafts published"
	}
	fmt.Fprintf(stdout, "\n%d published, %d skipped (%d %s, consent as of %s%s)\n", pub, skip, len(list), plural(len(list), "file", "files"), date, mode)
	return 0
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
