package models

import (
	"strings"

	"gonum.org/v1/gonum/blas/gonum"

	"rnnbench/internal/tensor"
)

// GRU and LSTM run their time loop per group of sequences: the sequences of
// a batch are independent through time, so each group of seqGroup(B) rows
// runs its whole loop over t (the hidden projection of its rows, then their
// gate math; backward, their gate math and dh_{t−1}) on one of
// tensor.ForWith's workers, and both cores work on the recurrence. Before,
// every step was one [B, E]×[E, G·E] product and B rows of gate math on one
// core (B = 8 or 16 rows are one chunk of the row grain). The weight
// gradient of W_hh, a sum over the batch, is taken after the loop
// (hiddenGrad), split by rows of W_hh.
//
// Bits. The groups are fixed by B alone (seqGroup), never by the number
// of cores, and ForWith runs the same groups on one core, so the results
// are the same at any GOMAXPROCS. With gonum (the default build, and every
// `bench ci` row) they are also bit for bit those of the one-product-per-
// step loop: gonum computes each row of C = A·Bᵀ and each element of
// C = Aᵀ·B the same way whatever the other rows
// (TestRNNGroupsMatchOneGroup). With -tags openblas the GRU's and LSTM's
// last bits change, deterministically: the forward step multiplies by a
// copy of W_hhᵀ (hiddenT, forwardWeights: another kernel, another order
// of the sum over E), and OpenBLAS's kernels for different row counts do
// not always sum in the same order (seen in backward with B ≥ 32 or
// E = 256; not at the benchmarks' sizes). Relative differences from the
// old loop: up to ~1e-3 in a gradient after 200 steps.

// seqGroup returns the sequences per group of the time loop: B split into
// 2 groups (4 when B ≥ 16), so that two cores share the loop and on a
// shared machine the core that is not slowed can take a group more.
func seqGroup(B int) int {
	if B >= 16 {
		return (B + 3) / 4
	}
	return (B + 1) / 2
}

// groupRows and chunkRows are the rules in use (seqGroup, hiddenChunk);
// TestRNNGroupsMatchOneGroup replaces them with one group and one chunk.
var groupRows, chunkRows = seqGroup, hiddenChunk

// stepper is what the time loops need of a GRU or LSTM, for the rows of
// sequences [lo, hi) at step t: forward, where the hidden product goes
// (stepOut) and the gate math (forwardRows); backward, the gate math
// (backwardRows, which also leaves the direct part of dh_{t−1}), the
// gradient to multiply by W_hh (stepGrad, with β for dh), clearRows,
// which zeroes the carried gradients before the loop, and touchRows, the
// buffers touchStep loads ahead.
type stepper[F tensor.Float] interface {
	stepOut(T, t, lo, hi int) (c []F, ldc int)
	forwardRows(T, t, lo, hi int)
	backwardRows(T, t int, dy []F, lo, hi int)
	stepGrad(T, t, lo int) (a []F, lda int, beta F)
	clearRows(lo, hi int)
	touchRows() (rowE, prevE []F)
}

// seqLoop runs the time loop of a stepper as a tensor.ForWith kernel over
// groups [lo, hi) of size rows each (the last one shorter), B rows in all.
type seqLoop[F tensor.Float, R stepper[F]] struct {
	r          R
	c          *rnnCore[F]
	B, T, size int
	dy         []F
	backward   bool
}

func (k seqLoop[F, R]) Run(lo, hi int) {
	for i := lo; i < hi; i++ { // one group at a time, also when ForWith runs them all on one core
		b0, b1 := i*k.size, min(k.B, (i+1)*k.size)
		if k.backward {
			k.backwardSeqs(b0, b1)
		} else {
			k.forwardSeqs(b0, b1)
		}
	}
}

