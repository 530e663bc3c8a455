package models

import "rnnbench/internal/tensor"

// chunkScan is the scan of the chunked mode, run on a and b from the
// cell's linForm as in linScan: a chunked parallel scan over t (scan.go,
// chunkScanLocal etc.): chunks of T are scanned independently, their
// carries propagated, and a fix-up pass adds them, so the work is parallel
// over (channel tile, chunk) — the two-level form of a parallel prefix scan
// (Blelloch 1990, "Prefix sums and their applications"), what a GPU's
// scan does. Buffers: cin, cprod (scratch, [B, maxChunks, E]: chunk
// carries and products of a).
type chunkScan[F tensor.Float] struct{}

func (chunkScan[F]) alloc(m *minRNN[F], a *tensor.Arena[F], B, T int) {
	m.cin = a.Make(tensor.Scratch, B*maxChunks*m.E)
	m.cprod = a.Make(tensor.Scratch, B*maxChunks*m.E)
}

func (chunkScan[F]) scan(c minCall[F]) {
	c, tasks := chunkCall(c)
	tensor.ForWith(tasks, 1, chunkLocalTasks[F](c))
	tensor.ForWith(c.B*c.m.E, scanTile, chunkCarryChannels[F](c))
	tensor.ForWith(tasks, 1, chunkFixTasks[F](c))
}

func (chunkScan[F]) scanBackward(c minCall[F]) {
	c, tasks := chunkCall(c)
	tensor.ForWith(tasks, 1, chunkLocalBackTasks[F](c))
	tensor.ForWith(c.B*c.m.E, scanTile, chunkCarryBackChannels[F](c))
	tensor.ForWith(tasks, 1, chunkFixBackTasks[F](c))
}

// chunkCall returns c with its chunking (chunkSize) and the number of
// (tile, chunk) tasks.
func chunkCall[F tensor.Float](c minCall[F]) (minCall[F], int) {
	c.chunk, c.nChunks = chunkSize(c.T)
	return c, scanTiles(c.B, c.m.E) * c.nChunks
}

// flops: beyond the linear scan's 2, the running product of a in the local
// pass 1, and the fix-up h += P·carry with its product 3.
func (chunkScan[F]) flops(c cellFLOPs) int64 { return c.linear + 1 + 3 }

// The three passes of the chunked scan and of its backward, over
// (tile, chunk) tasks and over channels.
type (
	chunkLocalTasks[F tensor.Float]        minCall[F]
	chunkCarryChannels[F tensor.Float]     minCall[F]
	chunkFixTasks[F tensor.Float]          minCall[F]
	chunkLocalBackTasks[F tensor.Float]    minCall[F]
	chunkCarryBackChannels[F tensor.Float] minCall[F]
	chunkFixBackTasks[F tensor.Float]      minCall[F]
)

func (c chunkLocalTasks[F]) Run(lo, hi int) {
	m, n := c.m, c.B*c.T*c.m.E
	chunkScanLocal(m.h[:n], m.cprod, m.ga[:n], m.gb[:n], c.T, m.E, c.chunk, c.nChunks, lo, hi)
}

func (c chunkCarryChannels[F]) Run(lo, hi int) {
	m, n := c.m, c.B*c.T*c.m.E
	chunkScanCarry(m.cin, m.cprod, m.h[:n], c.T, m.E, c.chunk, c.nChunks, lo, hi)
}

func (c chunkFixTasks[F]) Run(lo, hi int) {
	m, n := c.m, c.B*c.T*c.m.E
	chunkScanFix(m.h[:n], m.cin, m.ga[:n], c.T, m.E, c.chunk, c.nChunks, lo, hi)
}

func (c chunkLocalBackTasks[F]) Run(lo, hi int) {
	m, n := c.m, c.B*c.T*c.m.E
	chunkScanBackwardLocal(m.dgb[:n], m.cprod, c.gradH[:n], m.ga[:n], c.T, m.E, c.chunk, c.nChunks, lo, hi)
}

func (c chunkCarryBackChannels[F]) Run(lo, hi int) {
	m, n := c.m, c.B*c.T*c.m.E
	chunkScanBackwardCarry(m.cin, m.cprod, m.dgb[:n], m.ga[:n], c.T, m.E, c.chunk, c.nChunks, lo, hi)
}

func (c chunkFixBackTasks[F]) Run(lo, hi int) {
	m, n := c.m, c.B*c.T*c.m.E
	chunkScanBackwardFix(m.dga[:n], m.dgb[:n], m.cin, m.ga[:n], m.h[:n], c.T, m.E, c.chunk, c.nChunks, lo, hi)
}
