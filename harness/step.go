package harness

import (
	"fmt"
	"math"

	"rnnbench/internal/optim"
	"rnnbench/internal/tensor"
	"rnnbench/models"
)

// Stepper takes optimiser steps on a float32 model: zero the gradients,
// forward and loss, backward, clip the gradient norm, AdamW update. Train
// and the sequence-length sweep both step through it, so a timed sweep
// step is exactly a training step.
type Stepper = StepperOf[float32]

// StepperOf is Stepper for either float type; the float64 one replays the
// PyTorch whole-step fixtures (harness/torchstep_test.go) through exactly
// the code the float32 runs take.
type StepperOf[F tensor.Float] struct {
	M     *models.Model[F]
	B, T  int
	Opt   *optim.AdamW[F]
	Sched optim.Schedule
	Clip  float64
	Norm  float64 // global gradient norm of the last step, before clipping

	afterBackward func() // test hook: runs between Backward and clipping
}

// NewStepper allocates m's training buffers for [B, T] = [cfg.Batch, T]
// (models.Model.Alloc) and AdamW's moments, with the learning-rate
// schedule of cfg.
func NewStepper(m *models.Model[float32], cfg TrainConfig, T int) *Stepper {
	return NewStepperOf(m, cfg, T)
}

// NewStepperOf is NewStepper for either float type.
func NewStepperOf[F tensor.Float](m *models.Model[F], cfg TrainConfig, T int) *StepperOf[F] {
	m.Alloc(cfg.Batch, T)
	return &StepperOf[F]{
		M: m, B: cfg.Batch, T: T,
		Opt:   optim.NewAdamW(m.PS, cfg.Beta1, cfg.Beta2, 1e-8, cfg.WeightDecay),
		Sched: optim.Schedule{Warmup: cfg.Warmup, Total: cfg.Steps, LRMax: cfg.LR, LRMin: cfg.LRMin},
		Clip:  cfg.Clip,
	}
}

// Step takes optimiser step number step (0-based, for the schedule) on
// tokens and targets: [B, T] (T ≤ the Stepper's) and returns the mean training loss in
// nats/token. Errors count steps from 1, as progress lines and
// evaluations do: "at step n" is the n-th step. It returns an error, and leaves the parameters untouched,
// when the loss or the gradient norm is not finite; the error names the
// step and the tensor: for a loss, the first parameter that is not finite
// (or says that every parameter is, when the forward pass overflowed); for
// a gradient, the first parameter whose gradient is not finite.
func (s *StepperOf[F]) Step(step int, tokens, targets []int32) (loss float64, err error) {
	m := s.M
	T := len(tokens) / s.B // ≤ s.T: a LengthTask batch may be shorter than the allocation
	m.PS.ZeroGrad()
	loss, _, _ = m.Loss(tokens, targets, s.B, T, true)
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, fmt.Errorf("non-finite loss at step %d: %s", step+1, nonFiniteParam(m.PS))
	}
	m.Backward(s.B, T)
	if s.afterBackward != nil {
		s.afterBackward()
	}
	s.Norm = optim.GradNorm(m.PS.Grad)
	if norm := s.Norm; math.IsNaN(norm) || math.IsInf(norm, 0) {
		return loss, fmt.Errorf("non-finite gradient at step %d in %s", step+1, firstNonFinite(m.PS))
	}
	// Clipping and AdamW in one pass over the slab, bit-identical to
	// ClipGradNorm then Step (ps.Grad itself is not rescaled).
	s.Opt.StepClipped(m.PS, s.Sched.LR(step), s.Norm, s.Clip)
	return loss, nil
}
