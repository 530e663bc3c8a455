package models

import (
	"math"
	"math/rand/v2"

	"rnnbench/internal/nn"
	"rnnbench/internal/tensor"
)

// mambaConvK is the width of Mamba's causal depthwise convolution (d_conv = 4
// in the paper and the official code).
const mambaConvK = 4

// Mamba is the mixer of one Mamba block (Gu & Dao 2023, "Mamba", arXiv
// 2312.00752, §3.4 and Figure 3; parameters and initialisation as the
// official state-spaces/mamba mamba_simple.py), with E = Expansion·D,
// N state size, R = ⌈D/16⌉ the rank of Δ and K = 4:
//
//	(x, z) = in_proj(x_in)                     Linear D→2E, no bias
//	u = SiLU(conv(x))                          causal depthwise, conv1d.go
//	(δ, B_t, C_t) = x_proj(u)                  Linear E→R+2N, no bias
//	Δ = softplus(dt_proj(δ))                   Linear R→E with bias (§3.2, Alg. 2 line 4)
//	y = S6(u, Δ, A = −exp(A_log), B, C, D)     selective scan, s6.go
//	out = out_proj(y ⊙ SiLU(z))                Linear E→D, no bias
//
// Memory kept for backward per token (Activation): 8E + 2R + 2N + E·N
// elements, dominated by the scan states h: [B, T, E, N].
type Mamba[F tensor.Float] struct {
	D, E, N, R, K int

	inProj  *nn.Linear[F]    // W: [2E, D]
	convW   *tensor.Param[F] // [E, K]
	convB   *tensor.Param[F] // [E]
	xProj   *nn.Linear[F]    // W: [R+2N, E]
	dtProj  *nn.Linear[F]    // W: [E, R], b: [E]
	aLog    *tensor.Param[F] // [E, N]
	dSkip   *tensor.Param[F] // [E]
	outProj *nn.Linear[F]    // W: [D, E]

	// Activations kept for backward, for up to maxB·maxT tokens.
	maxB, maxT int
	xz         []F // [B, T, 2E] in_proj output: x at [0, E), z at [E, 2E)
	xc         []F // [B, T, E] conv output, before SiLU
	u          []F // [B, T, E] SiLU(xc), the scan input
	xdbl       []F // [B, T, R+2N] x_proj output (δ | B_t | C_t)
	dr         []F // [B, T, R] δ, packed for dt_proj
	dtr        []F // [B, T, E] dt_proj output, before softplus
	delta      []F // [B, T, E] Δ = softplus(dtr)
	ys         []F // [B, T, E] scan output
	g          []F // [B, T, E] ys ⊙ SiLU(z), the out_proj input
	h          []F // [B, T, E, N] scan states

	// Scratch, reused by every Forward/Backward.
	a      []F // [E, N] A = −exp(A_log)
	dAbuf  []F // [E, N] ∂L/∂A
	dg     []F // [B, T, E] ∂L/∂g, then ∂L/∂ys in place
	dxz    []F // [B, T, 2E] ∂L/∂(x, z)
	du     []F // [B, T, E] ∂L/∂u, then ∂L/∂xc in place
	ddelta []F // [B, T, E] ∂L/∂Δ, then ∂L/∂dtr in place
	dxdbl  []F // [B, T, R+2N]
	ddr    []F // [B, T, R]
	work   *s6Work[F]
}

// mambaKernel is one elementwise parallel pass of the Mamba mixer over
// token rows, a tensor.ForWith kernel (the short convolution runs
// conv1dForward and conv1dBackward).
type mambaKernel[F tensor.Float] struct {
	m    *Mamba[F]
	pass mambaPass
}

type mambaPass int

const (
	mambaSiLU mambaPass = iota
	mambaSoftplus
	mambaGate
	mambaGateBack
	mambaSoftplusBack
	mambaSiLUBack
)

func (k mambaKernel[F]) Run(lo, hi int) {
	m := k.m
	switch k.pass {
	case mambaSiLU:
		m.siluRows(lo, hi)
	case mambaSoftplus:
		m.softplusRows(lo, hi)
	case mambaGate:
		m.gateRows(lo, hi)
	case mambaGateBack:
		m.gateBackwardRows(lo, hi)
	case mambaSoftplusBack:
		m.softplusBackwardRows(lo, hi)
	case mambaSiLUBack:
		m.siluBackwardRows(lo, hi)
	}
}

