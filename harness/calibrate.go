package harness

import (
	"math"
	"runtime"
	"time"

	"rnnbench/internal/tensor"
)

// Calibration kernel sizes. They are fixed: changing them changes every
// calibration figure, so baselines must then be regenerated.
const (
	CalibGemmN  = 256     // sgemm: C[N, N] = A[N, N]·B[N, N] in float32 through tensor.MatMul
	CalibScanN  = 1 << 20 // scan: h_t = a_t·h_{t−1} + b_t over this many float32 elements
	CalibReps   = 15      // repetitions whose median Calibrate reports by default
	calibWarmup = 2       // untimed calls before the timed ones
)

// Calibration is the speed of this machine, measured in this process, on
// two fixed kernels that bracket what a training step does: a
// compute-bound matrix product (blocked, on every core, as the models'
// linear layers) and a latency-bound sequential scan (one core, one
// dependent multiply-add per element, as the recurrent mixers). Timings
// measured on the same machine in the same run are divided by it, so that
// a uniformly slower or faster machine cancels out.
type Calibration struct {
	SgemmNs float64 `json:"sgemm_ns"` // median ns per CalibGemmN³ sgemm
	ScanNs  float64 `json:"scan_ns"`  // median ns per scan over CalibScanN elements
	Reps    int     `json:"reps"`     // timed calls of each kernel
	// SgemmGroupsNs and ScanGroupsNs are Stats.Groups of the timed calls:
	// the repetitions of a benchmark file. Nil in older records.
	SgemmGroupsNs []float64 `json:"sgemm_groups_ns,omitempty"`
	ScanGroupsNs  []float64 `json:"scan_groups_ns,omitempty"`
}

// GeoMeanNs returns √(SgemmNs·ScanNs): the ratio of two machines' GeoMeanNs
// is the geometric mean of the two kernels' ratios, so neither kernel
// dominates the calibration.
func (c Calibration) GeoMeanNs() float64 { return math.Sqrt(c.SgemmNs * c.ScanNs) }

// Calibrate times each kernel reps times (after two untimed calls) and
// returns the medians. reps < 1 is taken as 1. It allocates about 13 MiB
// once and takes about reps × 5 ms on a 2-core machine with the pure-Go
// matmul.
func Calibrate(reps int) Calibration {
	reps = max(reps, 1)
	n := CalibGemmN
	a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	fillCalib(a, 1)
	fillCalib(b, 2)
	sa, sb, sh := make([]float32, CalibScanN), make([]float32, CalibScanN), make([]float32, CalibScanN)
	fillCalib(sb, 3)
	for i := range sa {
		sa[i] = 0.5 + 0.49*sb[(i*7)%len(sb)] // in (0, 1): the scan stays bounded
	}
	runtime.GC()
	gemm := func() { tensor.MatMul(false, false, n, n, n, a, b, 0, c) }
	scan := func() { CalibScan(sh, sa, sb) }
	g, sc := timeNs(gemm, reps), timeNs(scan, reps)
	return Calibration{SgemmNs: g.Median, ScanNs: sc.Median, Reps: reps, SgemmGroupsNs: g.Groups, ScanGroupsNs: sc.Groups}
}

// medianNs returns the median wall time of f in ns over reps calls, after
// calibWarmup untimed ones.
func medianNs(f func(), reps int) float64 { return timeNs(f, reps).Median }

// timeNs returns the Stats of the wall times of f in ns over reps calls,
// after calibWarmup untimed ones.
func timeNs(f func(), reps int) Stats {
	for i := 0; i < calibWarmup; i++ {
		f()
	}
	ns := make([]float64, reps)
	for i := range ns {
		t0 := time.Now()
		f()
		ns[i] = float64(time.Since(t0).Nanoseconds())
	}
	return Summarise(ns)
}

// CalibScan computes h_t = a_t·h_{t−1} + b_t, h_{−1} = 0, over a, b, h of
// equal length, with the running value in float64 as the models' scans
// keep it. Every step depends on the one before, so its time is the
// latency of a multiply-add chain. It panics if the lengths differ.
func CalibScan(h, a, b []float32) {
	if len(a) != len(h) || len(b) != len(h) {
		panic("harness: CalibScan lengths differ")
	}
	var x float64
	for i := range h {
		x = float64(a[i])*x + float64(b[i])
		h[i] = float32(x)
	}
}

// fillCalib fills x with fixed values in [−1, 1) from a small linear
// congruential generator seeded by seed.
func fillCalib(x []float32, seed uint32) {
	s := seed
	for i := range x {
		s = s*1664525 + 1013904223
		x[i] = float32(s>>8)/(1<<23) - 1
	}
}
