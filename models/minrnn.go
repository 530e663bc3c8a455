package models

import (
	"math/rand/v2"
	"unsafe"

	"rnnbench/internal/nn"
	"rnnbench/internal/tensor"
)

// minRNN is the sequence mixer shared by minGRU and minLSTM (Feng et al.
// 2024, "Were RNNs All We Needed?", arXiv 2410.01201, §3): gates that depend
// on x_t only, so the recurrence is a first-order linear scan,
//
//	k_t = W_in x_t + b_in                      (Linear D→G·E; G = 2 or 3 gates)
//	h_t = a_t ⊙ h_{t−1} + b_t,  h_{−1} = 0     (a, b from k_t, see the cells)
//	y_t = W_out h_t                            (Linear E→D, no bias; identity when E == D)
//
// Parameters (prefix p): p.in.weight [G·E, D] and p.in.bias [G·E], rows
// gate by gate (minGRU k_z | k_h, minLSTM k_f | k_i | k_h), and
// p.out.weight [D, E] when E ≠ D. Count G·E·D + G·E (+ E·D). The official
// code's variants (variants.go) add p.out.bias [D] (and p.out even when
// E == D), p.h0 [E] (the learned initial state, minrnn_state0.go), and
// for minLSTM the unnormalised cell (minlstm.go) and a forget-bias offset.
//
// Every mode uses one matmul over all B·T tokens for each projection (they
// do not depend on h); they differ in how the scan over t runs:
//
//   - "parallel" (the default): the paper's log-space form. A pass over all
//     tokens computes log a and log b, then Heinsen's scan (logScanRange):
//     a* = cumsum(log a), log h = a* + logcumsumexp(log b − a*). Backward is
//     the exact derivative of those operations (logScanBackwardRange).
//   - "sequential": the recurrence step by step per channel, with the gates
//     computed inside the loop; backpropagation through time.
//   - "linear": a pass computes a and b (0 < a < 1, so the linear-space
//     recurrence is stable), then h = a·h + b over t, parallel over
//     channels (linearScanRange): one multiply-add per element instead of
//     the log-space scan's exponentials and logarithm.
//   - "chunked": a and b as in "linear", then a chunked parallel scan over
//     t (chunkScanForward): chunks of T are scanned independently, their
//     carries propagated, and a fix-up pass adds them, so the work is
//     parallel over (channel, chunk) — what a GPU's parallel scan does.
//
// In float32 the elementwise passes and the log-space scan run as AVX2
// kernels (minrnn_amd64.s) where the CPU has them; in float64 they compute
// with package math, so the gradient checks stay exact.
//
// Activations kept for backward, per token: k (G·E) and h (E); "parallel"
// adds log a, log b and log h (3E), "linear" and "chunked" add a and b (2E).
type minRNN[F tensor.Float] struct {
	name    string // "mingru" or "minlstm", for panics
	lstm    bool   // minLSTM cell (k_f, k_i, k_h) instead of minGRU's (k_z, k_h)
	mode    string // "parallel", "sequential", "linear" or "chunked"
	D, E, G int
	in      *nn.Linear[F] // D → G·E, with bias
	out     *nn.Linear[F] // E → D, no bias; nil when E == D (with Variants.OutBias: with bias, always present)

	// Variants of the official code (variants.go); zero: the paper.
	raw        bool             // minLSTM without normalising f and i (NoCoeffNorm)
	forgetBias float64          // added to the forget-gate bias at Init (minLSTM)
	s0         *tensor.Param[F] // [E] learned initial state, h_{−1} = g(s0) (InitState); nil: h_{−1} = 0
	ds0        []F              // [B, E] scratch ("sequential" with s0): ∂L/∂h_{−1} per sequence

	maxB, maxT int
	k          []F // [B, T, G·E] activation: pre-activations
	h          []F // [B, T, E] activation: hidden states
	ga, gb     []F // [B, T, E] activation: log a, log b ("parallel") or a, b ("linear", "chunked")
	logh       []F // [B, T, E] activation ("parallel"): log h
	dk         []F // [B, T, G·E] scratch: gradient of k
	dh         []F // [B, T, E] scratch: gradient of h from the output (nil when E == D)
	dga, dgb   []F // [B, T, E] scratch: gradients of ga, gb
	cin, cprod []F // [B, maxChunks, E] scratch ("chunked"): chunk carries and products of a

	// The mode's parallel passes, bound once in newMinRNN (no closure per
	// call); each takes the call's arguments (minCall) from its kernel.
	gatesFwd, gatesBwd minPass[F]
	scanFwd, scanBwd   minPass[F]
	fixFwd, fixBwd     minPass[F] // chunked: carry propagation, per channel
	endFwd, endBwd     minPass[F] // chunked: fix-up pass, per (tile, chunk)
}