// run runs pass over the M = B·T token rows on tensor.ForWith, in chunks
// of minRowGrain(E) rows.
func (m *Mamba[F]) run(pass mambaPass, M int) {
	tensor.ForWith(M, minRowGrain(m.E), mambaKernel[F]{m: m, pass: pass})
}

// NewMamba registers the parameters of a Mamba mixer in ps under prefix:
// in_proj.weight [2E, D], conv.weight [E, K], conv.bias [E],
// x_proj.weight [R+2N, E], dt_proj.weight [E, R], dt_proj.bias [E],
// A_log [E, N], D [E], out_proj.weight [D, E]. Biases, A_log and D have no
// weight decay. c must have passed Config.ValidateMixer (NewMixer checks it).
func NewMamba[F tensor.Float](ps *tensor.ParamSet[F], prefix string, c Config) (Mixer[F], error) {
	m := &Mamba[F]{D: c.D, E: c.E(), N: c.N, R: (c.D + 15) / 16, K: mambaConvK}
	E, N, R, K := m.E, m.N, m.R, m.K
	m.inProj = nn.NewLinear(ps, prefix+".in_proj", m.D, 2*E, false)
	m.convW = ps.New(prefix+".conv.weight", true, E, K)
	m.convB = ps.New(prefix+".conv.bias", false, E)
	m.xProj = nn.NewLinear(ps, prefix+".x_proj", E, R+2*N, false)
	m.dtProj = nn.NewLinear(ps, prefix+".dt_proj", R, E, true)
	m.aLog = ps.New(prefix+".A_log", false, E, N)
	m.dSkip = ps.New(prefix+".D", false, E)
	m.outProj = nn.NewLinear(ps, prefix+".out_proj", E, m.D, false)
	return m, nil
}

// Init draws the parameters as the official code does: in_proj, x_proj and
// out_proj U(±1/√fan_in) (PyTorch's Linear default); the conv weight and
// bias U(±1/√K) (PyTorch's Conv1d default, fan_in = K for depthwise);
// dt_proj.weight U(±R^−½); dt_proj.bias = softplus⁻¹(Δ₀) with Δ₀
// log-uniform in [1e-3, 0.1] (floored at 1e-4), so that softplus(bias) = Δ₀;
// A_log[e, n] = log(n+1); D = 1. (The official MixerModel's rescaling of
// out_proj by 1/√L is left to the backbone.)
func (m *Mamba[F]) Init(rng *rand.Rand) {
	m.inProj.Init(rng)
	tensor.Uniform(rng, m.convW.Data, 1/math.Sqrt(float64(m.K)))
	tensor.Uniform(rng, m.convB.Data, 1/math.Sqrt(float64(m.K)))
	m.xProj.Init(rng)
	tensor.Uniform(rng, m.dtProj.W.Data, 1/math.Sqrt(float64(m.R)))
	const dtMin, dtMax, dtFloor = 1e-3, 0.1, 1e-4
	for e := range m.dtProj.Bias.Data {
		dt := math.Exp(rng.Float64()*(math.Log(dtMax)-math.Log(dtMin)) + math.Log(dtMin))
		dt = max(dt, dtFloor)
		m.dtProj.Bias.Data[e] = F(dt + math.Log(-math.Expm1(-dt))) // softplus⁻¹(dt)
	}
	for e := 0; e < m.E; e++ {
		for n := 0; n < m.N; n++ {
			m.aLog.Data[e*m.N+n] = F(math.Log(float64(n + 1)))
		}
	}
	tensor.Fill(m.dSkip.Data, 1)
	m.outProj.Init(rng)
}

