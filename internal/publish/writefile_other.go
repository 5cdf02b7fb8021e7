//go:build !linux

package publish

import (
	"io/fs"
	"os"
)

func writeFile(name string, data []byte, perm uint32) error {
	return os.WriteFile(name, data, fs.FileMode(perm))
}
