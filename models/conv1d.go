package models

import "rnnbench/internal/tensor"

// Causal depthwise 1-D convolution, the short convolution in front of the
// selective scan in Mamba's block (Gu & Dao 2023, §3.4 and Figure 3; the
// official code's nn.Conv1d(E, E, K, groups=E, padding=K−1) truncated to the
// first T outputs). Channels are last: x: [B, T, ·], as produced by in_proj.
//
//	y[b, t, e] = bias[e] + Σ_{k=0}^{K−1} w[e, k] · x[b, t−(K−1)+k, e],
//
// with x at negative times taken as 0, so y at t depends on x at t−K+1..t
// only. This equals PyTorch's F.conv1d(x, w, bias, padding=K−1,
// groups=E)[..., :T] on channels-first x (PyTorch's conv is a
// cross-correlation, so w[e, K−1] multiplies the current token).
// Cost: 2·K·E FLOPs per token forward.

// convGrainE returns the number of channels one task of the weight
// gradient handles: half of them (in whole cache lines of float32), so that
// each of two cores reads one contiguous span per row rather than taking
// turns over 16-channel strips. Every channel's sums are taken by one task
// in a fixed order whatever the split, so the results do not depend on it
// or on GOMAXPROCS.
func convGrainE(E int) int { return max(16, (E/2+15)/16*16) }

// convAccE and convAccK bound the block of channels (and the taps) whose
// weight-gradient sums conv1dWeightGradChannels keeps in local
// accumulators; wider tasks run in blocks, longer kernels without them.
const convAccE, convAccK = 128, 8

// conv1dForward computes y (overwritten) from x.
// y: [B, T, E] packed; x: [B, T, ldx] with the E channels at [0, E) of each
// row (ldx ≥ E lets it read the x half of in_proj's output directly);
// w: [E, K]; bias: [E]. It panics if a slice is too short.
func conv1dForward[F tensor.Float](y, x []F, ldx int, w, bias []F, B, T, E, K int) {
	if len(y) < B*T*E || len(x) < (B*T-1)*ldx+E || len(w) < E*K || len(bias) < E || ldx < E {
		panic("models: conv1dForward shape mismatch")
	}
	tensor.ForWith(B*T, 8, convFwdKernel[F]{y, x, ldx, w, bias, T, E, K})
}

// convFwdKernel, convRowsKernel and convWeightKernel are the parallel
// passes of conv1dForward and conv1dBackward as tensor.ForWith kernels
// (their arguments by value: no closure to allocate on every call).
type (
	convFwdKernel[F tensor.Float] struct {
		y, x    []F
		ldx     int
		w, bias []F
		T, E, K int
	}
	convRowsKernel[F tensor.Float] struct {
		dx      []F
		ldx     int
		dy, w   []F
		T, E, K int
	}
	convWeightKernel[F tensor.Float] struct {
		dy, x      []F
		ldx        int
		dw, db     []F
		B, T, E, K int
	}
)

func (k convFwdKernel[F]) Run(lo, hi int) {
	conv1dForwardRows(k.y, k.x, k.ldx, k.w, k.bias, k.T, k.E, k.K, lo, hi)
}

func (k convRowsKernel[F]) Run(lo, hi int) {
	conv1dBackwardRows(k.dx, k.ldx, k.dy, k.w, k.T, k.E, k.K, lo, hi)
}

func (k convWeightKernel[F]) Run(lo, hi int) {
	conv1dWeightGradChannels(k.dy, k.x, k.ldx, k.dw, k.db, k.B, k.T, k.E, k.K, lo, hi)
}

// conv1dForwardRows computes rows [lo, hi) of B·T of conv1dForward.
func conv1dForwardRows[F tensor.Float](y, x []F, ldx int, w, bias []F, T, E, K, lo, hi int) {
	for row := lo; row < hi; row++ {
		t := row % T
		yr := y[row*E : (row+1)*E]
		copy(yr, bias[:E])
		// Tap k reads time t−(K−1)+k, i.e. row offset −(K−1)+k.
		for k := max(0, K-1-t); k < K; k++ {
			xr := x[(row-(K-1)+k)*ldx:]
			for e := range yr {
				yr[e] += w[e*K+k] * xr[e]
			}
		}
	}
}

