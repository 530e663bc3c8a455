package models

import (
	"math"

	"rnnbench/internal/tensor"
)

// Scan kernels for the first-order linear recurrence
//
//	h_t = a_t ⊙ h_{t−1} + b_t,  h_{−1} = 0,  t = 0..T−1,
//
// over tensors of shape [B, T, E]: each (b, e) pair is an independent
// channel c = b·E + e, whose values sit at stride E. Every kernel works on
// the channels [lo, hi) of the B·E, so a caller parallelises it with
// tensor.For(B·E, scanTile, body) and the result does not depend on the
// chunking. Channels are walked in tiles of up to scanTile neighbours of
// the same b, time outer and channel inner, so each row of E values is read
// contiguously; running values are kept in float64 locals. Backward
// kernels overwrite the gate gradients (the linear and log-space ones store
// 0 + v, bit for bit what clearing and accumulating gave), so the caller
// needs no clearing pass.

// scanTile is the number of neighbouring channels a kernel advances
// together through time (also the natural tensor.For grain).
const scanTile = 16

// scanTileAt returns the tile starting at channel c: its batch row b, first
// channel e0 and width w ≤ scanTile, not crossing E or hi.
func scanTileAt(c, E, hi int) (b, e0, w int) {
	b, e0 = c/E, c%E
	return b, e0, min(scanTile, E-e0, hi-c)
}

// linearScanRange runs h_t = a_t·h_{t−1} + b_t in linear space for the
// channels [lo, hi): a, b: [B, T, E] (any sign); h: [B, T, E] is
// overwritten. This is the plain O(T) scan with one multiply-add per
// element (in float32 an AVX2 kernel over 8 channels at a time, carrying
// h in float32; otherwise carried in float64).
func linearScanRange[F tensor.Float](h, a, b []F, T, E, lo, hi int) {
	if useAVX[F]() && T > 0 {
		for c := lo; c < hi; {
			bi, e0, w := scanTileAt(c, E, hi)
			for j := 0; j < w; j += 8 {
				i := bi*T*E + e0 + j
				linScanFwdAVX(f32(h, i), f32(a, i), f32(b, i), T, 4*E, min(8, w-j))
			}
			c += w
		}
		return
	}
	for c := lo; c < hi; {
		bi, e0, w := scanTileAt(c, E, hi)
		var hc [scanTile]float64
		for t := 0; t < T; t++ {
			i := (bi*T+t)*E + e0
			at, bt, ht := a[i:i+w], b[i:i+w], h[i:i+w]
			for j := range ht {
				hc[j] = float64(at[j])*hc[j] + float64(bt[j])
				ht[j] = F(hc[j])
			}
		}
		c += w
	}
}

// linearScanBackwardRange is the exact backward of linearScanRange for the
// channels [lo, hi). With g_t = ∂L/∂h_t (total) = dh_t + a_{t+1}·g_{t+1}:
//
//	da_t = g_t·h_{t−1},  db_t = g_t.
//
// dh: [B, T, E] is the gradient from outside the recurrence; a and h are
// the forward's inputs and output. da and db are overwritten, each value
// stored as 0 + v: bit for bit what clearing them and accumulating gave (a
// −0 reads +0), without the clearing pass.
func linearScanBackwardRange[F tensor.Float](da, db, dh, a, h []F, T, E, lo, hi int) {
	if useAVX[F]() && T > 0 {
		for c := lo; c < hi; {
			bi, e0, w := scanTileAt(c, E, hi)
			for j := 0; j < w; j += 8 {
				i := bi*T*E + e0 + j
				linScanBwdAVX(f32(da, i), f32(db, i), f32(dh, i), f32(a, i), f32(h, i), T, 4*E, min(8, w-j))
			}
			c += w
		}
		return
	}
	for c := lo; c < hi; {
		bi, e0, w := scanTileAt(c, E, hi)
		var carry [scanTile]float64 // a_{t+1}·g_{t+1}
		for t := T - 1; t >= 0; t-- {
			i := (bi*T+t)*E + e0
			for j := 0; j < w; j++ {
				g := float64(dh[i+j]) + carry[j]
				hp := 0.0
				if t > 0 {
					hp = float64(h[i+j-E])
				}
				da[i+j] = 0 + F(g*hp)
				db[i+j] = 0 + F(g)
				carry[j] = float64(a[i+j]) * g
			}
		}
		c += w
	}
}

