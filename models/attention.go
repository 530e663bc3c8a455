package models

import (
	"fmt"
	"math"
	"math/rand/v2"

	"rnnbench/internal/nn"
	"rnnbench/internal/tensor"
)

// attnSlots is the number of [T, T] workspaces Backward uses for dS; the
// (b, h) pairs are dealt to slots round-robin, so the result does not depend
// on GOMAXPROCS and the workspace does not grow with B·H.
const attnSlots = 8

// Attention is the Transformer's sequence mixer: causal multi-head
// self-attention with rotary position embeddings (Vaswani et al. 2017,
// eq. 1; RoPE from Su et al. 2021, eq. 34, see rope):
//
//	[q; k; v] = x·W_qkvᵀ                          (per token, each [D], heads of Dh = D/H)
//	q̃_t, k̃_t = R(t)·q_t, R(t)·k_t                  (per head)
//	P = causal softmax(q̃·k̃ᵀ/√Dh)                  (per (b, h): [T, T], zero above the diagonal)
//	o = P·v,  y = concat_h(o)·W_projᵀ
//
// Parameters: prefix+".qkv.weight" [3D, D] (rows q, k, v; no bias) and
// prefix+".proj.weight" [D, D] (no bias). Activations kept for backward
// (counted in Alloc): qkv [B, T, 3D], P [B, H, T, T] (the quadratic memory
// the sweep measures) and o [B, T, D].
type Attention[F tensor.Float] struct {
	D, H, Dh int
	QKV      *nn.Linear[F] // D → 3D, no bias
	Proj     *nn.Linear[F] // D → D, no bias
	scale    F             // 1/√Dh

	maxB, maxT int
	rope       rope[F] // positions [0, maxT)
	qkv        []F     // [B, T, 3D] activation: q and k after RoPE, v
	att        []F     // [B, H, T, T] activation: attention probabilities (see attnBlock for the upper triangle, attnPanel for the layout)
	out        []F     // [B, T, D] activation: heads concatenated, input of Proj
	dqkv       []F     // [B, T, 3D] scratch: gradient of qkv
	dout       []F     // [B, T, D] scratch: gradient of out
	ds         []F     // [attnSlots, T, T] scratch: dP, then dS in place (blocked: one [blk, T+pad] block per slot, see Backward; the blocked Forward's scores too)
}

// attnKernel is one parallel pass of the attention mixer, a tensor.ForWith
// kernel carrying its call's arguments: forward heads over (b, h) pairs of
// B sequences of length T, backward over slots (B·H pairs dealt out to
// slots scratch blocks), or one Step over the heads of st.
type attnKernel[F tensor.Float] struct {
	m           *Attention[F]
	pass        attnPass
	B, T, slots int
	st          *attnState[F]
}

type attnPass int

const (
	attnForward attnPass = iota
	attnForwardBlocked
	attnBackward
	attnStep
)

func (k attnKernel[F]) Run(lo, hi int) {
	switch k.pass {
	case attnForward:
		k.m.forwardHeads(k.T, lo, hi)
	case attnForwardBlocked:
		k.m.forwardSlotsBlocked(k.B, k.T, attnBlockSize(k.T), k.slots, lo, hi)
	case attnBackward:
		k.m.backwardSlots(k.B, k.T, k.slots, lo, hi)
	case attnStep:
		k.m.stepHeads(k.st, lo, hi)
	}
}

// NewAttention builds the attention mixer for c.D and c.H heads, registering
// prefix+".qkv.weight" and prefix+".proj.weight" in ps. c must have passed
// Config.ValidateMixer (NewMixer checks that c.H divides c.D into even head
// widths, as RoPE rotates pairs).
func NewAttention[F tensor.Float](ps *tensor.ParamSet[F], prefix string, c Config) (Mixer[F], error) {
	m := &Attention[F]{D: c.D, H: c.H, Dh: c.D / c.H}
	m.QKV = nn.NewLinear(ps, prefix+".qkv", c.D, 3*c.D, false)
	m.Proj = nn.NewLinear(ps, prefix+".proj", c.D, c.D, false)
	m.scale = F(1 / math.Sqrt(float64(m.Dh)))
	return m, nil
}

