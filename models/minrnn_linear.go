package models

import "rnnbench/internal/tensor"

// linScan is the scan of the linear mode, run on a and b from the cell's
// linForm (0 < a < 1, so the recurrence is stable): h_t = a_t·h_{t−1} + b_t
// over t, parallel over the B·E channels (linearScanRange, scan.go), one
// multiply-add per element instead of the log-space scan's exponentials
// and logarithm. The same recurrence as the paper's (Feng et al. 2024,
// §3), without the log-space detour. It needs no buffer of its own.
type linScan[F tensor.Float] struct {
	chanScan[F, linScanChannels[F], linScanBackChannels[F]]
}

func (linScan[F]) alloc(m *minRNN[F], a *tensor.Arena[F], B, T int) {}

func (linScan[F]) flops(c cellFLOPs) int64 { return c.linear }

// linScanChannels runs h = a·h + b for channels [lo, hi) of B·E;
// linScanBackChannels its backward, overwriting dga, dgb.
type (
	linScanChannels[F tensor.Float]     minCall[F]
	linScanBackChannels[F tensor.Float] minCall[F]
)

func (c linScanChannels[F]) Run(lo, hi int) {
	m, n := c.m, c.B*c.T*c.m.E
	linearScanRange(m.h[:n], m.ga[:n], m.gb[:n], c.T, m.E, lo, hi)
}

func (c linScanBackChannels[F]) Run(lo, hi int) {
	m, n := c.m, c.B*c.T*c.m.E
	linearScanBackwardRange(m.dga[:n], m.dgb[:n], c.gradH[:n], m.ga[:n], m.h[:n], c.T, m.E, lo, hi)
}
