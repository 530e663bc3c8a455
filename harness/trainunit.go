package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"

	"rnnbench/models"
	"rnnbench/tasks"
)

// TrainSpec is one training unit, complete: RunTrainUnit runs it from this
// alone, in the planning process or in a child process (`bench point
// --json`), with the same bits. The model, the optimiser settings, the
// seed, T and B are those of Unit.Key.
type TrainSpec struct {
	Unit     Unit                `json:"unit"`
	Copy     tasks.SelectiveCopy `json:"copy,omitzero"`   // selective-copy: T and K
	Data     string              `json:"data,omitempty"`  // char-lm: the corpus file
	Synth    *SynthSpec          `json:"synth,omitempty"` // a synthetic task (synthunit.go)
	EvalFull bool                `json:"eval_full,omitempty"`
	EvalSeed uint64              `json:"eval_seed"` // seed of the held-out batches (the plan uses Seed + EvalSeedOffset)
	// char-lm: characters sampled from the trained model (0: none).
	Sample      int     `json:"sample,omitempty"`
	Temperature float64 `json:"temperature,omitempty"`
	TopK        int     `json:"top_k,omitempty"`
	// CheckpointEvery > 0 saves to CheckpointPath every so many steps and
	// when interrupted; Resume continues from the checkpoint there, if any.
	CheckpointEvery int    `json:"checkpoint_every,omitempty"`
	CheckpointPath  string `json:"checkpoint_path,omitempty"`
	Resume          bool   `json:"resume,omitempty"`
}

// EvalSeedOffset is added to a training seed to seed its held-out batches,
// a stream the training data never uses.
const EvalSeedOffset = 1_000_003

// UnitEnv is what a training unit may take from its process besides its
// spec; the zero value is what a child process uses.
type UnitEnv struct {
	Corpus   *tasks.Corpus                  // char-lm: the corpus already loaded from spec.Data (nil: load it)
	Progress io.Writer                      // progress lines; nil for none
	OnStep   func(steps int, s *Stepper)    // tests: called after each optimiser step
	Wrap     func(m *models.Model[float32]) // tests: applied to the model before training
}

// RunTrainUnit builds the task and the model of spec, trains it (from its
// checkpoint when spec.Resume and one exists) and, for char-lm, samples
// from it. The error is non-nil when the corpus or checkpoint cannot be
// read or written, or the model cannot be built.
func RunTrainUnit(ctx context.Context, spec TrainSpec, env UnitEnv) (Result, error) {
	k := spec.Unit.Key
	var task Task
	var lt *LengthTask // synthetic tasks
	corpus := env.Corpus
	switch {
	case spec.Synth != nil:
		var err error
		if lt, err = NewSynthTask(*spec.Synth, k.B, k.Train.EvalBatches, spec.EvalSeed); err != nil {
			return Result{}, err
		}
		task = lt
	case k.Task == "selective-copy":
		task = NewCopyTask(spec.Copy, k.B, k.Train.EvalBatches, spec.EvalSeed)
	case k.Task == "char-lm":
		if corpus == nil {
			c, err := tasks.LoadCorpus(spec.Data, k.T)
			if err != nil {
				return Result{}, err
			}
			corpus = c
		}
		task = NewTextTask(corpus, k.B, k.T, k.Train.EvalBatches, spec.EvalSeed, spec.EvalFull)
	default:
		return Result{}, fmt.Errorf("harness: unit %q: unknown training task %q", spec.Unit.ID, k.Task)
	}
	m, err := models.New[float32](k.Model, k.Train.Seed)
	if err != nil {
		return Result{}, err
	}
	if env.Wrap != nil {
		env.Wrap(m)
	}
	opt := TrainOptions{CheckpointEvery: spec.CheckpointEvery, CheckpointPath: spec.CheckpointPath, OnStep: env.OnStep}
	if spec.Resume && spec.CheckpointPath != "" {
		ck, err := LoadCheckpoint(spec.CheckpointPath)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return Result{}, err
		default:
			opt.Resume = ck
		}
	}
	res, err := TrainWith(ctx, m, task, k.Train, env.Progress, opt)
	if err != nil {
		return res, err
	}
	if lt != nil && res.Status != StatusInterrupted {
		finishSynth(&res, m, lt, k.B)
	}
	if corpus != nil && spec.Sample > 0 && res.Steps > 0 && res.Status != StatusInterrupted {
		rng := rand.New(rand.NewPCG(k.Train.Seed, 0x5a3b1e))
		gen := Sample(m, []int32{corpus.Train[0]}, spec.Sample, spec.Temperature, spec.TopK, rng)
		res.Sample = corpus.Decode(gen)
	}
	u := spec.Unit
	res.Unit = &u
	return res, nil
}
