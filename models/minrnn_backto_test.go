package models_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"rnnbench/internal/tensor"
	"rnnbench/models"
)

// TestMinRNNBackwardToBits checks that the minimal RNNs' BackwardTo (used
// by Model.Backward in place of clearing dx and calling Backward) over a
// dx full of garbage gives exactly the bits of clearing dx and calling
// Backward, dx and parameter gradients, in every mode, with and without
// the output projection (E = 2D and E = D).
func TestMinRNNBackwardToBits(t *testing.T) {
	type backTo interface {
		BackwardTo(dx, dy, x []float64, B, T int)
	}
	const B, T, D = 2, 5, 4
	for _, mixer := range []string{"mingru", "minlstm"} {
		for _, mode := range models.Modes[mixer] {
			for _, exp := range []int{1, 2} {
				ps, m := minBuild(t, models.Config{Mixer: mixer, Mode: mode, D: D, Expansion: exp}, B, T)
				o, ok := m.(backTo)
				if !ok {
					t.Fatalf("%s/%s: the mixer has no BackwardTo", mixer, mode)
				}
				rng := rand.New(rand.NewPCG(5, 6))
				x, y, dy := make([]float64, B*T*D), make([]float64, B*T*D), make([]float64, B*T*D)
				tensor.Normal(rng, x, 1)
				tensor.Normal(rng, dy, 1)
				m.Forward(y, x, B, T)
				want, got := make([]float64, B*T*D), make([]float64, B*T*D)
				ps.ZeroGrad()
				m.Backward(want, dy, x, B, T)
				wantG := append([]float64(nil), ps.Grad...)
				tensor.Normal(rng, got, 100)
				ps.ZeroGrad()
				o.BackwardTo(got, dy, x, B, T)
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("%s/%s E=%dD: dx[%d] = %v, want %v", mixer, mode, exp, i, got[i], want[i])
					}
				}
				for i := range wantG {
					if math.Float64bits(ps.Grad[i]) != math.Float64bits(wantG[i]) {
						t.Fatalf("%s/%s E=%dD: grad[%d] = %v, want %v", mixer, mode, exp, i, ps.Grad[i], wantG[i])
					}
				}
			}
		}
	}
}

// TestMinRNNForwardView checks that ForwardView returns exactly Forward's
// y, leaving y untouched when there is no output projection (E = D: the
// view is h itself, so the copy is saved) and filling it otherwise.
func TestMinRNNForwardView(t *testing.T) {
	type viewer interface {
		ForwardView(y, x []float64, B, T int) []float64
	}
	const B, T, D = 2, 5, 4
	for _, mixer := range []string{"mingru", "minlstm"} {
		for _, exp := range []int{1, 2} {
			_, m := minBuild(t, models.Config{Mixer: mixer, Mode: models.DefaultMode(mixer), D: D, Expansion: exp}, B, T)
			rng := rand.New(rand.NewPCG(7, 8))
			x, want, y := make([]float64, B*T*D), make([]float64, B*T*D), make([]float64, B*T*D)
			tensor.Normal(rng, x, 1)
			m.Forward(want, x, B, T)
			got := m.(viewer).ForwardView(y, x, B, T)
			for i := range want {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%s E=%dD: view[%d] = %v, want %v", mixer, exp, i, got[i], want[i])
				}
			}
			if filled := y[0] != 0; filled != (exp != 1) {
				t.Errorf("%s E=%dD: y filled = %v, want %v (copy saved only when E = D)", mixer, exp, filled, exp != 1)
			}
		}
	}
}
