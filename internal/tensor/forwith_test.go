package tensor

import (
	"runtime"
	"testing"
)

// fill writes i+1 at each index of its range into out.
type fill struct{ out []int }

func (k fill) Run(lo, hi int) {
	for i := lo; i < hi; i++ {
		k.out[i] += i + 1
	}
}

// ForWith covers [0, n) exactly once at GOMAXPROCS 1 and 2, and makes no
// heap allocation once its kernel type has run.
func TestForWith(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	out := make([]int, 1000)
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 7, 1000} {
			clear(out)
			ForWith(n, 3, fill{out})
			for i, v := range out {
				if want := map[bool]int{true: i + 1, false: 0}[i < n]; v != want {
					t.Fatalf("GOMAXPROCS %d n=%d: out[%d] = %d, want %d", procs, n, i, v, want)
				}
			}
		}
		if a := testing.AllocsPerRun(100, func() { ForWith(1000, 3, fill{out}) }); a != 0 {
			t.Errorf("GOMAXPROCS %d: %g allocations per ForWith, want 0", procs, a)
		}
	}
}

// evens counts the even values of xs in its range.
type evens struct{ xs []int }

func (k evens) Count(lo, hi int) int {
	c := 0
	for _, v := range k.xs[lo:hi] {
		c += 1 - v&1
	}
	return c
}

// ForCount sums the counts of every chunk exactly once at GOMAXPROCS 1
// and 2, and allocates nothing on the parallel path once warm.
func TestForCount(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	xs := make([]int, 1000)
	for i := range xs {
		xs[i] = i * i // even for even i
	}
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 7, 1000} {
			if got, want := ForCount(n, 3, evens{xs}), (n+1)/2; got != want {
				t.Fatalf("GOMAXPROCS %d n=%d: %d evens, want %d", procs, n, got, want)
			}
		}
	}
	runtime.GOMAXPROCS(2)
	ForCount(1000, 3, evens{xs})
	least := uint64(1 << 62)
	for range 5 { // the fewest of five rounds: the runtime allocates now and then on its own
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 10 {
			ForCount(1000, 3, evens{xs})
		}
		runtime.ReadMemStats(&after)
		least = min(least, after.Mallocs-before.Mallocs)
	}
	if least != 0 {
		t.Errorf("%d allocations per 10 parallel ForCount calls, want 0", least)
	}
}
