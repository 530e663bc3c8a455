package models

import (
	"math"

	"rnnbench/internal/tensor"
)

// The learned initial state of minGRU and minLSTM (Variants.InitState;
// BorealisAI/minRNNs models/minRNNs.py, use_init_hidden_state): the scan
// starts from h_{−1} = g(s0) instead of 0, s0: [E] a parameter. Since
// h_0 = a_0·h_{−1} + b_0, every mode folds it into the first token:
//
//	linear, chunked:  b′_0 = b_0 + a_0·g(s0)
//	parallel:         log b′_0 = logaddexp(log b_0, log a_0 + log g(s0))
//	sequential:       the recurrence starts from g(s0)
//
// and the scans run unchanged from h_{−1} = 0. Backward, from the scan's
// gradient of b′_0 (or of log b′_0), by the chain rule:
//
//	linear:    da_0 += db′·g(s0),  ds0 += db′·a_0·g′(s0)
//	parallel:  w = a_0·g(s0)/b′_0 (= exp(log a_0 + log g(s0) − log b′_0)),
//	           dlog b_0 = (1 − w)·dlog b′,  dlog a_0 += w·dlog b′,
//	           ds0 += w·dlog b′·(log g)′(s0)
//	sequential: ds0 += ∂L/∂h_{−1}·g′(s0), the carry left after t = 0.
//
// ds0 sums over the B sequences serially in a fixed order (B·E work), so
// the result does not depend on GOMAXPROCS.

// h0At returns h_{−1} for channel e: g(s0[e]) rounded to F, or 0 without
// the variant.
func (m *minRNN[F]) h0At(e int) F {
	if m.s0 == nil {
		return 0
	}
	return F(minG[F](float64(m.s0.Data[e])))
}

// foldH0 folds h_{−1} = g(s0) into the gates of the first token of each
// of the B sequences (ga, gb: [B, T, E]), through the form's foldH0.
func (m *minRNN[F]) foldH0(B, T int) {
	for b := range B {
		i0 := b * T * m.E
		for e := range m.E {
			i := i0 + e
			m.gb[i] = F(m.form.foldH0(float64(m.ga[i]), float64(m.gb[i]), float64(m.s0.Data[e])))
		}
	}
}

// unfoldH0 turns the scan's gradient of the folded first-token gates into
// those of the original gates and accumulates s0's gradient.
func (m *minRNN[F]) unfoldH0(B, T int) {
	ds := m.s0.Grad
	for b := range B {
		i0 := b * T * m.E
		for e := range m.E {
			i := i0 + e
			db, da, dsAdd := m.form.unfoldH0(float64(m.ga[i]), float64(m.gb[i]), float64(m.dgb[i]), float64(m.s0.Data[e]))
			m.dgb[i] = F(db)
			m.dga[i] += F(da)
			ds[e] += F(dsAdd)
		}
	}
}

// logSpace is the fold of the log-space forms: a, b are log a, log b of
// the first token (b the folded one in unfoldH0), db the gradient of
// log b′.
type logSpace[F tensor.Float] struct{}

func (logSpace[F]) foldH0(a, b, s float64) float64 { return logAddExp(b, a+minLogG[F](s)) }

func (logSpace[F]) unfoldH0(a, b, db, s float64) (dbNew, daAdd, dsAdd float64) {
	w := math.Exp(a + minLogG[F](s) - b)
	return (1 - w) * db, w * db, w * db * minDLogG[F](s)
}

// linSpace is the fold of the linear-space forms: a, b are a and b′ of the
// first token, db the gradient of b′ (left as it is).
type linSpace[F tensor.Float] struct{}

func (linSpace[F]) foldH0(a, b, s float64) float64 { return b + a*minG[F](s) }

func (linSpace[F]) unfoldH0(a, b, db, s float64) (dbNew, daAdd, dsAdd float64) {
	return db, db * minG[F](s), db * a * minDG[F](s)
}

// unfoldH0Seq accumulates s0's gradient from ds0 = ∂L/∂h_{−1}: [B, E]
// (sequential mode).
func (m *minRNN[F]) unfoldH0Seq(B int) {
	ds := m.s0.Grad
	for b := range B {
		for e := range m.E {
			ds[e] += F(float64(m.ds0[b*m.E+e]) * minDG[F](float64(m.s0.Data[e])))
		}
	}
}

// logAddExp returns log(eˣ + eʸ) without overflow.
func logAddExp(x, y float64) float64 {
	if x < y {
		x, y = y, x
	}
	if math.IsInf(y, -1) {
		return x
	}
	return x + math.Log1p(math.Exp(y-x))
}

// resetState sets a state's h: [B, E] to h_{−1} for every sequence.
func (m *minRNN[F]) resetState(h []F) {
	if m.s0 == nil {
		clear(h)
		return
	}
	for i := range h {
		h[i] = m.h0At(i % m.E)
	}
}
