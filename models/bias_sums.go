package models

import "rnnbench/internal/tensor"

// blocks16 is the fast path of biasSums.Run (float32): it sums the M rows
// of dpre over columns [c0, c1) in whole blocks of 16 with the vector
// column sum (tensor.ColSum16_32: each column summed over the rows in
// order, from 0), as long as the block of db_ih (and of db_hh, with both)
// is still 0, and returns the first column it did not take, which
// Run's row-by-row loop then takes. From a gradient of exactly 0 the sum
// 0 + x_0 + x_1 + … is the same number whether it runs in the gradient
// itself (Run's loop) or in a register that is then added to 0, so the
// bits are those of the loop; the LSTM's db_ih and db_hh, the same sum,
// take it from one pass. Before, the LSTM's pass (two axpys of 64 per row
// and task) took 13% of its table step (pprof, B=16, T=1024, loaded
// machine).
func (k biasSums[F]) blocks16(c0, c1 int) int {
	if !tensor.Is32[F]() || k.M == 0 {
		return c0
	}
	r := k.r
	GE := r.G * r.E
	dpre := as32(r.dpre[:k.M*GE])
	bi, bh := as32(r.bih.Grad), as32(r.bhh.Grad)
	for ; c0+16 <= c1; c0 += 16 {
		if !zero16(bi[c0:c0+16]) || (k.both && !zero16(bh[c0:c0+16])) {
			return c0
		}
		var s [16]float32 // Σ_m dpre[m, c0:c0+16], from 0
		tensor.ColSum16_32(&s, dpre[c0:(k.M-1)*GE+c0+16], k.M, GE)
		copy(bi[c0:c0+16], s[:])
		if k.both {
			copy(bh[c0:c0+16], s[:])
		}
	}
	return c0
}

// zero16 reports whether every element of x is +0 (the bits of a cleared
// gradient; a −0 would not give the same sums, so it does not count).
func zero16(x []float32) bool {
	for _, v := range x {
		if v != 0 || signbit32(v) {
			return false
		}
	}
	return true
}

// signbit32 reports whether v's sign bit is set.
func signbit32(v float32) bool { return v < 0 || 1/v < 0 }
