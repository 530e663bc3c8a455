package models

import "rnnbench/internal/tensor"

// minRNNState is the inference state of B sequences: h: [B, E], plus the
// reused workspace k: [B, G·E] of one step.
type minRNNState[F tensor.Float] struct {
	m *minRNN[F]
	h []F // [B, E]
	k []F // [B, G·E] scratch
}

// Bytes returns the bytes of h, the state carried between tokens
// (B·E·sizeof(F); the per-step workspace is not counted).
func (s *minRNNState[F]) Bytes() int64 { return int64(len(s.h)) * tensor.SizeOf[F]() }

// Reset sets h to h_{−1}: 0, or g(s0) with the learned initial state.
func (s *minRNNState[F]) Reset() { s.m.resetState(s.h) }

// Run advances channels [lo, hi) of B·E by one step (a ForWith kernel).
func (s *minRNNState[F]) Run(lo, hi int) {
	E, GE := s.m.E, s.m.G*s.m.E
	for c := lo; c < hi; c++ {
		b, e := c/E, c%E
		s.h[c] = F(s.m.cell.step(s.k[b*GE:(b+1)*GE], e, float64(s.h[c])))
	}
}

// NewState makes a fresh state (h = h_{−1}) for B sequences; maxT is not needed (the
// state does not grow).
func (m *minRNN[F]) NewState(B, maxT int) State {
	s := &minRNNState[F]{m: m, h: make([]F, B*m.E), k: make([]F, B*m.G*m.E)}
	s.Reset()
	return s
}

// Step advances s by one token: x: [B, D] → y: [B, D], with the same cell
// step as the sequential mode (so it equals Forward). It panics when s was
// not made by this mixer's NewState or the slices are shorter than B·D.
func (m *minRNN[F]) Step(st State, y, x []F) {
	s := st.(*minRNNState[F])
	if s.m != m {
		panic(m.name + ": Step with another mixer's state")
	}
	B := len(s.h) / m.E
	if len(x) < B*m.D || len(y) < B*m.D {
		panic(m.name + ": Step slice shorter than B·D")
	}
	m.in.Forward(s.k, x, B)
	tensor.ForWith(B*m.E, 2048, s)
	if m.out != nil {
		m.out.Forward(y, s.h, B)
	} else {
		copy(y[:B*m.D], s.h)
	}
}
