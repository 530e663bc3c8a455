package models

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"rnnbench/internal/tensor"
)

// s6Ref is the slow, obviously correct selective scan, written after
// state-spaces/mamba's selective_scan_ref: for each sequence and channel,
// discretise (ΔA → exp, ΔBu) and run the recurrence from h = 0.
// u, delta: [B, T, E]; A: [E, N]; bc: [B, T, ld] (B_t at [0, N), C_t at
// [N, 2N)); dskip: [E]. Returns y: [B, T, E].
func s6Ref(u, delta, A, bc, dskip []float64, B, T, E, N, ld int) []float64 {
	y := make([]float64, B*T*E)
	for b := 0; b < B; b++ {
		for e := 0; e < E; e++ {
			h := make([]float64, N)
			for t := 0; t < T; t++ {
				i := (b*T+t)*E + e
				Bt := bc[(b*T+t)*ld : (b*T+t)*ld+N]
				Ct := bc[(b*T+t)*ld+N : (b*T+t)*ld+2*N]
				sum := 0.0
				for n := 0; n < N; n++ {
					deltaA := math.Exp(delta[i] * A[e*N+n])
					deltaBu := delta[i] * Bt[n] * u[i]
					h[n] = deltaA*h[n] + deltaBu
					sum += Ct[n] * h[n]
				}
				y[i] = sum + dskip[e]*u[i]
			}
		}
	}
	return y
}

// s6Case is random scan operands of plausible magnitude.
type s6Case struct {
	B, T, E, N, LD         int
	u, delta, A, bc, dskip []float64
}

func newS6Case(rng *rand.Rand, B, T, E, N int) *s6Case {
	c := &s6Case{B: B, T: T, E: E, N: N, LD: 2*N + 3}
	fill := func(n int, lo, hi float64) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = lo + (hi-lo)*rng.Float64()
		}
		return x
	}
	c.u = fill(B*T*E, -1, 1)
	c.delta = fill(B*T*E, 0.05, 1)
	c.A = fill(E*N, -3, -0.2)
	c.bc = fill(B*T*c.LD, -1, 1)
	c.dskip = fill(E, 0.5, 1.5)
	return c
}

func s6Convert[F, G float32 | float64](x []G) []F {
	y := make([]F, len(x))
	for i, v := range x {
		y[i] = F(v)
	}
	return y
}

func (c *s6Case) scan32() s6[float32] {
	return s6[float32]{B: c.B, T: c.T, E: c.E, N: c.N, LD: c.LD,
		U: s6Convert[float32](c.u), Delta: s6Convert[float32](c.delta), A: s6Convert[float32](c.A),
		BC: s6Convert[float32](c.bc), Dskip: s6Convert[float32](c.dskip), H: make([]float32, c.B*c.T*c.E*c.N)}
}

func (c *s6Case) scan64() s6[float64] {
	return s6[float64]{B: c.B, T: c.T, E: c.E, N: c.N, LD: c.LD,
		U: c.u, Delta: c.delta, A: c.A, BC: c.bc, Dskip: c.dskip, H: make([]float64, c.B*c.T*c.E*c.N)}
}

func (c *s6Case) ref() []float64 {
	return s6Ref(c.u, c.delta, c.A, c.bc, c.dskip, c.B, c.T, c.E, c.N, c.LD)
}

// shapes cover one channel, a partial chunk, several chunks with a ragged
// last one, and a long sequence.
var s6Shapes = [][4]int{{1, 1, 1, 1}, {2, 5, 3, 2}, {3, 9, 37, 4}, {2, 33, 16, 16}, {1, 200, 5, 3}}

func TestS6ForwardMatchesRef(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sh := range s6Shapes {
		c := newS6Case(rng, sh[0], sh[1], sh[2], sh[3])
		want := c.ref()
		s := c.scan64()
		y := make([]float64, len(want))
		s.forward(y)
		for i := range want {
			if math.Abs(y[i]-want[i]) > 1e-12*(1+math.Abs(want[i])) {
				t.Fatalf("shape %v: y[%d] = %v, ref %v", sh, i, y[i], want[i])
			}
		}
		s32 := c.scan32()
		y32 := make([]float32, len(want))
		s32.forward(y32)
		for i := range want {
			if math.Abs(float64(y32[i])-want[i]) > 2e-5*(1+math.Abs(want[i])) {
				t.Fatalf("shape %v float32: y[%d] = %v, ref %v", sh, i, y32[i], want[i])
			}
		}
	}
}