// Alloc makes the activations and workspace for up to B sequences of T tokens.
func (m *Mamba[F]) Alloc(a *tensor.Arena[F], B, T int) {
	M, E, N, R := B*T, m.E, m.N, m.R
	m.maxB, m.maxT = B, T
	m.xz = a.Make(tensor.Activation, M*2*E)
	m.xc = a.Make(tensor.Activation, M*E)
	m.u = a.Make(tensor.Activation, M*E)
	m.xdbl = a.Make(tensor.Activation, M*(R+2*N))
	m.dr = a.Make(tensor.Activation, M*R)
	m.dtr = a.Make(tensor.Activation, M*E)
	m.delta = a.Make(tensor.Activation, M*E)
	m.ys = a.Make(tensor.Activation, M*E)
	m.g = a.Make(tensor.Activation, M*E)
	m.h = a.Make(tensor.Activation, M*E*N)

	m.a = a.Make(tensor.Scratch, E*N)
	m.dAbuf = a.Make(tensor.Scratch, E*N)
	m.dg = a.Make(tensor.Scratch, M*E)
	m.dxz = a.Make(tensor.Scratch, M*2*E)
	m.du = a.Make(tensor.Scratch, M*E)
	m.ddelta = a.Make(tensor.Scratch, M*E)
	m.dxdbl = a.Make(tensor.Scratch, M*(R+2*N))
	m.ddr = a.Make(tensor.Scratch, M*R)
	m.work = newS6Work(a, B, T, E, N)
}

// scanOf returns the scan operands over the activations of a B×T batch.
func (m *Mamba[F]) scanOf(B, T int) s6[F] {
	if B > m.maxB || T > m.maxT {
		panic("models: Mamba batch larger than Alloc'd")
	}
	return s6[F]{B: B, T: T, E: m.E, N: m.N, LD: m.R + 2*m.N,
		U: m.u, Delta: m.delta, A: m.a, BC: m.xdbl[m.R:], Dskip: m.dSkip.Data, H: m.h}
}

// Forward computes y: [B, T, D] from x: [B, T, D]. It panics if B or T
// exceeds Alloc's.
func (m *Mamba[F]) Forward(y, x []F, B, T int) {
	scan := m.scanOf(B, T)
	M, E, R, LD := B*T, m.E, m.R, m.R+2*m.N
	m.inProj.Forward(m.xz, x, M)
	conv1dForward(m.xc, m.xz, 2*E, m.convW.Data, m.convB.Data, B, T, E, m.K)
	m.run(mambaSiLU, M)
	m.xProj.Forward(m.xdbl, m.u, M)
	for i := 0; i < M; i++ {
		copy(m.dr[i*R:(i+1)*R], m.xdbl[i*LD:i*LD+R])
	}
	m.dtProj.Forward(m.dtr, m.dr, M)
	m.run(mambaSoftplus, M)
	mambaNegExp(m.a, m.aLog.Data)
	scan.forward(m.ys)
	m.run(mambaGate, M)
	m.outProj.Forward(y, m.g, M)
}

// siluRows sets u = SiLU(xc) = xc·σ(xc) on token rows [lo, hi).
func (m *Mamba[F]) siluRows(lo, hi int) {
	E := m.E
	u, xc := m.u[lo*E:hi*E], m.xc[lo*E:hi*E]
	sigmoidRow(u, xc)
	for i, v := range xc {
		u[i] *= v
	}
}

// softplusRows sets Δ = softplus(dtr) on token rows [lo, hi).
func (m *Mamba[F]) softplusRows(lo, hi int) {
	E := m.E
	softplusRow(m.delta[lo*E:hi*E], m.dtr[lo*E:hi*E])
}

// gateRows sets g = ys ⊙ SiLU(z) on token rows [lo, hi).
func (m *Mamba[F]) gateRows(lo, hi int) {
	E := m.E
	for i := lo; i < hi; i++ {
		g, ys, z := m.g[i*E:(i+1)*E], m.ys[i*E:(i+1)*E], m.xz[i*2*E+E:(i+1)*2*E]
		sigmoidRow(g, z)
		for e, v := range z {
			g[e] *= ys[e] * v
		}
	}
}

