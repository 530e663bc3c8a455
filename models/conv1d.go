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

// convGrainE is the number of channels one task of the backward handles;
// every channel's weight gradient is summed by one task in a fixed order, so
// the results do not depend on GOMAXPROCS.
const convGrainE = 16

// conv1dForward computes y (overwritten) from x.
// y: [B, T, E] packed; x: [B, T, ldx] with the E channels at [0, E) of each
// row (ldx ≥ E lets it read the x half of in_proj's output directly);
// w: [E, K]; bias: [E]. It panics if a slice is too short.
func conv1dForward[F tensor.Float](y, x []F, ldx int, w, bias []F, B, T, E, K int) {
	if len(y) < B*T*E || len(x) < (B*T-1)*ldx+E || len(w) < E*K || len(bias) < E || ldx < E {
		panic("models: conv1dForward shape mismatch")
	}
	tensor.For(B*T, 8, func(lo, hi int) { conv1dForwardRows(y, x, ldx, w, bias, T, E, K, lo, hi) })
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
// db: [E]. It runs in parallel over channels, each channel's sums over
// (b, t) taken sequentially. It panics if a slice is too short.
func conv1dBackward[F tensor.Float](dx []F, ldx int, dy, x, w, dw, db []F, B, T, E, K int) {
	if len(dy) < B*T*E || len(x) < (B*T-1)*ldx+E || len(dx) < (B*T-1)*ldx+E ||
		len(w) < E*K || len(dw) < E*K || len(db) < E || ldx < E {
		panic("models: conv1dBackward shape mismatch")
	}
	tensor.For(E, convGrainE, func(lo, hi int) { conv1dBackwardChannels(dx, ldx, dy, x, w, dw, db, B, T, E, K, lo, hi) })
}

// conv1dBackwardChannels computes channels [lo, hi) of conv1dBackward.
func conv1dBackwardChannels[F tensor.Float](dx []F, ldx int, dy, x, w, dw, db []F, B, T, E, K, lo, hi int) {
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
					g := dyr[e]
					dw[e*K+k] += g * x[src+e]
					dx[src+e] += w[e*K+k] * g
				}
			}
		}
	}
}
