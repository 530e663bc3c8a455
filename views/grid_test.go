package views

import (
	"math"
	"strings"
	"testing"

	"rnnbench/harness"
)

// Hand-computed: 1, 2, 3, 4 has mean 2.5 and sample std √(5/3).
func TestSummarize(t *testing.T) {
	s := Summarize([]float64{4, 1, 3, 2})
	if s.Mean != 2.5 || math.Abs(s.Std-math.Sqrt(5.0/3)) > 1e-15 || s.Min != 1 || s.Max != 4 || s.N != 4 {
		t.Fatalf("%+v", s)
	}
	if got := s.pm(1, 1); got != "2.5 ± 1.3" {
		t.Fatalf("pm %q", got)
	}
	if got := Summarize([]float64{0.995}).pm(100, 1); got != "99.5" {
		t.Fatalf("one value: %q", got)
	}
	if got := s.span(1, 1); got != "1.0–4.0" {
		t.Fatalf("span %q", got)
	}
}

// run is a result of model at lr with a final accuracy and loss.
func run(model string, lr float64, seed uint64, acc, loss float64) harness.Result {
	u := harness.Unit{ID: model, Key: harness.UnitKey{Train: harness.TrainConfig{LR: lr, Seed: seed}}}
	return harness.Result{Name: model, Unit: &u, Status: harness.StatusOK, Evals: []harness.Eval{{Step: 0}, {Step: 10, Accuracy: acc, Loss: loss}}, Best: harness.Eval{Step: 10, Loss: loss}}
}

// The chosen point has the best mean over seeds, not the best single
// seed; ties go to the lower mean loss; char-lm picks the lowest best loss.
func TestGridPointsChooseTheBestMean(t *testing.T) {
	rec := &harness.Record{Task: "selective-copy", Grid: &harness.Grid{Seeds: []uint64{1, 2}, LR: []float64{1, 2, 3}}, Results: []harness.Result{
		run("a", 1, 1, 0.99, 1), run("a", 1, 2, 0.10, 1), // mean 0.545, best seed 0.99
		run("a", 2, 1, 0.60, 1), run("a", 2, 2, 0.60, 1), // mean 0.6: chosen
		run("b", 1, 1, 0.50, 2), run("b", 1, 2, 0.50, 2),
		run("b", 2, 1, 0.50, 1), run("b", 2, 2, 0.50, 1), // tie on accuracy, lower loss: chosen
	}}
	var chosen []string
	for _, g := range GridPoints(rec) {
		if g.Chosen {
			chosen = append(chosen, g.Model+strings.Repeat("'", int(g.LR)))
		}
	}
	if strings.Join(chosen, ",") != "a'',b''" {
		t.Fatalf("chosen %v, want a and b at lr 2", chosen)
	}
	rec.Task = "char-lm"
	rec.Results = []harness.Result{run("c", 1, 1, 0, 1.5), run("c", 2, 1, 0, 1.2), run("c", 3, 1, 0, math.NaN())}
	for _, g := range GridPoints(rec) {
		if g.Chosen != (g.LR == 2) {
			t.Fatalf("char-lm: lr %g chosen %v; want only lr 2 (lowest best loss; NaN never)", g.LR, g.Chosen)
		}
	}
}
