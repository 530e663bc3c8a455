package models

// mixerGrad returns the output gradient to hand a block's Mixer.Backward,
// d(mid) = dres: [B, T, D]. Without dropout that is dres itself: the
// mixers only read their dy, and dres is next written by Norm1.Backward,
// after the mixer returns, so the copy into tmp ([B, T, D]) that dropout
// needs (its backward scales dy in place) is skipped — one pass of
// B·T·D elements per block and step (4 MiB at the table configuration,
// 16 MiB at D = 256), with the same values, hence the same bits.
func (m *Model[F]) mixerGrad(tmp, dres []F) []F {
	if m.Cfg.Dropout == 0 {
		return dres
	}
	m.par.copy(tmp, dres)
	return tmp
}
