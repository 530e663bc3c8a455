package models

import "rnnbench/internal/tensor"

// NewMinLSTM builds a minLSTM mixer (Feng et al. 2024, arXiv 2410.01201,
// §3), registering prefix+".in" (D → 3E, rows k_f | k_i | k_h) and, when
// E ≠ D, prefix+".out" (E → D, no bias) in ps. Per channel:
//
//	f_t = σ(k_f),  i_t = σ(k_i),  h̃_t = g(k_h)
//	f′_t = f_t/(f_t + i_t),  i′_t = i_t/(f_t + i_t)   (length-independence normalisation)
//	h_t = f′_t·h_{t−1} + i′_t·h̃_t
//
// computed through d = softplus(−k_f) − softplus(−k_i) = log(i/f), for
// which f′ = σ(−d) and i′ = σ(d) stay finite even when f and i underflow;
// in log space log a = log f′ = −softplus(d), log b = log i′ + log g(k_h)
// = −softplus(−d) + log g(k_h). The rest (modes, state, FLOPs) is the
// minRNN shared with minGRU. c.Mode is one of Modes["minlstm"] ("parallel"
// when empty); c must have passed Config.ValidateMixer (NewMixer checks it).
func NewMinLSTM[F tensor.Float](ps *tensor.ParamSet[F], prefix string, c Config) (Mixer[F], error) {
	m, err := newMinRNN[F](ps, prefix, c, true)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// minLSTMD returns d = softplus(−k_f) − softplus(−k_i) = log i − log f.
func minLSTMD[F tensor.Float](kf, ki float64) float64 {
	return tensor.SoftplusAt[F](-kf) - tensor.SoftplusAt[F](-ki)
}

// minLSTMDBackward returns dk_f = −σ(−k_f)·dd and dk_i = σ(−k_i)·dd.
func minLSTMDBackward[F tensor.Float](kf, ki, dd float64) (dkf, dki float64) {
	return -tensor.SigmoidAt[F](-kf) * dd, tensor.SigmoidAt[F](-ki) * dd
}

// minLSTMCell returns h_t = f′·h_{t−1} + i′·g(k_h) with f′ = σ(−d),
// i′ = σ(d).
func minLSTMCell[F tensor.Float](kf, ki, kh, hPrev float64) float64 {
	ip, fp := tensor.SigmoidsAt[F](minLSTMD[F](kf, ki))
	return fp*hPrev + ip*minG[F](kh)
}

// minLSTMCellBackward returns the gradients of minLSTMCell's inputs given
// g = ∂L/∂h_t: dd = g·f′·i′·(h̃ − h_{t−1}) (since ∂f′/∂d = −f′i′ and
// ∂i′/∂d = f′i′), then dk_f, dk_i through d; dk_h = g·i′·g′(k_h);
// dh_{t−1} = g·f′.
func minLSTMCellBackward[F tensor.Float](kf, ki, kh, hPrev, g float64) (dkf, dki, dkh, dhPrev float64) {
	ip, fp := tensor.SigmoidsAt[F](minLSTMD[F](kf, ki))
	dkf, dki = minLSTMDBackward[F](kf, ki, g*fp*ip*(minG[F](kh)-hPrev))
	return dkf, dki, g * ip * minDG[F](kh), g * fp
}

// minLSTMLogGates returns log a = −softplus(d) and
// log b = −softplus(−d) + log g(k_h) = d − softplus(d) + log g(k_h).
func minLSTMLogGates[F tensor.Float](kf, ki, kh float64) (loga, logb float64) {
	d := minLSTMD[F](kf, ki)
	sp := tensor.SoftplusAt[F](d)
	return -sp, d - sp + minLogG[F](kh)
}

// minLSTMLogGatesBackward returns dk_f, dk_i through
// dd = −σ(d)·dlog a + σ(−d)·dlog b, and dk_h = (log g)′(k_h)·dlog b.
func minLSTMLogGatesBackward[F tensor.Float](kf, ki, kh, dloga, dlogb float64) (dkf, dki, dkh float64) {
	ip, fp := tensor.SigmoidsAt[F](minLSTMD[F](kf, ki))
	dkf, dki = minLSTMDBackward[F](kf, ki, -ip*dloga+fp*dlogb)
	return dkf, dki, minDLogG[F](kh) * dlogb
}

// minLSTMLinGates returns a = f′ = σ(−d) and b = i′·g(k_h) = σ(d)·g(k_h).
func minLSTMLinGates[F tensor.Float](kf, ki, kh float64) (a, b float64) {
	ip, fp := tensor.SigmoidsAt[F](minLSTMD[F](kf, ki))
	return fp, ip * minG[F](kh)
}

// minLSTMLinGatesBackward returns, from da and db, dk_f and dk_i through
// dd = f′·i′·(db·g(k_h) − da), and dk_h = db·i′·g′(k_h).
func minLSTMLinGatesBackward[F tensor.Float](kf, ki, kh, da, db float64) (dkf, dki, dkh float64) {
	ip, fp := tensor.SigmoidsAt[F](minLSTMD[F](kf, ki))
	dkf, dki = minLSTMDBackward[F](kf, ki, fp*ip*(db*minG[F](kh)-da))
	return dkf, dki, db * ip * minDG[F](kh)
}

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
