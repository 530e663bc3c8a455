package models

import (
	"math"
	"math/rand/v2"
	"testing"
)

// scanInputs returns loga, logb: [B, T, E] with log a ∈ [−3, 0) and
// log b ∈ [−3, 1), seeded.
func scanInputs(B, T, E int, seed uint64) (loga, logb []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	n := B * T * E
	loga, logb = make([]float64, n), make([]float64, n)
	for i := range n {
		loga[i] = -3 * rng.Float64()
		logb[i] = 4*rng.Float64() - 3
	}
	return loga, logb
}

// expAll returns exp of every element.
func expAll(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = math.Exp(v)
	}
	return y
}

// relErr returns |got − want| / max(|want|, floor).
func relErr(got, want, floor float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), floor)
}

// dot returns Σ y[i]·dy[i], the loss whose gradient with respect to y is
// dy (finite-difference checks).
func dot(y, dy []float64) float64 {
	s := 0.0
	for i := range y {
		s += y[i] * dy[i]
	}
	return s
}

// scaledErr returns max|got − want| / max|want|: the error relative to the
// tensor's scale, meaningful for elements near 0, and where it is worst.
func scaledErr(got, want []float64) (float64, int) {
	scale, worst, at := 1e-300, 0.0, 0
	for i := range want {
		scale = math.Max(scale, math.Abs(want[i]))
		if d := math.Abs(got[i] - want[i]); d > worst {
			worst, at = d, i
		}
	}
	return worst / scale, at
}

func TestScanLinearHandValues(t *testing.T) {
	// One channel, T = 3: h = 1, 0.5·1 + 2 = 2.5, 2·2.5 + 3 = 8.
	a, b := []float64{0.5, 0.5, 2}, []float64{1, 2, 3}
	h := make([]float64, 3)
	linearScanRange(h, a, b, 3, 1, 0, 1)
	for i, want := range []float64{1, 2.5, 8} {
		if h[i] != want {
			t.Errorf("h[%d] = %g, want %g", i, h[i], want)
		}
	}
	// Backward of L = Σ h: g_2 = 1, g_1 = 1 + a_2·g_2 = 3, g_0 = 1 + a_1·g_1 = 2.5.
	// da_t = g_t·h_{t−1} = (0, 3·1, 1·2.5), db_t = g_t.
	da, db := make([]float64, 3), make([]float64, 3)
	linearScanBackwardRange(da, db, []float64{1, 1, 1}, a, h, 3, 1, 0, 1)
	for i, want := range []float64{0, 3, 2.5} {
		if da[i] != want {
			t.Errorf("da[%d] = %g, want %g", i, da[i], want)
		}
	}
	for i, want := range []float64{2.5, 3, 1} {
		if db[i] != want {
			t.Errorf("db[%d] = %g, want %g", i, db[i], want)
		}
	}
}

func TestScanLogEqualsLinear(t *testing.T) {
	const B, T, E = 2, 37, 21 // E > scanTile: tiles end at E and cross rows
	loga, logb := scanInputs(B, T, E, 1)
	n := B * T * E
	want := make([]float64, n)
	linearScanRange(want, expAll(loga), expAll(logb), T, E, 0, B*E)
	logh, h := make([]float64, n), make([]float64, n)
	logScanRange(logh, h, loga, logb, T, E, 0, B*E)
	for i := range want {
		if e := relErr(h[i], want[i], 0); e > 1e-12 {
			t.Fatalf("h[%d] = %.17g, linear scan %.17g (rel err %.2g)", i, h[i], want[i], e)
		}
		if e := math.Abs(logh[i] - math.Log(want[i])); e > 1e-12 {
			t.Fatalf("log h[%d] = %.17g, want %.17g", i, logh[i], math.Log(want[i]))
		}
	}
}

