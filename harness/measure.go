package harness

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"time"

	"rnnbench/models"
)

// MeasurePoint measures one sweep point in this process, in float32 with
// parameters and tokens drawn from spec.Train.Seed:
//
//   - training: spec.WarmupSteps untimed then (after a garbage collection)
//     spec.Repeats timed optimiser steps through a Stepper (exactly Train's
//     step) on one fixed batch of uniform random tokens and targets: [B, T];
//   - inference: T tokens of one sequence fed through Model.Step, the last
//     min(T, InferTimedTokens) timed one by one (the state, or KV cache, then
//     holds a context of T);
//   - spec.Repeats whole-sequence forwards over [B, T] with train=false;
//   - the analytic memory after Alloc(B, T) and the inference state bytes
//     after T tokens.
//
// PeakRSSBytes is this process's peak so far (SelfPeakRSS); the parent
// fills RusageRSS and WallS. The
// point's Status is StatusOK. It returns an error for an invalid spec, a
// non-finite loss or gradient, or when ctx is cancelled.
func MeasurePoint(ctx context.Context, spec PointSpec) (Point, error) {
	p := NewPoint(spec)
	if err := spec.Validate(); err != nil {
		return p, err
	}
	B, T := spec.Train.Batch, spec.T
	m, err := models.New[float32](spec.Model, spec.Train.Seed)
	if err != nil {
		return p, err
	}
	st := NewStepper(m, spec.Train, T)
	p.Params = m.PS.Count()
	p.FLOPsPerToken = m.FLOPs(T)
	p.FLOPsPerStep = 3 * p.FLOPsPerToken * int64(B) * int64(T)
	p.Memory = m.Memory()

	rng := rand.New(rand.NewPCG(spec.Train.Seed, 0x5eeb))
	tokens, targets := make([]int32, B*T), make([]int32, B*T)
	V := spec.Model.V
	for i := range tokens {
		tokens[i], targets[i] = int32(rng.IntN(V)), int32(rng.IntN(V))
	}

	stepMs := make([]float64, 0, spec.Repeats)
	for i := 0; i < spec.WarmupSteps+spec.Repeats; i++ {
		if err := ctx.Err(); err != nil {
			return p, err
		}
		if i == spec.WarmupSteps {
			// Finish any GC cycle that the setup's allocations started:
			// on two cores its mark worker would take one of the two Ps
			// (and so the pool's second core) from the timed steps.
			runtime.GC()
		}
		t0 := time.Now()
		if _, err := st.Step(i, tokens, targets); err != nil {
			return p, err
		}
		if i >= spec.WarmupSteps {
			stepMs = append(stepMs, msSince(t0))
		}
	}
	p.StepMs = Summarise(stepMs)
	p.TokensPerSec = float64(B*T) / (p.StepMs.Median / 1e3)
	p.GFLOPs = float64(p.FLOPsPerStep) / (p.StepMs.Median * 1e6)

	fwdMs := make([]float64, 0, spec.Repeats)
	for i := 0; i < spec.Repeats; i++ {
		if err := ctx.Err(); err != nil {
			return p, err
		}
		t0 := time.Now()
		m.Forward(tokens, B, T, false)
		fwdMs = append(fwdMs, msSince(t0))
	}
	p.ForwardMs = Summarise(fwdMs)

	state := m.NewState(1, T)
	timed := min(T, InferTimedTokens)
	tokMs := make([]float64, 0, timed)
	for t := 0; t < T; t++ {
		if t%256 == 0 && ctx.Err() != nil {
			return p, ctx.Err()
		}
		t0 := time.Now()
		m.Step(state, tokens[t:t+1])
		if t >= T-timed {
			tokMs = append(tokMs, msSince(t0))
		}
	}
	p.TokenMs = Summarise(tokMs)
	p.StateBytes = state.Bytes()
	p.PeakRSSBytes = SelfPeakRSS()
	p.Status = StatusOK
	return p, nil
}

func msSince(t0 time.Time) float64 { return float64(time.Since(t0).Nanoseconds()) / 1e6 }

// EstimatePointBytes returns the analytic bytes a point holds at its peak
// without allocating them: the training memory of c at [B, T]
// (models.FitMemory) plus the inference state of one sequence after
// T tokens (models.MemoryFit.Point), capped at math.MaxInt64. It builds c three
// times at T ≤ 3; use models.FitMemory with a limit to refuse absurd
// parameter counts before anything is built.
func EstimatePointBytes(c models.Config, B, T int) (int64, error) {
	f, err := models.FitMemory(c, B, math.Inf(1))
	if err != nil {
		return 0, err
	}
	return clampInt64(f.Point(T)), nil
}

// clampInt64 converts x to int64, saturating at math.MaxInt64.
func clampInt64(x float64) int64 {
	if x >= math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(x)
}

// String is a one-line progress summary of a finished point.
func (p Point) String() string {
	if p.Status != StatusOK {
		return fmt.Sprintf("%s T=%d: %s (%s)", p.Name, p.T, p.Status, p.Reason)
	}
	s := fmt.Sprintf("%s T=%d: %.2f ms/step (%.0f tokens/s, %.2f GFLOP/s), %.3f ms/token, forward %.2f ms, %.1f MiB analytic",
		p.Name, p.T, p.StepMs.Median, p.TokensPerSec, p.GFLOPs, p.TokenMs.Median, p.ForwardMs.Median,
		float64(p.Memory.Total()+p.StateBytes)/(1<<20))
	if p.PeakRSSBytes > 0 { // 0: not measured (bench ci measures in-process)
		s += fmt.Sprintf(", peak RSS %.1f MiB", float64(p.PeakRSSBytes)/(1<<20))
	}
	return s
}
