package main

import (
	"context"
	"fmt"
	"io"
)

// runVerify is being written (work in progress).
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "kakehashi verify: not available yet")
	return 1
}
