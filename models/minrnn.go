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
//	h_t = a_t ⊙ h_{t−1} + b_t,  h_{−1} = 0     (a, b from k_t: the cell, mincell.go)
//	y_t = W_out h_t                            (Linear E→D, no bias; identity when E == D)
//
// Parameters (prefix p): p.in.weight [G·E, D] and p.in.bias [G·E], rows
// gate by gate (minGRU k_z | k_h, minLSTM k_f | k_i | k_h), and
// p.out.weight [D, E] when E ≠ D. Count G·E·D + G·E (+ E·D). The official
// code's variants (variants.go) add p.out.bias [D] (and p.out even when
// E == D), p.h0 [E] (the learned initial state, minrnn_state0.go), and
// for minLSTM the unnormalised cell (minlstm_raw.go) and a forget-bias
// offset.
//
// A minRNN is a cell (minGRU or minLSTM: the gate algebra) over a scan
// mode (how the scan over t runs), both chosen once by the constructor.
// Every mode uses one matmul over all B·T tokens for each projection (they
// do not depend on h); the modes are
//
//   - "parallel" (the default): the paper's log-space form, log a and log b
//     for all tokens, then Heinsen's scan (gatedMode, minrnn_gates.go, over
//     logScan, minrnn_parallel.go);
//   - "sequential" (minrnn_sequential.go): the recurrence step by step,
//     backpropagation through time;
//   - "linear": a and b in linear space, then h = a·h + b (gatedMode over
//     linScan, minrnn_linear.go);
//   - "chunked": a and b as in "linear", then a chunked parallel scan over
//     t (gatedMode over chunkScan, minrnn_chunked.go).
//
// Activations kept for backward, per token: k (G·E) and h (E), plus the
// mode's (parallel: log a, log b, log h, 3E; linear, chunked: a, b, 2E).
type minRNN[F tensor.Float] struct {
	cell    minCell[F]  // the gate algebra: mingruCell, minlstmCell or minlstmRawCell
	mode    scanMode[F] // how the scan over t runs
	form    gateForm[F] // the cell's log-space or linear-space form (nil: sequential)
	name    string      // "mingru" or "minlstm", for panics
	D, E, G int
	in      *nn.Linear[F] // D → G·E, with bias
	out     *nn.Linear[F] // E → D, no bias; nil when E == D (with Variants.OutBias: with bias, always present)

	// Variants of the official code (variants.go); zero: the paper.
	forgetBias float64          // added to the forget-gate bias (rows k_f) at Init (minLSTM)
	s0         *tensor.Param[F] // [E] learned initial state, h_{−1} = g(s0) (InitState); nil: h_{−1} = 0

	maxB, maxT int
	k          []F // [B, T, G·E] activation: pre-activations
	h          []F // [B, T, E] activation: hidden states
	dk         []F // [B, T, G·E] scratch: gradient of k
	dh         []F // [B, T, E] scratch: gradient of h from the output (nil when E == D)

	// The mode's buffers (made by its alloc; nil in the modes without them).
	ga, gb     []F // [B, T, E] activation: log a, log b (parallel) or a, b (linear, chunked)
	logh       []F // [B, T, E] activation (parallel): log h
	dga, dgb   []F // [B, T, E] scratch: gradients of ga, gb
	cin, cprod []F // [B, maxChunks, E] scratch (chunked): chunk carries and products of a
	ds0        []F // [B, E] scratch (sequential with s0): ∂L/∂h_{−1} per sequence

	par resid[F] // the copy y = h (E == D) on the pool (resid.go)
}

// scanMode is how a minRNN runs the scan over t, one value per mode chosen
// once in newMinRNN. forward runs from m.k (the input projection is done)
// to m.h; backward from call.gradH (∂L/∂h) to m.dk (overwritten) and the
// gradient of s0.
type scanMode[F tensor.Float] interface {
	alloc(m *minRNN[F], a *tensor.Arena[F], B, T int) // the mode's buffers
	forward(call minCall[F])
	backward(call minCall[F])
	flops(c cellFLOPs) int64 // elementwise forward FLOPs per channel per token
}

// minCall is the arguments of one Forward or Backward: the mixer, the
// sizes, the chunking (chunked) and the gradient of h. The modes' parallel
// passes are named types of it whose Run is a tensor.ForWith kernel.
type minCall[F tensor.Float] struct {
	m                    *minRNN[F]
	B, T, chunk, nChunks int
	gradH                []F // [B, T, E] gradient of h (Backward): dh, or dy when E == D
}

// newMinRNN registers the projections of a mixer of the given cell and
// picks its mode from c.Mode ("" is "parallel"; c has been validated).
func newMinRNN[F tensor.Float](ps *tensor.ParamSet[F], prefix string, c Config, cell minCell[F]) *minRNN[F] {
	m := &minRNN[F]{cell: cell, name: cell.name(), D: c.D, E: c.E(), G: cell.gates()}
	switch c.Mode {
	case "sequential":
		m.mode = sequentialMode[F]{}
	case "linear":
		m.mode, m.form = gatedMode[F]{linScan[F]{}}, cell.linForm()
	case "chunked":
		m.mode, m.form = gatedMode[F]{chunkScan[F]{}}, cell.linForm()
	default:
		m.mode, m.form = gatedMode[F]{logScan[F]{}}, cell.logForm()
	}
	m.par.bind()
	m.in = nn.NewLinear(ps, prefix+".in", m.D, m.G*m.E, true)
	if m.E != m.D || c.OutBias {
		m.out = nn.NewLinear(ps, prefix+".out", m.E, m.D, c.OutBias)
	}
	if c.InitState {
		m.s0 = ps.New(prefix+".h0", false, m.E)
	}
	return m
}

