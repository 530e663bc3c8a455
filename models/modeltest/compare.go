package modeltest

import (
	"fmt"
	"math"

	"rnnbench/internal/tensor"
)

// maxRelErr returns max|got−want| / max(max|want|, floor): the error
// relative to the tensor's scale, which stays meaningful for elements near 0.
func maxRelErr[F tensor.Float](got, want []F, floor float64) (float64, int) {
	scale, worst, at := floor, 0.0, -1
	for _, w := range want {
		scale = math.Max(scale, math.Abs(float64(w)))
	}
	for i := range want {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if d > worst || at < 0 {
			worst, at = d, i
		}
	}
	return worst / scale, at
}

// closeTo returns an error describing the worst element when got and want
// differ by more than tol relative to want's scale.
func closeTo[F tensor.Float](what string, got, want []F, tol float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: length %d, want %d", what, len(got), len(want))
	}
	if len(want) == 0 {
		return nil
	}
	if !tensor.IsFinite(got) {
		return fmt.Errorf("%s: non-finite values", what)
	}
	e, at := maxRelErr(got, want, 1e-12)
	if e > tol {
		return fmt.Errorf("%s: relative error %.3g > %.g at [%d]: got %.10g, want %.10g", what, e, tol, at, float64(got[at]), float64(want[at]))
	}
	return nil
}

// sameBits returns an error at the first element whose bits differ.
func sameBits[F tensor.Float](what string, got, want []F) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: length %d, want %d", what, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] && !(got[i] != got[i] && want[i] != want[i]) {
			return fmt.Errorf("%s: element %d differs: %.17g vs %.17g", what, i, float64(got[i]), float64(want[i]))
		}
	}
	return nil
}
