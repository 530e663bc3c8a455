package reports

import (
	"errors"
	"fmt"
	"math"
)

// ErrTooFewPoints reports a fit with fewer than two usable points.
var ErrTooFewPoints = errors.New("reports: fewer than 2 positive points with distinct x")

// FitExponent returns the least-squares slope and intercept of log(y)
// against log(x) (natural logs), i.e. y ≈ exp(intercept)·x^slope: about 1
// for linear, 2 for quadratic cost. Points where x or y is not a positive
// finite number are skipped. It returns an error wrapping ErrShape if
// len(x) != len(y), and ErrTooFewPoints if fewer than 2 points remain or
// all remaining x are equal (the slope is then undefined).
func FitExponent(x, y []float64) (slope, intercept float64, err error) {
	if len(x) != len(y) {
		return 0, 0, fmt.Errorf("%w: len(x)=%d, len(y)=%d", ErrShape, len(x), len(y))
	}
	var lx, ly []float64
	for i := range x {
		if positive(x[i]) && positive(y[i]) {
			lx = append(lx, math.Log(x[i]))
			ly = append(ly, math.Log(y[i]))
		}
	}
	if len(lx) < 2 {
		return 0, 0, ErrTooFewPoints
	}
	mx, my := mean(lx), mean(ly)
	var sxx, sxy float64
	for i := range lx {
		dx := lx[i] - mx
		sxx += dx * dx
		sxy += dx * (ly[i] - my)
	}
	if sxx == 0 {
		return 0, 0, ErrTooFewPoints
	}
	slope = sxy / sxx
	return slope, my - slope*mx, nil
}

// positive reports whether v is a finite number greater than zero.
func positive(v float64) bool { return v > 0 && !math.IsInf(v, 1) }

func mean(v []float64) float64 {
	var s float64
	for _, e := range v {
		s += e
	}
	return s / float64(len(v))
}
