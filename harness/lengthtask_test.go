package harness

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"rnnbench/models"
	"rnnbench/tasks"
)

func span(lo, hi int) []int {
	var s []int
	for L := lo; L <= hi; L++ {
		s = append(s, L)
	}
	return s
}

// The oracle scores 100% on every held-out set and a uniform guess over the
// classes scores chance on average; the sets have the lengths asked for,
// depend only on the evaluation seed, and training batches take their
// lengths from the training range.
func TestLengthTaskSets(t *testing.T) {
	gens := []tasks.Generator{tasks.Parity{}, tasks.EvenPairs{}, tasks.CycleNav{}, tasks.BucketSort{}, tasks.Majority{}, tasks.MajorityCount{}, tasks.MissingDuplicate{}}
	for _, g := range gens {
		lt, err := NewLengthTask(g, span(1, 40), []int{40, 64, 128, 256}, 8, 2, 77)
		if err != nil {
			t.Fatal(err)
		}
		if want := g.SeqLen(256); lt.T() != want {
			t.Errorf("%s: T() = %d, want %d", g.Name(), lt.T(), want)
		}
		if len(lt.Sets) != 5 || lt.Sets[0].Label != "1-40" || lt.Sets[4].Label != "256" {
			t.Fatalf("%s: sets %d, labels %q %q", g.Name(), len(lt.Sets), lt.Sets[0].Label, lt.Sets[len(lt.Sets)-1].Label)
		}
		for _, s := range lt.Sets {
			for _, b := range s.Batches {
				L := s.L
				if L == 0 { // training-range set: recover L from T
					for _, l := range lt.TrainLengths {
						if g.SeqLen(l) == b.T {
							L = l
						}
					}
				}
				if acc, n := tasks.Accuracy(tasks.OracleBatch(g, b, L), b.Targets); acc != 1 || n == 0 {
					t.Errorf("%s set %s: oracle %v over %d", g.Name(), s.Label, acc, n)
				}
			}
		}
		again, _ := NewLengthTask(g, span(1, 40), []int{40, 64, 128, 256}, 8, 2, 77)
		if !slices.Equal(again.Sets[4].Batches[1].Tokens, lt.Sets[4].Batches[1].Tokens) {
			t.Errorf("%s: held-out sets differ for one seed", g.Name())
		}
		b := tasks.NewBatch(8, lt.T())
		rng := rand.New(rand.NewPCG(1, 2))
		seen := map[int]bool{}
		for range 200 {
			lt.TrainBatch(b, rng)
			seen[b.T] = true
			if b.T > g.SeqLen(40) || len(b.Tokens) != 8*b.T {
				t.Fatalf("%s: training batch T=%d, %d tokens", g.Name(), b.T, len(b.Tokens))
			}
		}
		if len(seen) < 30 {
			t.Errorf("%s: 200 training batches used only %d lengths", g.Name(), len(seen))
		}
	}
	if _, err := NewLengthTask(tasks.Parity{}, []int{0}, []int{40}, 8, 1, 1); err == nil {
		t.Error("length 0 accepted")
	}
}

// A model allocated for a long T gives, on a shorter batch, the loss and
// gradients of a model allocated for exactly that T: every mixer.
func TestShorterBatchThanAllocation(t *testing.T) {
	const B, T, short = 3, 24, 9
	rng := rand.New(rand.NewPCG(3, 4))
	tokens, targets := make([]int32, B*short), make([]int32, B*short)
	for i := range tokens {
		tokens[i], targets[i] = int32(rng.IntN(5)), int32(rng.IntN(5))
	}
	for _, mixer := range models.MixerNames {
		c := models.Config{Mixer: mixer, Mode: models.DefaultMode(mixer), V: 5, L: 2, D: 8, Expansion: 2, H: 2, N: 4}
		long, exact := newModel(t, c, 1), newModel(t, c, 1)
		long.Alloc(B, T)
		exact.Alloc(B, short)
		for _, m := range []*models.Model[float32]{long, exact} {
			m.PS.ZeroGrad()
		}
		l1, _, _ := long.Loss(tokens, targets, B, short, true)
		long.Backward(B, short)
		l2, _, _ := exact.Loss(tokens, targets, B, short, true)
		exact.Backward(B, short)
		if l1 != l2 || !slices.Equal(long.PS.Grad, exact.PS.Grad) {
			t.Errorf("%s: loss %v vs %v; gradients equal: %v", mixer, l1, l2, slices.Equal(long.PS.Grad, exact.PS.Grad))
		}
	}
}

// Training on a LengthTask steps at each batch's own length, is
// deterministic, and EvaluateLengths scores every set.
func TestTrainLengthTask(t *testing.T) {
	lt, err := NewLengthTask(tasks.Parity{}, span(1, 12), []int{12, 30}, 4, 2, 99)
	if err != nil {
		t.Fatal(err)
	}
	c := models.Config{Mixer: "lstm", V: 3, L: 1, D: 8, Expansion: 1, H: 2, N: 4}
	cfg := TrainConfig{Batch: 4, Steps: 10, LR: 3e-3, LRMin: 3e-4, Warmup: 2, Beta1: 0.9, Beta2: 0.99, Clip: 1, EvalEvery: 5, EvalBatches: 2, Seed: 5}
	run := func() (Result, []LengthEval) {
		m := newModel(t, c, cfg.Seed)
		res := Train(context.Background(), m, lt, cfg, nil)
		return res, EvaluateLengths(m, lt)
	}
	r1, e1 := run()
	r2, e2 := run()
	if r1.Status != StatusOK || r1.Steps != 10 || len(r1.Evals) != 3 {
		t.Fatalf("run: %s %s, %d steps, %d evals", r1.Status, r1.Reason, r1.Steps, len(r1.Evals))
	}
	sameEvals(t, "second run", r1, r2)
	if !slices.Equal(e1, e2) || len(e1) != 3 || e1[0].Label != "1-12" || e1[2].L != 30 || e1[2].Scored != 8 {
		t.Fatalf("length evals %+v / %+v", e1, e2)
	}
}
