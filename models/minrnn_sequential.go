package models

import "rnnbench/internal/tensor"

// sequentialMode runs the recurrence step by step per channel (Feng et
// al. 2024, §3, the "sequential mode" of Algorithms 1 and 3), with the
// gates computed inside the loop by the cell's step, parallel over the
// B·E channels; backward is backpropagation through time. It keeps no
// gate tensors: its only buffer is ds0 (scratch, [B, E]) with the learned
// initial state.
type sequentialMode[F tensor.Float] struct{}

func (sequentialMode[F]) alloc(m *minRNN[F], a *tensor.Arena[F], B, T int) {
	if m.s0 != nil {
		m.ds0 = a.Make(tensor.Scratch, B*m.E)
	}
}

func (sequentialMode[F]) forward(c minCall[F]) {
	tensor.ForWith(c.B*c.m.E, scanTile, seqChannels[F](c))
}

func (sequentialMode[F]) backward(c minCall[F]) {
	tensor.ForWith(c.B*c.m.E, scanTile, seqBackChannels[F](c))
	if c.m.s0 != nil {
		c.m.unfoldH0Seq(c.B)
	}
}

func (sequentialMode[F]) flops(c cellFLOPs) int64 { return c.sequential }

// seqChannels runs the recurrence for channels [lo, hi) of B·E. The
// carried h is rounded to F at each step, exactly as Step stores it.
type seqChannels[F tensor.Float] minCall[F]

func (c seqChannels[F]) Run(lo, hi int) { forTiles(c, c.m.E, lo, hi) }

func (c seqChannels[F]) tile(b, e0, w int) {
	m, E, GE := c.m, c.m.E, c.m.G*c.m.E
	var hc [scanTile]F
	for j := 0; j < w; j++ {
		hc[j] = m.h0At(e0 + j)
	}
	for t := 0; t < c.T; t++ {
		r := b*c.T + t
		k, h := m.k[r*GE:(r+1)*GE], m.h[r*E:(r+1)*E]
		for j := 0; j < w; j++ {
			hc[j] = F(m.cell.step(k, e0+j, float64(hc[j])))
			h[e0+j] = hc[j]
		}
	}
}

// seqBackChannels backpropagates through time for channels [lo, hi) of
// B·E: g_t = dh_t + a_{t+1}·g_{t+1}, and the cell's stepBackward turns g_t
// into dk_t (overwritten) and the carry a_t·g_t; what is left after t = 0
// is ∂L/∂h_{−1}, kept in ds0 with the learned initial state.
type seqBackChannels[F tensor.Float] minCall[F]

func (c seqBackChannels[F]) Run(lo, hi int) { forTiles(c, c.m.E, lo, hi) }

func (c seqBackChannels[F]) tile(b, e0, w int) {
	m, E, GE := c.m, c.m.E, c.m.G*c.m.E
	var carry [scanTile]float64
	for t := c.T - 1; t >= 0; t-- {
		r := b*c.T + t
		k, dk := m.k[r*GE:(r+1)*GE], m.dk[r*GE:(r+1)*GE]
		for j := 0; j < w; j++ {
			e := e0 + j
			g := float64(c.gradH[r*E+e]) + carry[j]
			var hp float64
			if t > 0 {
				hp = float64(m.h[(r-1)*E+e])
			} else if m.s0 != nil {
				hp = float64(m.h0At(e))
			}
			carry[j] = m.cell.stepBackward(dk, k, e, hp, g)
		}
	}
	if m.ds0 != nil {
		for j := 0; j < w; j++ {
			m.ds0[b*E+e0+j] = F(carry[j])
		}
	}
}

// forTiles calls k.tile for each tile of channels [lo, hi) of B·E
// (scanTileAt: up to scanTile neighbours of one sequence).
func forTiles[K interface{ tile(b, e0, w int) }](k K, E, lo, hi int) {
	for c := lo; c < hi; {
		b, e0, w := scanTileAt(c, E, hi)
		k.tile(b, e0, w)
		c += w
	}
}
