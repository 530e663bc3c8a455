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
	return newMinRNN[F](ps, prefix, c, mingruCell[F]{c.E()}), nil
}

// mingruCell is minGRU's minCell: k = k_z | k_h, E channels.
type mingruCell[F tensor.Float] struct{ E int }

func (mingruCell[F]) name() string { return "mingru" }
func (mingruCell[F]) gates() int   { return 2 }
func (c mingruCell[F]) logForm() gateForm[F] {
	return gate2Form[F]{logSpace[F]{}, c.E, minGRULogGates[F], minGRULogGatesBackward[F], &mingruLogRows}
}

func (c mingruCell[F]) linForm() gateForm[F] {
	return gate2Form[F]{linSpace[F]{}, c.E, minGRULinGates[F], minGRULinGatesBackward[F], &mingruLinRows}
}

// flops: log space, log a = −softplus(k_z) 4, log b = k_z − softplus +
// log g(k_h) 1+3+1 = 5; recurrence σ(±k_z) 4, g 3, a·h + z·h̃ 3; linear
// space σ(±k_z) 4, g 3, b = z·h̃ 1.
func (mingruCell[F]) flops() cellFLOPs {
	return cellFLOPs{parallel: 4 + 5 + logScanFLOPs, sequential: 4 + 3 + 3, linear: 4 + 3 + 1 + linScanFLOPs}
}

func (c mingruCell[F]) step(k []F, e int, hPrev float64) float64 {
	return minGRUCell[F](float64(k[e]), float64(k[c.E+e]), hPrev)
}

func (c mingruCell[F]) stepBackward(dk, k []F, e int, hPrev, g float64) float64 {
	dz, dh, dp := minGRUCellBackward[F](float64(k[e]), float64(k[c.E+e]), hPrev, g)
	dk[e], dk[c.E+e] = F(dz), F(dh)
	return dp
}

// The float32 row kernels of minGRU's forms (k: [2E] = k_z | k_h).
var (
	mingruLogRows = rowKernels{
		fwd: func(a, b, k []float32) { mingruLogFwdAVX(&a[0], &b[0], &k[0], &k[len(a)], len(a)) },
		bwd: func(dk, k, da, db []float32) {
			mingruLogBwdAVX(&dk[0], &dk[len(da)], &k[0], &k[len(da)], &da[0], &db[0], len(da))
		},
	}
	mingruLinRows = rowKernels{
		fwd: func(a, b, k []float32) { mingruLinFwdAVX(&a[0], &b[0], &k[0], &k[len(a)], len(a)) },
		bwd: func(dk, k, da, db []float32) {
			mingruLinBwdAVX(&dk[0], &dk[len(da)], &k[0], &k[len(da)], &da[0], &db[0], len(da))
		},
	}
)

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
