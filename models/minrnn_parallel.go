package models

import "rnnbench/internal/tensor"

// parallelMode is the paper's log-space form (Feng et al. 2024, §3.1 and
// appendix: "parallel mode"): a pass over all tokens computes log a and
// log b (the cell's logGates), then Heinsen's scan (Heinsen 2023,
// "Efficient Parallelization of a Ubiquitous Sequential Computation",
// arXiv 2311.06281; logScanRange in scan.go):
//
//	a* = cumsum(log a),  log h = a* + logcumsumexp(log b − a*)
//
// parallel over the B·E channels. Backward is the exact derivative of
// those operations (logScanBackwardRange), then of the gate transforms.
// Buffers: ga, gb, logh (activations, [B, T, E]: log a, log b, log h) and
// dga, dgb (scratch, [B, T, E]).
type parallelMode[F tensor.Float] struct{}

func (parallelMode[F]) alloc(m *minRNN[F], a *tensor.Arena[F], B, T int) {
	n := B * T * m.E
	m.ga = a.Make(tensor.Activation, n)
	m.gb = a.Make(tensor.Activation, n)
	m.logh = a.Make(tensor.Activation, n)
	m.dga = a.Make(tensor.Scratch, n)
	m.dgb = a.Make(tensor.Scratch, n)
}

func (parallelMode[F]) forward(c minCall[F]) {
	m := c.m
	tensor.ForWith(c.B*c.T, minRowGrain(m.E), logGateRows[F](c))
	if m.s0 != nil {
		m.foldH0Log(c.B, c.T)
	}
	tensor.ForWith(c.B*m.E, scanTile, logScanChannels[F](c))
}

func (parallelMode[F]) backward(c minCall[F]) {
	m := c.m
	tensor.ForWith(c.B*m.E, scanTile, logScanBackChannels[F](c))
	if m.s0 != nil {
		m.unfoldH0Log(c.B, c.T)
	}
	tensor.ForWith(c.B*c.T, minRowGrain(m.E), logGateBackRows[F](c))
}

func (parallelMode[F]) flops(c cellFLOPs) int64 { return c.parallel }

// logGateRows computes log a and log b for token rows [lo, hi) of k.
type logGateRows[F tensor.Float] minCall[F]

func (c logGateRows[F]) Run(lo, hi int) {
	m, E, GE := c.m, c.m.E, c.m.G*c.m.E
	for r := lo; r < hi; r++ {
		m.cell.logGates(m.ga[r*E:(r+1)*E], m.gb[r*E:(r+1)*E], m.k[r*GE:(r+1)*GE])
	}
}

// logGateBackRows writes dk (overwriting) for token rows [lo, hi) from
// dlog a and dlog b.
type logGateBackRows[F tensor.Float] minCall[F]

func (c logGateBackRows[F]) Run(lo, hi int) {
	m, E, GE := c.m, c.m.E, c.m.G*c.m.E
	for r := lo; r < hi; r++ {
		m.cell.logGatesBackward(m.dk[r*GE:(r+1)*GE], m.k[r*GE:(r+1)*GE], m.dga[r*E:(r+1)*E], m.dgb[r*E:(r+1)*E])
	}
}

// logScanChannels runs the log-space scan for channels [lo, hi) of B·E.
type logScanChannels[F tensor.Float] minCall[F]

func (c logScanChannels[F]) Run(lo, hi int) {
	m, n := c.m, c.B*c.T*c.m.E
	logScanRange(m.logh[:n], m.h[:n], m.ga[:n], m.gb[:n], c.T, m.E, lo, hi)
}

// logScanBackChannels runs the log-space scan's backward for channels
// [lo, hi) of B·E, into dga, dgb (cleared first).
type logScanBackChannels[F tensor.Float] minCall[F]

func (c logScanBackChannels[F]) Run(lo, hi int) {
	m, n := c.m, c.B*c.T*c.m.E
	m.clearChannels(c.T, lo, hi)
	logScanBackwardRange(m.dga[:n], m.dgb[:n], c.gradH[:n], m.ga[:n], m.gb[:n], m.logh[:n], m.h[:n], c.T, m.E, lo, hi)
}
