package models

import "rnnbench/internal/tensor"

// The selective scan S6 (Gu & Dao 2023, "Mamba", arXiv 2312.00752, §3.2,
// Algorithm 2), with the discretisation of the official code
// (state-spaces/mamba, selective_scan_ref): Ā = exp(ΔA) (zero-order hold)
// and B̄u = Δ·B·u (Euler). For each sequence b and channel e, with h_0 = 0
// and h_t: [N],
//
//	h_t = exp(Δ_t[e]·A[e]) ⊙ h_{t−1} + Δ_t[e]·B_t·u_t[e]   (eq. 2a, 4)
//	y_t[e] = C_t · h_t + D[e]·u_t[e]                        (eq. 2b, skip D)
//
// The scan is sequential over t and parallel over tasks of (b, a block of
// s6ChunkE channels). Forward keeps every state, h: [B, T, E, N], for the
// backward (the simple choice; the official CUDA kernel recomputes h instead
// and keeps only O(B·E·N) per chunk), so training memory grows as B·T·E·N.
// Backward recomputes exp(ΔA) rather than keeping it.
//
// Cost per token, counting exp as one FLOP: forward 7·E·N + 3·E (ΔA, exp,
// ·h, Δu·B, +, C·h multiply-add; Δ·u, D·u and its add); backward about
// twice that plus one exp per (e, n).

// s6ChunkE is the number of channels one scan task handles. It is fixed, not
// derived from GOMAXPROCS, so the backward's partial sums over channels (for
// dB, dC) are the same for any number of workers.
const s6ChunkE = 16

// s6 is the operands of one selective scan over B sequences of T tokens,
// E channels and state size N. All slices are read-only except H.
type s6[F tensor.Float] struct {
	B, T, E, N int
	LD         int // row stride of BC, ≥ 2N
	U          []F // u: [B, T, E] scan input
	Delta      []F // Δ: [B, T, E] step sizes (> 0 after softplus)
	A          []F // A: [E, N] state matrix diagonals (< 0)
	BC         []F // [B, T, LD]: B_t at [0, N) and C_t at [N, 2N) of each row
	Dskip      []F // D: [E] skip connection
	H          []F // h: [B, T, E, N] states, written by forward, read by backward
}

// s6Grads is the arguments of one s6.backward: its workspace, dy and the
// gradients it writes (see backward).
type s6Grads[F tensor.Float] struct {
	w                           *s6Work[F]
	dy, dU, dDelta, dA, dBC, dD []F
}

// s6Kernel is one parallel pass of a scan, a tensor.ForWith kernel that
// carries its call's arguments: the forward (y) or a backward pass (g).
type s6Kernel[F tensor.Float] struct {
	s    s6[F] // by value: the kernel holds no pointer to its caller's operands
	pass s6Pass
	y    []F
	g    s6Grads[F]
}

type s6Pass int

const (
	s6Forward  s6Pass = iota // tasks of (b, channel block)
	s6Backward               // tasks of (b, channel block)
	s6SumBC                  // rows of dB, dC
	s6SumAD                  // channels of dA, dD
)

func (k s6Kernel[F]) Run(lo, hi int) {
	switch k.pass {
	case s6Forward:
		k.s.forwardTasks(k.y, lo, hi)
	case s6Backward:
		k.s.backwardTasks(&k.g, lo, hi)
	case s6SumBC:
		k.s.reduceBC(&k.g, lo, hi)
	case s6SumAD:
		k.s.reduceAD(&k.g, lo, hi)
	}
}

// s6Work is the workspace of s6.backward for up to B sequences of T tokens.
type s6Work[F tensor.Float] struct {
	part  []F // [B, nChunks, T, 2N] per-chunk partial sums of (dB_t, dC_t)
	carry []F // [B, E, N] exp(Δ_{t+1}A)·∂L/∂h_{t+1}, carried backwards over t
	dA    []F // [B, E, N] per-sequence partial ∂L/∂A
	dD    []F // [B, E] per-sequence partial ∂L/∂D
}

// s6Chunks returns the number of channel blocks of width s6ChunkE.
func s6Chunks(E int) int { return (E + s6ChunkE - 1) / s6ChunkE }

// newS6Work makes the backward workspace, counted in a as Scratch.
func newS6Work[F tensor.Float](a *tensor.Arena[F], B, T, E, N int) *s6Work[F] {
	return &s6Work[F]{
		part:  a.Make(tensor.Scratch, B*s6Chunks(E)*T*2*N),
		carry: a.Make(tensor.Scratch, B*E*N),
		dA:    a.Make(tensor.Scratch, B*E*N),
		dD:    a.Make(tensor.Scratch, B*E),
	}
}

// check panics if an operand is too short for the shapes.
func (s *s6[F]) check(y []F) {
	BT, E, N := s.B*s.T, s.E, s.N
	if s.LD < 2*N || len(s.U) < BT*E || len(s.Delta) < BT*E || len(s.A) < E*N ||
		len(s.BC) < (BT-1)*s.LD+2*N || len(s.Dskip) < E || len(s.H) < BT*E*N || len(y) < BT*E {
		panic("models: s6 shape mismatch")
	}
}