// minCall is the arguments of one Forward or Backward that the parallel
// passes read: the sizes, the chunking ("chunked") and the gradient of h.
type minCall[F tensor.Float] struct {
	B, T, chunk, nChunks int
	gradH                []F // [B, T, E] gradient of h (Backward): dh, or dy when E == D
}

// minPass is one parallel pass of a minRNN over [lo, hi).
type minPass[F tensor.Float] func(call minCall[F], lo, hi int)

// minKernel runs a pass with its call's arguments, a tensor.ForWith kernel.
type minKernel[F tensor.Float] struct {
	pass minPass[F]
	call minCall[F]
}

func (k minKernel[F]) Run(lo, hi int) { k.pass(k.call, lo, hi) }

// newMinRNN registers the projections of a minGRU (lstm false) or minLSTM.
func newMinRNN[F tensor.Float](ps *tensor.ParamSet[F], prefix string, c Config, lstm bool) (*minRNN[F], error) {
	m := &minRNN[F]{name: "mingru", lstm: lstm, D: c.D, E: c.E(), G: 2, mode: c.Mode}
	if lstm {
		m.name, m.G = "minlstm", 3
	}
	if c.Mode == "" {
		m.mode = "parallel"
	}
	m.in = nn.NewLinear(ps, prefix+".in", m.D, m.G*m.E, true)
	if m.E != m.D || c.OutBias {
		m.out = nn.NewLinear(ps, prefix+".out", m.E, m.D, c.OutBias)
	}
	m.raw, m.forgetBias = lstm && c.NoCoeffNorm, c.ForgetBias
	if c.InitState {
		m.s0 = ps.New(prefix+".h0", false, m.E)
	}
	switch m.mode {
	case "parallel":
		m.gatesFwd, m.gatesBwd = m.logGatesRows, m.logGatesBackwardRows
		m.scanFwd, m.scanBwd = m.logScanChannels, m.logScanBackwardChannels
	case "sequential":
		m.scanFwd, m.scanBwd = m.sequentialChannels, m.sequentialBackwardChannels
	case "linear":
		m.gatesFwd, m.gatesBwd = m.linGatesRows, m.linGatesBackwardRows
		m.scanFwd, m.scanBwd = m.linScanChannels, m.linScanBackwardChannels
	case "chunked":
		m.gatesFwd, m.gatesBwd = m.linGatesRows, m.linGatesBackwardRows
		m.scanFwd, m.scanBwd = m.chunkLocalTasks, m.chunkLocalBackwardTasks
		m.fixFwd, m.fixBwd = m.chunkCarryChannels, m.chunkCarryBackwardChannels
		m.endFwd, m.endBwd = m.chunkFixTasks, m.chunkFixBackwardTasks
	}
	return m, nil
}

// Init draws both projections from U(−1/√fan_in, 1/√fan_in), nn.Linear's
// default.
func (m *minRNN[F]) Init(rng *rand.Rand) {
	m.in.Init(rng)
	if m.out != nil {
		m.out.Init(rng)
	}
	if m.lstm && m.forgetBias != 0 {
		for e := range m.E { // rows k_f come first
			m.in.Bias.Data[e] += F(m.forgetBias)
		}
	}
	if m.s0 != nil {
		tensor.Normal(rng, m.s0.Data, 1)
	}
}

