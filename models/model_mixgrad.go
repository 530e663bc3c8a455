package models

import "rnnbench/internal/tensor"

// mixerGrad returns the output gradient to hand a block's Mixer.Backward,
// d(mid) = dres: [B, T, D]. Without dropout that is dres itself: the
// mixers only read their dy, and dres is next written by Norm1.Backward,
// after the mixer returns, so the copy into tmp ([B, T, D]) that dropout
// needs (its backward scales dy in place) is skipped — one pass of
// B·T·D elements per block and step (4 MiB at the table configuration,
// 16 MiB at D = 256), with the same values, hence the same bits. The
// same holds for the MLP's d(out) (MLP.Backward only reads dy; dres is
// next written by Norm2.Backward), which takes it too.
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

// mixerView is implemented by mixers that can hand out their output
// without copying it into y (minRNN.ForwardView).
type mixerView[F tensor.Float] interface {
	ForwardView(y, x []F, B, T int) []F
}

// mixerForward runs blk's mixer on x ([B, T, D]) and returns its output
// y: [B, T, D]. When the mixer has ForwardView, and nothing writes to y
// afterwards (no dropout, no MLP, whose forward reuses y), the returned
// y may be the mixer's own activation (minGRU, minLSTM with E = D: h),
// which saves the copy into y; otherwise it is y, filled by Forward. Only
// read it, before the next block.
func (m *Model[F]) mixerForward(blk *Block[F], y, x []F, B, T int) []F {
	if v, ok := blk.Mixer.(mixerView[F]); ok && blk.MLP == nil && m.Cfg.Dropout == 0 {
		return v.ForwardView(y, x, B, T)
	}
	blk.Mixer.Forward(y, x, B, T)
	return y
}
