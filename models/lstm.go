package models

import "rnnbench/internal/tensor"

// LSTM is the classic long short-term memory cell as a sequence mixer,
// trained by backpropagation through time one step after another.
// Equations, gate order (i, f, g, o), biases and parameter layout are those
// of PyTorch's nn.LSTM (single layer, batch_first, no projection), so weights
// map one to one:
//
//	i_t = σ(W_ii x_t + b_ii + W_hi h_{t−1} + b_hi)
//	f_t = σ(W_if x_t + b_if + W_hf h_{t−1} + b_hf)
//	g_t = tanh(W_ig x_t + b_ig + W_hg h_{t−1} + b_hg)
//	o_t = σ(W_io x_t + b_io + W_ho h_{t−1} + b_ho)
//	c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t,  h_t = o_t ⊙ tanh(c_t),  h_{−1} = c_{−1} = 0
//	y_t = W_out h_t  (Linear E→D without bias; identity when E == D)
//
// Parameters (prefix p): p.weight_ih [4E, D], p.weight_hh [4E, E],
// p.bias_ih [4E], p.bias_hh [4E], and p.out.weight [D, E] when E ≠ D.
// Count: 4E(D+E) + 8E (+ E·D).
//
// Activations kept for backward, per token: gates i, f, g, o (4E), c (E) and
// h (E): 6E floats. tanh(c) is recomputed in backward.
type LSTM[F tensor.Float] struct {
	rnnCore[F] // parameters (weight_ih rows i | f | g | o), output projection, sizes

	// rnnCore's gates: [B, T, 4E] hold i, f, g, o (pre-activations until
	// step t runs); dpre is the gradient of all gate pre-activations; h,
	// dhs, dh as there.
	c  []F // [B, T, E] cell states
	dc []F // scratch [B, E] dL/dc carried backwards through time
}

// NewLSTM registers an LSTM mixer's parameters in ps under prefix. It
// expects a config that passed Config.ValidateMixer (NewMixer checks it).
func NewLSTM[F tensor.Float](ps *tensor.ParamSet[F], prefix string, c Config) (Mixer[F], error) {
	return &LSTM[F]{rnnCore: newRNNCore(ps, prefix, "lstm", c, 4)}, nil
}

// Alloc makes the buffers for up to B sequences of up to T tokens.
func (l *LSTM[F]) Alloc(a *tensor.Arena[F], B, T int) {
	l.alloc(a, B, T)
	l.c = a.Make(tensor.Activation, B*T*l.E)
	l.dc = a.Make(tensor.Scratch, B*l.E)
}

// Forward computes y: [B, T, D] from x: [B, T, D]. It panics when B or T
// exceed Alloc's or the slices are too short.
func (l *LSTM[F]) Forward(y, x []F, B, T int) {
	D, E := l.D, l.E
	l.check("Forward", B, T, x, y)
	// Input projection for all tokens at once: gates = (b_ih + b_hh) + x·W_ihᵀ.
	// gates: [B·T, 4E], x: [B·T, D], W_ih: [4E, D].
	for k := range 4 * E {
		l.gates[k] = l.bih.Data[k] + l.bhh.Data[k]
	}
	tensor.ForWith(B*T, rowGrain(4*E), fillRows[F]{l.gates, 4 * E})
	tensor.MatMul(false, true, B*T, 4*E, D, x, l.wih.Data, 1, l.gates)
	rnnForward(l, &l.rnnCore, y, B, T) // the time loop, per group of sequences (rnn_batchsplit.go)
}

// stepOut returns the rows of sequences [lo, hi) at step t of gates
// (stride T·4E), which already hold the input side and both biases, as
// the destination of step t's hidden product: gates[:, t] += h_{t−1}·W_hhᵀ.
func (l *LSTM[F]) stepOut(T, t, lo, hi int) (c []F, ldc int) {
	return l.gates[(lo*T+t)*4*l.E:], T * 4 * l.E
}

// forwardRows runs the gate math of step t for batch rows [lo, hi).
func (l *LSTM[F]) forwardRows(T, t, lo, hi int) {
	E := l.E
	for b := lo; b < hi; b++ {
		m := b*T + t
		lstmCell(l.h[m*E:(m+1)*E], l.c[m*E:(m+1)*E], prevRow(l.c, m, t, E), l.gates[m*4*E:(m+1)*4*E])
	}
}

