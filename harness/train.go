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

// Train trains m on task and returns its Result. Progress lines (step,
// loss, accuracy, ms/step, ETA) go to progress. Cancelling ctx stops at the
// next step with status "interrupted"; a non-finite loss or gradient stops
// with status "diverged", naming the step and the tensor. The result keeps
// every evaluation made before the stop.
func Train(ctx context.Context, m *models.Model[float32], task Task, cfg TrainConfig, progress io.Writer) Result {
	B, T := cfg.Batch, task.T()
	st := NewStepper(m, cfg, T)
	res := newResult(m, T)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xda7a))
	batch := tasks.NewBatch(B, T)
	p := newProgress(progress, res.Name, cfg.Steps)
	stepMs := make([]float64, 0, cfg.Steps)
	var lossSum float64
	var lossN int
	res.Status = "ok"
	for step := 0; step < cfg.Steps; step++ {
		if ctx.Err() != nil {
			res.Status, res.Reason = "interrupted", fmt.Sprintf("stopped before step %d", step)
			break
		}
		task.TrainBatch(batch, rng)
		t0 := time.Now()
		loss, err := st.Step(step, batch.Tokens, batch.Targets)
		if err != nil {
			res.Status, res.Reason = "diverged", err.Error()
			break
		}
		dt := time.Since(t0)
		res.WallSeconds += dt.Seconds()
		stepMs = append(stepMs, float64(dt.Nanoseconds())/1e6)
		res.Steps = step + 1
		lossSum += loss
		lossN++
		if (step+1)%cfg.EvalEvery == 0 || step+1 == cfg.Steps {
			ev := Evaluate(m, task)
			ev.Step, ev.Seconds, ev.TrainLoss = step+1, res.WallSeconds, lossSum/float64(lossN)
			lossSum, lossN = 0, 0
			res.Evals = append(res.Evals, ev)
			if len(res.Evals) == 1 || ev.Loss < res.Best.Loss {
				res.Best = ev
			}
			p.eval(ev, res.WallSeconds)
			if cfg.TargetAcc > 0 && ev.Accuracy >= cfg.TargetAcc {
				res.Status, res.Reason = "target", fmt.Sprintf("held-out accuracy %.1f%% ≥ target %.1f%% at step %d", 100*ev.Accuracy, 100*cfg.TargetAcc, step+1)
				break
			}
		} else {
			p.step(step+1, loss, res.WallSeconds)
		}
	}
	res.Tokens = int64(res.Steps) * int64(B) * int64(T)
	if res.WallSeconds > 0 {
		res.TokensPerSec = float64(res.Tokens) / res.WallSeconds
	}
	res.StepMs = Summarise(stepMs)
	return res
}

// newResult fills the static facts of a model: sizes, FLOPs, memory.
func newResult(m *models.Model[float32], T int) Result {
	c := m.Cfg
	name := c.Mixer
	if c.Mode != "" {
		name += "/" + c.Mode
	}
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
func firstNonFinite(ps *tensor.ParamSet[float32]) string {
	for _, p := range ps.Params {
		if !tensor.IsFinite(p.Grad) {
			return "the gradient of " + p.Name
		}
	}
	return "the gradient norm"
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
	return Stats{Median: med, Min: s[0], Max: s[len(s)-1], N: len(s)}
}
