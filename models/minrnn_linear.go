package models

import "rnnbench/internal/tensor"

// linearMode computes a and b in linear space in one pass over all tokens
// (the cell's linGates; 0 < a < 1, so the recurrence is stable), then
// h_t = a_t·h_{t−1} + b_t over t, parallel over the B·E channels
// (linearScanRange, scan.go): one multiply-add per element instead of the
// log-space scan's exponentials and logarithm. The same recurrence as the
// paper's (Feng et al. 2024, §3), without the log-space detour. Buffers:
// ga, gb (activations, [B, T, E]: a, b) and dga, dgb (scratch, [B, T, E]).
type linearMode[F tensor.Float] struct{}

func (linearMode[F]) alloc(m *minRNN[F], a *tensor.Arena[F], B, T int) {
	n := B * T * m.E
	m.ga = a.Make(tensor.Activation, n)
	m.gb = a.Make(tensor.Activation, n)
	m.dga = a.Make(tensor.Scratch, n)
	m.dgb = a.Make(tensor.Scratch, n)
}

func (linearMode[F]) forward(c minCall[F]) {
	linGatesForward(c)
	tensor.ForWith(c.B*c.m.E, scanTile, linScanChannels[F](c))
}

func (linearMode[F]) backward(c minCall[F]) {
	tensor.ForWith(c.B*c.m.E, scanTile, linScanBackChannels[F](c))
	linGatesBackward(c)
}

func (linearMode[F]) flops(c cellFLOPs) int64 { return c.linear }

// linGatesForward computes a and b for all tokens and folds h_{−1} into
// the first token's b (linear and chunked modes).
func linGatesForward[F tensor.Float](c minCall[F]) {
	tensor.ForWith(c.B*c.T, minRowGrain(c.m.E), linGateRows[F](c))
	if c.m.s0 != nil {
		c.m.foldH0Lin(c.B, c.T)
	}
}

// linGatesBackward turns da, db into dk (linear and chunked modes).
func linGatesBackward[F tensor.Float](c minCall[F]) {
	if c.m.s0 != nil {
		c.m.unfoldH0Lin(c.B, c.T)
	}
	tensor.ForWith(c.B*c.T, minRowGrain(c.m.E), linGateBackRows[F](c))
}

// linGateRows computes a and b for token rows [lo, hi) of k.
type linGateRows[F tensor.Float] minCall[F]

func (c linGateRows[F]) Run(lo, hi int) {
	m, E, GE := c.m, c.m.E, c.m.G*c.m.E
	for r := lo; r < hi; r++ {
		m.cell.linGates(m.ga[r*E:(r+1)*E], m.gb[r*E:(r+1)*E], m.k[r*GE:(r+1)*GE])
	}
}

// linGateBackRows writes dk (overwriting) for token rows [lo, hi) from
// da and db.
type linGateBackRows[F tensor.Float] minCall[F]

func (c linGateBackRows[F]) Run(lo, hi int) {
	m, E, GE := c.m, c.m.E, c.m.G*c.m.E
	for r := lo; r < hi; r++ {
		m.cell.linGatesBackward(m.dk[r*GE:(r+1)*GE], m.k[r*GE:(r+1)*GE], m.dga[r*E:(r+1)*E], m.dgb[r*E:(r+1)*E])
	}
}

// linScanChannels runs h = a·h + b for channels [lo, hi) of B·E.
type linScanChannels[F tensor.Float] minCall[F]

func (c linScanChannels[F]) Run(lo, hi int) {
	m, n := c.m, c.B*c.T*c.m.E
	linearScanRange(m.h[:n], m.ga[:n], m.gb[:n], c.T, m.E, lo, hi)
}

// linScanBackChannels runs the linear scan's backward for channels
// [lo, hi) of B·E, into dga, dgb (cleared first).
type linScanBackChannels[F tensor.Float] minCall[F]

func (c linScanBackChannels[F]) Run(lo, hi int) {
	m, n := c.m, c.B*c.T*c.m.E
	m.clearChannels(c.T, lo, hi)
	linearScanBackwardRange(m.dga[:n], m.dgb[:n], c.gradH[:n], m.ga[:n], m.h[:n], c.T, m.E, lo, hi)
}
