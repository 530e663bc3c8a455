package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"rnnbench/internal/tensor"
)

// TestRNNGroupsMatchOneGroup runs GRU and LSTM Forward and Backward with
// the time loop in groups of sequences and the W_hh gradient in row chunks
// (the rules in use), and again as one group and one chunk (the loop as it
// was: one product over all B rows per step), at GOMAXPROCS 2. With gonum
// every bit of y, dx and the parameter gradients must agree; with
// OpenBLAS, whose small-product kernels sum in an order that depends on
// the row count, they must agree to 1e-4 of the largest magnitude.
func TestRNNGroupsMatchOneGroup(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	exact := strings.HasPrefix(tensor.Backend(), "gonum")
	for _, mixer := range []string{"gru", "lstm"} {
		for _, s := range []struct{ B, T, D, X int }{{16, 40, 64, 1}, {8, 30, 64, 2}, {5, 9, 8, 2}, {32, 12, 16, 2}} {
			run := func() []float32 {
				c := Config{Mixer: mixer, D: s.D, Expansion: s.X, V: 7, L: 1}
				ps := &tensor.ParamSet[float32]{}
				m, err := NewMixer(ps, "mixer", c)
				if err != nil {
					t.Fatal(err)
				}
				ps.Finalize()
				m.Init(rand.New(rand.NewPCG(3, 4)))
				m.Alloc(&tensor.Arena[float32]{}, s.B, s.T)
				n := s.B * s.T * s.D
				x, dy, y, dx := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
				rng := rand.New(rand.NewPCG(5, 6))
				tensor.Normal(rng, x, 1)
				tensor.Normal(rng, dy, 1)
				m.Forward(y, x, s.B, s.T)
				m.Backward(dx, dy, x, s.B, s.T)
				return append(append(y, dx...), ps.Grad...)
			}
			if groupRows(s.B) >= s.B {
				t.Fatalf("B = %d is one group: the test would compare a run with itself", s.B)
			}
			got := run()
			groupRows, chunkRows = func(B int) int { return B }, func(E, GE int) int { return GE }
			want := run()
			groupRows, chunkRows = seqGroup, hiddenChunk
			var scale float64
			for _, v := range want {
				scale = max(scale, math.Abs(float64(v)))
			}
			for i := range want {
				if d := math.Abs(float64(got[i] - want[i])); exact && got[i] != want[i] || d > 1e-4*scale {
					t.Fatalf("%s %+v: element %d of (y, dx, grads) %v in groups, %v in one (largest magnitude %.3g)", mixer, s, i, got[i], want[i], scale)
				}
			}
		}
	}
}

// BenchmarkRNNHiddenProduct times the forward step's hidden product
// gh = h·W_hhᵀ of one group, [M, E]×[E, G·E], with W_hh as stored
// (transposed operand, what gonum runs) and with the copy of W_hhᵀ that
// Forward makes with OpenBLAS (hiddenT): the table's groups (M = 4 of
// B = 16, E = 64, GRU) and the sweep's (M = 4 of B = 8, E = 128, GRU and
// LSTM). Run with -tags openblas to see the reason for hiddenT.
func BenchmarkRNNHiddenProduct(b *testing.B) {
	for _, s := range []struct{ M, E, GE int }{{4, 64, 192}, {16, 64, 192}, {4, 128, 384}, {4, 128, 512}} {
		h := make([]float32, s.M*s.E)
		w := make([]float32, s.GE*s.E)
		gh := make([]float32, s.M*s.GE)
		tensor.Normal(rand.New(rand.NewPCG(1, 2)), w, 1)
		tensor.Normal(rand.New(rand.NewPCG(3, 4)), h, 1)
		for _, trans := range []bool{true, false} {
			ld := s.GE
			if trans {
				ld = s.E
			}
			b.Run(fmt.Sprintf("M=%d/E=%d/GE=%d/transposed=%v", s.M, s.E, s.GE, trans), func(b *testing.B) {
				for b.Loop() {
					tensor.Gemm(false, trans, s.M, s.GE, s.E, 1, h, s.E, w, ld, 1, gh, s.GE)
				}
			})
		}
	}
}
