package models

import (
	"rnnbench/internal/nn"
	"rnnbench/internal/tensor"
)

// ModelState is the inference state of a whole model for B sequences: one
// mixer State per block (a constant-size recurrent state for the RNNs and
// Mamba, a KV cache for the Transformer) and the per-token buffers.
type ModelState[F tensor.Float] struct {
	B      int
	Pos    int // tokens consumed so far
	Mixers []State
	convs  []*convState[F]  // per block, nil without Variants.ConvKernel
	norms  []*nn.RMSNorm[F] // per-block copies with their own [B] buffers: 2 per block + final
	mlps   []*nn.MLP[F]
	x      []F // residual stream: [B, D]
	n      []F // norm output: [B, D]
	y      []F // branch output: [B, D]
	logits []F // [B, V]
}

// Bytes returns the bytes of recurrent state or KV cache held now.
func (s *ModelState[F]) Bytes() int64 {
	var b int64
	for _, st := range s.Mixers {
		b += st.Bytes()
	}
	for _, cs := range s.convs {
		if cs != nil {
			b += cs.bytes()
		}
	}
	return b
}

// Reset empties the state, as before the first token.
func (s *ModelState[F]) Reset() {
	s.Pos = 0
	for _, st := range s.Mixers {
		st.Reset()
	}
	for _, cs := range s.convs {
		if cs != nil {
			cs.reset()
		}
	}
}

// NewState makes the inference state for B sequences of up to maxT tokens.
// It does not touch the training buffers, so inference and training can
// interleave.
func (m *Model[F]) NewState(B, maxT int) *ModelState[F] {
	c := m.Cfg
	s := &ModelState[F]{B: B}
	var a tensor.Arena[F]
	cloneNorm := func(n *nn.RMSNorm[F]) *nn.RMSNorm[F] {
		cp := *n
		cp.Alloc(&a, B)
		return &cp
	}
	for _, blk := range m.Blocks {
		s.Mixers = append(s.Mixers, blk.Mixer.NewState(B, maxT))
		var cs *convState[F]
		if blk.Conv != nil {
			cs = blk.Conv.newState(B)
		}
		s.convs = append(s.convs, cs)
		s.norms = append(s.norms, cloneNorm(blk.Norm1))
		if blk.MLP != nil {
			s.norms = append(s.norms, cloneNorm(blk.Norm2))
			cp := *blk.MLP
			cp.Alloc(&a, B)
			s.mlps = append(s.mlps, &cp)
		}
	}
	s.norms = append(s.norms, cloneNorm(m.NormF))
	s.x = make([]F, B*c.D)
	s.n = make([]F, B*c.D)
	s.y = make([]F, B*c.D)
	s.logits = make([]F, B*c.V)
	return s
}

// Step feeds one token per sequence, tokens: [B], and returns the logits
// for the next token: [B, V], valid until the next Step. Feeding a whole
// sequence token by token gives the same logits as Forward (up to rounding).
func (m *Model[F]) Step(s *ModelState[F], tokens []int32) []F {
	B := s.B
	if len(tokens) != B {
		panic("models: Step tokens length is not B")
	}
	m.Emb.Forward(s.x, tokens)
	ni, mi := 0, 0
	for l, blk := range m.Blocks {
		if blk.Conv != nil {
			blk.Conv.step(s.convs[l], s.x, B)
		}
		s.norms[ni].Forward(s.n, s.x, B)
		ni++
		blk.Mixer.Step(s.Mixers[l], s.y, s.n)
		tensor.Add(s.x, s.y)
		if blk.MLP != nil {
			s.norms[ni].Forward(s.n, s.x, B)
			ni++
			s.mlps[mi].Forward(s.y, s.n, B)
			mi++
			tensor.Add(s.x, s.y)
		}
	}
	s.norms[ni].Forward(s.n, s.x, B)
	m.Head.Forward(s.logits, s.n, B)
	s.Pos++
	return s.logits
}
