package harness

import (
	"fmt"

	"rnnbench/models"
	"rnnbench/tasks"
)

// SynthSpec is the synthetic task of a training unit (tasks.Registry: the
// formal languages and MQAR): enough to rebuild its LengthTask, held-out
// sets included, in any process. The held-out sets come from the unit's
// EvalSeed, the batch size and the number of held-out batches from its key.
type SynthSpec struct {
	Task         string        `json:"task"`          // a tasks.Registry name
	Options      tasks.Options `json:"options"`       // mqar: pairs and vocabulary
	TrainLengths []int         `json:"train_lengths"` // input lengths L of training batches
	EvalLengths  []int         `json:"eval_lengths"`  // input lengths of the held-out sets
}

// NewSynthTask builds the LengthTask of s with B rows per batch and nEval
// held-out batches per set, drawn from evalSeed. It returns an error for a
// task not in tasks.Registry or lengths the task cannot lay out (wrapping
// tasks.ErrConfig).
func NewSynthTask(s SynthSpec, B, nEval int, evalSeed uint64) (*LengthTask, error) {
	spec, ok := tasks.Lookup(s.Task)
	if !ok {
		return nil, fmt.Errorf("harness: unknown synthetic task %q", s.Task)
	}
	return NewLengthTask(spec.New(s.Options), s.TrainLengths, s.EvalLengths, B, nEval, evalSeed)
}

// finishSynth completes the result of a synthetic unit after training:
// the tokens seen (the batches' lengths vary, so the expected T counts)
// and the accuracy at every held-out length.
func finishSynth(res *Result, m *models.Model[float32], lt *LengthTask, batch int) {
	res.Tokens = int64(float64(res.Steps*batch) * lt.MeanTrainT())
	if res.WallSeconds > 0 {
		res.TokensPerSec = float64(res.Tokens) / res.WallSeconds
	}
	res.Lengths = EvaluateLengths(m, lt)
}
