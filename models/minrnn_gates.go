package models

import "rnnbench/internal/tensor"

// gatedMode is the template of the parallel, linear and chunked modes: a
// pass computes the gate pair of every token with the mixer's gate form
// (log space or linear space, chosen with the mode), parallel over token
// rows, and folds the learned initial state into the first token
// (minrnn_state0.go); then the scan S runs over t. Backward runs S's
// backward, undoes the fold, then writes dk. Buffers: ga, gb (activations,
// [B, T, E]: the pair), dga, dgb (scratch, [B, T, E]: its gradients), then
// S's own.
type gatedMode[F tensor.Float] struct{ s gateScan[F] }

// gateScan is the scan of a gatedMode, from the pair (ga, gb) to h and
// back from call.gradH to (dga, dgb).
type gateScan[F tensor.Float] interface {
	alloc(m *minRNN[F], a *tensor.Arena[F], B, T int) // buffers beyond the pair's
	scan(c minCall[F])
	scanBackward(c minCall[F])
	flops(c cellFLOPs) int64
}

// chanScan is a gateScan's scan and backward as one parallel pass each
// over the B·E channels, the kernels K and KB (named types of minCall);
// KB overwrites dga, dgb.
type chanScan[F tensor.Float, K, KB callKernel[F]] struct{}

// callKernel is a tensor.Kernel whose value is a minCall.
type callKernel[F tensor.Float] interface {
	~struct {
		m                    *minRNN[F]
		B, T, chunk, nChunks int
		gradH                []F
	}
	tensor.Kernel
}

func (chanScan[F, K, KB]) scan(c minCall[F])         { tensor.ForWith(c.B*c.m.E, scanTile, K(c)) }
func (chanScan[F, K, KB]) scanBackward(c minCall[F]) { tensor.ForWith(c.B*c.m.E, scanTile, KB(c)) }

func (g gatedMode[F]) alloc(m *minRNN[F], a *tensor.Arena[F], B, T int) {
	n := B * T * m.E
	m.ga = a.Make(tensor.Activation, n)
	m.gb = a.Make(tensor.Activation, n)
	m.dga = a.Make(tensor.Scratch, n)
	m.dgb = a.Make(tensor.Scratch, n)
	g.s.alloc(m, a, B, T)
}

func (g gatedMode[F]) forward(c minCall[F]) {
	gatesForward(c)
	g.s.scan(c)
}

func (g gatedMode[F]) backward(c minCall[F]) {
	g.s.scanBackward(c)
	gatesBackward(c)
}

func (g gatedMode[F]) flops(c cellFLOPs) int64 { return g.s.flops(c) }

// gatesForward sets ga, gb: [B, T, E] from k: [B, T, G·E].
func gatesForward[F tensor.Float](c minCall[F]) {
	tensor.ForWith(c.B*c.T, minRowGrain(c.m.E), gateRows[F](c))
	if c.m.s0 != nil {
		c.m.foldH0(c.B, c.T)
	}
}

// gatesBackward overwrites dk: [B, T, G·E] from dga, dgb: [B, T, E].
func gatesBackward[F tensor.Float](c minCall[F]) {
	if c.m.s0 != nil {
		c.m.unfoldH0(c.B, c.T)
	}
	tensor.ForWith(c.B*c.T, minRowGrain(c.m.E), gateBackRows[F](c))
}

// gateRows computes the pair (ga, gb) for token rows [lo, hi) of k.
type gateRows[F tensor.Float] minCall[F]

func (c gateRows[F]) Run(lo, hi int) {
	m, E, GE := c.m, c.m.E, c.m.G*c.m.E
	rk := m.rows32()
	for r := lo; r < hi; r++ {
		k, ga, gb := m.k[r*GE:(r+1)*GE], m.ga[r*E:(r+1)*E], m.gb[r*E:(r+1)*E]
		if rk != nil {
			rk.fwd(as32(ga), as32(gb), as32(k))
			continue
		}
		for e := range ga {
			a, b := m.form.pair(k, e)
			ga[e], gb[e] = F(a), F(b)
		}
	}
}

// gateBackRows writes dk (overwriting) for token rows [lo, hi) from the
// gradients dga, dgb of the pair.
type gateBackRows[F tensor.Float] minCall[F]

func (c gateBackRows[F]) Run(lo, hi int) {
	m, E, GE := c.m, c.m.E, c.m.G*c.m.E
	rk := m.rows32()
	for r := lo; r < hi; r++ {
		k, dk, da, db := m.k[r*GE:(r+1)*GE], m.dk[r*GE:(r+1)*GE], m.dga[r*E:(r+1)*E], m.dgb[r*E:(r+1)*E]
		if rk != nil {
			rk.bwd(as32(dk), as32(k), as32(da), as32(db))
			continue
		}
		for e := range da {
			m.form.pairBackward(dk, k, e, float64(da[e]), float64(db[e]))
		}
	}
}

// rows32 returns the form's float32 AVX2 row kernels when they run for F
// (useAVX), else nil.
func (m *minRNN[F]) rows32() *rowKernels {
	if !useAVX[F]() {
		return nil
	}
	return m.form.rows32()
}
