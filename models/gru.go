package models

import "rnnbench/internal/tensor"

// GRU is the classic gated recurrent unit as a sequence mixer, trained by
// backpropagation through time one step after another. Equations, gate order
// (r, z, n), biases and parameter layout are those of PyTorch's nn.GRU
// (single layer, batch_first), so weights map one to one:
//
//	r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)
//	z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
//	n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))
//	h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1},  h_{−1} = 0
//	y_t = W_out h_t  (Linear E→D without bias; identity when E == D)
//
// Parameters (prefix p): p.weight_ih [3E, D], p.weight_hh [3E, E],
// p.bias_ih [3E], p.bias_hh [3E], and p.out.weight [D, E] when E ≠ D.
// Count: 3E(D+E) + 6E (+ E·D).
//
// Activations kept for backward, per token: gates r, z, n (3E), W_hn h + b_hn
// (E) and h (E): 5E floats.
type GRU[F tensor.Float] struct {
	rnnCore[F] // parameters (weight_ih rows r | z | n), output projection, sizes

	// rnnCore's gates: [B, T, 3E] hold r, z, n (the input projection
	// before the time loop); h, dpre, dhs, dh as there.
	hn  []F // [B, T, E] W_hn h_{t−1} + b_hn
	gh  []F // scratch [B, 3E] hidden projection W_hh h_{t−1} + b_hh of one step
	dgh []F // scratch [B, 3E] gradient of the hidden-side pre-activations of one step
}

// NewGRU registers a GRU mixer's parameters in ps under prefix. It returns
// expects a config that passed Config.ValidateMixer (NewMixer checks it).
func NewGRU[F tensor.Float](ps *tensor.ParamSet[F], prefix string, c Config) (Mixer[F], error) {
	return &GRU[F]{rnnCore: newRNNCore(ps, prefix, "gru", c, 3)}, nil
}

// Alloc makes the buffers for up to B sequences of up to T tokens.
func (g *GRU[F]) Alloc(a *tensor.Arena[F], B, T int) {
	g.alloc(a, B, T)
	g.hn = a.Make(tensor.Activation, B*T*g.E)
	g.gh = a.Make(tensor.Scratch, B*3*g.E)
	g.dgh = a.Make(tensor.Scratch, B*3*g.E)
}

// Forward computes y: [B, T, D] from x: [B, T, D]. It panics when B or T
// exceed Alloc's or the slices are too short.
func (g *GRU[F]) Forward(y, x []F, B, T int) {
	D, E := g.D, g.E
	g.check("Forward", B, T, x, y)
	// Input projection for all tokens at once: gates = x·W_ihᵀ + b_ih.
	// gates: [B·T, 3E], x: [B·T, D], W_ih: [3E, D].
	copy(g.gates[:3*E], g.bih.Data)
	tensor.ForWith(B*T, rowGrain(3*E), fillRows[F]{g.gates, 3 * E})
	tensor.MatMul(false, true, B*T, 3*E, D, x, g.wih.Data, 1, g.gates)
	rnnForward(g, &g.rnnCore, y, B, T) // the time loop, per group of sequences (rnn_batchsplit.go)
}

// rowGrain returns the rows per parallel chunk of a pass over rows of the
// given width, so that a chunk holds at least about 16384 elements.
func rowGrain(width int) int { return max(1, 16384/width) }

// stepOut fills the rows of sequences [lo, hi) of gh with b_hh and returns
// them as the destination of step t's hidden product: gh = h_{t−1}·W_hhᵀ + b_hh.
func (g *GRU[F]) stepOut(T, t, lo, hi int) (c []F, ldc int) {
	GE := 3 * g.E
	for b := lo; b < hi; b++ {
		copy(g.gh[b*GE:(b+1)*GE], g.bhh.Data)
	}
	return g.gh[lo*GE:], GE
}

// forwardRows runs the gate math of step t for batch rows [lo, hi).
func (g *GRU[F]) forwardRows(T, t, lo, hi int) {
	E := g.E
	for b := lo; b < hi; b++ {
		m := b*T + t
		gruCell(g.h[m*E:(m+1)*E], prevRow(g.h, m, t, E), g.gates[m*3*E:(m+1)*3*E], g.gh[b*3*E:(b+1)*3*E], g.hn[m*E:(m+1)*E])
	}
}

