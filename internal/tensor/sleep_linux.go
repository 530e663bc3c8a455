//go:build linux

package tensor

import (
	"math"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// Linux futex operations (linux/futex.h), private to this process.
const (
	futexWaitPrivate = 0 | 128
	futexWakePrivate = 1 | 128
)

// sleepWhile sleeps while *w == old, until wakeAll(w) (or a spurious
// wake-up; callers look again). The system call parks the thread, not a
// goroutine: the runtime hands its P to other work while it sleeps, and
// nothing is allocated.
func sleepWhile(w *atomic.Uint32, old uint32) {
	syscall.Syscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(w)), futexWaitPrivate, uintptr(old), 0, 0, 0)
}

// wakeAll wakes every thread asleep in sleepWhile(w, ·).
func wakeAll(w *atomic.Uint32) {
	syscall.Syscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(w)), futexWakePrivate, math.MaxInt32, 0, 0, 0)
}