// Init draws both weights from U(−1/√D, 1/√D), PyTorch's nn.Linear default.
func (m *Attention[F]) Init(rng *rand.Rand) {
	m.QKV.Init(rng)
	m.Proj.Init(rng)
}

// Alloc makes the buffers for up to B sequences of T tokens: activations
// qkv, P and o (3·B·T·D + B·H·T² + B·T·D elements), and scratch dqkv, do,
// attnSlots·T² for dS and the RoPE tables (T·Dh).
func (m *Attention[F]) Alloc(a *tensor.Arena[F], B, T int) {
	m.maxB, m.maxT = B, T
	D := m.D
	m.qkv = a.Make(tensor.Activation, B*T*3*D)
	m.att = a.Make(tensor.Activation, B*m.H*T*T)
	m.out = a.Make(tensor.Activation, B*T*D)
	m.dqkv = a.Make(tensor.Scratch, B*T*3*D)
	m.dout = a.Make(tensor.Scratch, B*T*D)
	m.ds = a.Make(tensor.Scratch, min(B*m.H, attnSlots)*T*T)
	half := T * m.Dh / 2
	m.rope = newRope(m.Dh, T, a.Make(tensor.Scratch, half), a.Make(tensor.Scratch, half))
}

func (m *Attention[F]) check(B, T int) {
	if B <= 0 || T <= 0 || B > m.maxB || T > m.maxT {
		panic(fmt.Sprintf("models: attention called with B=%d T=%d, Alloc'd for B=%d T=%d", B, T, m.maxB, m.maxT))
	}
}

// Forward computes y: [B, T, D] from x: [B, T, D]. It panics if B or T
// exceed Alloc's.
func (m *Attention[F]) Forward(y, x []F, B, T int) {
	m.check(B, T)
	n := B * T
	m.QKV.Forward(m.qkv[:n*3*m.D], x, n)
	if blk := attnBlockSize(T); blk < T {
		slots := m.blockedSlots(B, T, blk)
		tensor.ForWith(slots, 1, attnKernel[F]{m: m, pass: attnForwardBlocked, B: B, T: T, slots: slots})
	} else {
		tensor.ForWith(B*m.H, 1, attnKernel[F]{m: m, pass: attnForward, B: B, T: T})
	}
	m.Proj.Forward(y, m.out[:n*m.D], n)
}

// forwardHeads runs RoPE, scores, softmax and P·v for the (b, h) pairs
// [lo, hi) of a sequence of one block (attnBlockSize(T) ≥ T; longer ones
// run forwardSlotsBlocked); each pair writes only its own slices of qkv,
// att and out.
func (m *Attention[F]) forwardHeads(T, lo, hi int) {
	D, Dh, ld := m.D, m.Dh, 3*m.D
	for bh := lo; bh < hi; bh++ {
		q, k, v, p, out := m.pairForward(bh, T) // P: [T, T], the plain layout of one block (attnPanel)
		tensor.Gemm(false, true, T, T, Dh, m.scale, q, ld, k, ld, 0, p, T)
		for i := 0; i < T; i++ {
			softmaxPrefix(p[i*T:(i+1)*T], i+1)
		}
		tensor.Gemm(false, false, T, Dh, T, 1, p, T, v, ld, 0, out, D)
	}
}

// pairForward applies RoPE to the q and k of the (b, h) pair bh and returns
// its operands for the forward: q, k, v (rows t·3D, [T, Dh]), P ([T, T],
// see attnPanel) and o (rows t·D, [T, Dh]).
func (m *Attention[F]) pairForward(bh, T int) (q, k, v, p, out []F) {
	D, Dh, ld := m.D, m.Dh, 3*m.D
	b, h := bh/m.H, bh%m.H
	base := b*T*ld + h*Dh
	q, k, v = m.qkv[base:], m.qkv[base+D:], m.qkv[base+2*D:]
	for t := 0; t < T; t++ {
		m.rope.rotate(q[t*ld:], t)
		m.rope.rotate(k[t*ld:], t)
	}
	return q, k, v, m.att[bh*T*T : (bh+1)*T*T], m.out[b*T*D+h*Dh:]
}

