package models

import "rnnbench/internal/tensor"

// blockedSlots returns how many (b, h) workspaces of blk·(T+attnPanelPad)
// elements of m.ds the blocked passes (T > attnBlockMinT) use: one per
// pair where the scratch (sized by Alloc) allows. A pair's bits do not
// depend on the slot it runs in.
func (m *Attention[F]) blockedSlots(B, T, blk int) int {
	return min(B*m.H, len(m.ds)/(blk*(T+attnPanelPad)))
}

// forwardSlotsBlocked is forwardHeads for sequences longer than one block
// (attnBlockSize(T) = blk < T), over workspace slots [lo, hi): slot s serves
// the pairs s, s+slots, …, with blk·(T+attnPanelPad) elements of m.ds (free
// during Forward) as its workspace. Each block of query rows [r0, r1) runs
// the calls that would compute it in its P panel — scores, softmax, P·v,
// same shapes and row stride, hence the same bits — but on the workspace, which stays in the
// core's cache, and stores each row into the block's P panel (kept for
// Backward) as soon as its softmax is done, with one write per element
// (storeRow).
//
// Why: P at T = 4096 is 32 MiB per pair (half of [T, T]), 1 GiB for the
// sweep's 32 pairs, far beyond the last-level cache. Computed in place, its
// lines came from memory for the score product's C (OpenBLAS clears C for
// beta = 0, then adds), went back and forth through the softmax and the
// packing of P·v's operand while other lines of the block were being
// evicted: the forward's score product took 2.6× the CPU time of the
// backward's product of the same shape (dO·vᵀ into a cached workspace), and
// more at two cores, where both cores wait on the same memory.
func (m *Attention[F]) forwardSlotsBlocked(B, T, blk, slots, lo, hi int) {
	D, Dh, ld := m.D, m.Dh, 3*m.D
	for slot := lo; slot < hi; slot++ {
		ws := m.ds[slot*blk*(T+attnPanelPad) : (slot+1)*blk*(T+attnPanelPad)] // one row block, laid out as its P panel
		for bh := slot; bh < B*m.H; bh += slots {
			q, k, v, p, out := m.pairForward(bh, T) // rows t·3D, [T, Dh]; P in panels; o rows t·D, [T, Dh]
			for r0 := 0; r0 < T; r0 += blk {
				r1 := min(T, r0+blk)
				pb, ldp := attnPanel(p, T, blk, r0) // [r1−r0, r1], row stride ldp
				s := ws[:(r1-r0)*ldp]               // [r1−r0, r1], row stride ldp
				tensor.Gemm(false, true, r1-r0, r1, Dh, m.scale, q[r0*ld:], ld, k, ld, 0, s, ldp)
				for i := 0; i < r1-r0; i++ {
					row := s[i*ldp : i*ldp+r1]
					softmaxPrefix(row, r0+i+1)
					storeRow(pb[i*ldp:i*ldp+r1], row)
				}
				tensor.Gemm(false, false, r1-r0, Dh, r1, 1, s, ldp, v, ld, 0, out[r0*D:], D)
			}
		}
	}
}

// storeRow copies src to dst (same length). In float32 with the assembly
// kernels on (useAVX) it uses non-temporal stores (streamCopy32): P's lines
// are written without first being read from memory (half the memory
// traffic of copy) and without evicting the workspace; each call ends with an SFENCE (so the row is
// visible to the other core before the loop's end is), and Backward reads
// the rows long after.
func storeRow[F tensor.Float](dst, src []F) {
	if len(src) == 0 {
		return
	}
	dst = dst[:len(src)]
	if useAVX[F]() {
		streamCopy32(&as32(dst)[0], &as32(src)[0], len(src))
		return
	}
	copy(dst, src)
}
