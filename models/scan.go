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
// kernels accumulate (+=) into their gradients, as every Backward does.

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
// element.
func linearScanRange[F tensor.Float](h, a, b []F, T, E, lo, hi int) {
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
//	da_t += g_t·h_{t−1},  db_t += g_t.
//
// dh: [B, T, E] is the gradient from outside the recurrence; a and h are
// the forward's inputs and output.
func linearScanBackwardRange[F tensor.Float](da, db, dh, a, h []F, T, E, lo, hi int) {
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
				da[i+j] += F(g * hp)
				db[i+j] += F(g)
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
//	a*_t = Σ_{s≤t} log a_s                      (pass 1: cumsum)
//	log h_t = a*_t + logcumsumexp_{s≤t}(log b_s − a*_s)   (pass 2)
//
// loga, logb: [B, T, E] hold log a and log b (finite; a, b > 0). logh:
// [B, T, E] receives log h (pass 1 stores a* in it, as the paper's cumsum
// tensor) and h: [B, T, E] receives exp(log h). Pass 2 keeps a running
// maximum m and sum S = Σ exp(u_s − m) of u_s = log b_s − a*_s, so no
// exponential overflows for any finite inputs (e.g. pre-activations of
// ±1e4, where a* reaches −1e4·T). The price of the form: a* and u grow
// like T·|log a|, so the absolute rounding error of log h is about
// ulp(|a*_T|) — 1e-12 in float64 but 1e-3 in float32 when |a*| ~ 1e4.
func logScanRange[F tensor.Float](logh, h, loga, logb []F, T, E, lo, hi int) {
	for c := lo; c < hi; {
		bi, e0, w := scanTileAt(c, E, hi)
		var acc [scanTile]float64 // a*_t
		for t := 0; t < T; t++ {
			i := (bi*T+t)*E + e0
			la, as := loga[i:i+w], logh[i:i+w]
			for j := range as {
				acc[j] += float64(la[j])
				as[j] = F(acc[j])
			}
		}
		var m, s [scanTile]float64 // running max of u and Σ exp(u − m)
		for j := range w {
			m[j] = math.Inf(-1)
		}
		for t := 0; t < T; t++ {
			i := (bi*T+t)*E + e0
			lb, lh, ht := logb[i:i+w], logh[i:i+w], h[i:i+w]
			for j := range lh {
				as := float64(lh[j])
				u := float64(lb[j]) - as
				if u > m[j] {
					s[j] = s[j]*math.Exp(m[j]-u) + 1
					m[j] = u
				} else {
					s[j] += math.Exp(u - m[j])
				}
				l := as + m[j] + math.Log(s[j])
				lh[j] = F(l)
				ht[j] = F(math.Exp(l))
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
// logh, h: [B, T, E] are the forward's inputs and outputs.
func logScanBackwardRange[F tensor.Float](dloga, dlogb, dh, loga, logb, logh, h []F, T, E, lo, hi int) {
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
					rho := math.Exp(l + laNext[j] - lNext[j])
					dloga[i+j+E] += F(rho * q[j])
					q[j] = dl + rho*q[j]
				}
				dlogb[i+j] += F(math.Exp(float64(logb[i+j])-l) * q[j])
				lNext[j], laNext[j] = l, float64(loga[i+j])
			}
		}
		c += w
	}
}
