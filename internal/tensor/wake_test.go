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
// allocation at GOMAXPROCS 2.
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
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const rounds = 20
	for range rounds {
		time.Sleep(2 * spinFor)
		For(len(hits), 64, body)
	}
	runtime.ReadMemStats(&after)
	for i, h := range hits {
		if h != rounds+2 {
			t.Fatalf("index %d visited %d times, want %d", i, h, rounds+2)
		}
	}
	if n := after.Mallocs - before.Mallocs; n != 0 {
		t.Errorf("%d heap allocations over %d loops after idle gaps, want 0", n, rounds)
	}
}
