package models

import "rnnbench/internal/tensor"

// bySeq is hiddenGrad's task for rows [i0, i1) of W_hh with OpenBLAS
// (hiddenT): one sequence b at a time, its rows of dpre (contiguous,
// stride G·E) in order of t — the GRU's n block made dn·r, db_hh[i0:i1]
// += their sum (colSums), and then
//
//	dW_hh[i0:i1] += dgh[b, 1:T, i0:i1]ᵀ·h[b, 0:T−1]   ([i1−i0, T−1]×[T−1, E])
//
// as one product, row t of dgh paired with row t−1 of h by an offset, while
// the sequence's rows are still in cache. Run's loop instead takes one
// product per step with only B terms (K = B, 8 or 16), which OpenBLAS ran
// at a small fraction of its speed (12% of the LSTM's table step, B=16,
// T=1024, E=64, pprof on a loaded machine), and walks the B rows of a step,
// T·G·E apart, for the elementwise work, which at 2 cores waits on memory.
// The sums over t and b now run in OpenBLAS's order for K = T−1 and in
// colSums' order, then over b in order: other last bits, fixed by B, T, E
// and the row tasks (G·E), the same at any GOMAXPROCS. gonum keeps Run's
// loop and its bits.
func (k hiddenGrad[F]) bySeq(i0, i1 int) {
	r, B, T := k.r, k.B, k.T
	E, GE := r.E, r.G*r.E
	for b := 0; b < B; b++ {
		m0 := b * T
		if k.scaleN {
			for m := m0; m < m0+T; m++ {
				k.scaleRow(m, i0, i1)
			}
		}
		if k.bias {
			colSums(r.bhh.Grad[i0:i1], r.dpre[m0*GE+i0:], T, GE)
		}
		if T > 1 {
			tensor.Gemm(true, false, i1-i0, E, T-1, 1, r.dpre[(m0+1)*GE+i0:], GE, r.h[m0*E:], E, 1, r.whh.Grad[i0*E:], E)
		}
	}
}

// stepRows is hiddenGrad's elementwise work of step t on columns [i0, i1)
// of dpre: with scaleN, dgh's n block (dn·r, in place) of the B rows;
// with bias, db_hh[i0:i1] += those rows in order of b.
func (k hiddenGrad[F]) stepRows(t, i0, i1 int) {
	r, B, T := k.r, k.B, k.T
	GE := r.G * r.E
	if k.scaleN {
		for b := 0; b < B; b++ {
			k.scaleRow(b*T+t, i0, i1)
		}
	}
	if k.bias {
		for b := 0; b < B; b++ {
			m := b*T + t
			addRow(r.bhh.Grad[i0:i1], r.dpre[m*GE+i0:m*GE+i1])
		}
	}
}

// scaleRow makes the GRU's dgh n block of token m, columns [max(i0, 2E),
// i1) of dpre (which hold dn), dn·r in place.
func (k hiddenGrad[F]) scaleRow(m, i0, i1 int) {
	r := k.r
	E, GE := r.E, r.G*r.E
	if n0 := max(i0, 2*E); n0 < i1 {
		dp, rr := r.dpre[m*GE+n0:m*GE+i1], r.gates[m*GE+n0-2*E:m*GE+i1-2*E]
		for j := range dp {
			dp[j] *= rr[j]
		}
	}
}

// colSums adds to dst: [n] the sums over the M rows of x (row i at x[i·ld:],
// n columns): in float32 whole blocks of 16 columns by tensor.ColSum16_32
// (each column summed over the rows in order from 0, then added to dst),
// the other columns (and float64) row by row in order.
func colSums[F tensor.Float](dst, x []F, M, ld int) {
	n := len(dst)
	c := 0
	if tensor.Is32[F]() && M > 0 {
		d32, x32 := as32(dst), as32(x[:(M-1)*ld+n])
		for ; c+16 <= n; c += 16 {
			tensor.ColSum16_32((*[16]float32)(d32[c:c+16]), x32[c:], M, ld)
		}
	}
	for i := 0; i < M && c < n; i++ {
		addRow(dst[c:], x[i*ld+c:i*ld+n])
	}
}
