package harness

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"rnnbench/internal/tensor"
	"rnnbench/models"
	"rnnbench/tasks"
)

// TrainConfig holds the optimisation settings of a run.
type TrainConfig struct {
	Batch       int     `json:"batch"`        // B
	Steps       int     `json:"steps"`        // maximum optimiser steps
	LR          float64 `json:"lr"`           // peak learning rate
	LRMin       float64 `json:"lr_min"`       // learning rate at the end of the cosine decay
	Warmup      int     `json:"warmup"`       // linear warm-up steps
	Beta1       float64 `json:"beta1"`        // AdamW β1
	Beta2       float64 `json:"beta2"`        // AdamW β2
	WeightDecay float64 `json:"weight_decay"` // AdamW decoupled weight decay (matrices only)
	Clip        float64 `json:"clip"`         // gradient-norm clipping threshold, 0 for none
	EvalEvery   int     `json:"eval_every"`   // steps between evaluations
	EvalBatches int     `json:"eval_batches"` // held-out batches per evaluation
	TargetAcc   float64 `json:"target_acc"`   // stop once held-out accuracy reaches this (0: never)
	Seed        uint64  `json:"seed"`         // seeds the parameters, the data stream and dropout
}

// TrainOptions extend Train with checkpoints, resuming and a per-step hook.
type TrainOptions struct {
	// CheckpointEvery > 0 saves a checkpoint (see CheckpointFormat) to
	// CheckpointPath after every CheckpointEvery-th step, and when the run
	// is interrupted.
	CheckpointEvery int
	CheckpointPath  string
	// Resume, if not nil, continues the run it was saved from: the result
	// is the same, bit for bit, as that of a run never stopped.
	Resume *Checkpoint
	// OnStep, if not nil, is called after each successful optimiser step
	// with the number of steps taken and the Stepper; tests use it to
	// interrupt a run or inject a fault at an exact step.
	OnStep func(steps int, s *Stepper)
}

// trainState is what the training loop carries between steps besides the
// model, the optimiser and the data stream; a checkpoint saves it.
type trainState struct {
	step    int // optimiser steps taken
	res     Result
	lossSum float64 // training loss summed since the last evaluation
	lossN   int
	stepMs  []float64
}

// Train trains m on task and returns its Result. Progress lines (step,
// loss, accuracy, ms/step, ETA) go to progress. Cancelling ctx stops at the
// next step with status "interrupted"; a non-finite loss or gradient stops
// with status "diverged", naming the step and the tensor. The result keeps
// every evaluation made before the stop, starting with one of the untrained
// model at step 0 (whose TrainLoss is its held-out loss); Best is the best
// evaluation after step 0.
func Train(ctx context.Context, m *models.Model[float32], task Task, cfg TrainConfig, progress io.Writer) Result {
	res, _ := TrainWith(ctx, m, task, cfg, progress, TrainOptions{}) // no checkpoint: no error
	return res
}

// TrainWith is Train with checkpoints and resuming. The error is non-nil
// only when a checkpoint cannot be written or opt.Resume does not fit the
// run (wrapping ErrCheckpointMismatch or checkpoint.ErrCorrupt); the result
// so far is returned with it.
func TrainWith(ctx context.Context, m *models.Model[float32], task Task, cfg TrainConfig, progress io.Writer, opt TrainOptions) (Result, error) {
	B, T := cfg.Batch, task.T()
	st := NewStepper(m, cfg, T)
	data := rand.NewPCG(cfg.Seed, 0xda7a)
	rng := rand.New(data)
	batch := tasks.NewBatch(B, T)
	ts := &trainState{res: newResult(m, T), stepMs: make([]float64, 0, min(cfg.Steps, 1<<16))}
	ts.res.Status = StatusOK
	if opt.Resume != nil {
		if err := opt.Resume.restore(st, cfg, data, ts); err != nil {
			return ts.res, err
		}
	}
	res := &ts.res
	p := newProgress(progress, res.Name, cfg.Steps)
	save := func() error {
		if err := saveCheckpoint(opt.CheckpointPath, st, cfg, data, ts); err != nil {
			return fmt.Errorf("writing checkpoint %s: %w", opt.CheckpointPath, err)
		}
		if progress != nil {
			fmt.Fprintf(progress, "%-20s checkpoint at step %d: %s\n", res.Name, ts.step, opt.CheckpointPath)
		}
		return nil
	}
	if ts.step == 0 && cfg.EvalEvery > 0 && opt.Resume == nil {
		// The untrained model, so that curves start where training did.
		// No step has been taken, so the training loss is the held-out one.
		ev := Evaluate(m, task)
		ev.TrainLoss = ev.Loss
		res.Evals = append(res.Evals, ev)
		if progress != nil {
			fmt.Fprintf(progress, "%-20s step %6d/%d  untrained: eval loss %.4f  acc %.1f%%\n", res.Name, 0, cfg.Steps, ev.Loss, 100*ev.Accuracy)
		}
	}
	for step := ts.step; step < cfg.Steps; step++ {
		if ctx.Err() != nil {
			res.Status, res.Reason = StatusInterrupted, fmt.Sprintf("stopped before step %d", step)
			if opt.CheckpointEvery > 0 {
				if err := save(); err != nil {
					return finish(ts, B, T), err
				}
			}
			break
		}
		task.TrainBatch(batch, rng)
		t0 := time.Now()
		loss, err := st.Step(step, batch.Tokens, batch.Targets)
		if err != nil {
			res.Status, res.Reason = StatusDiverged, err.Error()
			break
		}
		dt := time.Since(t0)
		res.WallSeconds += dt.Seconds()
		ts.stepMs = append(ts.stepMs, float64(dt.Nanoseconds())/1e6)
		ts.step = step + 1
		res.Steps = ts.step
		ts.lossSum += loss
		ts.lossN++
		if opt.OnStep != nil {
			opt.OnStep(ts.step, st)
		}
		if (step+1)%cfg.EvalEvery == 0 || step+1 == cfg.Steps {
			ev := Evaluate(m, task)
			ev.Step, ev.Seconds, ev.TrainLoss = step+1, res.WallSeconds, ts.lossSum/float64(ts.lossN)
			ts.lossSum, ts.lossN = 0, 0
			res.Evals = append(res.Evals, ev)
			if res.Best.Step == 0 || ev.Loss < res.Best.Loss { // Best is of a trained model
				res.Best = ev
			}
			p.eval(ev, res.WallSeconds)
			if divergedEval(res, task.V()) { // loss far above the untrained model's or chance (divergence.go)
				break
			}
			if cfg.TargetAcc > 0 && ev.Accuracy >= cfg.TargetAcc {
				res.Status, res.Reason = StatusTarget, fmt.Sprintf("held-out accuracy %.1f%% ≥ target %.1f%% at step %d", 100*ev.Accuracy, 100*cfg.TargetAcc, step+1)
				break
			}
		} else {
			p.step(step+1, loss, res.WallSeconds)
		}
		if opt.CheckpointEvery > 0 && ts.step%opt.CheckpointEvery == 0 && ts.step < cfg.Steps {
			if err := save(); err != nil {
				return finish(ts, B, T), err
			}
		}
	}
	return finish(ts, B, T), nil
}