// Alloc makes the buffers for up to B sequences of up to T tokens:
// activations k and h ((G+1)·E per token), plus 3E ("parallel") or 2E
// ("linear", "chunked"); scratch dk, dh (when E ≠ D), the gradients of the
// gate tensors, and for "chunked" two [B, 8, E] carry buffers.
func (m *minRNN[F]) Alloc(a *tensor.Arena[F], B, T int) {
	n, E, GE := B*T, m.E, m.G*m.E
	m.maxB, m.maxT = B, T
	m.k = a.Make(tensor.Activation, n*GE)
	m.h = a.Make(tensor.Activation, n*E)
	m.dk = a.Make(tensor.Scratch, n*GE)
	if m.out != nil {
		m.dh = a.Make(tensor.Scratch, n*E)
	}
	if m.mode == "sequential" {
		if m.s0 != nil {
			m.ds0 = a.Make(tensor.Scratch, B*E)
		}
		return
	}
	m.ga = a.Make(tensor.Activation, n*E)
	m.gb = a.Make(tensor.Activation, n*E)
	if m.mode == "parallel" {
		m.logh = a.Make(tensor.Activation, n*E)
	}
	m.dga = a.Make(tensor.Scratch, n*E)
	m.dgb = a.Make(tensor.Scratch, n*E)
	if m.mode == "chunked" {
		m.cin = a.Make(tensor.Scratch, B*maxChunks*E)
		m.cprod = a.Make(tensor.Scratch, B*maxChunks*E)
	}
}

// minRowGrain returns the token rows per parallel chunk of the gate math,
// so that a chunk holds at least about 2048 channels.
func minRowGrain(E int) int { return max(1, 2048/E) }

// Forward computes y: [B, T, D] (overwritten) from x: [B, T, D]. It panics
// when B or T exceed Alloc's or the slices are shorter than B·T·D.
func (m *minRNN[F]) Forward(y, x []F, B, T int) {
	m.check("Forward", B, T, x, y)
	M := B * T
	call := minCall[F]{B: B, T: T}
	m.in.Forward(m.k, x, M) // k: [B·T, G·E]
	if m.gatesFwd != nil {
		tensor.ForWith(M, minRowGrain(m.E), minKernel[F]{m.gatesFwd, call})
		if m.s0 != nil {
			m.initStateForward(B, T)
		}
	}
	if m.mode == "chunked" {
		call.chunk, call.nChunks = chunkSize(T)
		tasks := scanTiles(B, m.E) * call.nChunks
		tensor.ForWith(tasks, 1, minKernel[F]{m.scanFwd, call})
		tensor.ForWith(B*m.E, scanTile, minKernel[F]{m.fixFwd, call})
		tensor.ForWith(tasks, 1, minKernel[F]{m.endFwd, call})
	} else {
		tensor.ForWith(B*m.E, scanTile, minKernel[F]{m.scanFwd, call})
	}
	if m.out != nil {
		m.out.Forward(y, m.h, M)
	} else {
		copy(y[:M*m.D], m.h[:M*m.E])
	}
}

// Backward accumulates dx: [B, T, D] and the parameter gradients from
// dy: [B, T, D], exactly, over the last Forward (x must be the same): the
// scan's backward gives the gradients of the gate tensors, then the gate
// derivatives give dk ("sequential": backpropagation through time of the
// cell). It panics like Forward.
func (m *minRNN[F]) Backward(dx, dy, x []F, B, T int) {
	m.check("Backward", B, T, x, dy)
	if len(dx) < B*T*m.D {
		panic(m.name + ": Backward dx shorter than B·T·D")
	}
	M, E := B*T, m.E
	call := minCall[F]{B: B, T: T, gradH: dy}
	if m.out != nil {
		m.out.BackwardTo(m.dh, dy, m.h, M)
		call.gradH = m.dh
	}
	if m.mode == "chunked" {
		call.chunk, call.nChunks = chunkSize(T)
		tasks := scanTiles(B, m.E) * call.nChunks
		tensor.ForWith(tasks, 1, minKernel[F]{m.scanBwd, call})
		tensor.ForWith(B*m.E, scanTile, minKernel[F]{m.fixBwd, call})
		tensor.ForWith(tasks, 1, minKernel[F]{m.endBwd, call})
	} else {
		tensor.ForWith(B*E, scanTile, minKernel[F]{m.scanBwd, call})
	}
	if m.s0 != nil {
		m.initStateBackward(B, T)
	}
	if m.gatesBwd != nil {
		tensor.ForWith(M, minRowGrain(E), minKernel[F]{m.gatesBwd, call})
	}
	m.in.Backward(dx, m.dk[:M*m.G*E], x, M)
}