// logScanRange runs the recurrence in log space for the channels [lo, hi),
// by Heinsen's (2023, arXiv 2311.06281) parallel-scan form, which Feng et
// al. (2024, arXiv 2410.01201, §3 and the appendix's log-space code) use
// to train minGRU and minLSTM:
//
//	a*_t = Σ_{s≤t} log a_s                                 (cumsum)
//	log h_t = a*_t + logcumsumexp_{s≤t}(log b_s − a*_s)    (logcumsumexp)
//
// loga, logb: [B, T, E] hold log a and log b (finite; a, b > 0). logh:
// [B, T, E] receives log h and h: [B, T, E] receives exp(log h). Both
// prefix operations run as running quantities in one pass over t: the sum
// a* (in float64, never rounded to F), and the running maximum m and sum
// S = Σ exp(u_s − m) of u_s = log b_s − a*_s, so no exponential overflows
// for any finite inputs (e.g. pre-activations of ±1e4, where a* reaches
// −1e4·T). The price of the form: a* and u grow like T·|log a|, so the
// absolute rounding error of log h is about ulp(|a*_T|) in float64 (1e-12
// when |a*| ~ 1e4); in float32 the result is rounded once at the end.
// In float32 with AVX2 the loop runs over 8 channels at a time
// (logScanFwdAVX, same arithmetic, float32 transcendentals).
func logScanRange[F tensor.Float](logh, h, loga, logb []F, T, E, lo, hi int) {
	if useAVX[F]() && T > 0 {
		for c := lo; c < hi; {
			bi, e0, w := scanTileAt(c, E, hi)
			for j := 0; j < w; j += 8 {
				i := bi*T*E + e0 + j
				logScanFwdAVX(f32(logh, i), f32(h, i), f32(loga, i), f32(logb, i), T, 4*E, min(8, w-j))
			}
			c += w
		}
		return
	}
	for c := lo; c < hi; {
		bi, e0, w := scanTileAt(c, E, hi)
		var acc [scanTile]float64  // a*_t
		var m, s [scanTile]float64 // running max of u and Σ exp(u − m)
		for j := range w {
			m[j] = math.Inf(-1)
		}
		for t := 0; t < T; t++ {
			i := (bi*T+t)*E + e0
			la, lb, lh, ht := loga[i:i+w], logb[i:i+w], logh[i:i+w], h[i:i+w]
			for j := range lh {
				acc[j] += float64(la[j])
				as := acc[j]
				u := float64(lb[j]) - as
				if u > m[j] {
					s[j] = s[j]*tensor.ExpAt[F](m[j]-u) + 1
					m[j] = u
				} else {
					s[j] += tensor.ExpAt[F](u - m[j])
				}
				l := as + m[j] + tensor.LogAt[F](s[j])
				lh[j] = F(l)
				ht[j] = F(tensor.ExpAt[F](l))
			}
		}
		c += w
	}
}

// logScanBackwardRange is the exact backward of logScanRange for the
// channels [lo, hi), derived through its operations. With ℓ = log h,
// L_t = logcumsumexp_{s≤t} u_s = ℓ_t − a*_t and u_s = log b_s − a*_s:
//
//	dℓ_t = dh_t·h_t                                   (h = exp ℓ)
//	du_s = Σ_{t≥s} dℓ_t·exp(u_s − L_t)                (logcumsumexp)
//	da*_s = dℓ_s − du_s,  dlog b_s = du_s
//	dlog a_r = Σ_{s≥r} da*_s                          (cumsum)
//
// The sums run backwards as du_s = exp(u_s − L_s)·q_s with
// q_s = dℓ_s + ρ_{s+1}·q_{s+1}, ρ_{s+1} = exp(L_s − L_{s+1}); rewritten in
// forward quantities u_s − L_s = log b_s − ℓ_s and L_s − L_{s+1} =
// ℓ_s + log a_{s+1} − ℓ_{s+1}, both ≤ 0, so no large a* appears and nothing
// overflows. The reverse cumsum of da* telescopes (using
// ℓ_r = log(exp(log a_r + ℓ_{r−1}) + exp(log b_r)), which the forward
// computes) to dlog a_r = ρ_r·q_r, dlog a_0 = 0; this closed form is used
// instead of summing O(T) terms of size |dℓ| whose result can be tiny
// (saturated gates), which would leave rounding noise of order ulp·T·|dℓ|.
// In linear terms q_s = g_s·h_s, du_s = b_s·g_s and dlog a_s =
// a_s·h_{s−1}·g_s: linearScanBackwardRange's results times b and a.
//
// dh: [B, T, E] is the gradient from outside the recurrence; loga, logb,
// logh, h: [B, T, E] are the forward's inputs and outputs. dloga and dlogb
// are overwritten (dlog a_0 = 0), each value stored as 0 + v as in
// linearScanBackwardRange.
func logScanBackwardRange[F tensor.Float](dloga, dlogb, dh, loga, logb, logh, h []F, T, E, lo, hi int) {
	if useAVX[F]() && T > 0 {
		for c := lo; c < hi; {
			bi, e0, w := scanTileAt(c, E, hi)
			for j := 0; j < w; j += 8 {
				i := bi*T*E + e0 + j
				logScanBwdAVX(f32(dloga, i), f32(dlogb, i), f32(dh, i), f32(loga, i), f32(logb, i), f32(logh, i), f32(h, i), T, 4*E, min(8, w-j))
			}
			c += w
		}
		return
	}
	for c := lo; c < hi; {
		bi, e0, w := scanTileAt(c, E, hi)
		var q, lNext, laNext [scanTile]float64 // q_{t+1}, ℓ_{t+1}, log a_{t+1}
		for t := T - 1; t >= 0; t-- {
			i := (bi*T+t)*E + e0
			for j := 0; j < w; j++ {
				l := float64(logh[i+j])
				dl := float64(dh[i+j]) * float64(h[i+j])
				if t == T-1 {
					q[j] = dl
				} else {
					rho := tensor.ExpAt[F](l + laNext[j] - lNext[j])
					dloga[i+j+E] = 0 + F(rho*q[j])
					q[j] = dl + rho*q[j]
				}
				dlogb[i+j] = 0 + F(tensor.ExpAt[F](float64(logb[i+j])-l)*q[j])
				lNext[j], laNext[j] = l, float64(loga[i+j])
			}
		}
		clear(dloga[bi*T*E+e0:][:w]) // dlog a_0
		c += w
	}
}

