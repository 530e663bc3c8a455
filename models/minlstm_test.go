package models_test

import (
	"math"
	"testing"

	"rnnbench/models"
	"rnnbench/models/modeltest"
)

// TestMinLSTMConformance runs the suite at E = 2D and E = D (no output
// projection, y = h).
func TestMinLSTMConformance(t *testing.T) {
	conformanceWidths(t, models.Config{Mixer: "minlstm", Mode: "parallel", D: 4, V: 7, L: 1})
}

func TestMinLSTMTorchFixture(t *testing.T) {
	modeltest.CheckTorchFixture(t, "../testdata/torch/minlstm.json")
}

func TestMinLSTMHandValues(t *testing.T) {
	// D = E = 1, W_in = [0; 0; 1], b_in = [0, ln 3, 0]: f = σ(0) = ½,
	// i = σ(ln 3) = ¾, so f′ = ½/(5/4) = 0.4 and i′ = 0.6; k_h = x.
	// x = (1, −1, 0): h̃ = (1.5, σ(−1), 0.5);
	// h = (0.9, 0.4·0.9 + 0.6·σ(−1), 0.4·h_1 + 0.3).
	s := 1 / (1 + math.E) // σ(−1)
	h1 := 0.6 * 1.5
	h2 := 0.4*h1 + 0.6*s
	want := []float64{h1, h2, 0.4*h2 + 0.3}
	minHandCheck(t, "minlstm", []float64{0, 0, 1}, []float64{0, math.Log(3), 0}, want)
}

func TestMinLSTMParameters(t *testing.T) {
	// minLSTM: 3·E·D weights + 3E biases in, E·D out (ANCHORS: 3·E·D core).
	ps, m := minBuild(t, models.Config{Mixer: "minlstm", Mode: "sequential", D: 4, Expansion: 3}, 2, 3)
	D, E := 4, 12
	if got, want := ps.Count(), 3*E*D+3*E+E*D; got != want {
		t.Errorf("parameters = %d, want %d", got, want)
	}
	if p := ps.Params[0]; p.Name != "mixer.in.weight" || p.Shape[0] != 3*E || p.Shape[1] != D {
		t.Errorf("first parameter %q %v, want mixer.in.weight [%d %d]", p.Name, p.Shape, 3*E, D)
	}
	if s := m.NewState(5, 100); s.Bytes() != 5*int64(E)*8 {
		t.Errorf("state bytes = %d, want B·E·8 = %d", s.Bytes(), 5*E*8)
	}
	// Sequential: matmuls 2·D·3E + 2·E·D, bias 3E, elementwise 19 per channel.
	if got, want := m.FLOPs(64), int64(2*D*3*E+2*E*D+3*E+19*E); got != want {
		t.Errorf("FLOPs = %d, want %d", got, want)
	}
}

func TestMinLSTMModesAgree(t *testing.T) {
	minModesAgree(t, models.Config{Mixer: "minlstm", D: 6, Expansion: 3}, 3, 33, 1, 1e-13)
}

func TestMinLSTMModesAgreeExtreme(t *testing.T) {
	// Pre-activations of ±1e4 and beyond: f and i underflow in every
	// combination; f′, i′ through d = softplus(−k_f) − softplus(−k_i) stay
	// exact, and the log-space mode must stay finite and match.
	minModesAgree(t, models.Config{Mixer: "minlstm", D: 6, Expansion: 3}, 2, 20, 1e4, 1e-10)
}

func TestMinLSTMNoAllocations(t *testing.T) { minNoAllocs(t, "minlstm") }

func TestMinLSTMFloat32LongSequence(t *testing.T) { minFloat32Long(t, "minlstm") }

// BenchmarkMinLSTM times a float32 Forward + Backward per mode
// (B=8, T=512, D=64, E=128).
func BenchmarkMinLSTM(b *testing.B) { minBenchModes(b, "minlstm") }
