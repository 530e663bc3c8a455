package tensor

import "time"

// SgemmPeak measures this machine's float32 matmul peak through Gemm (the
// registered backend, on GOMAXPROCS workers): it times C = A·B for square
// n×n operands, n = 512, 1024 and 1536, repeating each for at least
// minTime, and returns the best rate in GFLOP/s (2n³ FLOPs per product)
// with the n that reached it. Achieved GFLOP/s of a training step is
// judged against this figure (README.md, Speed).
func SgemmPeak(minTime time.Duration) (gflops float64, n int) {
	for _, sz := range []int{512, 1024, 1536} {
		a, b, c := make([]float32, sz*sz), make([]float32, sz*sz), make([]float32, sz*sz)
		for i := range a {
			a[i] = float32(i%7) - 3
			b[i] = float32(i%5) - 2
		}
		MatMul(false, false, sz, sz, sz, a, b, 0, c) // warm-up
		reps, start := 0, time.Now()
		for reps == 0 || time.Since(start) < minTime {
			MatMul(false, false, sz, sz, sz, a, b, 0, c)
			reps++
		}
		if g := 2 * float64(sz) * float64(sz) * float64(sz) * float64(reps) / time.Since(start).Seconds() / 1e9; g > gflops {
			gflops, n = g, sz
		}
	}
	return gflops, n
}
