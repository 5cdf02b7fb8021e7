package main

import (
	"context"
	"fmt"
	"io"
)

// runServe is being written (work in progress).
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "kakehashi serve: not available yet")
	return 1
}