// The chunked scan: the same recurrence h_t = a_t·h_{t−1} + b_t, with T cut
// into chunks of L steps (chunkSize) so that the work is parallel over
// (channel tile, chunk) pairs, not only over channels:
//
//  1. chunkScanLocal: each chunk scans from h = 0 (its local h, written to
//     h) and multiplies its a's, P_k = Π_{t∈k} a_t;
//  2. chunkScanCarry: per channel, in chunk order, the true h entering
//     chunk k: H_k = h_local(end of k−1) + P_{k−1}·H_{k−1}, H_0 = 0;
//  3. chunkScanFix: each chunk adds P_t·H_k to its local h, P_t the
//     running product of its a's up to t.
//
// Backward runs the reverse recurrence g_t = dh_t + a_{t+1}·g_{t+1} the
// same way (chunks scanned from their ends, carries propagated backwards,
// fix-up), then da_t = g_t·h_{t−1} and db_t = g_t. Work is about 2× the
// sequential scan; a GPU's parallel scan pays the same for its
// parallelism over t. Carries and products live in [B, maxChunks, E].

// maxChunks bounds the number of chunks of the chunked scan.
const maxChunks = 8

// chunkSize returns the chunk length L = max(4, ⌈T/8⌉) and the number of
// chunks (≤ maxChunks) of the chunked scan; both depend on T only.
func chunkSize(T int) (L, n int) {
	L = max(4, (T+maxChunks-1)/maxChunks)
	return L, (T + L - 1) / L
}

// scanTiles returns the number of channel tiles of [B, ·, E]: runs of up to
// scanTile neighbouring channels of one sequence.
func scanTiles(B, E int) int { return B * ((E + scanTile - 1) / scanTile) }

// chunkTask returns the tile (batch b, first channel e0, width w) and the
// chunk [t0, t1) and index k of task i of the chunked scan.
func chunkTask(i, E, T, L, nChunks int) (b, e0, w, k, t0, t1 int) {
	perRow := (E + scanTile - 1) / scanTile
	tile, k := i/nChunks, i%nChunks
	b, e0 = tile/perRow, (tile%perRow)*scanTile
	return b, e0, min(scanTile, E-e0), k, k * L, min(T, (k+1)*L)
}

// chunkScanLocal runs pass 1 for tasks [lo, hi): h (local, from 0) and
// cprod: [B, maxChunks, E] the product of each chunk's a.
func chunkScanLocal[F tensor.Float](h, cprod, a, b []F, T, E, L, nChunks, lo, hi int) {
	for i := lo; i < hi; i++ {
		bi, e0, w, k, t0, t1 := chunkTask(i, E, T, L, nChunks)
		var hc [scanTile]float64
		var p [scanTile]float64
		for j := range w {
			p[j] = 1
		}
		for t := t0; t < t1; t++ {
			r := (bi*T+t)*E + e0
			at, bt, ht := a[r:r+w], b[r:r+w], h[r:r+w]
			for j := range ht {
				hc[j] = float64(at[j])*hc[j] + float64(bt[j])
				ht[j] = F(hc[j])
				p[j] *= float64(at[j])
			}
		}
		cp := cprod[(bi*maxChunks+k)*E+e0:][:w]
		for j := range cp {
			cp[j] = F(p[j])
		}
	}
}

