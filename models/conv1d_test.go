package models

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"rnnbench/internal/tensor"
)

// conv1dRef is PyTorch's definition, written out: transpose to channels
// first, pad K−1 zeros on both sides, cross-correlate, keep the first T.
// x: [B, T, ldx] (channels at [0, E)); w: [E, K]; bias: [E]. Returns [B, T, E].
func conv1dRef(x []float64, ldx int, w, bias []float64, B, T, E, K int) []float64 {
	y := make([]float64, B*T*E)
	for b := 0; b < B; b++ {
		for e := 0; e < E; e++ {
			pad := make([]float64, T+2*(K-1)) // channel e of sequence b, zero-padded
			for t := 0; t < T; t++ {
				pad[K-1+t] = x[(b*T+t)*ldx+e]
			}
			for t := 0; t < T; t++ {
				s := bias[e]
				for k := 0; k < K; k++ {
					s += w[e*K+k] * pad[t+k]
				}
				y[(b*T+t)*E+e] = s
			}
		}
	}
	return y
}

// TestConv1dHandComputed: one channel, x = 1..5, w = (1, 10, 100, 1000),
// bias 0.5, so y_t = 0.5 + 1000x_t + 100x_{t−1} + 10x_{t−2} + x_{t−3}.
func TestConv1dHandComputed(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5}
	y := make([]float64, 5)
	conv1dForward(y, x, 1, []float64{1, 10, 100, 1000}, []float64{0.5}, 1, 5, 1, 4)
	want := []float64{1000.5, 2100.5, 3210.5, 4321.5, 5432.5}
	if !slices.Equal(y, want) {
		t.Errorf("y = %v, want %v", y, want)
	}
}

func conv1dCase(rng *rand.Rand, B, T, E, K, ldx int) (x, w, bias []float64) {
	x = make([]float64, B*T*ldx)
	w = make([]float64, E*K)
	bias = make([]float64, E)
	for _, s := range [][]float64{x, w, bias} {
		for i := range s {
			s[i] = rng.NormFloat64()
		}
	}
	return x, w, bias
}

// shapes (B, T, E, K, ldx): T shorter than K, strided input, several
// channel chunks.
var conv1dShapes = [][5]int{{1, 2, 1, 4, 1}, {2, 7, 3, 4, 6}, {3, 11, 37, 4, 74}, {2, 5, 4, 1, 4}}

func TestConv1dForwardMatchesRef(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, sh := range conv1dShapes {
		B, T, E, K, ldx := sh[0], sh[1], sh[2], sh[3], sh[4]
		x, w, bias := conv1dCase(rng, B, T, E, K, ldx)
		want := conv1dRef(x, ldx, w, bias, B, T, E, K)
		y := make([]float64, B*T*E)
		conv1dForward(y, x, ldx, w, bias, B, T, E, K)
		for i := range want {
			if math.Abs(y[i]-want[i]) > 1e-12 {
				t.Fatalf("shape %v: y[%d] = %v, ref %v", sh, i, y[i], want[i])
			}
		}
	}
}

// TestConv1dBackwardFD holds dx, dw and db to central differences of
// L = Σ dy ⊙ conv1dRef(·), starting from non-zero gradients to check +=.
func TestConv1dBackwardFD(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, sh := range conv1dShapes {
		B, T, E, K, ldx := sh[0], sh[1], sh[2], sh[3], sh[4]
		x, w, bias := conv1dCase(rng, B, T, E, K, ldx)
		dy := make([]float64, B*T*E)
		for i := range dy {
			dy[i] = rng.NormFloat64()
		}
		dx, dw, db := make([]float64, len(x)), make([]float64, len(w)), make([]float64, len(bias))
		for _, g := range [][]float64{dx, dw, db} {
			for i := range g {
				g[i] = -0.5
			}
		}
		conv1dBackward(dx, ldx, dy, x, w, dw, db, B, T, E, K)
		loss := func() float64 { return dot(conv1dRef(x, ldx, w, bias, B, T, E, K), dy) }
		for _, p := range []struct {
			name string
			v, g []float64
		}{{"x", x, dx}, {"w", w, dw}, {"bias", bias, db}} {
			for i := range p.v {
				want := -0.5
				if p.name != "x" || i%ldx < E {
					want += s6FD(loss, &p.v[i])
				}
				if math.Abs(p.g[i]-want) > 1e-7*(1+math.Abs(want)) {
					t.Fatalf("shape %v: d%s[%d] = %v, finite difference %v", sh, p.name, i, p.g[i], want)
				}
			}
		}
	}
}