// forward computes y: [B, T, E] (overwritten) and the states H.
// It panics if an operand is too short.
func (s *s6[F]) forward(y []F) {
	s.check(y)
	tensor.ForWith(s.B*s6Chunks(s.E), 1, s6Kernel[F]{s: *s, pass: s6Forward, y: y})
}

// forwardTasks runs the scan for tasks [lo, hi) of (b, channel block).
func (s *s6[F]) forwardTasks(y []F, lo, hi int) {
	T, E, N, LD := s.T, s.E, s.N, s.LD
	nc := s6Chunks(E)
	for task := lo; task < hi; task++ {
		b, c := task/nc, task%nc
		e0, e1 := c*s6ChunkE, min(E, (c+1)*s6ChunkE)
		for t := 0; t < T; t++ {
			row := b*T + t
			bt := s.BC[row*LD : row*LD+N]
			ct := s.BC[row*LD+N : row*LD+2*N]
			if useAVX[F]() {
				i, hp, first := row*E+e0, (row*E+e0)*N, 1
				if t > 0 {
					hp, first = (row*E+e0-E)*N, 0
				}
				s6FwdAVX(f32(s.H, i*N), f32(s.H, hp), f32(s.A, e0*N), f32(bt, 0), f32(ct, 0),
					f32(s.Delta, i), f32(s.U, i), f32(s.Dskip, e0), f32(y, i), e1-e0, N, first)
				continue
			}
			for e := e0; e < e1; e++ {
				i := row*E + e
				d, u := s.Delta[i], s.U[i]
				du := d * u
				h := s.H[i*N : (i+1)*N]
				var acc F
				if t == 0 {
					for n := range h {
						h[n] = du * bt[n]
						acc += ct[n] * h[n]
					}
				} else {
					a := s.A[e*N : (e+1)*N][:len(h)]
					hp := s.H[(i-E)*N : (i-E+1)*N][:len(h)]
					bt, ct := bt[:len(h)], ct[:len(h)] // equal lengths: no bounds checks below
					for n := range h {
						h[n] = tensor.Exp(d*a[n])*hp[n] + du*bt[n]
						acc += ct[n] * h[n]
					}
				}
				y[i] = acc + s.Dskip[e]*u
			}
		}
	}
}

// backward takes dy = ∂L/∂y: [B, T, E] after forward, overwrites dU,
// dDelta: [B, T, E] and accumulates (+=) dA: [E, N]; dBC: [B, T, LD] (dB_t
// at [0, N), dC_t at [N, 2N) of each row); dD: [E]. (dU and dDelta are
// stored as 0 + v, bit for bit what clearing them and accumulating gave,
// so the caller need not clear them: two fewer [B, T, E] passes.) Going
// backwards over t with g_t = ∂L/∂h_t = dy_t·C_t + exp(Δ_{t+1}A) ⊙ g_{t+1}:
//
//	dC_t += Σ_e dy_t[e]·h_t[e]          dB_t += Σ_e g_t[e]·Δ_t[e]·u_t[e]
//	du_t[e] = Δ_t[e]·(g_t[e]·B_t) + D[e]·dy_t[e]
//	dΔ_t[e] = Σ_n g_t[e,n]·(A[e,n]·exp(Δ_t[e]A[e,n])·h_{t−1}[e,n] + B_t[n]·u_t[e])
//	dA[e,n] += Σ_{b,t} g_t[e,n]·Δ_t[e]·exp(Δ_t[e]A[e,n])·h_{t−1}[e,n]
//	dD[e] += Σ_{b,t} dy_t[e]·u_t[e]
//
// Sums over channels are taken per chunk and then over chunks in order, sums
// over sequences per sequence and then over b in order, so results are
// bit-identical for any GOMAXPROCS. It panics if an operand is too short.
func (s *s6[F]) backward(w *s6Work[F], dy, dU, dDelta, dA, dBC, dD []F) {
	s.check(dy)
	B, T, E, N, LD := s.B, s.T, s.E, s.N, s.LD
	nc := s6Chunks(E)
	if len(dU) < B*T*E || len(dDelta) < B*T*E || len(dA) < E*N || len(dBC) < (B*T-1)*LD+2*N ||
		len(dD) < E || len(w.part) < B*nc*T*2*N || len(w.carry) < B*E*N || len(w.dD) < B*E {
		panic("models: s6 backward shape mismatch")
	}
	g := s6Grads[F]{w: w, dy: dy, dU: dU, dDelta: dDelta, dA: dA, dBC: dBC, dD: dD}
	tensor.ForWith(B*nc, 1, s6Kernel[F]{s: *s, pass: s6Backward, g: g})
	// Reduce the dB, dC partials over chunks, in chunk order, per row.
	tensor.ForWith(B*T, 16, s6Kernel[F]{s: *s, pass: s6SumBC, g: g})
	// Reduce dA, dD over sequences, in sequence order, per channel.
	tensor.ForWith(E, s6ChunkE, s6Kernel[F]{s: *s, pass: s6SumAD, g: g})
}

