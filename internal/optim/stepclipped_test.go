package optim

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"rnnbench/internal/tensor"
)

// StepClipped (clipping fused into AdamW's pass) gives the parameters and
// moments of ClipGradNorm then Step bit for bit, over three steps, in
// float32 and float64, with the clip active (norm ≈ 34 > 1), inactive
// (max norm 1e3) and off (0), on a slab large enough to run in parallel
// chunks, at GOMAXPROCS 1 and 2; it leaves the gradient slab unscaled.
func TestStepClippedMatchesClipThenStep(t *testing.T) {
	for _, maxNorm := range []float64{1, 1e3, 0} {
		for _, procs := range []int{1, 2} {
			stepClippedCase[float32](t, maxNorm, procs)
			stepClippedCase[float64](t, maxNorm, procs)
		}
	}
}

func stepClippedCase[F tensor.Float](t *testing.T, maxNorm float64, procs int) {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	const n = 3*grain + 17
	build := func() *tensor.ParamSet[F] {
		ps := &tensor.ParamSet[F]{}
		w := ps.New("w", true, n-100)
		b := ps.New("b", false, 100)
		ps.Finalize()
		rng := rand.New(rand.NewPCG(5, 6))
		for _, x := range [][]F{w.Data, b.Data} {
			for i := range x {
				x[i] = F(rng.NormFloat64())
			}
		}
		return ps
	}
	ref, fused := build(), build()
	oRef, oFused := NewAdamW(ref, 0.9, 0.99, 1e-8, 0.1), NewAdamW(fused, 0.9, 0.99, 1e-8, 0.1)
	rng := rand.New(rand.NewPCG(7, 8))
	for step := range 3 {
		for i := range ref.Grad {
			g := F(0.2 * rng.NormFloat64())
			ref.Grad[i], fused.Grad[i] = g, g
		}
		grad := append([]F(nil), fused.Grad...)
		normRef := ClipGradNorm(ref.Grad, maxNorm)
		oRef.Step(ref, 1e-2)
		norm := GradNorm(fused.Grad)
		oFused.StepClipped(fused, 1e-2, norm, maxNorm)
		if norm != normRef {
			t.Fatalf("max norm %g, step %d: GradNorm %v, ClipGradNorm %v", maxNorm, step, norm, normRef)
		}
		if maxNorm == 1 && ClipScale[F](norm, maxNorm) == 1 {
			t.Fatalf("norm %v: the clip is not active, the case tests nothing", norm)
		}
		for i := range grad {
			if grad[i] != fused.Grad[i] {
				t.Fatalf("StepClipped changed the gradient at %d", i)
			}
		}
		for _, pair := range [][2][]F{{ref.Data, fused.Data}, {oRef.M, oFused.M}, {oRef.V, oFused.V}} {
			for i := range pair[0] {
				if math.Float64bits(float64(pair[0][i])) != math.Float64bits(float64(pair[1][i])) {
					t.Fatalf("%T, max norm %g, GOMAXPROCS %d, step %d, element %d: %v fused, %v clip then step", F(0), maxNorm, procs, step, i, pair[1][i], pair[0][i])
				}
			}
		}
	}
}

// ClipScale: hand values. Norm 4 with max 1 gives 1/(4+1e-6); a norm
// below the max (by more than the 1e-6), clipping off (max ≤ 0) and a
// non-finite norm give 1.
func TestClipScale(t *testing.T) {
	if got, want := ClipScale[float64](4, 1), 1/(4+1e-6); got != want {
		t.Errorf("ClipScale(4, 1) = %v, want %v", got, want)
	}
	if got := ClipScale[float32](4, 2); got != float32(2/(4+1e-6)) {
		t.Errorf("ClipScale[float32](4, 2) = %v", got)
	}
	for _, c := range [][2]float64{{0.5, 1}, {4, 0}, {4, -1}, {math.Inf(1), 1}, {math.NaN(), 1}} {
		if got := ClipScale[float64](c[0], c[1]); got != 1 {
			t.Errorf("ClipScale(%v, %v) = %v, want 1", c[0], c[1], got)
		}
	}
}