// check panics when Alloc was not called, B or T exceed Alloc's, or a or b
// is shorter than B·T·D.
func (m *minRNN[F]) check(op string, B, T int, a, b []F) {
	if m.k == nil {
		panic(m.name + ": " + op + " before Alloc")
	}
	if B > m.maxB || T > m.maxT {
		panic(m.name + ": " + op + " with B or T above Alloc's")
	}
	if len(a) < B*T*m.D || len(b) < B*T*m.D {
		panic(m.name + ": " + op + " slice shorter than B·T·D")
	}
}

// f32 returns a pointer to s[i] as *float32; only for F = float32.
func f32[F tensor.Float](s []F, i int) *float32 { return (*float32)(unsafe.Pointer(&s[i])) }

// useAVX reports whether the float32 assembly kernels run for F.
func useAVX[F tensor.Float]() bool { return tensor.Is32[F]() && haveAVX2 }

// logGatesRows computes log a and log b for token rows [lo, hi) of k.
func (m *minRNN[F]) logGatesRows(call minCall[F], lo, hi int) {
	E, GE := m.E, m.G*m.E
	for r := lo; r < hi; r++ {
		k := m.k[r*GE : (r+1)*GE]
		la, lb := m.ga[r*E:(r+1)*E], m.gb[r*E:(r+1)*E]
		switch {
		case m.raw:
			for e := range la {
				a, b := minLSTMRawLogGates[F](float64(k[e]), float64(k[E+e]), float64(k[2*E+e]))
				la[e], lb[e] = F(a), F(b)
			}
		case useAVX[F]() && m.lstm:
			minlstmLogFwdAVX(f32(la, 0), f32(lb, 0), f32(k, 0), f32(k, E), f32(k, 2*E), E)
		case useAVX[F]():
			mingruLogFwdAVX(f32(la, 0), f32(lb, 0), f32(k, 0), f32(k, E), E)
		case m.lstm:
			for e := range la {
				a, b := minLSTMLogGates[F](float64(k[e]), float64(k[E+e]), float64(k[2*E+e]))
				la[e], lb[e] = F(a), F(b)
			}
		default:
			for e := range la {
				a, b := minGRULogGates[F](float64(k[e]), float64(k[E+e]))
				la[e], lb[e] = F(a), F(b)
			}
		}
	}
}

// logGatesBackwardRows writes dk (overwriting) for token rows [lo, hi)
// from dlog a and dlog b.
func (m *minRNN[F]) logGatesBackwardRows(call minCall[F], lo, hi int) {
	E, GE := m.E, m.G*m.E
	for r := lo; r < hi; r++ {
		k, dk := m.k[r*GE:(r+1)*GE], m.dk[r*GE:(r+1)*GE]
		dla, dlb := m.dga[r*E:(r+1)*E], m.dgb[r*E:(r+1)*E]
		switch {
		case m.raw:
			for e := range dla {
				df, di, dh := minLSTMRawLogGatesBackward[F](float64(k[e]), float64(k[E+e]), float64(k[2*E+e]), float64(dla[e]), float64(dlb[e]))
				dk[e], dk[E+e], dk[2*E+e] = F(df), F(di), F(dh)
			}
		case useAVX[F]() && m.lstm:
			minlstmLogBwdAVX(f32(dk, 0), f32(dk, E), f32(dk, 2*E), f32(k, 0), f32(k, E), f32(k, 2*E), f32(dla, 0), f32(dlb, 0), E)
		case useAVX[F]():
			mingruLogBwdAVX(f32(dk, 0), f32(dk, E), f32(k, 0), f32(k, E), f32(dla, 0), f32(dlb, 0), E)
		case m.lstm:
			for e := range dla {
				df, di, dh := minLSTMLogGatesBackward[F](float64(k[e]), float64(k[E+e]), float64(k[2*E+e]), float64(dla[e]), float64(dlb[e]))
				dk[e], dk[E+e], dk[2*E+e] = F(df), F(di), F(dh)
			}
		default:
			for e := range dla {
				dz, dh := minGRULogGatesBackward[F](float64(k[e]), float64(k[E+e]), float64(dla[e]), float64(dlb[e]))
				dk[e], dk[E+e] = F(dz), F(dh)
			}
		}
	}
}

