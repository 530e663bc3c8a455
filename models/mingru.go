package models

import (
	"fmt"
	"math"
	"math/rand/v2"

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
// p.out.weight [D, E] when E ≠ D. Count G·E·D + G·E (+ E·D).
//
// Modes: "parallel" computes log a and log b and runs the log-space scan
// (logScanRange), as the paper trains; "sequential" runs the recurrence
// step by step per channel with the gates computed inside the loop, and
// backpropagates through time. Both use one matmul over all B·T tokens for
// the projections (they do not depend on h).
//
// Activations kept for backward, per token: k (G·E) and h (E); the
// parallel mode adds log a, log b and log h (3E).
type minRNN[F tensor.Float] struct {
	name     string // "mingru" or "minlstm", for panics
	lstm     bool   // minLSTM cell (k_f, k_i, k_h) instead of minGRU's (k_z, k_h)
	parallel bool   // mode "parallel" (log-space scan) rather than "sequential"
	D, E, G  int
	in       *nn.Linear[F] // D → G·E, with bias
	out      *nn.Linear[F] // E → D, no bias; nil when E == D

	maxB, maxT int
	k          []F // [B, T, G·E] activation: pre-activations
	h          []F // [B, T, E] activation: hidden states
	loga, logb []F // [B, T, E] activation (parallel): log a_t, log b_t
	logh       []F // [B, T, E] activation (parallel): log h_t
	dk         []F // [B, T, G·E] scratch: gradient of k
	dh         []F // [B, T, E] scratch: gradient of h from the output (nil when E == D)
	dloga      []F // [B, T, E] scratch (parallel): gradient of log a
	dlogb      []F // [B, T, E] scratch (parallel): gradient of log b

	// Arguments of the current call, read by the pre-bound parallel bodies
	// below (bound once in newMinRNN so that calls make no closures).
	B, T                             int
	gradH                            []F // [B, T, E] gradient of h: dh, or dy when E == D
	gatesFwd, gatesBwd               func(lo, hi int)
	scanFwd, scanBwd, seqFwd, seqBwd func(lo, hi int)
}

// NewMinGRU builds a minGRU mixer (Feng et al. 2024, §3), registering
// prefix+".in" (D → 2E, rows k_z | k_h) and, when E ≠ D, prefix+".out"
// (E → D, no bias) in ps. Per channel:
//
//	z_t = σ(k_z),  h̃_t = g(k_h),  h_t = (1 − z_t)·h_{t−1} + z_t·h̃_t,
//	g(x) = x + 0.5 for x ≥ 0, σ(x) for x < 0,
//
// and in log space log a = −softplus(k_z), log b = −softplus(−k_z) + log g(k_h).
// c.Mode is "parallel" (default when empty) or "sequential". It returns an
// error when D or Expansion is not positive or the mode is unknown.
func NewMinGRU[F tensor.Float](ps *tensor.ParamSet[F], prefix string, c Config) (Mixer[F], error) {
	m, err := newMinRNN[F](ps, prefix, c, false)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// newMinRNN registers the projections of a minGRU (lstm false) or minLSTM.
func newMinRNN[F tensor.Float](ps *tensor.ParamSet[F], prefix string, c Config, lstm bool) (*minRNN[F], error) {
	m := &minRNN[F]{name: "mingru", lstm: lstm, D: c.D, E: c.E(), G: 2}
	if lstm {
		m.name, m.G = "minlstm", 3
	}
	if c.D <= 0 || c.Expansion <= 0 {
		return nil, fmt.Errorf("%s: D and expansion must be positive, got D=%d expansion=%d", m.name, c.D, c.Expansion)
	}
	switch c.Mode {
	case "", "parallel":
		m.parallel = true
	case "sequential":
	default:
		return nil, fmt.Errorf("%s: unknown mode %q: allowed parallel, sequential", m.name, c.Mode)
	}
	m.in = nn.NewLinear(ps, prefix+".in", m.D, m.G*m.E, true)
	if m.E != m.D {
		m.out = nn.NewLinear(ps, prefix+".out", m.E, m.D, false)
	}
	m.gatesFwd, m.gatesBwd = m.logGatesRows, m.logGatesBackwardRows
	m.scanFwd, m.scanBwd = m.logScanChannels, m.logScanBackwardChannels
	m.seqFwd, m.seqBwd = m.sequentialChannels, m.sequentialBackwardChannels
	return m, nil
}

// Init draws both projections from U(−1/√fan_in, 1/√fan_in), nn.Linear's
// default.
func (m *minRNN[F]) Init(rng *rand.Rand) {
	m.in.Init(rng)
	if m.out != nil {
		m.out.Init(rng)
	}
}

// Alloc makes the buffers for up to B sequences of up to T tokens:
// activations k and h ((G+1)·E per token; parallel mode 3E more) and
// scratch dk, dh (when E ≠ D) and, in parallel mode, dlog a and dlog b.
func (m *minRNN[F]) Alloc(a *tensor.Arena[F], B, T int) {
	n, E, GE := B*T, m.E, m.G*m.E
	m.maxB, m.maxT = B, T
	m.k = a.Make(tensor.Activation, n*GE)
	m.h = a.Make(tensor.Activation, n*E)
	m.dk = a.Make(tensor.Scratch, n*GE)
	if m.out != nil {
		m.dh = a.Make(tensor.Scratch, n*E)
	}
	if m.parallel {
		m.loga = a.Make(tensor.Activation, n*E)
		m.logb = a.Make(tensor.Activation, n*E)
		m.logh = a.Make(tensor.Activation, n*E)
		m.dloga = a.Make(tensor.Scratch, n*E)
		m.dlogb = a.Make(tensor.Scratch, n*E)
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
	m.B, m.T = B, T
	m.in.Forward(m.k, x, M) // k: [B·T, G·E]
	if m.parallel {
		tensor.For(M, minRowGrain(m.E), m.gatesFwd)
		tensor.For(B*m.E, scanTile, m.scanFwd)
	} else {
		tensor.For(B*m.E, scanTile, m.seqFwd)
	}
	if m.out != nil {
		m.out.Forward(y, m.h, M)
	} else {
		copy(y[:M*m.D], m.h[:M*m.E])
	}
}

// Backward accumulates dx: [B, T, D] and the parameter gradients from
// dy: [B, T, D], exactly, over the last Forward (x must be the same).
// Parallel mode: the log-space scan's backward (logScanBackwardRange),
// then the log-gate derivatives; sequential mode: backpropagation through
// time of the cell. It panics like Forward.
func (m *minRNN[F]) Backward(dx, dy, x []F, B, T int) {
	m.check("Backward", B, T, x, dy)
	if len(dx) < B*T*m.D {
		panic(m.name + ": Backward dx shorter than B·T·D")
	}
	M, E := B*T, m.E
	m.B, m.T = B, T
	if m.out != nil {
		clear(m.dh[:M*E])
		m.out.Backward(m.dh, dy, m.h, M)
		m.gradH = m.dh
	} else {
		m.gradH = dy
	}
	if m.parallel {
		clear(m.dloga[:M*E])
		clear(m.dlogb[:M*E])
		tensor.For(B*E, scanTile, m.scanBwd)
		tensor.For(M, minRowGrain(E), m.gatesBwd)
	} else {
		tensor.For(B*E, scanTile, m.seqBwd)
	}
	m.in.Backward(dx, m.dk[:M*m.G*E], x, M)
	m.gradH = nil
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

// logGatesRows computes log a and log b for token rows [lo, hi) of k.
func (m *minRNN[F]) logGatesRows(lo, hi int) {
	E, GE := m.E, m.G*m.E
	for r := lo; r < hi; r++ {
		k := m.k[r*GE : (r+1)*GE]
		la, lb := m.loga[r*E:(r+1)*E], m.logb[r*E:(r+1)*E]
		for e := range la {
			var a, b float64
			if m.lstm {
				a, b = minLSTMLogGates(float64(k[e]), float64(k[E+e]), float64(k[2*E+e]))
			} else {
				a, b = minGRULogGates(float64(k[e]), float64(k[E+e]))
			}
			la[e], lb[e] = F(a), F(b)
		}
	}
}

// logGatesBackwardRows writes dk (overwriting) for token rows [lo, hi)
// from dlog a and dlog b.
func (m *minRNN[F]) logGatesBackwardRows(lo, hi int) {
	E, GE := m.E, m.G*m.E
	for r := lo; r < hi; r++ {
		k, dk := m.k[r*GE:(r+1)*GE], m.dk[r*GE:(r+1)*GE]
		dla, dlb := m.dloga[r*E:(r+1)*E], m.dlogb[r*E:(r+1)*E]
		for e := range dla {
			if m.lstm {
				df, di, dh := minLSTMLogGatesBackward(float64(k[e]), float64(k[E+e]), float64(k[2*E+e]), float64(dla[e]), float64(dlb[e]))
				dk[e], dk[E+e], dk[2*E+e] = F(df), F(di), F(dh)
			} else {
				dz, dh := minGRULogGatesBackward(float64(k[e]), float64(k[E+e]), float64(dla[e]), float64(dlb[e]))
				dk[e], dk[E+e] = F(dz), F(dh)
			}
		}
	}
}

// logScanChannels runs the log-space scan for channels [lo, hi) of B·E.
func (m *minRNN[F]) logScanChannels(lo, hi int) {
	n := m.B * m.T * m.E
	logScanRange(m.logh[:n], m.h[:n], m.loga[:n], m.logb[:n], m.T, m.E, lo, hi)
}

// logScanBackwardChannels runs the log-space scan's backward for channels
// [lo, hi) of B·E.
func (m *minRNN[F]) logScanBackwardChannels(lo, hi int) {
	n := m.B * m.T * m.E
	logScanBackwardRange(m.dloga[:n], m.dlogb[:n], m.gradH[:n], m.loga[:n], m.logb[:n], m.logh[:n], m.h[:n], m.T, m.E, lo, hi)
}

// cell returns h_t for channel e of the token whose pre-activations are
// k: [G·E], given h_{t−1}.
func (m *minRNN[F]) cell(k []F, e int, hPrev F) F {
	E := m.E
	if m.lstm {
		return F(minLSTMCell(float64(k[e]), float64(k[E+e]), float64(k[2*E+e]), float64(hPrev)))
	}
	return F(minGRUCell(float64(k[e]), float64(k[E+e]), float64(hPrev)))
}

// sequentialChannels runs the recurrence step by step for channels
// [lo, hi) of B·E, computing the gates inside the loop. The carried h is
// rounded to F at each step, exactly as Step stores it.
func (m *minRNN[F]) sequentialChannels(lo, hi int) {
	E, GE, T := m.E, m.G*m.E, m.T
	for c := lo; c < hi; {
		b, e0, w := scanTileAt(c, E, hi)
		var hc [scanTile]F
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
func (m *minRNN[F]) sequentialBackwardChannels(lo, hi int) {
	E, GE, T := m.E, m.G*m.E, m.T
	for c := lo; c < hi; {
		b, e0, w := scanTileAt(c, E, hi)
		var carry [scanTile]float64
		for t := T - 1; t >= 0; t-- {
			r := b*T + t
			k, dk := m.k[r*GE:(r+1)*GE], m.dk[r*GE:(r+1)*GE]
			for j := 0; j < w; j++ {
				e := e0 + j
				g := float64(m.gradH[r*E+e]) + carry[j]
				hp := 0.0
				if t > 0 {
					hp = float64(m.h[(r-1)*E+e])
				}
				if m.lstm {
					df, di, dh, dp := minLSTMCellBackward(float64(k[e]), float64(k[E+e]), float64(k[2*E+e]), hp, g)
					dk[e], dk[E+e], dk[2*E+e] = F(df), F(di), F(dh)
					carry[j] = dp
				} else {
					dz, dh, dp := minGRUCellBackward(float64(k[e]), float64(k[E+e]), hp, g)
					dk[e], dk[E+e] = F(dz), F(dh)
					carry[j] = dp
				}
			}
		}
		c += w
	}
}

// minRNNState is the inference state of B sequences: h: [B, E], plus the
// reused workspace k: [B, G·E] of one step.
type minRNNState[F tensor.Float] struct {
	m    *minRNN[F]
	h    []F // [B, E]
	k    []F // [B, G·E] scratch
	body func(lo, hi int)
}

// Bytes returns the bytes of h, the state carried between tokens
// (B·E·sizeof(F); the per-step workspace is not counted).
func (s *minRNNState[F]) Bytes() int64 { return int64(len(s.h)) * tensor.SizeOf[F]() }

// Reset sets h to 0.
func (s *minRNNState[F]) Reset() { clear(s.h) }

// cells advances channels [lo, hi) of B·E by one step.
func (s *minRNNState[F]) cells(lo, hi int) {
	E, GE := s.m.E, s.m.G*s.m.E
	for c := lo; c < hi; c++ {
		b, e := c/E, c%E
		s.h[c] = s.m.cell(s.k[b*GE:(b+1)*GE], e, s.h[c])
	}
}

// NewState makes a zero state for B sequences; maxT is not needed (the
// state does not grow).
func (m *minRNN[F]) NewState(B, maxT int) State {
	s := &minRNNState[F]{m: m, h: make([]F, B*m.E), k: make([]F, B*m.G*m.E)}
	s.body = s.cells
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
	tensor.For(B*m.E, 2048, s.body)
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
	// minLSTM, log space: d = softplus(−k_f) − softplus(−k_i) 9,
	// log a = −softplus(d) 4, log b = d − softplus(d) + log g(k_h) 5; scan 10.
	minLSTMParallelFLOPs = 9 + 4 + 5 + 10
	// minLSTM, recurrence: d 9, σ(±d) 4, g 3, f′·h + i′·h̃ 3.
	minLSTMSequentialFLOPs = 9 + 4 + 3 + 3
)

// FLOPs returns the forward FLOPs per token, independent of T:
//
//	2·D·G·E (input projection) + G·E (its bias) + e·E (gates and scan,
//	e from the constants above) + 2·E·D (output projection, when E ≠ D).
func (m *minRNN[F]) FLOPs(T int) int64 {
	D, E, G := int64(m.D), int64(m.E), int64(m.G)
	var e int64
	switch {
	case m.lstm && m.parallel:
		e = minLSTMParallelFLOPs
	case m.lstm:
		e = minLSTMSequentialFLOPs
	case m.parallel:
		e = minGRUParallelFLOPs
	default:
		e = minGRUSequentialFLOPs
	}
	f := 2*D*G*E + G*E + e*E
	if m.out != nil {
		f += 2 * E * D
	}
	return f
}

// Gate functions in float64, shared by both cells. g (Feng et al. 2024, §3
// and the appendix) replaces tanh so that h̃ > 0 and log h̃ exists in the
// log-space form.

// minG is g(x) = x + 0.5 for x ≥ 0, σ(x) for x < 0 (continuous, > 0).
func minG(x float64) float64 {
	if x >= 0 {
		return x + 0.5
	}
	return tensor.Sigmoid(x)
}

// minDG is g′(x): 1 for x ≥ 0, σ(x)·σ(−x) for x < 0.
func minDG(x float64) float64 {
	if x >= 0 {
		return 1
	}
	s, sn := minSigmoids(x)
	return s * sn
}

// minSigmoids returns σ(x) and σ(−x) = 1 − σ(x) from one exponential,
// each to full relative precision (neither is formed as 1 minus the other).
func minSigmoids(x float64) (s, sn float64) {
	e := math.Exp(-math.Abs(x))
	p := 1 / (1 + e)
	if x >= 0 {
		return p, e * p
	}
	return e * p, p
}

// minLogG is log g(x): log(x + 0.5) for x ≥ 0, −softplus(−x) for x < 0.
func minLogG(x float64) float64 {
	if x >= 0 {
		return math.Log(x + 0.5)
	}
	return -tensor.Softplus(-x)
}

// minDLogG is (log g)′(x): 1/(x + 0.5) for x ≥ 0, σ(−x) for x < 0.
func minDLogG(x float64) float64 {
	if x >= 0 {
		return 1 / (x + 0.5)
	}
	return tensor.Sigmoid(-x)
}

// minGRUCell returns h_t = (1 − z)·h_{t−1} + z·g(k_h) with z = σ(k_z);
// 1 − z is computed as σ(−k_z) so that it keeps its precision as z → 1.
func minGRUCell(kz, kh, hPrev float64) float64 {
	z, a := minSigmoids(kz)
	return a*hPrev + z*minG(kh)
}

// minGRUCellBackward returns the gradients of minGRUCell's inputs given
// g = ∂L/∂h_t: dk_z = g·a·z·(h̃ − h_{t−1}) (σ′ = σ(1−σ), a = 1 − z),
// dk_h = g·z·g′(k_h), dh_{t−1} = g·a.
func minGRUCellBackward(kz, kh, hPrev, g float64) (dkz, dkh, dhPrev float64) {
	z, a := minSigmoids(kz)
	return g * a * z * (minG(kh) - hPrev), g * z * minDG(kh), g * a
}

// minGRULogGates returns log a = log(1 − z) = −softplus(k_z) and
// log b = log z + log g(k_h) = −softplus(−k_z) + log g(k_h), using
// softplus(−k) = softplus(k) − k (one softplus; the difference is exact
// where it matters: softplus(k) ≈ k only when log z ≈ 0).
func minGRULogGates(kz, kh float64) (loga, logb float64) {
	sp := tensor.Softplus(kz)
	return -sp, kz - sp + minLogG(kh)
}

// minGRULogGatesBackward returns dk_z = −σ(k_z)·dlog a + σ(−k_z)·dlog b and
// dk_h = (log g)′(k_h)·dlog b.
func minGRULogGatesBackward(kz, kh, dloga, dlogb float64) (dkz, dkh float64) {
	z, a := minSigmoids(kz)
	return -z*dloga + a*dlogb, minDLogG(kh) * dlogb
}
