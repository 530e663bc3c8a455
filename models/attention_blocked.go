package models

import "rnnbench/internal/tensor"

// backwardSlotsBlocked is backwardSlots for sequences longer than one
// block (attnBlockSize(T) = blk < T). Slot s serves the (b, h) pairs s,
// s+slots, …, with blk·(T+attnPanelPad) elements of m.ds as its workspace
// (dS of one block of rows, laid out as P's panel, see attnPanel). Each block of
// query rows [r0, r1) is finished while its rows of P and dS are in cache:
//
//	dP = dO_r·vᵀ, dS (softmax backward), dq_r = dS·k/√Dh   (as backwardSlots)
//	dv[0:r1] += P_rᵀ·dO_r,  dk[0:r1] += dS_rᵀ·q_r/√Dh       (accumulated over row blocks, in order)
//
// instead of a second pass over the columns of the whole [T, T] P and dS
// (which at T = 4096 are 64 MiB per pair, twice the last-level cache, and
// went through memory twice more). The sums over rows for dv and dk are
// split at the block boundaries, in a fixed order, so the result is the
// same at any GOMAXPROCS; it differs from the one-call column sums in
// rounding only.
func (m *Attention[F]) backwardSlotsBlocked(B, T, blk, slots, lo, hi int) {
	D, Dh, H, ld := m.D, m.Dh, m.H, 3*m.D
	for slot := lo; slot < hi; slot++ {
		ws := m.ds[slot*blk*(T+attnPanelPad) : (slot+1)*blk*(T+attnPanelPad)] // dS of one row block, laid out as its P panel
		for bh := slot; bh < B*H; bh += slots {
			q, k, v, dq, dk, dv, do, p := m.pairBackward(bh, T)
			for r0 := 0; r0 < T; r0 += blk {
				r1 := min(T, r0+blk)
				pb, ldp := attnPanel(p, T, blk, r0) // [r1−r0, r1], row stride ldp
				ds := ws[:(r1-r0)*ldp]              // [r1−r0, r1], row stride ldp
				tensor.Gemm(false, true, r1-r0, r1, Dh, 1, do[r0*D:], D, v, ld, 0, ds, ldp)
				for i := 0; i < r1-r0; i++ {
					n := r0 + i + 1 // causal prefix of row r0+i
					dr := ds[i*ldp : i*ldp+r1]
					softmaxBackward(dr[:n], pb[i*ldp:i*ldp+n])
					clear(dr[n:])
				}
				tensor.Gemm(false, false, r1-r0, Dh, r1, m.scale, ds, ldp, k, ld, 0, dq[r0*ld:], ld)
				for t := r0; t < r1; t++ { // rows new to dv, dk
					clear(dv[t*ld : t*ld+Dh])
					clear(dk[t*ld : t*ld+Dh])
				}
				tensor.Gemm(true, false, r1, Dh, r1-r0, 1, pb, ldp, do[r0*D:], D, 1, dv, ld)
				tensor.Gemm(true, false, r1, Dh, r1-r0, m.scale, ds, ldp, q[r0*ld:], ld, 1, dk, ld)
			}
			for t := 0; t < T; t++ {
				m.rope.unrotate(dq[t*ld:], t)
				m.rope.unrotate(dk[t*ld:], t)
			}
		}
	}
}