// linGatesRows computes a and b (linear space) for token rows [lo, hi).
func (m *minRNN[F]) linGatesRows(call minCall[F], lo, hi int) {
	E, GE := m.E, m.G*m.E
	for r := lo; r < hi; r++ {
		k := m.k[r*GE : (r+1)*GE]
		ga, gb := m.ga[r*E:(r+1)*E], m.gb[r*E:(r+1)*E]
		switch {
		case m.raw:
			for e := range ga {
				a, b := minLSTMRawLinGates[F](float64(k[e]), float64(k[E+e]), float64(k[2*E+e]))
				ga[e], gb[e] = F(a), F(b)
			}
		case useAVX[F]() && m.lstm:
			minlstmLinFwdAVX(f32(ga, 0), f32(gb, 0), f32(k, 0), f32(k, E), f32(k, 2*E), E)
		case useAVX[F]():
			mingruLinFwdAVX(f32(ga, 0), f32(gb, 0), f32(k, 0), f32(k, E), E)
		case m.lstm:
			for e := range ga {
				a, b := minLSTMLinGates[F](float64(k[e]), float64(k[E+e]), float64(k[2*E+e]))
				ga[e], gb[e] = F(a), F(b)
			}
		default:
			for e := range ga {
				a, b := minGRULinGates[F](float64(k[e]), float64(k[E+e]))
				ga[e], gb[e] = F(a), F(b)
			}
		}
	}
}

// linGatesBackwardRows writes dk (overwriting) for token rows [lo, hi)
// from da and db.
func (m *minRNN[F]) linGatesBackwardRows(call minCall[F], lo, hi int) {
	E, GE := m.E, m.G*m.E
	for r := lo; r < hi; r++ {
		k, dk := m.k[r*GE:(r+1)*GE], m.dk[r*GE:(r+1)*GE]
		da, db := m.dga[r*E:(r+1)*E], m.dgb[r*E:(r+1)*E]
		switch {
		case m.raw:
			for e := range da {
				df, di, dh := minLSTMRawLinGatesBackward[F](float64(k[e]), float64(k[E+e]), float64(k[2*E+e]), float64(da[e]), float64(db[e]))
				dk[e], dk[E+e], dk[2*E+e] = F(df), F(di), F(dh)
			}
		case useAVX[F]() && m.lstm:
			minlstmLinBwdAVX(f32(dk, 0), f32(dk, E), f32(dk, 2*E), f32(k, 0), f32(k, E), f32(k, 2*E), f32(da, 0), f32(db, 0), E)
		case useAVX[F]():
			mingruLinBwdAVX(f32(dk, 0), f32(dk, E), f32(k, 0), f32(k, E), f32(da, 0), f32(db, 0), E)
		case m.lstm:
			for e := range da {
				df, di, dh := minLSTMLinGatesBackward[F](float64(k[e]), float64(k[E+e]), float64(k[2*E+e]), float64(da[e]), float64(db[e]))
				dk[e], dk[E+e], dk[2*E+e] = F(df), F(di), F(dh)
			}
		default:
			for e := range da {
				dz, dh := minGRULinGatesBackward[F](float64(k[e]), float64(k[E+e]), float64(da[e]), float64(db[e]))
				dk[e], dk[E+e] = F(dz), F(dh)
			}
		}
	}
}

// logScanChannels runs the log-space scan for channels [lo, hi) of B·E.
func (m *minRNN[F]) logScanChannels(call minCall[F], lo, hi int) {
	n := call.B * call.T * m.E
	logScanRange(m.logh[:n], m.h[:n], m.ga[:n], m.gb[:n], call.T, m.E, lo, hi)
}

// clearChannels zeroes channels [lo, hi) of B·E of the gate gradients
// dga, dgb (which the scans' backward kernels accumulate into), inside the
// parallel tasks rather than as a serial clear.
func (m *minRNN[F]) clearChannels(call minCall[F], lo, hi int) {
	E, T := m.E, call.T
	for c := lo; c < hi; {
		b, e0, w := scanTileAt(c, E, hi)
		for t := 0; t < T; t++ {
			i := (b*T+t)*E + e0
			clear(m.dga[i : i+w])
			clear(m.dgb[i : i+w])
		}
		c += w
	}
}