// finish fills the totals of a result from the loop's state.
func finish(ts *trainState, B, T int) Result {
	res := ts.res
	res.Tokens = int64(res.Steps) * int64(B) * int64(T)
	res.TokensPerSec = 0
	if res.WallSeconds > 0 {
		res.TokensPerSec = float64(res.Tokens) / res.WallSeconds
	}
	res.StepMs = Summarise(ts.stepMs)
	return res
}

// newResult fills the static facts of a model: sizes, FLOPs, memory.
func newResult(m *models.Model[float32], T int) Result {
	c := m.Cfg
	name := c.Name()
	st := m.NewState(1, T)
	// One token through the state gives the per-sequence state bytes; for a
	// KV cache that is the bytes per token of context.
	st.Reset()
	m.Step(st, []int32{0})
	return Result{
		Model: c, Name: name, Params: m.PS.Count(), NonEmbedding: m.PS.CountNonEmbedding(),
		StateBytes: st.Bytes(), FLOPsPerToken: m.FLOPs(T), Memory: m.Memory(),
	}
}

// Evaluate returns the held-out loss and accuracies of m on task's
// evaluation batches (each counted position weighs the same).
func Evaluate(m *models.Model[float32], task Task) Eval {
	var lossSum float64
	var count, correct int
	var seqSum float64
	var seqN int
	V := task.V()
	for _, b := range task.EvalBatches() {
		loss, n, c := m.Loss(b.Tokens, b.Targets, b.B, b.T, false)
		lossSum += loss * float64(n)
		count += n
		correct += c
		if task.SeqMetric() {
			pred := argmax(m.Logits()[:b.B*b.T*V], V)
			_, seq := tasks.CopyAccuracy(pred, b.Targets, b.B, b.T)
			seqSum += seq * float64(b.B)
			seqN += b.B
		}
	}
	ev := Eval{}
	if count > 0 {
		ev.Loss, ev.Accuracy = lossSum/float64(count), float64(correct)/float64(count)
	}
	if seqN > 0 {
		ev.SeqAccuracy = seqSum / float64(seqN)
	}
	return ev
}

// argmax returns the index of the largest logit of each row: [M, V] → [M].
func argmax(logits []float32, V int) []int32 {
	M := len(logits) / V
	out := make([]int32, M)
	for i := 0; i < M; i++ {
		row := logits[i*V : (i+1)*V]
		best := 0
		for v := 1; v < V; v++ {
			if row[v] > row[best] {
				best = v
			}
		}
		out[i] = int32(best)
	}
	return out
}

// firstNonFinite names the first parameter whose gradient is not finite.
func firstNonFinite[F tensor.Float](ps *tensor.ParamSet[F]) string {
	for _, p := range ps.Params {
		if !tensor.IsFinite(p.Grad) {
			return "the gradient of " + p.Name
		}
	}
	return "the gradient norm"
}

// nonFiniteParam names the first parameter holding a NaN or ±Inf.
func nonFiniteParam[F tensor.Float](ps *tensor.ParamSet[F]) string {
	for _, p := range ps.Params {
		if !tensor.IsFinite(p.Data) {
			return "parameter " + p.Name + " is not finite"
		}
	}
	return "every parameter is finite (the forward pass overflowed)"
}

// Summarise returns the median, min and max of xs.
func Summarise(xs []float64) Stats {
	if len(xs) == 0 {
		return Stats{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Stats{Median: med, Min: s[0], Max: s[len(s)-1], N: len(s), Groups: groupMeans(xs)}
}