// backwardTasks runs the backward scan for tasks [lo, hi) of (b, channel
// block), writing per-chunk partial sums into g.w.
func (s *s6[F]) backwardTasks(g *s6Grads[F], lo, hi int) {
	T, E, N, LD := s.T, s.E, s.N, s.LD
	w, dy, dU, dDelta := g.w, g.dy, g.dU, g.dDelta
	nc := s6Chunks(E)
	for task := lo; task < hi; task++ {
		b, c := task/nc, task%nc
		e0, e1 := c*s6ChunkE, min(E, (c+1)*s6ChunkE)
		carry := w.carry[(b*E+e0)*N : (b*E+e1)*N] // [e1−e0, N]
		pA := w.dA[(b*E+e0)*N : (b*E+e1)*N]       // [e1−e0, N]
		pD := w.dD[b*E+e0 : b*E+e1]               // [e1−e0]
		clear(carry)
		clear(pA)
		clear(pD)
		for t := T - 1; t >= 0; t-- {
			row := b*T + t
			bt := s.BC[row*LD : row*LD+N]
			ct := s.BC[row*LD+N : row*LD+2*N]
			p := w.part[((b*nc+c)*T+t)*2*N : ((b*nc+c)*T+t+1)*2*N]
			pB, pC := p[:N], p[N:]
			clear(p)
			if useAVX[F]() {
				i, hp, first := row*E+e0, (row*E+e0)*N, 1
				if t > 0 {
					hp, first = (row*E+e0-E)*N, 0
				}
				s6BwdAVX(f32(carry, 0), f32(pA, 0), f32(s.H, i*N), f32(s.H, hp), f32(s.A, e0*N), f32(bt, 0), f32(ct, 0),
					f32(pB, 0), f32(pC, 0), f32(s.Delta, i), f32(s.U, i), f32(dy, i), f32(s.Dskip, e0),
					f32(dU, i), f32(dDelta, i), f32(pD, 0), e1-e0, N, first)
				continue
			}
			for e := e0; e < e1; e++ {
				i := row*E + e
				d, u, gy := s.Delta[i], s.U[i], dy[i]
				du := d * u
				h := s.H[i*N : (i+1)*N]
				a := s.A[e*N : (e+1)*N][:len(h)]
				gc := carry[(e-e0)*N : (e-e0+1)*N][:len(h)]
				pa := pA[(e-e0)*N : (e-e0+1)*N][:len(h)]
				// Equal lengths let the compiler drop bounds checks in the loops.
				bt, ct, pB, pC := bt[:len(h)], ct[:len(h)], pB[:len(h)], pC[:len(h)]
				var gB, dd F // Σ_n g·B_n and Σ_n g·A·exp(ΔA)·h_{t−1}
				if t > 0 {
					hp := s.H[(i-E)*N : (i-E+1)*N][:len(h)]
					for n := range h {
						g := gc[n] + gy*ct[n]
						pC[n] += gy * h[n]
						pB[n] += g * du
						gB += g * bt[n]
						ab := tensor.Exp(d * a[n])
						gah := g * ab * hp[n]
						dd += gah * a[n]
						pa[n] += gah * d
						gc[n] = g * ab
					}
				} else {
					for n := range h {
						g := gc[n] + gy*ct[n]
						pC[n] += gy * h[n]
						pB[n] += g * du
						gB += g * bt[n]
					}
				}
				dU[i] = 0 + (d*gB + s.Dskip[e]*gy) // overwritten: see backward
				dDelta[i] = 0 + (dd + gB*u)
				pD[e-e0] += gy * u
			}
		}
	}
}

// reduceBC adds the dB, dC partials of rows [lo, hi) over chunks, in chunk
// order.
func (s *s6[F]) reduceBC(g *s6Grads[F], lo, hi int) {
	T, N, LD, nc, w, dBC := s.T, s.N, s.LD, s6Chunks(s.E), g.w, g.dBC
	for row := lo; row < hi; row++ {
		b, t := row/T, row%T
		dst := dBC[row*LD : row*LD+2*N]
		for c := 0; c < nc; c++ {
			p := w.part[((b*nc+c)*T+t)*2*N : ((b*nc+c)*T+t+1)*2*N]
			for j, v := range p {
				dst[j] += v
			}
		}
	}
}

// reduceAD adds the dA, dD partials of channels [lo, hi) over sequences,
// in sequence order.
func (s *s6[F]) reduceAD(g *s6Grads[F], lo, hi int) {
	B, E, N, w, dA, dD := s.B, s.E, s.N, g.w, g.dA, g.dD
	for b := 0; b < B; b++ {
		for e := lo; e < hi; e++ {
			dD[e] += w.dD[b*E+e]
			src := w.dA[(b*E+e)*N : (b*E+e+1)*N]
			dst := dA[e*N : (e+1)*N]
			for n, v := range src {
				dst[n] += v
			}
		}
	}
}