// logScanBackwardChannels runs the log-space scan's backward for channels
// [lo, hi) of B·E.
func (m *minRNN[F]) logScanBackwardChannels(call minCall[F], lo, hi int) {
	n := call.B * call.T * m.E
	m.clearChannels(call, lo, hi)
	logScanBackwardRange(m.dga[:n], m.dgb[:n], call.gradH[:n], m.ga[:n], m.gb[:n], m.logh[:n], m.h[:n], call.T, m.E, lo, hi)
}

// linScanChannels runs h = a·h + b for channels [lo, hi) of B·E.
func (m *minRNN[F]) linScanChannels(call minCall[F], lo, hi int) {
	n := call.B * call.T * m.E
	linearScanRange(m.h[:n], m.ga[:n], m.gb[:n], call.T, m.E, lo, hi)
}

// linScanBackwardChannels runs the linear scan's backward for channels
// [lo, hi) of B·E.
func (m *minRNN[F]) linScanBackwardChannels(call minCall[F], lo, hi int) {
	n := call.B * call.T * m.E
	m.clearChannels(call, lo, hi)
	linearScanBackwardRange(m.dga[:n], m.dgb[:n], call.gradH[:n], m.ga[:n], m.h[:n], call.T, m.E, lo, hi)
}

// chunkLocalTasks, chunkCarryChannels and chunkFixTasks are the three
// passes of the chunked scan (scan.go), over (tile, chunk) tasks and
// channels.
func (m *minRNN[F]) chunkLocalTasks(call minCall[F], lo, hi int) {
	n := call.B * call.T * m.E
	chunkScanLocal(m.h[:n], m.cprod, m.ga[:n], m.gb[:n], call.T, m.E, call.chunk, call.nChunks, lo, hi)
}

func (m *minRNN[F]) chunkCarryChannels(call minCall[F], lo, hi int) {
	n := call.B * call.T * m.E
	chunkScanCarry(m.cin, m.cprod, m.h[:n], call.T, m.E, call.chunk, call.nChunks, lo, hi)
}

func (m *minRNN[F]) chunkFixTasks(call minCall[F], lo, hi int) {
	n := call.B * call.T * m.E
	chunkScanFix(m.h[:n], m.cin, m.ga[:n], call.T, m.E, call.chunk, call.nChunks, lo, hi)
}

func (m *minRNN[F]) chunkLocalBackwardTasks(call minCall[F], lo, hi int) {
	n := call.B * call.T * m.E
	chunkScanBackwardLocal(m.dgb[:n], m.cprod, call.gradH[:n], m.ga[:n], call.T, m.E, call.chunk, call.nChunks, lo, hi)
}

func (m *minRNN[F]) chunkCarryBackwardChannels(call minCall[F], lo, hi int) {
	n := call.B * call.T * m.E
	chunkScanBackwardCarry(m.cin, m.cprod, m.dgb[:n], m.ga[:n], call.T, m.E, call.chunk, call.nChunks, lo, hi)
}

func (m *minRNN[F]) chunkFixBackwardTasks(call minCall[F], lo, hi int) {
	n := call.B * call.T * m.E
	chunkScanBackwardFix(m.dga[:n], m.dgb[:n], m.cin, m.ga[:n], m.h[:n], call.T, m.E, call.chunk, call.nChunks, lo, hi)
}

// cell returns h_t for channel e of the token whose pre-activations are
// k: [G·E], given h_{t−1}.
func (m *minRNN[F]) cell(k []F, e int, hPrev F) F {
	E := m.E
	if m.raw {
		return F(minLSTMRawCell[F](float64(k[e]), float64(k[E+e]), float64(k[2*E+e]), float64(hPrev)))
	}
	if m.lstm {
		return F(minLSTMCell[F](float64(k[e]), float64(k[E+e]), float64(k[2*E+e]), float64(hPrev)))
	}
	return F(minGRUCell[F](float64(k[e]), float64(k[E+e]), float64(hPrev)))
}

