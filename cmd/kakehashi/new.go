package main

import (
	"context"
	"fmt"
	"io"
)

// runNew is being written (work in progress).
func runNew(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "kakehashi new: not available yet")
	return 1
}