// attnBlock is the number of query rows the attention handles together:
// a block of rows [r0, r1) attends to keys [0, r1) only, so the products
// skip most of the causally masked upper triangle (P and dS are written
// and read only there: zero above the diagonal up to r1, untouched
// beyond). Sequences of up to attnBlockMinT tokens run as one block: there
// the saving is small and, with gonum's call-bound small products, the
// extra calls cost more than they save (1.5× slower at T = 256; with
// OpenBLAS blocks are 1.2× faster at T = 256 and 1.45× at T = 1024, in
// blocks of 128). Blocks of 64 rows keep a block's P and dS (64 × up to T
// floats: 1 MiB at T = 4096) within one core's L2; they ran 5–10% faster
// than 128 at GOMAXPROCS 2 in the sweep's Transformer step, with either
// backend (docs/speed.md, Round 2). Variables so that tests can compare
// against one block.
var (
	attnBlock     = 64
	attnBlockMinT = 512
)

// attnPanel returns the rows [r0, r0+blk) of one (b, h) pair's P, p:
// [T, T], and their row stride. One block (blk = T) is the plain [T, T]
// layout. Longer sequences store each block of rows as a packed panel of
// its r1 = min(T, r0+blk) causal columns, with a row stride of r1 +
// attnPanelPad: the panels of all blocks take about T²/2 + T·(blk/2 +
// attnPanelPad) ≤ T² elements (T ≥ blk + 2·attnPanelPad holds above
// attnBlockMinT), and their row strides, unlike T = 1024 or 4096, are not
// multiples of 4 KiB, whose rows share the same few cache sets.
func attnPanel[F tensor.Float](p []F, T, blk, r0 int) (panel []F, ld int) {
	if blk >= T {
		return p[r0*T:], T
	}
	nb := r0 / blk // full blocks before r0: block j holds blk rows of stride (j+1)·blk + pad
	off := blk * (blk*nb*(nb+1)/2 + nb*attnPanelPad)
	ld = min(T, r0+blk) + attnPanelPad
	return p[off : off+min(blk, T-r0)*ld], ld
}

// attnPanelPad is the padding of a P panel's row stride, in elements (one
// 64-byte cache line of float32).
const attnPanelPad = 16

// attnBlockSize returns the query rows per block for sequences of T tokens.
func attnBlockSize(T int) int {
	if T <= attnBlockMinT {
		return T
	}
	return attnBlock
}

// softmaxPrefix overwrites row[:n] with softmax(row[:n]) (max-subtracted)
// and zeros row[n:], the causally masked positions. float32 rows use the
// vector kernel tensor.SoftmaxVec32.
func softmaxPrefix[F tensor.Float](row []F, n int) {
	if tensor.Is32[F]() {
		tensor.SoftmaxVec32(as32(row[:n]))
		clear(row[n:])
		return
	}
	mx := row[0]
	for _, v := range row[1:n] {
		mx = max(mx, v)
	}
	var sum F
	for j := 0; j < n; j++ {
		e := tensor.Exp(row[j] - mx)
		row[j] = e
		sum += e
	}
	inv := 1 / sum
	for j := 0; j < n; j++ {
		row[j] *= inv
	}
	clear(row[n:])
}

// Backward accumulates dx: [B, T, D] and the weight gradients from
// dy: [B, T, D], given the x of the last Forward. Per (b, h), with dO the
// gradient of o:
//
//	dv = Pᵀ·dO,  dP = dO·vᵀ,  dS_ij = P_ij·(dP_ij − Σ_k P_ik·dP_ik)   (softmax backward)
//	dq̃ = dS·k̃/√Dh,  dk̃ = dSᵀ·q̃/√Dh,  dq = R(t)ᵀ·dq̃,  dk = R(t)ᵀ·dk̃
//
// Sequences longer than one block (attnBlockSize) take dv and dk block of
// rows by block of rows (backwardSlotsBlocked), one task per (b, h) pair
// where the workspace allows. It panics if B or T exceed Alloc's.
func (m *Attention[F]) Backward(dx, dy, x []F, B, T int) {
	m.check(B, T)
	n, D := B*T, m.D
	dout := m.dout[:n*D]
	m.Proj.BackwardTo(dout, dy, m.out[:n*D], n)
	slots := min(B*m.H, attnSlots)
	if blk := attnBlockSize(T); blk < T {
		// Blocked: each pair needs one [blk, T] block of dS, so the
		// same workspace holds many more slots (one per pair where
		// it can): more, smaller tasks for the pool.
		slots = m.blockedSlots(B, T, blk)
	}
	tensor.ForWith(slots, 1, attnKernel[F]{m: m, pass: attnBackward, B: B, T: T, slots: slots})
	m.QKV.Backward(dx, m.dqkv[:n*3*D], x, n)
}