// TestConv1dDeterministic requires bit-identical float32 gradients for
// GOMAXPROCS 1 and 2.
func TestConv1dDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	B, T, E, K := 4, 50, 70, 4
	x64, w64, _ := conv1dCase(rng, B, T, E, K, E)
	dy64, _, _ := conv1dCase(rng, B, T, E, K, E)
	x, w, dy := s6Convert[float32](x64), s6Convert[float32](w64), s6Convert[float32](dy64)
	run := func(procs int) [][]float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		dx, dw, db := make([]float32, len(x)), make([]float32, len(w)), make([]float32, E)
		conv1dBackward(dx, E, dy, x, w, dw, db, B, T, E, K)
		return [][]float32{dx, dw, db}
	}
	one, two := run(1), run(2)
	for k := range one {
		if !slices.Equal(one[k], two[k]) {
			t.Errorf("gradient %d differs between GOMAXPROCS 1 and 2", k)
		}
	}
}

// conv1dBackwardOneLoop is the conv backward as one loop over rows that
// scatters into dx, dw and db (the form before the row/channel split):
// the reference for the order of every sum.
func conv1dBackwardOneLoop[F tensor.Float](dx []F, ldx int, dy, x, w, dw, db []F, B, T, E, K int) {
	for row := 0; row < B*T; row++ {
		t := row % T
		dyr := dy[row*E : (row+1)*E]
		for e := range E {
			db[e] += dyr[e]
		}
		for k := max(0, K-1-t); k < K; k++ {
			src := (row - (K - 1) + k) * ldx
			for e := range E {
				g := dyr[e]
				dw[e*K+k] += g * x[src+e]
				dx[src+e] += w[e*K+k] * g
			}
		}
	}
}

// The split backward (dx by rows, dw and db by channels in local
// accumulators, or directly for K > convAccK) gives the one-loop form's
// float32 bits, at GOMAXPROCS 1 and 2, for widths around the accumulator
// block and above it (tasks of several blocks) and a tap count above
// convAccK.
func TestConv1dBackwardMatchesOneLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, sh := range [][5]int{{2, 37, 70, 4, 70}, {3, 20, 128, 4, 256}, {2, 9, 300, 4, 300}, {2, 9, 5, 3, 8}, {2, 30, 20, 11, 20}} {
		B, T, E, K, ldx := sh[0], sh[1], sh[2], sh[3], sh[4]
		x64, w64, _ := conv1dCase(rng, B, T, E, K, ldx)
		dy64 := make([]float64, B*T*E)
		for i := range dy64 {
			dy64[i] = rng.NormFloat64()
		}
		x, w, dy := s6Convert[float32](x64), s6Convert[float32](w64), s6Convert[float32](dy64)
		start := func() (dx, dw, db []float32) {
			dx, dw, db = make([]float32, len(x)), make([]float32, len(w)), make([]float32, E)
			for _, g := range [][]float32{dx, dw, db} {
				for i := range g {
					g[i] = float32(rng.NormFloat64())
				}
			}
			return dx, dw, db
		}
		dx0, dw0, db0 := start()
		wantDx, wantDw, wantDb := slices.Clone(dx0), slices.Clone(dw0), slices.Clone(db0)
		conv1dBackwardOneLoop(wantDx, ldx, dy, x, w, wantDw, wantDb, B, T, E, K)
		for _, procs := range []int{1, 2} {
			prev := runtime.GOMAXPROCS(procs)
			dx, dw, db := slices.Clone(dx0), slices.Clone(dw0), slices.Clone(db0)
			conv1dBackward(dx, ldx, dy, x, w, dw, db, B, T, E, K)
			runtime.GOMAXPROCS(prev)
			for name, p := range map[string][2][]float32{"dx": {dx, wantDx}, "dw": {dw, wantDw}, "db": {db, wantDb}} {
				if !slices.Equal(p[0], p[1]) {
					t.Errorf("shape %v, GOMAXPROCS %d: %s differs from the one-loop form's bits", sh, procs, name)
				}
			}
		}
	}
}
