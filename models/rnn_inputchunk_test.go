package models

import (
	"math/rand/v2"
	"testing"

	"rnnbench/internal/tensor"
)

// TestRNNInputChunksMatchWhole checks the chunked input side of GRU and
// LSTM (rnn_inputchunk.go) against the one product over all B·T rows it
// replaced: the chunks cover every step once, and every bit of the input
// pre-activations (bias + x·W_ihᵀ), of dx (+= dpre·W_ih), of y (h·W_outᵀ,
// or h) and of dL/dh from the output (dy·W_out) agrees, with
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
			var got func(io seqIO[float32])
			switch r := m.(type) {
			case *GRU[float32]:
				core, got = &r.rnnCore, func(io seqIO[float32]) {
					chunkAll(seqLoop[float32, *GRU[float32]]{r: r, c: core, B: s.B, T: s.T, seqIO: io})
				}
			case *LSTM[float32]:
				core, got = &r.rnnCore, func(io seqIO[float32]) {
					chunkAll(seqLoop[float32, *LSTM[float32]]{r: r, c: core, B: s.B, T: s.T, seqIO: io})
				}
			}
			M, D, E, GE := s.B*s.T, s.D, core.E, core.G*core.E
			rng := rand.New(rand.NewPCG(5, 6))
			x, dx, wantDx := make([]float32, M*D), make([]float32, M*D), make([]float32, M*D)
			y, wantY, dy := make([]float32, M*D), make([]float32, M*D), make([]float32, M*D)
			tensor.Normal(rng, x, 1)
			tensor.Normal(rng, dx, 1)
			tensor.Normal(rng, dy, 1)
			copy(wantDx, dx)
			tensor.Normal(rng, core.dpre[:M*GE], 1)
			tensor.Normal(rng, core.h[:M*E], 1)
			io := seqIO[float32]{x: x, y: y, dx: dx, dh: dy}
			var wantDh []float32
			if core.out != nil {
				io.dy, io.dh = dy, core.dhs
				wantDh = make([]float32, M*E)
				tensor.MatMul(false, false, M, E, D, dy, core.out.W.Data, 0, wantDh)
			}
			core.project(wantY, core.h, M)
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
			got(io)
			for i, w := range wantY {
				if y[i] != w {
					t.Fatalf("%s %+v: y[%d] is %v by chunks, %v in one product", mixer, s, i, y[i], w)
				}
			}
			for i, w := range wantDh {
				if core.dhs[i] != w {
					t.Fatalf("%s %+v: dL/dh[%d] from the output is %v by chunks, %v in one product", mixer, s, i, core.dhs[i], w)
				}
			}
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

// chunkAll runs k's input and output sides, dx and dL/dh over every chunk of steps (chunkEnd)
// of all B sequences, and panics unless the chunks cover [0, T) once.
func chunkAll[F tensor.Float, R stepper[F]](k seqLoop[F, R]) {
	next := 0
	for t := 0; t < k.T; t++ {
		if t1 := chunkEnd(t, k.T); t1 > t {
			if t != next {
				panic("chunkEnd: chunks do not follow each other")
			}
			if chunkStart(t, k.T) != t || chunkStart(t1-1, k.T) != t {
				panic("chunkStart: not the chunk's first step")
			}
			k.inputRows(t, t1, 0, k.B)
			k.inputGrad(t, t1, 0, k.B)
			k.outputRows(t, t1, 0, k.B)
			k.outputGrad(t, t1, 0, k.B)
			next = t1
		}
	}
	if next != k.T {
		panic("chunkEnd: chunks do not reach T")
	}
}