// forwardSeqs runs the forward time loop of sequences [lo, hi): per step
// t, the hidden product of their rows, [hi−lo, E]×[E, G·E] (h_{t−1} rows
// b·T+t−1 have stride T·E), then their gate math.
func (k seqLoop[F, R]) forwardSeqs(lo, hi int) {
	c, T := k.c, k.T
	E, GE := c.E, c.G*c.E
	for t := 0; t < T; t++ {
		out, ldo := k.r.stepOut(T, t, lo, hi)
		if t > 0 {
			tensor.Gemm(false, c.trans, hi-lo, GE, E, 1, c.h[(lo*T+t-1)*E:], T*E, c.wT, c.ldw, 1, out, ldo)
		}
		k.r.forwardRows(T, t, lo, hi)
	}
}

// backwardSeqs runs the backward time loop of sequences [lo, hi): per
// step t from T−1 down, their gate math, then dh_{t−1} (+)= grad·W_hh,
// [hi−lo, G·E]×[G·E, E].
func (k seqLoop[F, R]) backwardSeqs(lo, hi int) {
	c, T := k.c, k.T
	E, GE := c.E, c.G*c.E
	k.r.clearRows(lo, hi)
	rowE, prevE := k.r.touchRows()
	for t := T - 1; t >= 0; t-- {
		c.touchStep(T, t, lo, hi, k.dy, rowE, prevE)
		k.r.backwardRows(T, t, k.dy, lo, hi)
		if t > 0 {
			a, lda, beta := k.r.stepGrad(T, t, lo)
			tensor.Gemm(false, false, hi-lo, E, GE, 1, a, lda, c.whh.Data, E, beta, c.dh[lo*E:], E)
		}
	}
}

// runSeqs runs r's time loop for B sequences of T tokens in groups of
// groupRows(B), forward or backward.
func runSeqs[F tensor.Float, R stepper[F]](r R, c *rnnCore[F], B, T int, dy []F, backward bool) {
	size := groupRows(B)
	tensor.ForWith((B+size-1)/size, 1, seqLoop[F, R]{r: r, c: c, B: B, T: T, size: size, dy: dy, backward: backward})
}

// rnnForward runs the time loop of r (core c) over B sequences of T tokens
// whose input side is in c.gates, then the output projection into y.
func rnnForward[F tensor.Float, R stepper[F]](r R, c *rnnCore[F], y []F, B, T int) {
	c.wT, c.ldw, c.trans = c.forwardWeights(B, T)
	runSeqs(r, c, B, T, nil, false)
	c.project(y, c.h, B*T)
}

// rnnBackward is Backward of r (core c): dL/dh from the output, the time
// loop, then the input side (inputBackward; both: db_hh takes the sum of
// dpre too, as in the LSTM) and the hidden side (hiddenBackward with
// bias: db_hh from dgh; scaleN: the GRU's dgh n block).
func rnnBackward[F tensor.Float, R stepper[F]](r R, c *rnnCore[F], dx, dy, x []F, B, T int, both, bias, scaleN bool) {
	dy = c.backwardStart(dx, dy, x, B, T)
	runSeqs(r, c, B, T, dy, true)
	c.inputBackward(dx, x, B*T, both)
	c.hiddenBackward(B, T, bias, scaleN)
}

// hiddenT is whether Forward multiplies by a transposed copy of W_hh
// (h·(W_hhᵀ) with W_hhᵀ stored [E, G·E], a plain product) rather than by
// W_hh itself (h·W_hhᵀ, second operand transposed). With OpenBLAS (0.3.21,
// SkylakeX kernels) the plain product of one group per step ran 2–8×
// faster (BenchmarkRNNHiddenProduct, one core, loaded machine: [4, 64]×
// [64, 192] 0.99 → 0.50 µs, [16, 64]×[64, 192] 4.7 → 2.0, [4, 128]×
// [128, 384] 12.1 → 2.1, [4, 128]×[128, 512] 17.0 → 3.0); with gonum it
// was not faster (12.7 → 13.1, 30.6 → 21.7, 25.6 → 35.1, 41.4 → 57.9 µs)
// and gonum keeps the transposed product and its bits.
var hiddenT = !strings.HasPrefix(tensor.Backend(), "gonum")

