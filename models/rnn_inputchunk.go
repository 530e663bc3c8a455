package models

import "rnnbench/internal/tensor"

// The input projection of GRU and LSTM runs inside the forward time loop,
// chunk by chunk: each group of sequences (seqLoop), at the first step t0
// of a chunk of steps [t0, t1) (inChunk steps, chunkEnd), writes the input
// side of its rows for those steps:
//
//	gates[b, t0:t1] = bias + x[b, t0:t1]·W_ihᵀ   ([t1−t0, D]×[D, G·E] per sequence b)
//
// with bias = b_ih (GRU) or b_ih + b_hh (LSTM). Before, Forward filled all
// B·T rows of gates with the bias and then took one [B·T, D]×[D, G·E]
// product over them: two passes over gates ([B, T, G·E], 50 MB for the GRU
// at B = 8, T = 4096, E = 128) before the time loop's own, all from and to
// DRAM, which on two cores share the memory bus: that phase, 13–18 ms of
// a 180–370 ms step, took about as long at GOMAXPROCS 2 as at 1 (loaded
// machine, timers around each phase, thrown away). Now the
// chunk's rows are written while they are in cache and read by the time
// loop a few steps later, and the product runs on the two groups' cores.
//
// Bits. Each row of gates is the same bias row plus the same product row:
// gonum computes every row of C = A·Bᵀ the same way whatever the other
// rows (float.go, gonumTiling), so the default build keeps every bit.
// With OpenBLAS the product is now one call per sequence and chunk (M =
// inChunk rows) instead of tiles of B·T/16 rows; the rows come out the
// same at the sizes checked (TestRNNInputChunksMatchWhole), and in any case
// are fixed by B, T, D and E, the same at any GOMAXPROCS. Likewise Backward
// takes dx = dpre·W_ih in the loop by the same chunks (inputGrad).

// inChunk is the steps per chunk of the input projection: 64 rows of a
// sequence ([64, G·E], 96 KB for the GRU at E = 128), 4 sequences a group
// at the sweep's B = 8, stay in L2 until the loop reads them.
const inChunk = 64

// chunkEnd returns the end of the chunk of steps that starts at t, or t
// when none starts there: chunks of inChunk steps from 0, the last one
// taking the rest (up to 2·inChunk − 1 steps), so that no product has a
// short tail of rows — OpenBLAS runs products with few rows through other
// kernels, which may sum in another order.
func chunkEnd(t, T int) int {
	n := max(1, T/inChunk) // chunks
	switch {
	case t%inChunk != 0 || t/inChunk >= n:
		return t
	case t/inChunk == n-1:
		return T
	}
	return t + inChunk
}

// inputRows writes the input side of sequences [lo, hi) at steps [t0, t1)
// into gates: each row the bias (biasRow), then += x·W_ihᵀ.
// x: [B, T, D]; gates: [B, T, G·E].
func (k seqLoop[F, R]) inputRows(t0, t1, lo, hi int) {
	c, T := k.c, k.T
	D, GE := c.D, c.G*c.E
	for b := lo; b < hi; b++ {
		m0 := b*T + t0
		for m := m0; m < m0+t1-t0; m++ {
			k.r.biasRow(c.gates[m*GE : (m+1)*GE])
		}
		tensor.Gemm(false, true, t1-t0, GE, D, 1, k.x[m0*D:], D, c.wih.Data, D, 1, c.gates[m0*GE:], GE)
	}
}

// inputGrad accumulates dx of sequences [lo, hi) at steps [t0, t1) from
// their rows of dpre, which the backward loop has just written:
// dx[b, t0:t1] += dpre[b, t0:t1]·W_ih   ([t1−t0, G·E]×[G·E, D] per sequence b).
// Before, one [B·T, G·E]×[G·E, D] product after the loop read all of dpre
// back from DRAM. Each row of dx is the same product row as before (gonum:
// every bit; OpenBLAS: TestRNNInputChunksMatchWhole).
func (k seqLoop[F, R]) inputGrad(t0, t1, lo, hi int) {
	c, T := k.c, k.T
	D, GE := c.D, c.G*c.E
	for b := lo; b < hi; b++ {
		m0 := b*T + t0
		tensor.Gemm(false, false, t1-t0, D, GE, 1, c.dpre[m0*GE:], GE, c.wih.Data, D, 1, k.dx[m0*D:], D)
	}
}
