package models

import (
	"math"
	"math/rand/v2"
	"testing"
)

func testRope(dh, maxT int) rope[float64] {
	half := maxT * dh / 2
	return newRope(dh, maxT, make([]float64, half), make([]float64, half))
}

func ropeDot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// TestRoPEHandValues checks rotations worked out by hand: Dh = 4 has
// θ_0 = 1 and θ_1 = 10000^(−1/2) = 0.01, pairs interleaved (x0,x1), (x2,x3).
func TestRoPEHandValues(t *testing.T) {
	r := testRope(4, 3)
	x := []float64{1, 0, 0, 1}
	r.rotate(x, 2)
	want := []float64{math.Cos(2), math.Sin(2), -math.Sin(0.02), math.Cos(0.02)}
	for i := range want {
		if math.Abs(x[i]-want[i]) > 1e-15 {
			t.Fatalf("rotate(x, 2)[%d] = %v, want %v", i, x[i], want[i])
		}
	}
	y := []float64{3, -4, 5, 6}
	r.rotate(y, 0) // position 0 is the identity
	if y[0] != 3 || y[1] != -4 || y[2] != 5 || y[3] != 6 {
		t.Fatalf("rotate at position 0 changed x: %v", y)
	}
}

func TestRoPEPreservesNormAndInverts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	r := testRope(8, 40)
	for pos := 0; pos < 40; pos += 7 {
		x := make([]float64, 8)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		orig := append([]float64(nil), x...)
		r.rotate(x, pos)
		if n0, n1 := ropeDot(orig, orig), ropeDot(x, x); math.Abs(n0-n1) > 1e-12*n0 {
			t.Fatalf("pos %d: |x|² %v became %v", pos, n0, n1)
		}
		// unrotate is the transpose: <R x, y> = <x, Rᵀ y>.
		yv := make([]float64, 8)
		for i := range yv {
			yv[i] = rng.NormFloat64()
		}
		ry := append([]float64(nil), yv...)
		r.unrotate(ry, pos)
		if a, b := ropeDot(x, yv), ropeDot(orig, ry); math.Abs(a-b) > 1e-12 {
			t.Fatalf("pos %d: <Rx, y> = %v but <x, Rᵀy> = %v", pos, a, b)
		}
		r.unrotate(x, pos)
		for i := range x {
			if math.Abs(x[i]-orig[i]) > 1e-12 {
				t.Fatalf("pos %d: unrotate(rotate(x))[%d] = %v, want %v", pos, i, x[i], orig[i])
			}
		}
	}
}

// TestRoPERelativePosition checks RoFormer's property (eq. 16): the score
// <R(m) q, R(n) k> depends only on m − n.
func TestRoPERelativePosition(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	r := testRope(8, 64)
	q, k := make([]float64, 8), make([]float64, 8)
	for i := range q {
		q[i], k[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	score := func(m, n int) float64 {
		qm, kn := append([]float64(nil), q...), append([]float64(nil), k...)
		r.rotate(qm, m)
		r.rotate(kn, n)
		return ropeDot(qm, kn)
	}
	for _, d := range []int{0, 1, 5, 17} {
		ref := score(d, 0)
		for _, n := range []int{3, 20, 46} {
			if s := score(n+d, n); math.Abs(s-ref) > 1e-12 {
				t.Fatalf("score(%d, %d) = %v, want score(%d, 0) = %v", n+d, n, s, d, ref)
			}
		}
	}
	if a, b := score(5, 0), score(6, 0); math.Abs(a-b) < 1e-6 {
		t.Fatalf("scores at offsets 5 and 6 coincide (%v): rotation has no effect", a)
	}
}
