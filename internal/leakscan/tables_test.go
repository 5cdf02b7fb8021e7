package leakscan

import (
	"bytes"
	"os"
	"testing"
)

// TestRuneTablesFile wants runetables.bin to be the tables the Unicode
// tables of this Go and x/text give.
func TestRuneTablesFile(t *testing.T) {
	want := appendTables(nil, computeTables())
	if *update {
		if err := os.WriteFile("runetables.bin", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := appendTables(nil, tables()); !bytes.Equal(got, want) {
		t.Fatalf("runetables.bin differs from the Unicode tables: run go test ./internal/leakscan -run TestRuneTablesFile -update")
	}
}