// forwardWeights returns the hidden weights for Forward's per-step
// products gh = h·W_hhᵀ: W_hh itself ([G·E, E], transposed, ld E) or,
// with hiddenT, a copy of W_hhᵀ ([E, G·E], ld G·E) made in dpre, which is
// Backward's workspace and unused until then (when B·T ≥ E, i.e. dpre
// holds it; else W_hh).
func (r *rnnCore[F]) forwardWeights(B, T int) (w []F, ld int, trans bool) {
	E, GE := r.E, r.G*r.E
	if !hiddenT || B*T < E {
		return r.whh.Data, E, true
	}
	wt := r.dpre[:E*GE]
	for i := 0; i < GE; i++ {
		for j, v := range r.whh.Data[i*E : (i+1)*E] {
			wt[j*GE+i] = v
		}
	}
	return wt, GE, false
}

// hiddenGrad accumulates the W_hh gradient (and, with bias, b_hh's) after
// the backward time loop: per step t from T−1 down, dW_hh += dghᵀ_t·h_{t−1}
// over the B sequences and db_hh += Σ_b dgh_t — the same products and sums,
// in the same order, as taken step by step inside the loop before. dgh_t is
// dpre's rows at t (stride T·G·E), for the GRU (scaleN) once its n block,
// dn there, is multiplied by r as backwardRows computed dn·r; so this must
// run after inputBackward, which reads dn. Task i takes rows [i·n, (i+1)·n) of
// W_hh (n = hiddenChunk(E, G·E)) and the same entries of b_hh: its own
// products [n, B]×[B, E] per step, and its own columns of the sums.
type hiddenGrad[F tensor.Float] struct {
	r            *rnnCore[F]
	B, T         int
	bias, scaleN bool // take db_hh; make the GRU's n block dn·r first
}

func (k hiddenGrad[F]) Run(lo, hi int) {
	r, B, T := k.r, k.B, k.T
	E, GE := r.E, r.G*r.E
	size := chunkRows(E, GE)
	for task := lo; task < hi; task++ { // one at a time, also when ForWith runs them all on one core
		i0, i1 := task*size, min(GE, (task+1)*size)
		if hiddenT { // OpenBLAS: one product per sequence (hidden_grad_seq.go)
			k.bySeq(i0, i1)
			continue
		}
		for t := T - 1; t >= 0; t-- {
			k.stepRows(t, i0, i1)
			if t > 0 {
				// dW_hh[i0:i1] += dgh_t[:, i0:i1]ᵀ·h_{t−1}: [i1−i0, B]×[B, E].
				tensor.Gemm(true, false, i1-i0, E, B, 1, r.dpre[t*GE+i0:], T*GE, r.h[(t-1)*E:], T*E, 1, r.whh.Grad[i0*E:], E)
			}
		}
	}
}

// hiddenChunk returns the rows of W_hh per task of hiddenGrad: 2E rounded
// up to a multiple of 16 (whole cache lines of b_hh and dpre). For the
// LSTM (G·E = 4E) that is half the rows, as before; for the GRU (3E, E a
// multiple of 8; otherwise the first task also takes the n block's first
// rows) the tasks are the r and z blocks and the n block, which also makes
// dgh's n block (dn·r, scaleRow). Before, the GRU's rows were cut in halves, and
// the second task, with all of the n block's scaling (scaleRow: 6% of the
// step in a one-core pprof), ran about twice as long as the first, which
// left one core idle a third of the phase. GRU, sweep B = 8, E = 128,
// T = 4096, OpenBLAS, GOMAXPROCS 1, the two tasks' time over 7 steps
// (timers thrown away, loaded machine, two runs): 105–149 and 258–274 ms
// before, 176–242 and 223–243 ms now. Same bits (gonum and OpenBLAS).
func hiddenChunk(E, GE int) int { return min(GE, (2*E+15)&^15) }