// backwardSlots handles workspace slots [lo, hi); slot s serves the (b, h)
// pairs s, s+slots, s+2·slots, …, each writing only its own slices of dqkv.
func (m *Attention[F]) backwardSlots(B, T, slots, lo, hi int) {
	if blk := attnBlockSize(T); blk < T {
		m.backwardSlotsBlocked(B, T, blk, slots, lo, hi)
		return
	}
	D, Dh, H, ld := m.D, m.Dh, m.H, 3*m.D
	for slot := lo; slot < hi; slot++ {
		ds := m.ds[slot*T*T : (slot+1)*T*T] // [T, T]
		for bh := slot; bh < B*H; bh += slots {
			q, k, v, dq, dk, dv, do, p := m.pairBackward(bh, T)
			// In blocks of rows (or columns) [c0, c1): rows r only see
			// columns < r1, and column j only rows ≥ j.
			blk := attnBlockSize(T)
			for r0 := 0; r0 < T; r0 += blk {
				r1 := min(T, r0+blk)
				tensor.Gemm(false, true, r1-r0, r1, Dh, 1, do[r0*D:], D, v, ld, 0, ds[r0*T:], T)
				for i := r0; i < r1; i++ {
					pr, dr := p[i*T:i*T+i+1], ds[i*T:i*T+r1]
					softmaxBackward(dr[:i+1], pr)
					clear(dr[i+1:])
				}
				tensor.Gemm(false, false, r1-r0, Dh, r1, m.scale, ds[r0*T:], T, k, ld, 0, dq[r0*ld:], ld)
			}
			for c0 := 0; c0 < T; c0 += blk {
				c1 := min(T, c0+blk)
				tensor.Gemm(true, false, c1-c0, Dh, T-c0, 1, p[c0*T+c0:], T, do[c0*D:], D, 0, dv[c0*ld:], ld)
				tensor.Gemm(true, false, c1-c0, Dh, T-c0, m.scale, ds[c0*T+c0:], T, q[c0*ld:], ld, 0, dk[c0*ld:], ld)
			}
			for t := 0; t < T; t++ {
				m.rope.unrotate(dq[t*ld:], t)
				m.rope.unrotate(dk[t*ld:], t)
			}
		}
	}
}

// pairBackward returns the operands of the (b, h) pair bh for Backward:
// q, k, v and dq, dk, dv (rows t·3D, [T, Dh]), dO (rows t·D, [T, Dh]) and
// P ([T, T], see attnPanel).
func (m *Attention[F]) pairBackward(bh, T int) (q, k, v, dq, dk, dv, do, p []F) {
	D, ld := m.D, 3*m.D
	b, h := bh/m.H, bh%m.H
	base := b*T*ld + h*m.Dh
	q, k, v = m.qkv[base:], m.qkv[base+D:], m.qkv[base+2*D:]
	dq, dk, dv = m.dqkv[base:], m.dqkv[base+D:], m.dqkv[base+2*D:]
	return q, k, v, dq, dk, dv, m.dout[b*T*D+h*m.Dh:], m.att[bh*T*T : (bh+1)*T*T]
}

// softmaxBackward turns dr = ∂L/∂p into ∂L/∂s for p = softmax(s), in
// place: dr_j = p_j·(dr_j − Σ_k p_k·dr_k).
func softmaxBackward[F tensor.Float](dr, pr []F) {
	if tensor.Is32[F]() {
		tensor.SoftmaxBack32(as32(dr), as32(pr))
		return
	}
	var dot F
	for j, pv := range pr {
		dot += pv * dr[j]
	}
	for j, pv := range pr {
		dr[j] = pv * (dr[j] - dot)
	}
}

