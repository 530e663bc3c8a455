package tensor

import (
	"runtime"
	"sync/atomic"
	"testing"
)

func TestForCoversEveryIndexOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		prev := runtime.GOMAXPROCS(procs)
		for _, n := range []int{1, 7, 100, 1001} {
			for _, grain := range []int{1, 3, 64, 5000} {
				hits := make([]int32, n)
				For(n, grain, func(lo, hi int) {
					for i := lo; i < hi; i++ {
						atomic.AddInt32(&hits[i], 1)
					}
				})
				for i, h := range hits {
					if h != 1 {
						t.Fatalf("GOMAXPROCS %d, n %d, grain %d: index %d visited %d times", procs, n, grain, i, h)
					}
				}
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}

func TestForNestedRunsSerially(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	var total atomic.Int64
	For(8, 1, func(lo, hi int) {
		For(10, 1, func(lo2, hi2 int) { total.Add(int64(hi2 - lo2)) })
	})
	if total.Load() != 80 {
		t.Fatalf("nested For covered %d indices, want 80", total.Load())
	}
}

func TestForAllocatesNothing(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	out := make([]float32, 4096)
	body := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = float32(i)
		}
	}
	For(len(out), 256, body) // start the pool
	if a := testing.AllocsPerRun(50, func() { For(len(out), 256, body) }); a != 0 {
		t.Fatalf("For allocated %.1f times per call, want 0", a)
	}
}