// chunkScanCarry runs pass 2 for channels [lo, hi) of B·E: cin[b, k, e]
// receives H_k, the true h entering chunk k.
func chunkScanCarry[F tensor.Float](cin, cprod, h []F, T, E, L, nChunks, lo, hi int) {
	for c := lo; c < hi; c++ {
		bi, e := c/E, c%E
		H := 0.0
		for k := 0; k < nChunks; k++ {
			j := (bi*maxChunks+k)*E + e
			cin[j] = F(H)
			end := min(T, (k+1)*L) - 1
			H = float64(h[(bi*T+end)*E+e]) + float64(cprod[j])*H
		}
	}
}

// chunkScanFix runs pass 3 for tasks [lo, hi): h_t += P_t·H_k.
func chunkScanFix[F tensor.Float](h, cin, a []F, T, E, L, nChunks, lo, hi int) {
	for i := lo; i < hi; i++ {
		bi, e0, w, k, t0, t1 := chunkTask(i, E, T, L, nChunks)
		if k == 0 {
			continue // H_0 = 0
		}
		var carry, p [scanTile]float64
		for j, v := range cin[(bi*maxChunks+k)*E+e0:][:w] {
			carry[j], p[j] = float64(v), 1
		}
		for t := t0; t < t1; t++ {
			r := (bi*T+t)*E + e0
			at, ht := a[r:r+w], h[r:r+w]
			for j := range ht {
				p[j] *= float64(at[j])
				ht[j] = F(float64(ht[j]) + p[j]*carry[j])
			}
		}
	}
}

// chunkScanBackwardLocal runs backward pass 1 for tasks [lo, hi): g (the
// local g_t = dh_t + a_{t+1}·g_{t+1} from 0 past the chunk's end) and
// cprod: [B, maxChunks, E] the product of each chunk's a after its first
// step.
func chunkScanBackwardLocal[F tensor.Float](g, cprod, dh, a []F, T, E, L, nChunks, lo, hi int) {
	for i := lo; i < hi; i++ {
		bi, e0, w, k, t0, t1 := chunkTask(i, E, T, L, nChunks)
		var gc, q [scanTile]float64 // g_{t+1}·a_{t+1}, product of a after t
		for j := range w {
			q[j] = 1
		}
		for t := t1 - 1; t >= t0; t-- {
			r := (bi*T+t)*E + e0
			at, dt, gt := a[r:r+w], dh[r:r+w], g[r:r+w]
			for j := range gt {
				v := float64(dt[j]) + gc[j]
				gt[j] = F(v)
				gc[j] = float64(at[j]) * v
				if t > t0 {
					q[j] *= float64(at[j])
				}
			}
		}
		cp := cprod[(bi*maxChunks+k)*E+e0:][:w]
		for j := range cp {
			cp[j] = F(q[j])
		}
	}
}

// chunkScanBackwardCarry runs backward pass 2 for channels [lo, hi) of
// B·E: cin[b, k, e] receives C_k = a_{t1}·g_{t1}, the gradient carried
// into chunk k from the first step after it (0 for the last chunk).
func chunkScanBackwardCarry[F tensor.Float](cin, cprod, g, a []F, T, E, L, nChunks, lo, hi int) {
	for c := lo; c < hi; c++ {
		bi, e := c/E, c%E
		C := 0.0
		for k := nChunks - 1; k >= 0; k-- {
			j := (bi*maxChunks+k)*E + e
			cin[j] = F(C)
			r := (bi*T+k*L)*E + e
			C = float64(a[r]) * (float64(g[r]) + float64(cprod[j])*C)
		}
	}
}

// chunkScanBackwardFix runs backward pass 3 for tasks [lo, hi): the true
// g_t = g_local,t + Q_t·C_k (Q_t the product of the chunk's a after t),
// written to db, and da_t = g_t·h_{t−1}.
func chunkScanBackwardFix[F tensor.Float](da, db, cin, a, h []F, T, E, L, nChunks, lo, hi int) {
	for i := lo; i < hi; i++ {
		bi, e0, w, k, t0, t1 := chunkTask(i, E, T, L, nChunks)
		var carry, q [scanTile]float64
		for j, v := range cin[(bi*maxChunks+k)*E+e0:][:w] {
			carry[j], q[j] = float64(v), 1
		}
		for t := t1 - 1; t >= t0; t-- {
			r := (bi*T+t)*E + e0
			at, dbt, dat := a[r:r+w], db[r:r+w], da[r:r+w]
			for j := range dbt {
				v := float64(dbt[j]) + q[j]*carry[j]
				dbt[j] = F(v)
				hp := 0.0
				if t > 0 {
					hp = float64(h[r+j-E])
				}
				dat[j] = F(v * hp)
				q[j] *= float64(at[j])
			}
		}
	}
}