// conv1dBackward accumulates dx += ∂L/∂x, dw += ∂L/∂w and db += ∂L/∂bias
// given dy = ∂L/∂y. dx: [B, T, ldx] (channels at [0, E) of each row);
// dy: [B, T, E] packed; x: [B, T, ldx] as in the forward; w, dw: [E, K];
// db: [E]. It runs dx in parallel over rows (conv1dBackwardRows) and dw, db
// in parallel over channels (conv1dWeightGradChannels), every sum taken in
// the order of the one-loop form (rows in order, taps in order), so the
// bits do not depend on GOMAXPROCS. It panics if a slice is too short.
func conv1dBackward[F tensor.Float](dx []F, ldx int, dy, x, w, dw, db []F, B, T, E, K int) {
	if len(dy) < B*T*E || len(x) < (B*T-1)*ldx+E || len(dx) < (B*T-1)*ldx+E ||
		len(w) < E*K || len(dw) < E*K || len(db) < E || ldx < E {
		panic("models: conv1dBackward shape mismatch")
	}
	tensor.ForWith(B*T, 8, convRowsKernel[F]{dx, ldx, dy, w, T, E, K})
	tensor.ForWith(E, convGrainE(E), convWeightKernel[F]{dy, x, ldx, dw, db, B, T, E, K})
}

// conv1dBackwardRows adds ∂L/∂x to rows [lo, hi) of B·T of dx: row s
// gathers w[e, K−1−j]·dy[s+j, e] for j = 0, 1, … within its sequence, the
// order in which a loop over output rows would scatter them. Each task
// writes its own rows of dx only.
func conv1dBackwardRows[F tensor.Float](dx []F, ldx int, dy, w []F, T, E, K, lo, hi int) {
	for s := lo; s < hi; s++ {
		t := s % T
		dxr := dx[s*ldx : s*ldx+E]
		for j := 0; j < K && t+j < T; j++ {
			k := K - 1 - j
			dyr := dy[(s+j)*E : (s+j+1)*E]
			for e := range dxr {
				dxr[e] += w[e*K+k] * dyr[e]
			}
		}
	}
}

// conv1dWeightGradChannels adds ∂L/∂w and ∂L/∂bias for channels [lo, hi):
// each sum over (b, t) in row order, kept in local accumulators for blocks
// of up to convAccE channels and stored once, so that the tasks of the two
// cores write their neighbouring gradients only at the end (no line of dw
// or db bounces between them on every row).
func conv1dWeightGradChannels[F tensor.Float](dy, x []F, ldx int, dw, db []F, B, T, E, K, lo, hi int) {
	if K > convAccK {
		conv1dWeightGradDirect(dy, x, ldx, dw, db, B, T, E, K, lo, hi)
		return
	}
	var accW [convAccE * convAccK]F
	var accB [convAccE]F
	for c0 := lo; c0 < hi; c0 += convAccE {
		c1 := min(hi, c0+convAccE)
		n := c1 - c0
		aw, ab := accW[:n*K], accB[:n]
		copy(aw, dw[c0*K:c1*K])
		copy(ab, db[c0:c1])
		for b := 0; b < B; b++ {
			for t := 0; t < T; t++ {
				row := b*T + t
				dyr := dy[row*E+c0 : row*E+c1]
				for i, g := range dyr {
					ab[i] += g
				}
				for k := max(0, K-1-t); k < K; k++ {
					xr := x[(row-(K-1)+k)*ldx+c0:]
					for i, g := range dyr {
						aw[i*K+k] += g * xr[i]
					}
				}
			}
		}
		copy(dw[c0*K:c1*K], aw)
		copy(db[c0:c1], ab)
	}
}

// conv1dWeightGradDirect is conv1dWeightGradChannels for K > convAccK,
// summing straight into dw and db in the same order.
func conv1dWeightGradDirect[F tensor.Float](dy, x []F, ldx int, dw, db []F, B, T, E, K, lo, hi int) {
	for b := 0; b < B; b++ {
		for t := 0; t < T; t++ {
			row := b*T + t
			dyr := dy[row*E : (row+1)*E]
			for e := lo; e < hi; e++ {
				db[e] += dyr[e]
			}
			for k := max(0, K-1-t); k < K; k++ {
				src := (row - (K - 1) + k) * ldx
				for e := lo; e < hi; e++ {
					dw[e*K+k] += dyr[e] * x[src+e]
				}
			}
		}
	}
}
