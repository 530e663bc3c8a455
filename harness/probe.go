package harness

import (
	"time"

	"rnnbench/models"
	"rnnbench/tasks"
)

// Probe sizes: ProbeStepMs times at most this batch and length, and
// skips models whose probe step would exceed probeMaxFLOPs.
const (
	probeB        = 4
	probeT        = 128
	probeMaxFLOPs = 2e9
)

// ProbeStepMs estimates the milliseconds of one training step of cfg at
// train.Batch and T from a short timing probe: a fresh model trains on one
// constant batch of at most [4, 128] (all tokens 0), one untimed step and
// then the median of two timed ones (or the untimed one alone if it took
// over a second), scaled to [B, T] by the forward FLOPs per step, B·T·
// Model.FLOPs(T). ok is false, with nothing run, when even the probe step
// would take more than 2 GFLOP of forward work. It is the probe behind
// `bench run --dry-run`'s estimated times: nothing is kept.
func ProbeStepMs(cfg models.Config, train TrainConfig, T int) (ms float64, ok bool, err error) {
	m, err := models.New[float32](cfg, train.Seed)
	if err != nil {
		return 0, false, err
	}
	b, t := min(train.Batch, probeB), min(T, probeT)
	work := func(B, T int) float64 { return float64(B) * float64(T) * float64(m.FLOPs(T)) }
	if work(b, t) > probeMaxFLOPs {
		return 0, false, nil
	}
	B := train.Batch
	train.Batch = b
	st := NewStepper(m, train, t)
	batch := tasks.NewBatch(b, t)
	var times []float64
	for step := range 3 {
		t0 := time.Now()
		if _, err := st.Step(step, batch.Tokens, batch.Targets); err != nil {
			return 0, false, err
		}
		times = append(times, float64(time.Since(t0).Nanoseconds())/1e6)
		if step == 0 && times[0] > 1000 {
			break
		}
	}
	ms = times[0]
	if len(times) == 3 {
		ms = Summarise(times[1:]).Median
	}
	return ms * work(B, T) / work(b, t), true, nil
}

// EstimateUnitSeconds is the wall time of a training unit estimated from
// its step time: every step, plus every evaluation (one before training
// and one each evalEvery steps) of evalBatches forward passes, counted as
// a third of a step each. An early stop at a target accuracy makes it
// shorter.
func EstimateUnitSeconds(stepMs float64, train TrainConfig) float64 {
	evals := 1
	if train.EvalEvery > 0 {
		evals += train.Steps / train.EvalEvery
	}
	return stepMs / 1e3 * (float64(train.Steps) + float64(evals*train.EvalBatches)/3)
}
