package reports

import (
	"errors"
	"math"
	"testing"
)

func TestFitExponentPowerLaws(t *testing.T) {
	x := []float64{64, 128, 256, 512, 1024, 2048}
	for _, tc := range []struct{ k, c float64 }{{1, 3}, {2, 0.5}, {0.5, 7}} {
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = tc.c * math.Pow(v, tc.k)
		}
		slope, icept, err := FitExponent(x, y)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(slope-tc.k) > 1e-12 || math.Abs(icept-math.Log(tc.c)) > 1e-10 {
			t.Errorf("y = %g·x^%g: got slope %.15g intercept %.15g, want %g, %.15g", tc.c, tc.k, slope, icept, tc.k, math.Log(tc.c))
		}
	}
}

// TestFitExponentNoisy checks a case solved by hand. With log x = 0,1,2,3
// and log y = 0, 1.2, 1.8, 3.1: means 1.5 and 1.525, Sxx = 5,
// Sxy = 2.2875+0.1625+0.1375+2.3625 = 4.95, so slope = 0.99 and
// intercept = 1.525 - 0.99·1.5 = 0.04.
func TestFitExponentNoisy(t *testing.T) {
	lx := []float64{0, 1, 2, 3}
	ly := []float64{0, 1.2, 1.8, 3.1}
	x := make([]float64, 4)
	y := make([]float64, 4)
	for i := range lx {
		x[i], y[i] = math.Exp(lx[i]), math.Exp(ly[i])
	}
	// Non-positive points are skipped, not fitted.
	x = append(x, 0, 5, -1)
	y = append(y, 3, 0, 2)
	slope, icept, err := FitExponent(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(slope-0.99) > 1e-12 || math.Abs(icept-0.04) > 1e-12 {
		t.Errorf("got slope %.15g intercept %.15g, want 0.99, 0.04", slope, icept)
	}
}

func TestFitExponentErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		x, y []float64
		want error
	}{
		"one positive":   {[]float64{1, 0, 2}, []float64{1, 5, -2}, ErrTooFewPoints},
		"empty":          {nil, nil, ErrTooFewPoints},
		"same x":         {[]float64{4, 4}, []float64{1, 2}, ErrTooFewPoints},
		"length differs": {[]float64{1, 2}, []float64{1}, ErrShape},
	} {
		if _, _, err := FitExponent(tc.x, tc.y); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
	}
}

func nan() float64 { return math.NaN() }