// sequentialChannels runs the recurrence step by step for channels
// [lo, hi) of B·E, computing the gates inside the loop. The carried h is
// rounded to F at each step, exactly as Step stores it.
func (m *minRNN[F]) sequentialChannels(call minCall[F], lo, hi int) {
	E, GE, T := m.E, m.G*m.E, call.T
	for c := lo; c < hi; {
		b, e0, w := scanTileAt(c, E, hi)
		var hc [scanTile]F
		for j := 0; j < w; j++ {
			hc[j] = m.h0At(e0 + j)
		}
		for t := 0; t < T; t++ {
			r := b*T + t
			k, h := m.k[r*GE:(r+1)*GE], m.h[r*E:(r+1)*E]
			for j := 0; j < w; j++ {
				hc[j] = m.cell(k, e0+j, hc[j])
				h[e0+j] = hc[j]
			}
		}
		c += w
	}
}

// sequentialBackwardChannels backpropagates through time for channels
// [lo, hi) of B·E: g_t = dh_t + a_{t+1}·g_{t+1}, and the cell's backward
// turns g_t into dk_t (overwritten) and the carry a_t·g_t.
func (m *minRNN[F]) sequentialBackwardChannels(call minCall[F], lo, hi int) {
	E, GE, T := m.E, m.G*m.E, call.T
	for c := lo; c < hi; {
		b, e0, w := scanTileAt(c, E, hi)
		var carry [scanTile]float64
		for t := T - 1; t >= 0; t-- {
			r := b*T + t
			k, dk := m.k[r*GE:(r+1)*GE], m.dk[r*GE:(r+1)*GE]
			for j := 0; j < w; j++ {
				e := e0 + j
				g := float64(call.gradH[r*E+e]) + carry[j]
				var hp float64
				if t > 0 {
					hp = float64(m.h[(r-1)*E+e])
				} else if m.s0 != nil {
					hp = float64(m.h0At(e))
				}
				if m.raw {
					df, di, dh, dp := minLSTMRawCellBackward[F](float64(k[e]), float64(k[E+e]), float64(k[2*E+e]), hp, g)
					dk[e], dk[E+e], dk[2*E+e] = F(df), F(di), F(dh)
					carry[j] = dp
				} else if m.lstm {
					df, di, dh, dp := minLSTMCellBackward[F](float64(k[e]), float64(k[E+e]), float64(k[2*E+e]), hp, g)
					dk[e], dk[E+e], dk[2*E+e] = F(df), F(di), F(dh)
					carry[j] = dp
				} else {
					dz, dh, dp := minGRUCellBackward[F](float64(k[e]), float64(k[E+e]), hp, g)
					dk[e], dk[E+e] = F(dz), F(dh)
					carry[j] = dp
				}
			}
		}
		if m.ds0 != nil {
			for j := 0; j < w; j++ {
				m.ds0[b*E+e0+j] = F(carry[j])
			}
		}
		c += w
	}
}

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
		s.h[c] = s.m.cell(s.k[b*GE:(b+1)*GE], e, s.h[c])
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
// as the sequential mode (so it equals Forward). It panics when s was not
// made by this mixer's NewState or the slices are shorter than B·D.
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