// TestS6HandComputed checks one channel, N = 1, two steps, worked by hand:
// A = −1, Δ = (0.5, ln 2), u = (2, 4), B = (1, 3), C = (2, 1), D = 0.5.
// h_1 = 0.5·1·2 = 1, y_1 = 2·1 + 0.5·2 = 3;
// h_2 = e^{−ln 2}·1 + ln2·3·4 = 0.5 + 12 ln 2, y_2 = h_2 + 0.5·4 = 2.5 + 12 ln 2.
func TestS6HandComputed(t *testing.T) {
	s := s6[float64]{B: 1, T: 2, E: 1, N: 1, LD: 2,
		U: []float64{2, 4}, Delta: []float64{0.5, math.Ln2}, A: []float64{-1},
		BC: []float64{1, 2, 3, 1}, Dskip: []float64{0.5}, H: make([]float64, 2)}
	y := make([]float64, 2)
	s.forward(y)
	want := []float64{3, 2.5 + 12*math.Ln2}
	for i := range want {
		if math.Abs(y[i]-want[i]) > 1e-14 {
			t.Errorf("y[%d] = %v, want %v", i, y[i], want[i])
		}
	}
	if math.Abs(s.H[1]-(0.5+12*math.Ln2)) > 1e-14 {
		t.Errorf("h_2 = %v, want %v", s.H[1], 0.5+12*math.Ln2)
	}
}

// TestS6BackwardFD holds every gradient of the backward to central finite
// differences of L = Σ dy ⊙ s6Ref(·) in float64.
func TestS6BackwardFD(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sh := range [][4]int{{1, 1, 1, 1}, {2, 4, 3, 2}, {2, 5, 19, 3}} {
		c := newS6Case(rng, sh[0], sh[1], sh[2], sh[3])
		dy := make([]float64, c.B*c.T*c.E)
		for i := range dy {
			dy[i] = rng.NormFloat64()
		}
		s := c.scan64()
		s.forward(make([]float64, len(dy)))
		du, dd := make([]float64, len(c.u)), make([]float64, len(c.delta))
		dA, dbc, dD := make([]float64, len(c.A)), make([]float64, len(c.bc)), make([]float64, len(c.dskip))
		// Start from non-zero gradients: du, dd are overwritten, the others
		// accumulated (+=).
		for _, g := range [][]float64{du, dd, dA, dbc, dD} {
			for i := range g {
				g[i] = 0.25
			}
		}
		var a tensor.Arena[float64]
		s.backward(newS6Work(&a, c.B, c.T, c.E, c.N), dy, du, dd, dA, dbc, dD)
		loss := func() float64 { return dot(c.ref(), dy) }
		for _, p := range []struct {
			name string
			x, g []float64
		}{{"u", c.u, du}, {"delta", c.delta, dd}, {"A", c.A, dA}, {"BC", c.bc, dbc}, {"D", c.dskip, dD}} {
			for i := range p.x {
				want := 0.25
				if p.name == "u" || p.name == "delta" {
					want = 0
				}
				if p.name != "BC" || i%c.LD < 2*c.N {
					want += s6FD(loss, &p.x[i])
				}
				if math.Abs(p.g[i]-want) > 1e-7*(1+math.Abs(want)) {
					t.Fatalf("shape %v: d%s[%d] = %v, finite difference %v", sh, p.name, i, p.g[i], want)
				}
			}
		}
	}
}

// s6FD returns the central difference of f with respect to *x.
func s6FD(f func() float64, x *float64) float64 {
	const eps = 1e-6
	x0 := *x
	*x = x0 + eps
	fp := f()
	*x = x0 - eps
	fm := f()
	*x = x0
	return (fp - fm) / (2 * eps)
}

// TestS6Deterministic requires bit-identical float32 results, forward and
// backward, for GOMAXPROCS 1 and 2.
func TestS6Deterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	c := newS6Case(rng, 3, 40, 45, 8)
	dy := s6Convert[float32](c.ref())
	run := func(procs int) [][]float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		s := c.scan32()
		y := make([]float32, len(dy))
		s.forward(y)
		du, dd := make([]float32, len(c.u)), make([]float32, len(c.delta))
		dA, dbc, dD := make([]float32, len(c.A)), make([]float32, len(c.bc)), make([]float32, len(c.dskip))
		var a tensor.Arena[float32]
		s.backward(newS6Work(&a, c.B, c.T, c.E, c.N), dy, du, dd, dA, dbc, dD)
		return [][]float32{y, du, dd, dA, dbc, dD}
	}
	one, two := run(1), run(2)
	for k := range one {
		if !slices.Equal(one[k], two[k]) {
			t.Errorf("output %d differs between GOMAXPROCS 1 and 2", k)
		}
	}
}
