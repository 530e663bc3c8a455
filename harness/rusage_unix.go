//go:build unix

package harness

import (
	"os"
	"runtime"
	"syscall"
)

// maxRSSBytes returns the peak resident set of a finished child process
// (getrusage ru_maxrss: KiB on Linux and the BSDs, bytes on macOS), or 0
// when unknown.
func maxRSSBytes(ps *os.ProcessState) int64 {
	if ps == nil {
		return 0
	}
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return int64(ru.Maxrss)
	}
	return int64(ru.Maxrss) * 1024
}
