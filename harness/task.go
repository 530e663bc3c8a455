package harness

import (
	"math/rand/v2"

	"rnnbench/tasks"
)

// Task is what the training loop needs from a task: a seeded source of
// training batches and a fixed set of held-out batches.
type Task interface {
	Name() string
	V() int // vocabulary size
	T() int // sequence length fed to the model
	TrainBatch(b *tasks.Batch, rng *rand.Rand)
	EvalBatches() []*tasks.Batch // fixed, held-out; the same on every call
	SeqMetric() bool             // whether exact-sequence accuracy is meaningful
}

// CopyTask is selective copying (tasks.SelectiveCopy) with held-out
// batches drawn from a separate seed.
type CopyTask struct {
	Spec tasks.SelectiveCopy
	eval []*tasks.Batch
}

// NewCopyTask makes the task and its nEval held-out batches of B sequences
// from evalSeed (use a seed the training stream never uses).
func NewCopyTask(spec tasks.SelectiveCopy, B, nEval int, evalSeed uint64) *CopyTask {
	t := &CopyTask{Spec: spec}
	rng := rand.New(rand.NewPCG(evalSeed, 0xe7a1))
	for i := 0; i < nEval; i++ {
		b := tasks.NewBatch(B, spec.T)
		spec.Fill(b, rng)
		t.eval = append(t.eval, b)
	}
	return t
}

func (t *CopyTask) Name() string                              { return "selective-copy" }
func (t *CopyTask) V() int                                    { return tasks.CopyVocab }
func (t *CopyTask) T() int                                    { return t.Spec.T }
func (t *CopyTask) TrainBatch(b *tasks.Batch, rng *rand.Rand) { t.Spec.Fill(b, rng) }
func (t *CopyTask) EvalBatches() []*tasks.Batch               { return t.eval }
func (t *CopyTask) SeqMetric() bool                           { return true }

// TextTask is character-level language modelling on a tasks.Corpus.
type TextTask struct {
	Corpus *tasks.Corpus
	SeqLen int
	eval   []*tasks.Batch
}

// NewTextTask makes the task with nEval fixed validation batches from
// evalSeed, or the whole validation text when full is set.
func NewTextTask(c *tasks.Corpus, B, T, nEval int, evalSeed uint64, full bool) *TextTask {
	t := &TextTask{Corpus: c, SeqLen: T}
	if full {
		t.eval = c.ValFull(B, T)
	} else {
		t.eval = c.ValBatches(B, T, nEval, evalSeed)
	}
	return t
}

func (t *TextTask) Name() string                              { return "char-lm" }
func (t *TextTask) V() int                                    { return t.Corpus.V() }
func (t *TextTask) T() int                                    { return t.SeqLen }
func (t *TextTask) TrainBatch(b *tasks.Batch, rng *rand.Rand) { t.Corpus.TrainBatch(b, rng) }
func (t *TextTask) EvalBatches() []*tasks.Batch               { return t.eval }
func (t *TextTask) SeqMetric() bool                           { return false }
