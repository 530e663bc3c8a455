package models

import "rnnbench/internal/tensor"

// backTail is the LSTM's backward after the time loop as one pool loop:
// the input side's products dW_ih += dpreᵀ·x and dx += dpre·W_ih (each
// one task, its tiles run in order on the task's core), the hidden side's
// W_hh-gradient tasks (hiddenGrad) and the bias sums by blocks of 64
// columns (biasSums), every task free to run beside any other. It applies
// when nothing the hidden side writes is read or written by the input side:
// no GRU n-block scaling (scaleN rewrites dpre, which the input side
// reads) and no db_hh from hiddenGrad while biasSums also adds to it
// (bias with both). Before, inputBackward (its two products, then the bias
// sums) and hiddenBackward ran one after the other, each a pool loop of a
// few large tasks, and each ended with a core idle: at GOMAXPROCS 2 the
// LSTM's two phases scaled 1.47× and 1.7× (sweep, T = 4096, loaded
// machine, docs/speed.md "Session 4"). Every task computes what it did
// before, into its own output, so every bit is the same.
type backTail[F tensor.Float] struct {
	r     *rnnCore[F]
	x, dx []F // [B·T, D]
	B, T  int
	hid   int // tasks of hiddenGrad
}

func (k backTail[F]) Run(lo, hi int) {
	r, M := k.r, k.B*k.T
	GE := r.G * r.E
	dpre := r.dpre[:M*GE]
	for i := lo; i < hi; i++ { // one at a time, also when ForWith runs them all on one core
		switch {
		case i == 0:
			tensor.MatMul(true, false, GE, r.D, M, dpre, k.x, 1, r.wih.Grad)
		case i == 1:
			tensor.MatMul(false, false, M, r.D, GE, dpre, r.wih.Data, 1, k.dx)
		case i < 2+k.hid:
			hiddenGrad[F]{r: r, B: k.B, T: k.T}.Run(i-2, i-1)
		default:
			c := i - 2 - k.hid
			biasSums[F]{r: r, M: M, both: true}.Run(c, c+1)
		}
	}
}

// backwardTail runs inputBackward and hiddenBackward: as one backTail
// pool loop when they may overlap (!scaleN, and not bias with both),
// else one after the other.
func (r *rnnCore[F]) backwardTail(dx, x []F, B, T int, both, bias, scaleN bool) {
	if scaleN || bias || !both {
		r.inputBackward(dx, x, B*T, both)
		r.hiddenBackward(B, T, bias, scaleN)
		return
	}
	GE := r.G * r.E
	size := chunkRows(r.E, GE)
	hid := (GE + size - 1) / size
	tensor.ForWith(2+hid+numCols(GE), 1, backTail[F]{r: r, x: x, dx: dx, B: B, T: T, hid: hid})
}