// attnState is the KV cache for Step.
type attnState[F tensor.Float] struct {
	B, D, maxT, pos int
	k, v            []F // [B, H, maxT, Dh]: keys after RoPE, values
	rope            rope[F]
	qkv             []F // [B, 3D] workspace
	att             []F // [B, H, maxT] workspace: scores, then probabilities
	out             []F // [B, D] workspace: heads concatenated
}

// Bytes returns the bytes of the filled cache positions, 2·B·pos·D·sizeof(F).
func (s *attnState[F]) Bytes() int64 {
	return 2 * int64(s.B) * int64(s.pos) * int64(s.D) * tensor.SizeOf[F]()
}

// Reset empties the cache (the stale entries are overwritten before use).
func (s *attnState[F]) Reset() { s.pos = 0 }

// NewState makes a KV cache for B sequences of up to maxT tokens, with its
// RoPE tables for positions [0, maxT).
func (m *Attention[F]) NewState(B, maxT int) State {
	D, half := m.D, maxT*m.Dh/2
	return &attnState[F]{
		B: B, D: D, maxT: maxT,
		k:    make([]F, B*maxT*D),
		v:    make([]F, B*maxT*D),
		rope: newRope(m.Dh, maxT, make([]F, half), make([]F, half)),
		qkv:  make([]F, B*3*D),
		att:  make([]F, B*m.H*maxT),
		out:  make([]F, B*D),
	}
}

// Step attends the token x: [B, D] at the cache's position to the cached
// positions and itself, appends its k and v, and writes y: [B, D]. It panics
// if s is not this mixer's state or the cache is full.
func (m *Attention[F]) Step(s State, y, x []F) {
	st := s.(*attnState[F])
	if st.pos >= st.maxT {
		panic(fmt.Sprintf("models: attention KV cache full at %d positions", st.maxT))
	}
	m.QKV.Forward(st.qkv, x, st.B)
	tensor.ForWith(st.B*m.H, 1, attnKernel[F]{m: m, pass: attnStep, st: st})
	m.Proj.Forward(y, st.out, st.B)
	st.pos++
}

// stepHeads runs one Step for the (b, h) pairs [lo, hi).
func (m *Attention[F]) stepHeads(st *attnState[F], lo, hi int) {
	D, Dh, H, pos, n := m.D, m.Dh, m.H, st.pos, st.pos+1
	for bh := lo; bh < hi; bh++ {
		b, h := bh/H, bh%H
		base := b*3*D + h*Dh
		q, k, v := st.qkv[base:base+Dh], st.qkv[base+D:base+D+Dh], st.qkv[base+2*D:base+2*D+Dh]
		st.rope.rotate(q, pos)
		st.rope.rotate(k, pos)
		kc, vc := st.k[bh*st.maxT*Dh:], st.v[bh*st.maxT*Dh:] // [maxT, Dh]
		copy(kc[pos*Dh:], k)
		copy(vc[pos*Dh:], v)
		row := st.att[bh*st.maxT : bh*st.maxT+n] // [pos+1]
		tensor.Gemm(false, true, 1, n, Dh, m.scale, q, Dh, kc, Dh, 0, row, n)
		softmaxPrefix(row, n)
		tensor.Gemm(false, false, 1, Dh, n, 1, row, n, vc, Dh, 0, st.out[b*D+h*Dh:], Dh)
	}
}

// FLOPs returns the forward multiply-add FLOPs per token averaged over the
// T causal positions:
//
//	2·D·3D + 2·D·D        (qkv and output projections)
//	+ 2·2·D·(T+1)/2       (q·kᵀ and P·v over t+1 keys, averaged over t = 0..T−1)
//	= 8·D² + 2·D·(T+1).
//
// Softmax and RoPE are not counted. Forward actually runs the full T×T
// products (4·D·T per token for attention), masking after.
func (m *Attention[F]) FLOPs(T int) int64 {
	D := int64(m.D)
	return 8*D*D + 2*D*int64(T+1)
}
