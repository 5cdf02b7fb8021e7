//go:build !linux

package watch

import "runtime"

const limitFile = ""

func readLimit(string) int { return 0 }

func watchesInUse() int { return 0 }

func remoteFS(string) (string, bool) { return "", false }

// perFileHandles: kqueue (macOS, the BSDs) opens one file handle for every
// file in a watched folder; a large site could exhaust them.
var perFileHandles = runtime.GOOS != "windows"