// Backward accumulates dx: [B, T, D] and the parameter gradients from
// dy: [B, T, D], after a Forward on the same x.
func (m *Mamba[F]) Backward(dx, dy, x []F, B, T int) {
	scan := m.scanOf(B, T)
	M, E, R, LD := B*T, m.E, m.R, m.R+2*m.N
	dg, dxz, du, ddelta := m.dg[:M*E], m.dxz[:M*2*E], m.du[:M*E], m.ddelta[:M*E]
	dxdbl, ddr := m.dxdbl[:M*LD], m.ddr[:M*R]
	m.outProj.BackwardTo(dg, dy, m.g, M)
	// g = ys ⊙ SiLU(z): dz = dg·ys·SiLU′(z), dys = dg·SiLU(z) (in place).
	m.run(mambaGateBack, M)
	clear(dxdbl) // du, ddelta: overwritten by the scan
	clear(m.dAbuf)
	scan.backward(m.work, dg, du, ddelta, m.dAbuf, dxdbl[R:], m.dSkip.Grad)
	// A = −exp(A_log), so ∂A/∂A_log = A.
	for j, v := range m.dAbuf {
		m.aLog.Grad[j] += v * m.a[j]
	}
	// Δ = softplus(dtr): ∂Δ/∂dtr = σ(dtr).
	m.run(mambaSoftplusBack, M)
	clear(ddr)
	m.dtProj.Backward(ddr, ddelta, m.dr, M)
	for i := 0; i < M; i++ {
		copy(dxdbl[i*LD:i*LD+R], ddr[i*R:(i+1)*R])
	}
	m.xProj.Backward(du, dxdbl, m.u, M)
	// u = SiLU(xc): SiLU′(x) = σ(x)·(1 + x·(1 − σ(x))).
	m.run(mambaSiLUBack, M)
	conv1dBackward(dxz, 2*E, du, m.xz, m.convW.Data, m.convW.Grad, m.convB.Grad, B, T, E, m.K)
	m.inProj.Backward(dx, dxz, x, M)
}

// gateBackwardRows turns dg into dz (in dxz, whose x half it zeroes) and
// dys (in dg, in place) on token rows [lo, hi): with s = σ(z),
// dz = dg·ys·s·(1 + z·(1 − s)) and dys = dg·z·s.
func (m *Mamba[F]) gateBackwardRows(lo, hi int) {
	E := m.E
	for i := lo; i < hi; i++ {
		z, ys, dg := m.xz[i*2*E+E:(i+1)*2*E], m.ys[i*E:(i+1)*E], m.dg[i*E:(i+1)*E]
		dx, dz := m.dxz[i*2*E:i*2*E+E], m.dxz[i*2*E+E:(i+1)*2*E]
		clear(dx)
		sigmoidRow(dz, z)
		for e, zv := range z {
			s := dz[e]
			dz[e] = dg[e] * ys[e] * s * (1 + zv*(1-s))
			dg[e] *= zv * s
		}
	}
}

// rowBlock is the stack buffer the backward row passes use for σ.
const rowBlock = 256

// softplusBackwardRows multiplies dΔ by softplus′(dtr) = σ(dtr) on token
// rows [lo, hi).
func (m *Mamba[F]) softplusBackwardRows(lo, hi int) {
	E := m.E
	mulSigmoidTerm(m.ddelta[lo*E:hi*E], m.dtr[lo*E:hi*E], false)
}

// siluBackwardRows multiplies du by SiLU′(xc) = s·(1 + xc·(1 − s)),
// s = σ(xc), on token rows [lo, hi).
func (m *Mamba[F]) siluBackwardRows(lo, hi int) {
	E := m.E
	mulSigmoidTerm(m.du[lo*E:hi*E], m.xc[lo*E:hi*E], true)
}

// mulSigmoidTerm multiplies d[i] by s = σ(x[i]) (silu false: softplus′) or
// by s·(1 + x[i]·(1 − s)) (silu true: SiLU′), computing σ a block of
// rowBlock elements at a time with the vector kernel.
func mulSigmoidTerm[F tensor.Float](d, x []F, silu bool) {
	var s [rowBlock]F
	for off := 0; off < len(d); off += rowBlock {
		n := min(rowBlock, len(d)-off)
		sigmoidRow(s[:n], x[off:off+n])
		dd, xx := d[off:off+n], x[off:off+n]
		if silu {
			for j, v := range s[:n] {
				dd[j] *= v * (1 + xx[j]*(1-v))
			}
		} else {
			for j, v := range s[:n] {
				dd[j] *= v
			}
		}
	}
}

