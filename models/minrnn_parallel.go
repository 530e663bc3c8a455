package models

import "rnnbench/internal/tensor"

// logScan is the scan of the parallel mode, the paper's log-space form
// (Feng et al. 2024, §3.1 and appendix: "parallel mode"), run on log a and
// log b from the cell's logForm: Heinsen's scan (Heinsen 2023, "Efficient
// Parallelization of a Ubiquitous Sequential Computation", arXiv
// 2311.06281; logScanRange in scan.go),
//
//	a* = cumsum(log a),  log h = a* + logcumsumexp(log b − a*)
//
// parallel over the B·E channels. Backward is the exact derivative of
// those operations (logScanBackwardRange). Buffer: logh (activation,
// [B, T, E]: log h).
type logScan[F tensor.Float] struct {
	chanScan[F, logScanChannels[F], logScanBackChannels[F]]
}

func (logScan[F]) alloc(m *minRNN[F], a *tensor.Arena[F], B, T int) {
	m.logh = a.Make(tensor.Activation, B*T*m.E)
}

func (logScan[F]) flops(c cellFLOPs) int64 { return c.parallel }

// logScanChannels runs the log-space scan for channels [lo, hi) of B·E;
// logScanBackChannels its backward, overwriting dga, dgb.
type (
	logScanChannels[F tensor.Float]     minCall[F]
	logScanBackChannels[F tensor.Float] minCall[F]
)

func (c logScanChannels[F]) Run(lo, hi int) {
	m, n := c.m, c.B*c.T*c.m.E
	logScanRange(m.logh[:n], m.h[:n], m.ga[:n], m.gb[:n], c.T, m.E, lo, hi)
}

func (c logScanBackChannels[F]) Run(lo, hi int) {
	m, n := c.m, c.B*c.T*c.m.E
	logScanBackwardRange(m.dga[:n], m.dgb[:n], c.gradH[:n], m.ga[:n], m.gb[:n], m.logh[:n], m.h[:n], c.T, m.E, lo, hi)
}