// gruCell is one GRU step for one sequence. On entry gates: [3E] holds the
// input projection W_i x + b_i (r | z | n); on exit it holds r, z, n. gh: [3E]
// is W_h h_{t−1} + b_h. hPrev: [E] is h_{t−1} (nil for zeros); hNew: [E]
// receives h_t and may alias hPrev. hn: [E] receives W_hn h_{t−1} + b_hn.
func gruCell[F tensor.Float](hNew, hPrev, gates, gh, hn []F) {
	E := len(hNew)
	r, z, n := gates[:E], gates[E:2*E], gates[2*E:3*E]
	if tensor.Is32[F]() {
		// The same arithmetic with the vector σ and tanh over the row.
		rz := gates[:2*E]
		for j, v := range gh[:2*E] {
			rz[j] += v
		}
		sigmoidRow(rz, rz)
		for j, v := range gh[2*E : 3*E] {
			n[j] += r[j] * v
			hn[j] = v
		}
		tanhRow(n, n)
		for j, nj := range n {
			var hp F
			if hPrev != nil {
				hp = hPrev[j]
			}
			hNew[j] = (1-z[j])*nj + z[j]*hp
		}
		return
	}
	for j := range E {
		var hp F
		if hPrev != nil {
			hp = hPrev[j]
		}
		rj := tensor.Sigmoid(r[j] + gh[j])
		zj := tensor.Sigmoid(z[j] + gh[E+j])
		nj := tensor.Tanh(n[j] + rj*gh[2*E+j])
		r[j], z[j], n[j] = rj, zj, nj
		hn[j] = gh[2*E+j]
		hNew[j] = (1-zj)*nj + zj*hp
	}
}

// Backward accumulates dx: [B, T, D] and the parameter gradients from
// dy: [B, T, D], by exact backpropagation through time over the last
// Forward (x must be the same). Per step, with dh the total gradient of h_t:
//
//	dn = dh(1−z), dz = dh(h_{t−1}−n), dĥn = dn(1−n²)          (ĥ: pre-activation)
//	dẑ = dz·z(1−z), dr̂ = dĥn·(W_hn h + b_hn)·r(1−r)
//	input side (r̂, ẑ, n̂), hidden side (r̂, ẑ, r·n̂);
//	dh_{t−1} = dh·z + (hidden side)·W_hh.
//
// The time loop carries dh; dW_ih, db_ih and dx come from one matmul over
// all tokens after it, dW_hh and db_hh from per-step products after it
// (hiddenGrad), which leaves dpre's n block holding dn·r. It panics like
// Forward.
func (g *GRU[F]) Backward(dx, dy, x []F, B, T int) {
	// dW_hh += Σ_t dghᵀ_t·h_{t−1}, db_hh += Σ dgh, with dgh = dpre but for
	// its n block, dn·r: made in place in dpre.
	rnnBackward(g, &g.rnnCore, dx, dy, x, B, T, false, true, true)
}

// stepGrad returns step t's dgh of sequences [lo, hi) (the scratch rows
// backwardRows wrote) and β = 1: dh_{t−1} = dh_t·z (left by backwardRows)
// + dgh·W_hh.
func (g *GRU[F]) stepGrad(T, t, lo int) (a []F, lda int, beta F) {
	return g.dgh[lo*3*g.E:], 3 * g.E, 1
}

// touchRows returns the [B·T, E] rows backwardRows reads at t (hn) and
// t−1 (h), for touchStep.
func (g *GRU[F]) touchRows() (rowE, prevE []F) { return g.hn, g.h }

// clearRows sets dh of sequences [lo, hi) to 0 before the backward loop.
func (g *GRU[F]) clearRows(lo, hi int) { clear(g.dh[lo*g.E : hi*g.E]) }

