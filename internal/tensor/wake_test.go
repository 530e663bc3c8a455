package tensor

import (
	"runtime"
	"testing"
	"time"
)

// A waiter returns the new count whether the change comes while it spins
// or after it has gone to sleep (a gap of 5 × spinFor).
func TestCounterWaitChange(t *testing.T) {
	for _, gap := range []time.Duration{0, spinFor / 4, 5 * spinFor} {
		var c counter
		got := make(chan uint32, 1)
		go func() { got <- c.waitChange(0) }()
		time.Sleep(gap)
		c.add()
		select {
		case v := <-got:
			if v != 1 {
				t.Fatalf("gap %v: waitChange returned %d, want 1", gap, v)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("gap %v: waiter not woken within 5 s of add", gap)
		}
	}
}

// Loops separated by idle gaps longer than spinFor (so that the worker
// sleeps between them) still cover every index once and make no heap
// allocation of their own at GOMAXPROCS 2. The runtime may allocate now
// and then on its own (a thread for a P handed off while the worker
// sleeps in its system call), so, as stepAllocs in models does, the
// fewest allocations over five rounds must be 0.
func TestForAfterIdleGaps(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	hits := make([]int32, 4096)
	body := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			hits[i]++
		}
	}
	For(len(hits), 64, body) // start the pool
	time.Sleep(2 * spinFor)  // give this goroutine its timer
	For(len(hits), 64, body)
	const loops = 10
	least, calls := uint64(1<<62), int32(2)
	for range 5 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range loops {
			time.Sleep(2 * spinFor)
			For(len(hits), 64, body)
		}
		runtime.ReadMemStats(&after)
		calls += loops
		least = min(least, after.Mallocs-before.Mallocs)
	}
	for i, h := range hits {
		if h != calls {
			t.Fatalf("index %d visited %d times, want %d", i, h, calls)
		}
	}
	if least != 0 {
		t.Errorf("at least %d heap allocations in every round of %d loops after idle gaps, want 0", least, loops)
	}
}
