package optim

import "math"

// Schedule is nanoGPT's learning-rate schedule (train.py get_lr): linear
// warm-up over Warmup steps, cosine decay from LRMax to LRMin until step
// Total, then LRMin. Set LRMin = LRMax (and Warmup 0) for a constant rate.
type Schedule struct {
	Warmup, Total int
	LRMax, LRMin  float64
}

// LR returns the learning rate at step (counted from 0; negative steps are
// treated as 0):
//
//	step < Warmup:          LRMax·(step+1)/(Warmup+1)
//	Warmup ≤ step < Total:  LRMin + ½(1 + cos(π·(step−Warmup)/(Total−Warmup)))·(LRMax−LRMin)
//	step ≥ Total:           LRMin
func (s Schedule) LR(step int) float64 {
	step = max(step, 0)
	if step < s.Warmup {
		return s.LRMax * float64(step+1) / float64(s.Warmup+1)
	}
	if step >= s.Total {
		return s.LRMin
	}
	ratio := float64(step-s.Warmup) / float64(s.Total-s.Warmup)
	coeff := 0.5 * (1 + math.Cos(math.Pi*ratio))
	return s.LRMin + coeff*(s.LRMax-s.LRMin)
}
