package models

import "rnnbench/internal/tensor"

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

// mixerBackTo is implemented by mixers whose Backward can overwrite dx
// instead of accumulating into it (minRNN.BackwardTo).
type mixerBackTo[F tensor.Float] interface {
	BackwardTo(dx, dy, x []F, B, T int)
}

// mixerBackward sets dx ([B, T, D]) to the mixer's input gradient for dy
// over x, accumulating its parameter gradients: by BackwardTo when the
// mixer has one (no clearing pass over dx), else by clearing dx and
// calling Backward. Both give the same bits.
func (m *Model[F]) mixerBackward(mx Mixer[F], dx, dy, x []F, B, T int) {
	if o, ok := mx.(mixerBackTo[F]); ok {
		o.BackwardTo(dx, dy, x, B, T)
		return
	}
	m.par.clear(dx)
	mx.Backward(dx, dy, x, B, T)
}
