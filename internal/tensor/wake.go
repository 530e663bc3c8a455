package tensor

import (
	"runtime"
	"sync/atomic"
	"time"
)

// counter is a count that goroutines wait on to change: the pool's jobs
// posted (workers wait) and jobs done (the caller waits).
//
// A waiter first spins for spinFor, yielding its P between looks, so that
// a hand-off between two busy cores costs a load, not a wake-up; then it
// sleeps on the counter's word (a futex on Linux, sleep_linux.go; short
// naps elsewhere, sleep_other.go), which takes no sudog and so never
// allocates. A blocking channel receive or WaitGroup.Wait instead makes
// the woken goroutine runnable on the waker's own core, where it waits
// for the other core's thread to wake and steal it (docs/speed.md,
// "Round 2"), and its sudogs, taken on one P and freed on the other,
// allocate.
type counter struct {
	v        atomic.Uint32
	sleepers atomic.Int32 // waiters asleep, or about to sleep, on v
}

// spinFor is how long a waiter spins before it sleeps: long enough to
// cover the serial gaps between a step's parallel loops, short enough
// that an idle pool stops using its core soon after a step.
const spinFor = 200 * time.Microsecond

func (c *counter) load() uint32 { return c.v.Load() }

// add increments the count and wakes its sleepers, if any. The waiter
// registers as a sleeper before its last look at v, and add changes v
// before it looks at sleepers, so a wake-up is never lost (sequentially
// consistent atomics).
func (c *counter) add() {
	c.v.Add(1)
	if c.sleepers.Load() > 0 {
		wakeAll(&c.v)
	}
}

// waitChange returns the count once it differs from old.
func (c *counter) waitChange(old uint32) uint32 {
	var start time.Time
	for i := 0; ; i++ {
		if v := c.v.Load(); v != old {
			return v
		}
		if i&63 == 0 {
			if i == 0 {
				start = time.Now()
			} else if time.Since(start) > spinFor {
				break
			}
		}
		runtime.Gosched()
	}
	for {
		c.sleepers.Add(1)
		if c.v.Load() == old {
			sleepWhile(&c.v, old)
		}
		c.sleepers.Add(-1)
		if v := c.v.Load(); v != old {
			return v
		}
	}
}
