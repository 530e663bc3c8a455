package models

import (
	"math/rand/v2"
	"testing"

	"rnnbench/internal/tensor"
)

// TestRNNInputChunksMatchWhole checks the chunked input side of GRU and
// LSTM (rnn_inputchunk.go) against the one product over all B·T rows it
// replaced: the chunks cover every step once, and every bit of the input
// pre-activations (bias + x·W_ihᵀ) and of dx (+= dpre·W_ih) agrees, with
// gonum and with OpenBLAS, at T below, at and between multiples of
// inChunk, the sweep's B, D and E among them.
func TestRNNInputChunksMatchWhole(t *testing.T) {
	for _, mixer := range []string{"gru", "lstm"} {
		for _, s := range []struct{ B, T, D, X int }{{8, 1024, 64, 2}, {16, 256, 64, 1}, {5, 130, 8, 2}, {3, 1, 16, 1}, {40, 200, 128, 2}, {2, 63, 32, 1}} {
			c := Config{Mixer: mixer, D: s.D, Expansion: s.X, V: 7, L: 1}
			ps := &tensor.ParamSet[float32]{}
			m, err := NewMixer(ps, "mixer", c)
			if err != nil {
				t.Fatal(err)
			}
			ps.Finalize()
			m.Init(rand.New(rand.NewPCG(3, 4)))
			m.Alloc(&tensor.Arena[float32]{}, s.B, s.T)
			var core *rnnCore[float32]
			var got func(x, dx []float32)
			switch r := m.(type) {
			case *GRU[float32]:
				core, got = &r.rnnCore, func(x, dx []float32) {
					chunkAll(seqLoop[float32, *GRU[float32]]{r: r, c: core, B: s.B, T: s.T, x: x, dx: dx})
				}
			case *LSTM[float32]:
				core, got = &r.rnnCore, func(x, dx []float32) {
					chunkAll(seqLoop[float32, *LSTM[float32]]{r: r, c: core, B: s.B, T: s.T, x: x, dx: dx})
				}
			}
			M, D, GE := s.B*s.T, s.D, core.G*core.E
			rng := rand.New(rand.NewPCG(5, 6))
			x, dx, wantDx := make([]float32, M*D), make([]float32, M*D), make([]float32, M*D)
			tensor.Normal(rng, x, 1)
			tensor.Normal(rng, dx, 1)
			copy(wantDx, dx)
			tensor.Normal(rng, core.dpre[:M*GE], 1)
			want := make([]float32, M*GE)
			for i := 0; i < M; i++ {
				for j := range GE {
					want[i*GE+j] = core.bih.Data[j]
					if mixer == "lstm" {
						want[i*GE+j] += core.bhh.Data[j]
					}
				}
			}
			tensor.MatMul(false, true, M, GE, D, x, core.wih.Data, 1, want)
			tensor.MatMul(false, false, M, D, GE, core.dpre[:M*GE], core.wih.Data, 1, wantDx)
			clear(core.gates)
			got(x, dx)
			for i, w := range want {
				if core.gates[i] != w {
					t.Fatalf("%s %+v: input pre-activation %d is %v by chunks, %v in one product", mixer, s, i, core.gates[i], w)
				}
			}
			for i, w := range wantDx {
				if dx[i] != w {
					t.Fatalf("%s %+v: dx[%d] is %v by chunks, %v in one product", mixer, s, i, dx[i], w)
				}
			}
		}
	}
}

// chunkAll runs k's input side and dx over every chunk of steps (chunkEnd)
// of all B sequences, and panics unless the chunks cover [0, T) once.
func chunkAll[F tensor.Float, R stepper[F]](k seqLoop[F, R]) {
	next := 0
	for t := 0; t < k.T; t++ {
		if t1 := chunkEnd(t, k.T); t1 > t {
			if t != next {
				panic("chunkEnd: chunks do not follow each other")
			}
			k.inputRows(t, t1, 0, k.B)
			k.inputGrad(t, t1, 0, k.B)
			next = t1
		}
	}
	if next != k.T {
		panic("chunkEnd: chunks do not reach T")
	}
}