// backwardRows runs the backward gate math of step t for batch rows
// [lo, hi): it reads dh (from later steps) and dL/dh_t from the output
// (dy: [B, T, E]), writes dpre and dgh, and leaves dh = dh_t·z, the direct
// part of dh_{t−1}.
func (g *GRU[F]) backwardRows(T, t int, dy []F, lo, hi int) {
	E := g.E
	for b := lo; b < hi; b++ {
		m := b*T + t
		gt := g.gates[m*3*E : (m+1)*3*E]
		r, z, n := gt[:E:E], gt[E:2*E:2*E], gt[2*E:3*E:3*E]
		hn := g.hn[m*E : (m+1)*E : (m+1)*E]
		dOut := dy[m*E : (m+1)*E : (m+1)*E]
		dh := g.dh[b*E : (b+1)*E : (b+1)*E]
		dp := g.dpre[m*3*E : (m+1)*3*E]
		dr, dz, dnn := dp[:E:E], dp[E:2*E:2*E], dp[2*E:3*E:3*E]
		dg := g.dgh[b*3*E : (b+1)*3*E]
		dgr, dgz, dgn := dg[:E:E], dg[E:2*E:2*E], dg[2*E:3*E:3*E]
		hPrev := dh // any slice of length E; read only when t > 0
		if t > 0 {
			hPrev = g.h[(m-1)*E : m*E : m*E]
		}
		for j := range dh {
			var hp F
			if t > 0 {
				hp = hPrev[j]
			}
			zj, nj, rj := z[j], n[j], r[j]
			d := dh[j] + dOut[j]
			dn := d * (1 - zj) * (1 - nj*nj)
			dzj := d * (hp - nj) * zj * (1 - zj)
			drj := dn * hn[j] * rj * (1 - rj)
			dr[j], dz[j], dnn[j] = drj, dzj, dn
			dgr[j], dgz[j], dgn[j] = drj, dzj, dn*rj
			dh[j] = d * zj
		}
	}
}

// gruState is the recurrent state of B sequences: h: [B, E], plus reused
// workspace for one step.
type gruState[F tensor.Float] struct {
	h      []F // [B, E]
	xg, gh []F // scratch [B, 3E]
	hn     []F // scratch [E], unused output of gruCell
}

// Bytes returns the bytes of h, the state carried between tokens (the
// per-step workspace is not counted).
func (s *gruState[F]) Bytes() int64 { return int64(len(s.h)) * tensor.SizeOf[F]() }

// Reset sets h to 0.
func (s *gruState[F]) Reset() { clear(s.h) }

// NewState makes a zero state for B sequences; maxT is not needed.
func (g *GRU[F]) NewState(B, maxT int) State {
	E := g.E
	return &gruState[F]{h: make([]F, B*E), xg: make([]F, B*3*E), gh: make([]F, B*3*E), hn: make([]F, E)}
}

// Step advances s by one token: x: [B, D] → y: [B, D]. It panics when s was
// not made by this mixer's NewState or the slices are too short.
func (g *GRU[F]) Step(st State, y, x []F) {
	s := st.(*gruState[F])
	D, E := g.D, g.E
	B := g.stepBatch(s.h, x, y)
	for b := 0; b < B; b++ {
		copy(s.xg[b*3*E:(b+1)*3*E], g.bih.Data)
		copy(s.gh[b*3*E:(b+1)*3*E], g.bhh.Data)
	}
	tensor.MatMul(false, true, B, 3*E, D, x, g.wih.Data, 1, s.xg)
	tensor.MatMul(false, true, B, 3*E, E, s.h, g.whh.Data, 1, s.gh)
	for b := 0; b < B; b++ {
		h := s.h[b*E : (b+1)*E]
		gruCell(h, h, s.xg[b*3*E:(b+1)*3*E], s.gh[b*3*E:(b+1)*3*E], s.hn)
	}
	g.project(y, s.h, B)
}

// FLOPs returns the forward FLOPs per token, independent of T:
// input projection 2·D·3E, hidden projection 2·E·3E, bias adds 6E, gate
// elementwise 11E (r̂, ẑ: 1 add each; n̂: 1 mul + 1 add; σ, σ, tanh: 1 each;
// h′ = (1−z)n + z·h: 1 sub, 2 mul, 1 add), and the output projection 2·E·D
// when E ≠ D.
func (g *GRU[F]) FLOPs(T int) int64 {
	return g.flops() + 11*int64(g.E)
}