// FLOPs returns the forward FLOPs per token, independent of T, counting
// exp, softplus and sigmoid as one FLOP each:
// in_proj 4DE, conv 2KE, SiLU 3E, x_proj 2E(R+2N), dt_proj 2RE, softplus E,
// scan 7EN + 3E (s6.go), gate 4E, out_proj 2ED.
func (m *Mamba[F]) FLOPs(T int) int64 {
	D, E, N, R, K := int64(m.D), int64(m.E), int64(m.N), int64(m.R), int64(m.K)
	return 4*D*E + 2*K*E + 3*E + 2*E*(R+2*N) + 2*R*E + E + 7*E*N + 3*E + 4*E + 2*E*D
}

// mambaState is the inference state of B sequences: the last K−1 conv
// inputs and the scan state, plus per-token workspace not counted in Bytes.
type mambaState[F tensor.Float] struct {
	B    int
	conv []F // [B, E, K−1] conv inputs at t−K+1..t−1, oldest first
	h    []F // [B, E, N] scan state h_{t−1}

	xz, u, xdbl, dr, dt, g, a []F // workspace: [B, 2E], [B, E], [B, R+2N], [B, R], [B, E], [B, E], [E, N]
}

// Bytes returns the bytes of the conv window and the scan state.
func (s *mambaState[F]) Bytes() int64 {
	return int64(len(s.conv)+len(s.h)) * tensor.SizeOf[F]()
}

// Reset zeroes the conv window and the scan state.
func (s *mambaState[F]) Reset() {
	clear(s.conv)
	clear(s.h)
}

// NewState makes the state of B sequences; its size does not depend on maxT.
func (m *Mamba[F]) NewState(B, maxT int) State {
	E, N, R := m.E, m.N, m.R
	return &mambaState[F]{
		B: B, conv: make([]F, B*E*(m.K-1)), h: make([]F, B*E*N),
		xz: make([]F, B*2*E), u: make([]F, B*E), xdbl: make([]F, B*(R+2*N)),
		dr: make([]F, B*R), dt: make([]F, B*E), g: make([]F, B*E), a: make([]F, E*N),
	}
}

// Step advances s by one token: x: [B, D] → y: [B, D], with the same
// arithmetic as Forward at each position. It panics if s is not a Mamba state.
func (m *Mamba[F]) Step(s State, y, x []F) {
	st := s.(*mambaState[F])
	B, E, N, R, K, LD := st.B, m.E, m.N, m.R, m.K, m.R+2*m.N
	w, cb := m.convW.Data, m.convB.Data
	m.inProj.Forward(st.xz, x, B)
	for b := 0; b < B; b++ {
		for e := 0; e < E; e++ {
			win := st.conv[(b*E+e)*(K-1) : (b*E+e+1)*(K-1)]
			xt := st.xz[b*2*E+e]
			acc := cb[e]
			for k, v := range win {
				acc += w[e*K+k] * v
			}
			acc += w[e*K+K-1] * xt
			copy(win, win[1:])
			win[K-2] = xt
			st.u[b*E+e] = tensor.SiLU(acc)
		}
	}
	m.xProj.Forward(st.xdbl, st.u, B)
	for b := 0; b < B; b++ {
		copy(st.dr[b*R:(b+1)*R], st.xdbl[b*LD:b*LD+R])
	}
	m.dtProj.Forward(st.dt, st.dr, B)
	mambaNegExp(st.a, m.aLog.Data)
	for b := 0; b < B; b++ {
		bt := st.xdbl[b*LD+R : b*LD+R+N]
		ct := st.xdbl[b*LD+R+N : b*LD+R+2*N]
		for e := 0; e < E; e++ {
			d := tensor.Softplus(st.dt[b*E+e])
			u := st.u[b*E+e]
			du := d * u
			h := st.h[(b*E+e)*N : (b*E+e+1)*N]
			a := st.a[e*N : (e+1)*N]
			var acc F
			for n := range h {
				h[n] = tensor.Exp(d*a[n])*h[n] + du*bt[n]
				acc += ct[n] * h[n]
			}
			ys := acc + m.dSkip.Data[e]*u
			st.g[b*E+e] = ys * tensor.SiLU(st.xz[b*2*E+E+e])
		}
	}
	m.outProj.Forward(y, st.g, B)
}

// mambaNegExp sets a = −exp(x) elementwise.
func mambaNegExp[F tensor.Float](a, x []F) {
	for j, v := range x {
		a[j] = -tensor.Exp(v)
	}
}