func TestScanChunkingIsBitIdentical(t *testing.T) {
	const B, T, E = 3, 11, 20
	loga, logb := scanInputs(B, T, E, 2)
	n := B * T * E
	dh := expAll(loga) // any gradient
	run := func(splits []int) (h, dla, dlb, hl, da, db []float64) {
		logh := make([]float64, n)
		h, dla, dlb = make([]float64, n), make([]float64, n), make([]float64, n)
		hl, da, db = make([]float64, n), make([]float64, n), make([]float64, n)
		a, b := expAll(loga), expAll(logb)
		for i := 0; i+1 < len(splits); i++ {
			lo, hi := splits[i], splits[i+1]
			logScanRange(logh, h, loga, logb, T, E, lo, hi)
			logScanBackwardRange(dla, dlb, dh, loga, logb, logh, h, T, E, lo, hi)
			linearScanRange(hl, a, b, T, E, lo, hi)
			linearScanBackwardRange(da, db, dh, a, hl, T, E, lo, hi)
		}
		return
	}
	whole := [6][]float64{}
	whole[0], whole[1], whole[2], whole[3], whole[4], whole[5] = run([]int{0, B * E})
	parts := [6][]float64{}
	parts[0], parts[1], parts[2], parts[3], parts[4], parts[5] = run([]int{0, 5, 19, 20, 41, B * E})
	for k := range whole {
		for i := range whole[k] {
			if whole[k][i] != parts[k][i] {
				t.Fatalf("output %d element %d: %v whole vs %v in chunks", k, i, whole[k][i], parts[k][i])
			}
		}
	}
}

// scanLoss returns Σ w⊙h for the log-space scan.
func scanLoss(loga, logb, w []float64, T, E, C int) float64 {
	n := len(loga)
	logh, h := make([]float64, n), make([]float64, n)
	logScanRange(logh, h, loga, logb, T, E, 0, C)
	s := 0.0
	for i := range h {
		s += w[i] * h[i]
	}
	return s
}

func TestScanLogBackwardFiniteDifferences(t *testing.T) {
	const B, T, E = 2, 9, 3
	loga, logb := scanInputs(B, T, E, 3)
	w, _ := scanInputs(B, T, E, 4)
	for i := range w {
		w[i] += 1.5 // mixed signs
	}
	n := B * T * E
	logh, h := make([]float64, n), make([]float64, n)
	logScanRange(logh, h, loga, logb, T, E, 0, B*E)
	dla, dlb := make([]float64, n), make([]float64, n)
	for i := range dla { // overwritten, dlog a_0 included
		dla[i], dlb[i] = 7, 7
	}
	logScanBackwardRange(dla, dlb, w, loga, logb, logh, h, T, E, 0, B*E)
	const eps = 1e-6
	for _, c := range []struct {
		name string
		x, g []float64
	}{{"log a", loga, dla}, {"log b", logb, dlb}} {
		num := make([]float64, len(c.x))
		for i := range c.x {
			old := c.x[i]
			c.x[i] = old + eps
			lp := scanLoss(loga, logb, w, T, E, B*E)
			c.x[i] = old - eps
			lm := scanLoss(loga, logb, w, T, E, B*E)
			c.x[i] = old
			num[i] = (lp - lm) / (2 * eps)
		}
		if e, i := scaledErr(c.g, num); e > 1e-8 {
			t.Errorf("d/d %s: scaled error %.2g at [%d]: %.12g, finite difference %.12g", c.name, e, i, c.g[i], num[i])
		}
	}
	// The log-space gradients are the linear ones times a and b
	// (dlog a = a·da, dlog b = b·db), and both kernels overwrite what the
	// gradients held (here 7).
	a, b := expAll(loga), expAll(logb)
	hl, da, db := make([]float64, n), make([]float64, n), make([]float64, n)
	linearScanRange(hl, a, b, T, E, 0, B*E)
	for i := range da {
		da[i], db[i] = 7, 7
	}
	linearScanBackwardRange(da, db, w, a, hl, T, E, 0, B*E)
	logVsLinear(t, dla, dlb, a, b, da, db, 1e-13)
}

// logVsLinear requires the log-space scan's gradients to be the linear
// scan's times a and b, dlog a = a·da and dlog b = b·db, within tol
// (scaled error).
func logVsLinear(t *testing.T, dla, dlb, a, b, da, db []float64, tol float64) {
	t.Helper()
	wa, wb := make([]float64, len(da)), make([]float64, len(db))
	for i := range da {
		wa[i], wb[i] = a[i]*da[i], b[i]*db[i]
	}
	if e, i := scaledErr(dla, wa); e > tol {
		t.Errorf("dlog a vs a·da: scaled error %.2g at [%d]: %.17g vs %.17g", e, i, dla[i], wa[i])
	}
	if e, i := scaledErr(dlb, wb); e > tol {
		t.Errorf("dlog b vs b·db: scaled error %.2g at [%d]: %.17g vs %.17g", e, i, dlb[i], wb[i])
	}
}

