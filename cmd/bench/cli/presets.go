package cli

import (
	"rnnbench/harness"
	"rnnbench/models"
	"rnnbench/tasks"
)

// settings is everything a run needs besides the model names.
type settings struct {
	Arch       models.Config // Mixer and Mode unset
	SeqLen     int
	CopyTokens int
	Train      harness.TrainConfig
	Lengths    []int // sweep: the lengths T measured
	Repeats    int   // sweep: timed training steps (and forwards) per point
	// The grid of a training run (--seeds, --lr, --weight-decay lists):
	// every combination is one unit. Train holds the first point.
	Seeds  []uint64
	LRs    []float64
	LRMins []float64 // the cosine decay's end for each of LRs
	WDs    []float64
	Layers []int // the sizes: every model at each L (--layers list)
}

// Tasks lists the task names `bench run --task` accepts.
var Tasks = append([]string{"selective-copy", "char-lm", "sweep", SuiteFormal}, tasks.Names("")...) // synthetic tasks: synthetic.go

// Presets lists the preset names.
var Presets = []string{"quick", "paper", "official"}

// SweepPresets lists the preset names of --task sweep.
var SweepPresets = []string{"quick", "full"}

// preset returns the settings of a named preset for a task; ok is false for
// an unknown task or preset.
//
// quick/selective-copy is chosen so that `make run` (minGRU) reaches ≥ 90%
// held-out accuracy in under 5 minutes on 2 cores (figures in README.md).
// paper/selective-copy is the setting of Gu & Dao 2023 App. E.1 as used by
// Feng et al. 2024: a 4096-token data region (T = 4096 + K = 4112, as the
// official code's sequence_length 4096 makes it), K = 16, vocabulary 16,
// batch 64, 400k steps, constant lr 1e-4, with 3 layers (the paper's best
// minGRU row), and the paper's equations (no official-code variants).
// official/selective-copy is the official code's configuration
// (official.go).
// paper/char-lm is nanoGPT's shakespeare_char (3 layers, D = 384, context
// 256, batch 64, lr 1e-3 cosine to 1e-4, 5000 iterations, warm-up 100,
// β2 0.99, weight decay 0.1, clip 1.0).
// sweep/quick and sweep/full are the sequence-length sweep (sweep.go).
func preset(task, name string) (settings, bool) {
	s := settings{
		Arch: models.Config{L: 2, D: 64, Expansion: 2, H: 4, N: 16},
		Train: harness.TrainConfig{
			Batch: 32, LR: 3e-3, LRMin: 3e-4, Warmup: 100, Beta1: 0.9, Beta2: 0.99,
			WeightDecay: 0.1, Clip: 1, EvalEvery: 100, EvalBatches: 8, Seed: 1,
		},
	}
	switch task + "/" + name {
	case "selective-copy/quick":
		s.SeqLen, s.CopyTokens = 64, 8
		s.Train.Steps, s.Train.TargetAcc = 3000, 0.99
	case "selective-copy/paper":
		s.Arch.L = 3
		s.SeqLen, s.CopyTokens = 4096+16, 16
		s.Train.Batch, s.Train.Steps = 64, 400_000
		s.Train.LR, s.Train.LRMin, s.Train.Warmup = 1e-4, 1e-4, 0
		s.Train.EvalEvery = 1000
	case "selective-copy/official":
		officialSelectiveCopy(&s) // official.go
	case "char-lm/quick":
		s.Arch.MLP = 4
		s.SeqLen = 128
		s.Train.Steps, s.Train.LR, s.Train.LRMin = 1000, 3e-3, 3e-4
	case "char-lm/paper":
		s.Arch = models.Config{L: 3, D: 384, Expansion: 2, H: 6, N: 16, MLP: 4}
		s.SeqLen = 256
		s.Train.Batch, s.Train.Steps = 64, 5000
		s.Train.LR, s.Train.LRMin, s.Train.Warmup = 1e-3, 1e-4, 100
		s.Train.EvalEvery, s.Train.EvalBatches = 250, 20
	case "sweep/quick", "sweep/full":
		// Small width so every model reaches T = 1024 (quick, under 10
		// minutes on 2 cores) or 4096 (full) on a CPU; SeqLen is the T of
		// bench list's FLOPs column.
		s.Arch = models.Config{L: 1, D: 64, Expansion: 2, H: 4, N: 16}
		s.Train.Batch, s.Train.Warmup, s.Train.LRMin = 8, 0, s.Train.LR
		s.Lengths, s.Repeats = []int{64, 128, 256, 512, 1024}, 5
		if name == "full" {
			s.Lengths = append(s.Lengths, 2048, 4096)
		}
		s.SeqLen = s.Lengths[len(s.Lengths)-1]
	default:
		return s, false
	}
	return s, true
}
