package models

import (
	"math"
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

// initStateForward folds h_{−1} = g(s0) into the gates of the first token
// of each of the B sequences (ga, gb: [B, T, E]).
func (m *minRNN[F]) initStateForward(B, T int) {
	E := m.E
	for b := range B {
		i0 := b * T * E
		for e := range E {
			s, a, bb := float64(m.s0.Data[e]), float64(m.ga[i0+e]), float64(m.gb[i0+e])
			if m.mode == "parallel" {
				m.gb[i0+e] = F(logAddExp(bb, a+minLogG[F](s)))
			} else {
				m.gb[i0+e] = F(bb + a*minG[F](s))
			}
		}
	}
}

// initStateBackward turns the scan's gradient of the folded first-token
// gates into those of the original gates and accumulates s0's gradient.
func (m *minRNN[F]) initStateBackward(B, T int) {
	E, ds := m.E, m.s0.Grad
	for b := range B {
		i0 := b * T * E
		for e := range E {
			s := float64(m.s0.Data[e])
			switch m.mode {
			case "sequential":
				ds[e] += F(float64(m.ds0[b*E+e]) * minDG[F](s))
			case "parallel":
				dlb := float64(m.dgb[i0+e])
				w := math.Exp(float64(m.ga[i0+e]) + minLogG[F](s) - float64(m.gb[i0+e]))
				m.dgb[i0+e] = F((1 - w) * dlb)
				m.dga[i0+e] += F(w * dlb)
				ds[e] += F(w * dlb * minDLogG[F](s))
			default:
				db := float64(m.dgb[i0+e])
				m.dga[i0+e] += F(db * minG[F](s))
				ds[e] += F(db * float64(m.ga[i0+e]) * minDG[F](s))
			}
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
