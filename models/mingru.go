package models

import "rnnbench/internal/tensor"

// NewMinGRU builds a minGRU mixer (Feng et al. 2024, §3), registering
// prefix+".in" (D → 2E, rows k_z | k_h) and, when E ≠ D, prefix+".out"
// (E → D, no bias) in ps. Per channel:
//
//	z_t = σ(k_z),  h̃_t = g(k_h),  h_t = (1 − z_t)·h_{t−1} + z_t·h̃_t,
//	g(x) = x + 0.5 for x ≥ 0, σ(x) for x < 0,
//
// so a = 1 − z = σ(−k_z) and b = z·h̃; in log space
// log a = −softplus(k_z), log b = −softplus(−k_z) + log g(k_h).
// c.Mode is one of Modes["mingru"] ("parallel" when empty; see minRNN); c
// must have passed Config.ValidateMixer (NewMixer checks it).
func NewMinGRU[F tensor.Float](ps *tensor.ParamSet[F], prefix string, c Config) (Mixer[F], error) {
	return newMinRNN[F](ps, prefix, c, mingruCell[F]{}), nil
}

// mingruCell is minGRU's minCell: k = k_z | k_h.
type mingruCell[F tensor.Float] struct{}

func (mingruCell[F]) name() string { return "mingru" }
func (mingruCell[F]) gates() int   { return 2 }

// flops: log space, log a = −softplus(k_z) 4, log b = k_z − softplus +
// log g(k_h) 1+3+1 = 5; recurrence σ(±k_z) 4, g 3, a·h + z·h̃ 3; linear
// space σ(±k_z) 4, g 3, b = z·h̃ 1.
func (mingruCell[F]) flops() cellFLOPs {
	return cellFLOPs{parallel: 4 + 5 + logScanFLOPs, sequential: 4 + 3 + 3, linear: 4 + 3 + 1 + linScanFLOPs}
}

func (mingruCell[F]) logGates(la, lb, k []F) {
	E := len(la)
	if useAVX[F]() {
		mingruLogFwdAVX(f32(la, 0), f32(lb, 0), f32(k, 0), f32(k, E), E)
		return
	}
	for e := range la {
		a, b := minGRULogGates[F](float64(k[e]), float64(k[E+e]))
		la[e], lb[e] = F(a), F(b)
	}
}

func (mingruCell[F]) logGatesBackward(dk, k, dla, dlb []F) {
	E := len(dla)
	if useAVX[F]() {
		mingruLogBwdAVX(f32(dk, 0), f32(dk, E), f32(k, 0), f32(k, E), f32(dla, 0), f32(dlb, 0), E)
		return
	}
	for e := range dla {
		dz, dh := minGRULogGatesBackward[F](float64(k[e]), float64(k[E+e]), float64(dla[e]), float64(dlb[e]))
		dk[e], dk[E+e] = F(dz), F(dh)
	}
}

func (mingruCell[F]) linGates(ga, gb, k []F) {
	E := len(ga)
	if useAVX[F]() {
		mingruLinFwdAVX(f32(ga, 0), f32(gb, 0), f32(k, 0), f32(k, E), E)
		return
	}
	for e := range ga {
		a, b := minGRULinGates[F](float64(k[e]), float64(k[E+e]))
		ga[e], gb[e] = F(a), F(b)
	}
}

func (mingruCell[F]) linGatesBackward(dk, k, da, db []F) {
	E := len(da)
	if useAVX[F]() {
		mingruLinBwdAVX(f32(dk, 0), f32(dk, E), f32(k, 0), f32(k, E), f32(da, 0), f32(db, 0), E)
		return
	}
	for e := range da {
		dz, dh := minGRULinGatesBackward[F](float64(k[e]), float64(k[E+e]), float64(da[e]), float64(db[e]))
		dk[e], dk[E+e] = F(dz), F(dh)
	}
}

func (mingruCell[F]) step(k []F, e int, hPrev float64) float64 {
	E := len(k) / 2
	return minGRUCell[F](float64(k[e]), float64(k[E+e]), hPrev)
}

func (mingruCell[F]) stepBackward(dk, k []F, e int, hPrev, g float64) float64 {
	E := len(k) / 2
	dz, dh, dp := minGRUCellBackward[F](float64(k[e]), float64(k[E+e]), hPrev, g)
	dk[e], dk[E+e] = F(dz), F(dh)
	return dp
}

// minGRUCell returns h_t = (1 − z)·h_{t−1} + z·g(k_h) with z = σ(k_z);
// 1 − z is computed as σ(−k_z) so that it keeps its precision as z → 1.
func minGRUCell[F tensor.Float](kz, kh, hPrev float64) float64 {
	z, a := tensor.SigmoidsAt[F](kz)
	return a*hPrev + z*minG[F](kh)
}

// minGRUCellBackward returns the gradients of minGRUCell's inputs given
// g = ∂L/∂h_t: dk_z = g·a·z·(h̃ − h_{t−1}) (σ′ = σ(1−σ), a = 1 − z),
// dk_h = g·z·g′(k_h), dh_{t−1} = g·a.
func minGRUCellBackward[F tensor.Float](kz, kh, hPrev, g float64) (dkz, dkh, dhPrev float64) {
	z, a := tensor.SigmoidsAt[F](kz)
	return g * a * z * (minG[F](kh) - hPrev), g * z * minDG[F](kh), g * a
}

// minGRULogGates returns log a = log(1 − z) = −softplus(k_z) and
// log b = log z + log g(k_h) = −softplus(−k_z) + log g(k_h), using
// softplus(−k) = softplus(k) − k (one softplus; the difference is exact
// where it matters: softplus(k) ≈ k only when log z ≈ 0).
func minGRULogGates[F tensor.Float](kz, kh float64) (loga, logb float64) {
	sp := tensor.SoftplusAt[F](kz)
	return -sp, kz - sp + minLogG[F](kh)
}

// minGRULogGatesBackward returns dk_z = −σ(k_z)·dlog a + σ(−k_z)·dlog b and
// dk_h = (log g)′(k_h)·dlog b.
func minGRULogGatesBackward[F tensor.Float](kz, kh, dloga, dlogb float64) (dkz, dkh float64) {
	z, a := tensor.SigmoidsAt[F](kz)
	return -z*dloga + a*dlogb, minDLogG[F](kh) * dlogb
}

// minGRULinGates returns a = σ(−k_z) and b = σ(k_z)·g(k_h).
func minGRULinGates[F tensor.Float](kz, kh float64) (a, b float64) {
	z, a := tensor.SigmoidsAt[F](kz)
	return a, z * minG[F](kh)
}

// minGRULinGatesBackward returns, from da and db, dk_z = z·a·(db·g(k_h) − da)
// (∂a/∂k_z = −z·a, ∂z/∂k_z = z·a) and dk_h = db·z·g′(k_h).
func minGRULinGatesBackward[F tensor.Float](kz, kh, da, db float64) (dkz, dkh float64) {
	z, a := tensor.SigmoidsAt[F](kz)
	return z * a * (db*minG[F](kh) - da), db * z * minDG[F](kh)
}