// lstmCell is one LSTM step for one sequence. On entry gates: [4E] holds the
// pre-activations (i | f | g | o); on exit it holds i, f, g, o. cPrev: [E] is
// c_{t−1} (nil for zeros); cNew, hNew: [E] receive c_t and h_t, and cNew may
// alias cPrev.
func lstmCell[F tensor.Float](hNew, cNew, cPrev, gates []F) {
	E := len(hNew)
	gi, gf, gg, go_ := gates[:E], gates[E:2*E], gates[2*E:3*E], gates[3*E:]
	if tensor.Is32[F]() {
		// The same arithmetic with the vector σ and tanh over the row.
		sigmoidRow(gates[:2*E], gates[:2*E])
		tanhRow(gg, gg)
		sigmoidRow(go_, go_)
		for j, g := range gg {
			var cp F
			if cPrev != nil {
				cp = cPrev[j]
			}
			cNew[j] = gf[j]*cp + gi[j]*g
		}
		tanhRow(hNew, cNew)
		for j, o := range go_ {
			hNew[j] *= o
		}
		return
	}
	for j := range E {
		var cp F
		if cPrev != nil {
			cp = cPrev[j]
		}
		i := tensor.Sigmoid(gi[j])
		f := tensor.Sigmoid(gf[j])
		g := tensor.Tanh(gg[j])
		o := tensor.Sigmoid(go_[j])
		gi[j], gf[j], gg[j], go_[j] = i, f, g, o
		c := f*cp + i*g
		cNew[j] = c
		hNew[j] = o * tensor.Tanh(c)
	}
}

// Backward accumulates dx: [B, T, D] and the parameter gradients from
// dy: [B, T, D], by exact backpropagation through time over the last
// Forward (x must be the same). Per step, with dh and dc the total gradients
// of h_t and c_t and τ = tanh(c_t):
//
//	dc += dh·o(1−τ²), dô = dh·τ·o(1−o), dî = dc·g·i(1−i),
//	df̂ = dc·c_{t−1}·f(1−f), dĝ = dc·i(1−g²)                     (ˆ: pre-activation)
//	dc_{t−1} = dc·f, dh_{t−1} = (dî, df̂, dĝ, dô)·W_hh.
//
// The time loop carries dh and dc; dW_ih, both biases and dx come from one
// pass over all tokens after it, dW_hh from per-step products after it
// (hiddenGrad). It panics like Forward.
func (l *LSTM[F]) Backward(dx, dy, x []F, B, T int) {
	rnnBackward(l, &l.rnnCore, dx, dy, x, B, T, true, false, false)
}

// stepGrad returns step t's dpre rows of sequences [lo, hi) (stride T·4E)
// and β = 0: dh_{t−1} = dpre_t·W_hh.
func (l *LSTM[F]) stepGrad(T, t, lo int) (a []F, lda int, beta F) {
	return l.dpre[(lo*T+t)*4*l.E:], T * 4 * l.E, 0
}

// touchRows returns the [B·T, E] rows backwardRows reads at t and t−1
// (c both times), for touchStep.
func (l *LSTM[F]) touchRows() (rowE, prevE []F) { return l.c, l.c }

// clearRows sets dh and dc of sequences [lo, hi) to 0 before the backward loop.
func (l *LSTM[F]) clearRows(lo, hi int) {
	clear(l.dh[lo*l.E : hi*l.E])
	clear(l.dc[lo*l.E : hi*l.E])
}

// backwardRows runs the backward gate math of step t for batch rows
// [lo, hi): it reads dh, dc (from later steps) and dL/dh_t from the output
// (dy: [B, T, E]), writes dpre, and leaves dc = dc_{t−1}.
func (l *LSTM[F]) backwardRows(T, t int, dy []F, lo, hi int) {
	E := l.E
	var tcb, zero [lstmBlock]F // tanh(c) of a block of channels, by the vector kernel; c_{−1} = 0
	for b := lo; b < hi; b++ {
		m := b*T + t
		gt := l.gates[m*4*E : (m+1)*4*E]
		gi, gf, gg, go_ := gt[:E], gt[E:2*E], gt[2*E:3*E], gt[3*E:]
		c := l.c[m*E : (m+1)*E]
		dOut := dy[m*E : (m+1)*E]
		dh := l.dh[b*E : (b+1)*E]
		dc := l.dc[b*E : (b+1)*E]
		dp := l.dpre[m*4*E : (m+1)*4*E]
		for j0 := 0; j0 < E; j0 += lstmBlock {
			n := min(lstmBlock, E-j0)
			tc := tcb[:n]
			tanhRow(tc, c[j0:j0+n])
			cp := zero[:n]
			if t > 0 {
				cp = l.c[(m-1)*E+j0 : (m-1)*E+j0+n]
			}
			lstmBackBlock(dp[j0:j0+n], dp[E+j0:E+j0+n], dp[2*E+j0:2*E+j0+n], dp[3*E+j0:3*E+j0+n],
				dh[j0:j0+n], dc[j0:j0+n], gi[j0:j0+n], gf[j0:j0+n], gg[j0:j0+n], go_[j0:j0+n],
				tc, cp, dOut[j0:j0+n])
		}
	}
}