func TestScanLogExtremeValues(t *testing.T) {
	// Pre-activations of ±1e4 give log a ∈ {−1e4, 0} and log b down to
	// −2e4 (and up to log(1e4+0.5)): a* reaches −1e4·T. Forward and
	// backward must stay finite and h must match the linear recurrence.
	const B, T, E = 1, 40, 17
	rng := rand.New(rand.NewPCG(5, 5))
	n := B * T * E
	loga, logb := make([]float64, n), make([]float64, n)
	choices := []float64{-1e4, 0, -0.5}
	bChoices := []float64{-2e4, -1e4, math.Log(1e4 + 0.5), 0.3}
	for i := range n {
		loga[i] = choices[rng.IntN(len(choices))]
		logb[i] = bChoices[rng.IntN(len(bChoices))]
	}
	logh, h := make([]float64, n), make([]float64, n)
	logScanRange(logh, h, loga, logb, T, E, 0, B*E)
	want := make([]float64, n)
	a, b := expAll(loga), expAll(logb)
	linearScanRange(want, a, b, T, E, 0, B*E)
	for i := range want {
		if math.IsNaN(logh[i]) || math.IsInf(logh[i], 0) || math.IsNaN(h[i]) || math.IsInf(h[i], 0) {
			t.Fatalf("element %d: log h = %v, h = %v", i, logh[i], h[i])
		}
		if e := relErr(h[i], want[i], 1e-300); e > 1e-9 {
			t.Fatalf("h[%d] = %.17g, linear %.17g", i, h[i], want[i])
		}
	}
	w := make([]float64, n)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	dla, dlb := make([]float64, n), make([]float64, n)
	logScanBackwardRange(dla, dlb, w, loga, logb, logh, h, T, E, 0, B*E)
	da, db := make([]float64, n), make([]float64, n)
	linearScanBackwardRange(da, db, w, a, want, T, E, 0, B*E)
	for i := range dla {
		if math.IsNaN(dla[i]) || math.IsInf(dla[i], 0) || math.IsNaN(dlb[i]) || math.IsInf(dlb[i], 0) {
			t.Fatalf("element %d: dlog a = %v, dlog b = %v", i, dla[i], dlb[i])
		}
	}
	// log h carries the rounding of a* ≈ −1e4·T (ulp ≈ 6e-11 relative to
	// the 1e4-sized terms), hence a looser bound than for moderate inputs.
	logVsLinear(t, dla, dlb, a, b, da, db, 1e-10)
}

func TestScanLinearBackwardFiniteDifferences(t *testing.T) {
	const B, T, E = 2, 7, 3
	la, lb := scanInputs(B, T, E, 6)
	a, b := expAll(la), lb // b of any sign
	w, _ := scanInputs(B, T, E, 7)
	n := B * T * E
	loss := func() float64 {
		h := make([]float64, n)
		linearScanRange(h, a, b, T, E, 0, B*E)
		s := 0.0
		for i := range h {
			s += w[i] * h[i]
		}
		return s
	}
	h := make([]float64, n)
	linearScanRange(h, a, b, T, E, 0, B*E)
	da, db := make([]float64, n), make([]float64, n)
	linearScanBackwardRange(da, db, w, a, h, T, E, 0, B*E)
	const eps = 1e-6
	for _, c := range []struct {
		name string
		x, g []float64
	}{{"a", a, da}, {"b", b, db}} {
		num := make([]float64, len(c.x))
		for i := range c.x {
			old := c.x[i]
			c.x[i] = old + eps
			lp := loss()
			c.x[i] = old - eps
			lm := loss()
			c.x[i] = old
			num[i] = (lp - lm) / (2 * eps)
		}
		if e, i := scaledErr(c.g, num); e > 1e-8 {
			t.Errorf("d/d %s: scaled error %.2g at [%d]: %.12g, finite difference %.12g", c.name, e, i, c.g[i], num[i])
		}
	}
}
