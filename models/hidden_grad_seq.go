package models

import "rnnbench/internal/tensor"

// bySeq is hiddenGrad's task for rows [i0, i1) of W_hh with OpenBLAS
// (hiddenT): first the GRU's n block dn·r and db_hh per step t from T−1
// down, as in Run's loop (the same sums in the same order), then dW_hh by
// one product per sequence b instead of one per step:
//
//	dW_hh[i0:i1] += dgh[b, 1:T, i0:i1]ᵀ·h[b, 0:T−1]   ([i1−i0, T−1]×[T−1, E])
//
// The rows of one sequence are contiguous in dpre ([B, T, G·E]) and h
// ([B, T, E]), so row t of the one is paired with row t−1 of the other
// by an offset. Per step the old product had only B terms (K = B, 8 or
// 16), which OpenBLAS ran at a small fraction of its speed: at B=16,
// T=1024, E=64 (the LSTM's table point) it took 12% of the step (pprof,
// loaded machine). The sum over t and b now runs in OpenBLAS's order
// for K = T−1, then over b in order: other last bits, fixed by B, T, E
// (the tasks are rows of W_hh, fixed by G·E), the same at any
// GOMAXPROCS. gonum keeps Run's loop and its bits.
func (k hiddenGrad[F]) bySeq(i0, i1 int) {
	r, B, T := k.r, k.B, k.T
	E, GE := r.E, r.G*r.E
	for t := T - 1; t >= 0; t-- {
		k.stepRows(t, i0, i1)
	}
	if T < 2 {
		return
	}
	for b := 0; b < B; b++ {
		m := b * T
		tensor.Gemm(true, false, i1-i0, E, T-1, 1, r.dpre[(m+1)*GE+i0:], GE, r.h[m*E:], E, 1, r.whh.Grad[i0*E:], E)
	}
}

// stepRows is hiddenGrad's elementwise work of step t on columns [i0, i1)
// of dpre: with scaleN, dgh's n block (dn·r, in place) of the B rows;
// with bias, db_hh[i0:i1] += those rows in order of b.
func (k hiddenGrad[F]) stepRows(t, i0, i1 int) {
	r, B, T := k.r, k.B, k.T
	E, GE := r.E, r.G*r.E
	if n0 := max(i0, 2*E); k.scaleN && n0 < i1 { // dgh's n block: dpre's (dn) times r, in place
		for b := 0; b < B; b++ {
			m := b*T + t
			dp, rr := r.dpre[m*GE+n0:m*GE+i1], r.gates[m*GE+n0-2*E:m*GE+i1-2*E]
			for j := range dp {
				dp[j] *= rr[j]
			}
		}
	}
	if k.bias {
		for b := 0; b < B; b++ {
			m := b*T + t
			addRow(r.bhh.Grad[i0:i1], r.dpre[m*GE+i0:m*GE+i1])
		}
	}
}
