package harness

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"rnnbench/models"
	"rnnbench/tasks"
)

// LengthTask trains a tasks.Generator short and tests it long (xLSTM, Beck
// et al. 2024 App. B.1.1; the minRNNs code's formal languages): each
// training batch has one input length L drawn uniformly from TrainLengths,
// and evaluation uses fixed held-out sets, one per evaluation length, drawn
// from a seed the training stream never uses.
//
// The model is allocated once, for T() = the longest row of any length
// (models.Model.Alloc); a shorter batch runs at its own T (Forward and
// Backward take any T ≤ the allocation's), so nothing is padded and a
// training step costs what its length costs. Tasks whose rows in one batch
// differ in length pad after the read-out (tasks.MissingDuplicate), which a
// causal model cannot see at the read-out.
type LengthTask struct {
	Gen          tasks.Generator
	TrainLengths []int     // input lengths L of training batches, drawn uniformly per batch
	Sets         []EvalSet // Sets[0]: held out at the training lengths; then one per evaluation length
	maxT         int
}

// EvalSet is one fixed held-out set.
type EvalSet struct {
	Label   string         // "1-40" for the training range, else the length, e.g. "256"
	L       int            // input length, 0 for the training-range set (one L per batch, drawn like training)
	Batches []*tasks.Batch // [B, SeqLen(L)] each
}

// LengthEval is one model's accuracy on one EvalSet.
type LengthEval struct {
	Label    string  `json:"label"`
	L        int     `json:"L"`        // input length, 0 for the training-range set
	Loss     float64 `json:"loss"`     // nats per scored position
	Accuracy float64 `json:"accuracy"` // raw accuracy over scored positions (the official code's)
	Scaled   float64 `json:"scaled"`   // xLSTM's scaled accuracy (acc − chance)/(1 − chance)
	Scored   int     `json:"scored"`   // scored positions
}

// NewLengthTask validates every length and builds the held-out sets: nEval
// batches of B rows for the training range and for each evaluation length,
// all from evalSeed. It returns an error wrapping tasks.ErrConfig for a
// length the task cannot lay out, or empty length lists.
func NewLengthTask(g tasks.Generator, trainLengths, evalLengths []int, B, nEval int, evalSeed uint64) (*LengthTask, error) {
	if len(trainLengths) == 0 || len(evalLengths) == 0 {
		return nil, fmt.Errorf("%w: %s needs at least one training and one evaluation length", tasks.ErrConfig, g.Name())
	}
	t := &LengthTask{Gen: g, TrainLengths: trainLengths}
	for _, L := range slices.Concat(trainLengths, evalLengths) {
		if err := g.Validate(L); err != nil {
			return nil, err
		}
		t.maxT = max(t.maxT, g.SeqLen(L))
	}
	rng := rand.New(rand.NewPCG(evalSeed, 0x1e9a))
	in := EvalSet{Label: rangeLabel(trainLengths)}
	for range nEval {
		b := tasks.NewBatch(B, t.maxT)
		t.TrainBatch(b, rng)
		in.Batches = append(in.Batches, b)
	}
	t.Sets = append(t.Sets, in)
	for _, L := range evalLengths {
		s := EvalSet{Label: fmt.Sprint(L), L: L}
		for range nEval {
			b := tasks.NewBatch(B, g.SeqLen(L))
			tasks.FillLength(g, b, L, rng)
			s.Batches = append(s.Batches, b)
		}
		t.Sets = append(t.Sets, s)
	}
	return t, nil
}

// rangeLabel is "a-b" for a list of lengths (or "a" for one).
func rangeLabel(Ls []int) string {
	lo, hi := slices.Min(Ls), slices.Max(Ls)
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d-%d", lo, hi)
}

func (t *LengthTask) Name() string    { return t.Gen.Name() }
func (t *LengthTask) V() int          { return t.Gen.V() }
func (t *LengthTask) T() int          { return t.maxT }
func (t *LengthTask) SeqMetric() bool { return false }

// EvalBatches is the held-out set at the training lengths: what Train
// evaluates as it goes (cheap, and what "has it learned the task" means).
// EvaluateLengths scores every set.
func (t *LengthTask) EvalBatches() []*tasks.Batch { return t.Sets[0].Batches }

// TrainBatch draws L from TrainLengths and refills b with rows of that
// length, reshaping it to [B, SeqLen(L)] within its capacity (b must have
// been made for T()).
func (t *LengthTask) TrainBatch(b *tasks.Batch, rng *rand.Rand) {
	L := t.TrainLengths[rng.IntN(len(t.TrainLengths))]
	T := t.Gen.SeqLen(L)
	if cap(b.Tokens) < b.B*T || cap(b.Targets) < b.B*T {
		panic("harness: LengthTask.TrainBatch: batch smaller than [B, T()]")
	}
	b.T, b.Tokens, b.Targets = T, b.Tokens[:b.B*T], b.Targets[:b.B*T]
	tasks.FillLength(t.Gen, b, L, rng)
}

// MeanTrainT is the expected T of a training batch.
func (t *LengthTask) MeanTrainT() float64 {
	s := 0
	for _, L := range t.TrainLengths {
		s += t.Gen.SeqLen(L)
	}
	return float64(s) / float64(len(t.TrainLengths))
}

// EvaluateLengths scores m on every held-out set (m must be allocated for
// at least [B, T()]).
func EvaluateLengths(m *models.Model[float32], t *LengthTask) []LengthEval {
	chance := tasks.Chance(t.Gen)
	var out []LengthEval
	for _, s := range t.Sets {
		var lossSum float64
		var count, correct int
		for _, b := range s.Batches {
			loss, n, c := m.Loss(b.Tokens, b.Targets, b.B, b.T, false)
			lossSum += loss * float64(n)
			count += n
			correct += c
		}
		e := LengthEval{Label: s.Label, L: s.L, Scored: count}
		if count > 0 {
			e.Loss, e.Accuracy = lossSum/float64(count), float64(correct)/float64(count)
		}
		e.Scaled = tasks.Scaled(e.Accuracy, chance)
		out = append(out, e)
	}
	return out
}