// Elementwise forward FLOPs per channel per token, as implemented.
// Convention: every add, multiply, divide, negation, compare and every
// exp/log/log1p counts 1; so softplus = 3 (exp, log1p, add), the pair
// σ(x), σ(−x) = 4 (exp, add, divide, multiply), g = 3 and log g = 3.
const (
	// minGRU, log space: log a = −softplus(k_z) 4, log b = k_z − softplus +
	// log g(k_h) 1+3+1 = 5; scan 10 (cumsum 1; u 1, compare 1, exp 1,
	// multiply-add 2, log 1, two adds 2, exp 1).
	minGRUParallelFLOPs = 4 + 5 + 10
	// minGRU, recurrence: σ(±k_z) 4, g 3, a·h + z·h̃ 3.
	minGRUSequentialFLOPs = 4 + 3 + 3
	// minGRU, linear space: σ(±k_z) 4, g 3, b = z·h̃ 1; scan a·h + b 2.
	minGRULinearFLOPs = 4 + 3 + 1 + 2
	// minLSTM, log space: d = softplus(−k_f) − softplus(−k_i) 9,
	// log a = −softplus(d) 4, log b = d − softplus(d) + log g(k_h) 5; scan 10.
	minLSTMParallelFLOPs = 9 + 4 + 5 + 10
	// minLSTM, recurrence: d 9, σ(±d) 4, g 3, f′·h + i′·h̃ 3.
	minLSTMSequentialFLOPs = 9 + 4 + 3 + 3
	// minLSTM, linear space: d 9, σ(±d) 4, g 3, b = i′·h̃ 1; scan 2.
	minLSTMLinearFLOPs = 9 + 4 + 3 + 1 + 2
	// minLSTM without normalisation (Variants.NoCoeffNorm), log space:
	// log a = −softplus(−k_f) 4, log b = −softplus(−k_i) + log g(k_h)
	// 4+1+3; scan 10. Recurrence: σ(k_f) 3, σ(k_i) 3, g 3, f·h + i·h̃ 3.
	// Linear space: σ(k_f) 3, σ(k_i) 3, g 3, b 1; scan 2.
	minLSTMRawParallelFLOPs   = 4 + 8 + 10
	minLSTMRawSequentialFLOPs = 3 + 3 + 3 + 3
	minLSTMRawLinearFLOPs     = 3 + 3 + 3 + 1 + 2
	// Chunked scan, beyond the linear scan's 2: the running product of a
	// in the local pass 1, and the fix-up h += P·carry with its product 3.
	chunkExtraFLOPs = 1 + 3
)

// FLOPs returns the forward FLOPs per token, independent of T:
//
//	2·D·G·E (input projection) + G·E (its bias) + e·E (gates and scan,
//	e from the constants above) + 2·E·D (output projection, when present)
//	+ D (its bias, Variants.OutBias).
func (m *minRNN[F]) FLOPs(T int) int64 {
	D, E, G := int64(m.D), int64(m.E), int64(m.G)
	var e int64
	switch {
	case m.raw && m.mode == "parallel":
		e = minLSTMRawParallelFLOPs
	case m.raw && m.mode == "sequential":
		e = minLSTMRawSequentialFLOPs
	case m.raw:
		e = minLSTMRawLinearFLOPs
	case m.lstm && m.mode == "parallel":
		e = minLSTMParallelFLOPs
	case m.lstm && m.mode == "sequential":
		e = minLSTMSequentialFLOPs
	case m.lstm:
		e = minLSTMLinearFLOPs
	case m.mode == "parallel":
		e = minGRUParallelFLOPs
	case m.mode == "sequential":
		e = minGRUSequentialFLOPs
	default:
		e = minGRULinearFLOPs
	}
	if m.mode == "chunked" {
		e += chunkExtraFLOPs
	}
	f := 2*D*G*E + G*E + e*E
	if m.out != nil {
		f += 2 * E * D
		if m.out.Bias != nil {
			f += D // Variants.OutBias
		}
	}
	return f
}

// Gate functions shared by both cells, in float64 arithmetic with the
// transcendentals at F's precision (tensor.ExpAt etc.: exact for float64).
// g (Feng et al. 2024, §3 and the appendix) replaces tanh so that h̃ > 0
// and log h̃ exists in the log-space form.

// minG is g(x) = x + 0.5 for x ≥ 0, σ(x) for x < 0 (continuous, > 0).
func minG[F tensor.Float](x float64) float64 {
	if x >= 0 {
		return x + 0.5
	}
	return tensor.SigmoidAt[F](x)
}

// minDG is g′(x): 1 for x ≥ 0, σ(x)·σ(−x) for x < 0.
func minDG[F tensor.Float](x float64) float64 {
	if x >= 0 {
		return 1
	}
	s, sn := tensor.SigmoidsAt[F](x)
	return s * sn
}

// minLogG is log g(x): log(x + 0.5) for x ≥ 0, −softplus(−x) for x < 0.
func minLogG[F tensor.Float](x float64) float64 {
	if x >= 0 {
		return tensor.LogAt[F](x + 0.5)
	}
	return -tensor.SoftplusAt[F](-x)
}

// minDLogG is (log g)′(x): 1/(x + 0.5) for x ≥ 0, σ(−x) for x < 0.
func minDLogG[F tensor.Float](x float64) float64 {
	if x >= 0 {
		return 1 / (x + 0.5)
	}
	return tensor.SigmoidAt[F](-x)
}
