package harness

import (
	"math"
	"testing"
)

// The scan computes the recurrence it documents, with a float64 running value.
func TestCalibScan(t *testing.T) {
	a := []float32{0.5, 2, -1, 0.25}
	b := []float32{1, 1, 3, -2}
	h := make([]float32, 4)
	CalibScan(h, a, b)
	want := []float32{1, 3, 0, -2} // 0.5·0+1, 2·1+1, −1·3+3, 0.25·0−2
	for i := range want {
		if h[i] != want[i] {
			t.Fatalf("h = %v, want %v", h, want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("CalibScan with unequal lengths did not panic")
		}
	}()
	CalibScan(h, a[:3], b)
}

func TestFillCalibIsFixedAndBounded(t *testing.T) {
	x, y := make([]float32, 1000), make([]float32, 1000)
	fillCalib(x, 1)
	fillCalib(y, 1)
	distinct := map[float32]bool{}
	for i := range x {
		if x[i] != y[i] || x[i] < -1 || x[i] >= 1 {
			t.Fatalf("x[%d] = %g (again %g): want the same value in [−1, 1)", i, x[i], y[i])
		}
		distinct[x[i]] = true
	}
	if len(distinct) < 990 {
		t.Fatalf("only %d distinct values of 1000", len(distinct))
	}
}

// Calibrate times both kernels for real: neither can beat physical limits
// (a kernel optimised away would), and both are finite medians of reps calls.
func TestCalibrate(t *testing.T) {
	c := Calibrate(3)
	if c.Reps != 3 {
		t.Fatalf("reps %d, want 3", c.Reps)
	}
	// 2·256³ FLOPs at no more than 2 TFLOP/s on a test machine.
	if minNs := 2 * math.Pow(CalibGemmN, 3) / 2e12 * 1e9; !(c.SgemmNs >= minNs) || math.IsInf(c.SgemmNs, 0) {
		t.Fatalf("sgemm %g ns: faster than %g ns is impossible", c.SgemmNs, minNs)
	}
	// A dependent multiply-add chain takes ≥ 0.2 ns per element (≥ 1 cycle at ≤ 5 GHz).
	if minNs := 0.2 * CalibScanN; !(c.ScanNs >= minNs) || math.IsInf(c.ScanNs, 0) {
		t.Fatalf("scan %g ns: faster than %g ns is impossible", c.ScanNs, minNs)
	}
	if g := c.GeoMeanNs(); math.Abs(g*g-c.SgemmNs*c.ScanNs) > 1e-9*c.SgemmNs*c.ScanNs {
		t.Fatalf("geometric mean %g of %g and %g", g, c.SgemmNs, c.ScanNs)
	}
	if Calibrate(0).Reps != 1 {
		t.Fatal("Calibrate(0) does not take one repetition")
	}
}

func TestMedianNs(t *testing.T) {
	calls := 0
	medianNs(func() { calls++ }, 5)
	if calls != 5+calibWarmup {
		t.Fatalf("%d calls, want 5 timed + %d warm-up", calls, calibWarmup)
	}
}
