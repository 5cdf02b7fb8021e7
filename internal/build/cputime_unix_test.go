//go:build unix

package build_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, collector included: on a
// shared machine it varies less than the wall time a benchmark measures.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
