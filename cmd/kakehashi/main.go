// Command kakehashi builds a consent-first bilingual site of refugee talent
// stories. See README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// The commands allocate much and keep little (verify reads the
		// whole output): collecting less often saves a fifth of the CPU
		// time. A build is paced by its memory limit instead
		// (pauseCollection), the preview by its own (limitServeMemory).
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands lists the subcommands. A function, not a package variable, because
// help refers back to the table.
func commands() map[string]command {
	return map[string]command{
		"build":   {"build the site into the output folder", runBuild},
		"serve":   {"preview the site with live reload", runServe},
		"consent": {"list every item's consent decision", runConsent},
		"verify":  {"scan built output for anything unconsented", runVerify},
		"new":     {"create a site, or a talent or employer story in both languages", runNew},
		"version": {"print the version", runVersion},
		"help":    {"show help for a command", runHelp},
	}
}

// run is main without the process: testable with buffers.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "-h", "--help", "-help":
		usage(stdout)
		return 0
	}
	cmd, ok := commands()[name]
	if !ok {
		fmt.Fprintf(stderr, "kakehashi: unknown command %q; run 'kakehashi help' for the list\n", name)
		return 2
	}
	return cmd.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "kakehashi builds a consent-first bilingual site of refugee talent stories.")
	fmt.Fprintln(w, "\nUsage: kakehashi <command> [flags]\n\nCommands:")
	table := commands()
	names := make([]string, 0, len(table))
	for n := range table {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, table[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'kakehashi help <command>' for a command's flags.")
}

func runHelp(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stdout)
		return 0
	}
	cmd, ok := commands()[args[0]]
	if !ok || args[0] == "help" {
		fmt.Fprintf(stderr, "kakehashi: no help for %q; run 'kakehashi help' for the list\n", strings.Join(args, " "))
		return 2
	}
	return cmd.run(ctx, []string{"--help"}, stdout, stderr)
}