// hiddenBackward runs hiddenGrad over the G·E rows of W_hh.
func (r *rnnCore[F]) hiddenBackward(B, T int, bias, scaleN bool) {
	GE := r.G * r.E
	size := chunkRows(r.E, GE)
	tensor.ForWith((GE+size-1)/size, 1, hiddenGrad[F]{r: r, B: B, T: T, bias: bias, scaleN: scaleN})
}

// biasSums is db_ih += Σ_m dpre[m] over the M tokens in order (and db_hh
// too, with both), task i over columns [64i, 64i+64) of the G·E: each
// column summed in the same order as one pass over whole rows.
type biasSums[F tensor.Float] struct {
	r    *rnnCore[F]
	M    int
	both bool
}

func (k biasSums[F]) Run(lo, hi int) {
	r := k.r
	GE := r.G * r.E
	c0, c1 := lo*colChunk, min(GE, hi*colChunk)
	c0 = k.blocks16(c0, c1) // whole blocks of 16 columns whose sums start at 0 (bias_sums.go)
	for m := 0; m < k.M; m++ {
		row := r.dpre[m*GE+c0 : m*GE+c1]
		addRow(r.bih.Grad[c0:c1], row)
		if k.both {
			addRow(r.bhh.Grad[c0:c1], row)
		}
	}
}

// colChunk is the columns per task of biasSums; numCols(n) the tasks.
const colChunk = 64

func numCols(n int) int { return (n + colChunk - 1) / colChunk }

// fillRows copies row 0 of x: [n, w] into rows [lo, hi) (row 0 itself is
// left as it is).
type fillRows[F tensor.Float] struct {
	x []F
	w int
}

func (k fillRows[F]) Run(lo, hi int) {
	for m := max(lo, 1); m < hi; m++ {
		copy(k.x[m*k.w:(m+1)*k.w], k.x[:k.w])
	}
}

// addRow accumulates y += x (len(x) == len(y)) with gonum's vector axpy
// (alpha 1: each y[i] + x[i] rounded once, exactly as a scalar loop).
func addRow[F tensor.Float](y, x []F) {
	switch yv := any(y).(type) {
	case []float32:
		gonum.Implementation{}.Saxpy(len(yv), 1, any(x).([]float32), 1, yv, 1)
	case []float64:
		gonum.Implementation{}.Daxpy(len(yv), 1, any(x).([]float64), 1, yv, 1)
	}
}

// touchStep loads, before the backward gate math of step t for sequences
// [lo, hi), the rows it reads and writes: gates and dpre ([B·T, G·E]),
// rowE ([B·T, E]: the GRU's hn, the LSTM's c), dy, and row t−1 of prevE
// (the GRU's h, the LSTM's c). The sum of what it read goes into dpre's
// first element of the row, which the gate math overwrites.
func (r *rnnCore[F]) touchStep(T, t, lo, hi int, dy, rowE, prevE []F) {
	E, GE := r.E, r.G*r.E
	for b := lo; b < hi; b++ {
		m := b*T + t
		s := touch(r.gates[m*GE:(m+1)*GE]) + touch(rowE[m*E:(m+1)*E]) + touch(dy[m*E:(m+1)*E]) + touch(r.dpre[m*GE:(m+1)*GE])
		if t > 0 {
			s += touch(prevE[(m-1)*E : m*E])
		}
		r.dpre[m*GE] = s
	}
}

// touch reads one element of x per 64-byte line and returns their sum:
// the backward time loop reads rows written long before (in DRAM), one
// row per sequence and buffer per step, and its arithmetic loop runs too
// few iterations ahead to keep more than a line or two of misses in
// flight; a loop of loads alone keeps many.
func touch[F tensor.Float](x []F) F {
	var s F
	step := int(64 / tensor.SizeOf[F]())
	for i := 0; i < len(x); i += step {
		s += x[i]
	}
	return s
}
