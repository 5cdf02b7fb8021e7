//go:build !unix

package diskfs

import (
	"io/fs"
	"os"
)

// readRegular reads the file at path through an *os.File.
func readRegular(path string, limit int64) ([]byte, fs.FileMode, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	return readOpen(f, limit)
}
