package models

import "rnnbench/internal/tensor"

// The official code's default minLSTM (Variants.NoCoeffNorm;
// BorealisAI/minRNNs models/minRNNs.py, use_coeff_norm False): f and i are
// not normalised, h_t = σ(k_f)·h_{t−1} + σ(k_i)·g(k_h).

// minLSTMRawCell returns h_t = f·h_{t−1} + i·g(k_h), f = σ(k_f), i = σ(k_i).
func minLSTMRawCell[F tensor.Float](kf, ki, kh, hPrev float64) float64 {
	return tensor.SigmoidAt[F](kf)*hPrev + tensor.SigmoidAt[F](ki)*minG[F](kh)
}

// minLSTMRawCellBackward returns, given g = ∂L/∂h_t, dk_f = g·h_{t−1}·f(1−f),
// dk_i = g·h̃·i(1−i), dk_h = g·i·g′(k_h) and dh_{t−1} = g·f.
func minLSTMRawCellBackward[F tensor.Float](kf, ki, kh, hPrev, g float64) (dkf, dki, dkh, dhPrev float64) {
	f, fn := tensor.SigmoidsAt[F](kf)
	i, in := tensor.SigmoidsAt[F](ki)
	return g * hPrev * f * fn, g * minG[F](kh) * i * in, g * i * minDG[F](kh), g * f
}

// minLSTMRawLogGates returns log a = log σ(k_f) = −softplus(−k_f) and
// log b = −softplus(−k_i) + log g(k_h).
func minLSTMRawLogGates[F tensor.Float](kf, ki, kh float64) (loga, logb float64) {
	return -tensor.SoftplusAt[F](-kf), -tensor.SoftplusAt[F](-ki) + minLogG[F](kh)
}

// minLSTMRawLogGatesBackward returns dk_f = σ(−k_f)·dlog a,
// dk_i = σ(−k_i)·dlog b and dk_h = (log g)′(k_h)·dlog b.
func minLSTMRawLogGatesBackward[F tensor.Float](kf, ki, kh, dloga, dlogb float64) (dkf, dki, dkh float64) {
	return tensor.SigmoidAt[F](-kf) * dloga, tensor.SigmoidAt[F](-ki) * dlogb, minDLogG[F](kh) * dlogb
}

// minLSTMRawLinGates returns a = σ(k_f) and b = σ(k_i)·g(k_h).
func minLSTMRawLinGates[F tensor.Float](kf, ki, kh float64) (a, b float64) {
	return tensor.SigmoidAt[F](kf), tensor.SigmoidAt[F](ki) * minG[F](kh)
}

// minLSTMRawLinGatesBackward returns dk_f = da·f(1−f),
// dk_i = db·g(k_h)·i(1−i) and dk_h = db·i·g′(k_h).
func minLSTMRawLinGatesBackward[F tensor.Float](kf, ki, kh, da, db float64) (dkf, dki, dkh float64) {
	f, fn := tensor.SigmoidsAt[F](kf)
	i, in := tensor.SigmoidsAt[F](ki)
	return da * f * fn, db * minG[F](kh) * i * in, db * i * minDG[F](kh)
}

// minlstmRawCell returns the unnormalised minLSTM's cell over E channels
// (Variants.NoCoeffNorm; k = k_f | k_i | k_h). Its forms have no AVX2
// kernels: their rows use the scalar functions above in float32 too.
// FLOPs: log space, log a = −softplus(−k_f) 4, log b = −softplus(−k_i) +
// log g(k_h) 4+1+3; recurrence σ(k_f) 3, σ(k_i) 3, g 3, f·h + i·h̃ 3;
// linear space σ(k_f) 3, σ(k_i) 3, g 3, b 1.
func minlstmRawCell[F tensor.Float](E int) gate3Cell[F] {
	return gate3Cell[F]{E: E, step3: minLSTMRawCell[F], back3: minLSTMRawCellBackward[F],
		log: gate3Form[F]{logSpace[F]{}, E, minLSTMRawLogGates[F], minLSTMRawLogGatesBackward[F], nil},
		lin: gate3Form[F]{linSpace[F]{}, E, minLSTMRawLinGates[F], minLSTMRawLinGatesBackward[F], nil},
		fl:  cellFLOPs{parallel: 4 + 8 + logScanFLOPs, sequential: 3 + 3 + 3 + 3, linear: 3 + 3 + 3 + 1 + linScanFLOPs}}
}
