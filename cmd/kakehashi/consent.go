package main

import (
	"context"
	"fmt"
	"io"
)

// runConsent is being written (work in progress).
func runConsent(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "kakehashi consent: not available yet")
	return 1
}
