package search

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var updateRuneFlags = flag.Bool("update", false, "rewrite runeflags.bin from the Unicode tables")

// TestRuneFlagsFile wants runeflags.bin to be the flags the Unicode tables
// of this Go and x/text give every rune of the BMP.
func TestRuneFlagsFile(t *testing.T) {
	want := computeBMPFlags()
	if *updateRuneFlags {
		if err := os.WriteFile("runeflags.bin", want[:], 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got := bmpFlags()
	if bytes.Equal(got[:], want[:]) {
		return
	}
	for r := range want {
		if got[r] != want[r] {
			t.Fatalf("runeflags.bin gives U+%04X flags %#x, the Unicode tables %#x: run go test ./internal/search -run TestRuneFlagsFile -update", r, got[r], want[r])
		}
	}
}