// Init draws both projections from U(−1/√fan_in, 1/√fan_in), nn.Linear's
// default, adds the forget bias to the rows k_f, and draws s0 from N(0, 1).
func (m *minRNN[F]) Init(rng *rand.Rand) {
	m.in.Init(rng)
	if m.out != nil {
		m.out.Init(rng)
	}
	if m.forgetBias != 0 {
		for e := range m.E { // rows k_f come first
			m.in.Bias.Data[e] += F(m.forgetBias)
		}
	}
	if m.s0 != nil {
		tensor.Normal(rng, m.s0.Data, 1)
	}
}

// Alloc makes the buffers for up to B sequences of up to T tokens:
// activations k and h ((G+1)·E per token), scratch dk and dh (when E ≠ D),
// then the mode's buffers (see minRNN).
func (m *minRNN[F]) Alloc(a *tensor.Arena[F], B, T int) {
	m.maxB, m.maxT = B, T
	m.k, m.h, m.dk, m.dh = allocGated(a, B*T, m.G*m.E, m.E, m.out != nil)
	m.mode.alloc(m, a, B, T)
}

// Forward computes y: [B, T, D] (overwritten) from x: [B, T, D]. It panics
// when B or T exceed Alloc's or the slices are shorter than B·T·D.
func (m *minRNN[F]) Forward(y, x []F, B, T int) {
	if h := m.ForwardView(y, x, B, T); m.out == nil {
		m.par.copy(y[:B*T*m.D], h)
	}
}

// ForwardView is Forward that, without an output projection (E = D, so
// y = h), returns h itself, [B, T, D], instead of copying it into y: a
// pass of B·T·D elements fewer. The view is the mixer's own activation,
// valid until its next Forward; the caller must not write to it. With an
// output projection it fills y and returns y[:B·T·D].
func (m *minRNN[F]) ForwardView(y, x []F, B, T int) []F {
	m.check("Forward", B, T, x, y)
	M := B * T
	m.in.Forward(m.k, x, M) // k: [B·T, G·E]
	m.mode.forward(minCall[F]{m: m, B: B, T: T})
	if m.out == nil {
		return m.h[:M*m.E]
	}
	m.out.Forward(y, m.h, M)
	return y[:M*m.D]
}

// Backward accumulates dx: [B, T, D] and the parameter gradients from
// dy: [B, T, D], exactly, over the last Forward (x must be the same): the
// mode's backward gives dk, the input projection's backward dx. It panics
// like Forward.
func (m *minRNN[F]) Backward(dx, dy, x []F, B, T int) { m.backward(dx, dy, x, B, T, 1) }

// BackwardTo is Backward with dx overwritten instead of accumulated (the
// input projection's Linear.BackwardTo), so the caller need not clear it
// first; the bits are those of clearing dx and calling Backward.
func (m *minRNN[F]) BackwardTo(dx, dy, x []F, B, T int) { m.backward(dx, dy, x, B, T, 0) }

// backward is Backward with dx = beta·dx + (dx of this call), beta 0 or 1.
func (m *minRNN[F]) backward(dx, dy, x []F, B, T int, beta F) {
	m.check("Backward", B, T, x, dy)
	if len(dx) < B*T*m.D {
		panic(m.name + ": Backward dx shorter than B·T·D")
	}
	M := B * T
	call := minCall[F]{m: m, B: B, T: T, gradH: dy}
	if m.out != nil {
		m.out.BackwardTo(m.dh, dy, m.h, M)
		call.gradH = m.dh
	}
	m.mode.backward(call)
	if beta == 0 {
		m.in.BackwardTo(dx, m.dk[:M*m.G*m.E], x, M)
	} else {
		m.in.Backward(dx, m.dk[:M*m.G*m.E], x, M)
	}
}

// check panics when Alloc was not called, B or T exceed Alloc's, or a or b
// is shorter than B·T·D.
func (m *minRNN[F]) check(op string, B, T int, a, b []F) {
	if m.k == nil {
		panic(m.name + ": " + op + " before Alloc")
	}
	checkSizes(m.name, op, B, T, m.maxB, m.maxT, m.D, a, b)
}

// FLOPs returns the forward FLOPs per token, independent of T:
//
//	2·D·G·E (input projection) + G·E (its bias) + e·E (gates and scan,
//	e from the cell's and the mode's counts, cellFLOPs) + 2·E·D (output
//	projection, when present) + D (its bias, Variants.OutBias).
func (m *minRNN[F]) FLOPs(T int) int64 {
	D, E, G := int64(m.D), int64(m.E), int64(m.G)
	f := 2*D*G*E + G*E + m.mode.flops(m.cell.flops())*E
	if m.out != nil {
		f += 2 * E * D
		if m.out.Bias != nil {
			f += D // Variants.OutBias
		}
	}
	return f
}

// minRowGrain returns the token rows per parallel chunk of the gate math,
// so that a chunk holds at least about 2048 channels.
func minRowGrain(E int) int { return max(1, 2048/E) }

// f32 returns a pointer to s[i] as *float32; only for F = float32.
func f32[F tensor.Float](s []F, i int) *float32 { return (*float32)(unsafe.Pointer(&s[i])) }

// useAVX reports whether the float32 assembly kernels run for F.
func useAVX[F tensor.Float]() bool { return tensor.Is32[F]() && haveAVX2 }
