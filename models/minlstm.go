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
//
// With Variants.NoCoeffNorm the cell is the unnormalised one of
// minlstm_raw.go; Variants.ForgetBias offsets the k_f bias at Init.
func NewMinLSTM[F tensor.Float](ps *tensor.ParamSet[F], prefix string, c Config) (Mixer[F], error) {
	cell := minlstmCell[F](c.E())
	if c.NoCoeffNorm {
		cell = minlstmRawCell[F](c.E())
	}
	m := newMinRNN(ps, prefix, c, cell)
	m.forgetBias = c.ForgetBias
	return m, nil
}

// minlstmCell returns minLSTM's cell over E channels (k = k_f | k_i | k_h).
// FLOPs: log space, d = softplus(−k_f) − softplus(−k_i) 9,
// log a = −softplus(d) 4, log b = d − softplus(d) + log g(k_h) 5;
// recurrence d 9, σ(±d) 4, g 3, f′·h + i′·h̃ 3; linear space d 9, σ(±d) 4,
// g 3, b = i′·h̃ 1.
func minlstmCell[F tensor.Float](E int) gate3Cell[F] {
	return gate3Cell[F]{E: E, step3: minLSTMCell[F], back3: minLSTMCellBackward[F],
		log: gate3Form[F]{logSpace[F]{}, E, minLSTMLogGates[F], minLSTMLogGatesBackward[F], &minlstmLogRows},
		lin: gate3Form[F]{linSpace[F]{}, E, minLSTMLinGates[F], minLSTMLinGatesBackward[F], &minlstmLinRows},
		fl:  cellFLOPs{parallel: 9 + 4 + 5 + logScanFLOPs, sequential: 9 + 4 + 3 + 3, linear: 9 + 4 + 3 + 1 + linScanFLOPs}}
}

// The float32 row kernels of minLSTM's forms (k: [3E] = k_f | k_i | k_h).
var (
	minlstmLogRows = rowKernels{
		fwd: stagedFwd3(minlstmLogFwdStagedAVX, minlstmLogFwdAVX),
		bwd: stagedBwd3(minlstmLogBwdStagedAVX, minlstmLogBwdAVX),
	}
	minlstmLinRows = rowKernels{
		fwd: stagedFwd3(minlstmLinFwdStagedAVX, minlstmLinFwdAVX),
		bwd: stagedBwd3(minlstmLinBwdStagedAVX, minlstmLinBwdAVX),
	}
)

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
