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
