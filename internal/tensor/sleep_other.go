//go:build !linux

package tensor

import (
	"sync/atomic"
	"time"
)

// sleepWhile, without a futex, naps briefly and lets the caller look
// again (time.Sleep reuses the goroutine's own timer: no allocation).
func sleepWhile(_ *atomic.Uint32, _ uint32) { time.Sleep(20 * time.Microsecond) }

// wakeAll has nothing to wake: sleepers look again after their nap.
func wakeAll(_ *atomic.Uint32) {}