// lstmBackBlock is backwardRows' arithmetic for n channels (every slice of
// length n, checked once so the loop runs without bounds checks): it
// writes the gate gradients di, df, dg, do_ and leaves dc = dc_{t−1}, from
// dh, dc, the gates i, f, g, o, tc = tanh(c_t), cp = c_{t−1} and dOut.
func lstmBackBlock[F tensor.Float](di, df, dg, do_, dh, dc, gi, gf, gg, go_, tc, cp, dOut []F) {
	n := len(di)
	df, dg, do_, dh, dc = df[:n], dg[:n], do_[:n], dh[:n], dc[:n]
	gi, gf, gg, go_, tc, cp, dOut = gi[:n], gf[:n], gg[:n], go_[:n], tc[:n], cp[:n], dOut[:n]
	for j := range di {
		i, f, g, o := gi[j], gf[j], gg[j], go_[j]
		tcj := tc[j]
		d := dh[j] + dOut[j]
		dcj := dc[j] + d*o*(1-tcj*tcj)
		di[j] = dcj * g * i * (1 - i)
		df[j] = dcj * cp[j] * f * (1 - f)
		dg[j] = dcj * i * (1 - g*g)
		do_[j] = d * tcj * o * (1 - o)
		dc[j] = dcj * f
	}
}

// lstmBlock is the number of channels whose tanh(c) backwardRows computes
// per call of the vector kernel.
const lstmBlock = 256

// lstmState is the recurrent state of B sequences: h, c: [B, E], plus
// reused workspace for one step.
type lstmState[F tensor.Float] struct {
	h, c  []F // [B, E]
	gates []F // scratch [B, 4E]
}

// Bytes returns the bytes of h and c, the state carried between tokens (the
// per-step workspace is not counted).
func (s *lstmState[F]) Bytes() int64 { return int64(len(s.h)+len(s.c)) * tensor.SizeOf[F]() }

// Reset sets h and c to 0.
func (s *lstmState[F]) Reset() {
	clear(s.h)
	clear(s.c)
}

// NewState makes a zero state for B sequences; maxT is not needed.
func (l *LSTM[F]) NewState(B, maxT int) State {
	E := l.E
	return &lstmState[F]{h: make([]F, B*E), c: make([]F, B*E), gates: make([]F, B*4*E)}
}

// Step advances s by one token: x: [B, D] → y: [B, D]. It panics when s was
// not made by this mixer's NewState or the slices are too short.
func (l *LSTM[F]) Step(st State, y, x []F) {
	s := st.(*lstmState[F])
	D, E := l.D, l.E
	B := l.stepBatch(s.h, x, y)
	for b := 0; b < B; b++ {
		row := s.gates[b*4*E : (b+1)*4*E]
		for k := range row {
			row[k] = l.bih.Data[k] + l.bhh.Data[k]
		}
	}
	tensor.MatMul(false, true, B, 4*E, D, x, l.wih.Data, 1, s.gates)
	tensor.MatMul(false, true, B, 4*E, E, s.h, l.whh.Data, 1, s.gates)
	for b := 0; b < B; b++ {
		c := s.c[b*E : (b+1)*E]
		lstmCell(s.h[b*E:(b+1)*E], c, c, s.gates[b*4*E:(b+1)*4*E])
	}
	l.project(y, s.h, B)
}

// FLOPs returns the forward FLOPs per token, independent of T:
// input projection 2·D·4E, hidden projection 2·E·4E, bias adds 8E, gate
// elementwise 13E (hidden projection add 4E; σ, σ, tanh, σ: 4E;
// c′ = f·c + i·g: 3E; tanh(c′): E; h′ = o·tanh(c′): E), and the output
// projection 2·E·D when E ≠ D.
func (l *LSTM[F]) FLOPs(T int) int64 {
	return l.flops() + 13*int64(l.E)
}
