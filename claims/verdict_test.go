package claims

import (
	"testing"

	"rnnbench/harness"
	"rnnbench/models"
)

func point(name string, T int, ms float64, mem int64) harness.Point {
	return harness.Point{Name: name, T: T, B: 8, Status: harness.StatusOK,
		StepMs: harness.Stats{Median: ms}, Memory: models.Memory{Activations: mem}}
}

// The match rule: 2 combined std, or the absolute margin.
func TestMatches(t *testing.T) {
	cases := []struct {
		m, sm, r, sr, abs float64
		want              bool
	}{
		{96.0, 3, 99.5, 0.2, 1, true},   // |3.5| ≤ 2·√(9+0.04) = 6.01
		{90.0, 1, 99.5, 0.2, 1, false},  // 9.5 > 2.04
		{37.5, 0, 37.0, 0, 1, true},     // within the 1-point margin
		{1.56, 0, 1.548, 0, 0.02, true}, // char-lm margin
		{1.60, 0, 1.548, 0, 0.02, false},
	}
	for _, c := range cases {
		if got := matches(c.m, c.sm, c.r, c.sr, c.abs); got != c.want {
			t.Errorf("matches(%v ± %v vs %v ± %v, margin %v) = %v, want %v", c.m, c.sm, c.r, c.sr, c.abs, got, c.want)
		}
	}
}

// Speed and memory verdicts from hand-made sweep points: the ratios are
// read at the largest T every model reached.
func TestSpeedAndMemoryVerdicts(t *testing.T) {
	rec := &harness.Record{Sweep: &harness.SweepConfig{}, Points: []harness.Point{
		point("mingru/parallel", 64, 1, 100), point("gru", 64, 400, 50),
		point("minlstm/parallel", 64, 1, 100), point("lstm", 64, 500, 50), point("mamba", 64, 1, 160),
		// T=128: gru missing, so 64 decides.
		point("mingru/parallel", 128, 1, 1), point("minlstm/parallel", 128, 1, 1), point("lstm", 128, 1, 1), point("mamba", 128, 1, 1),
	}}
	if f := speedClaim(rec); f.Verdict != Holds || f.Table[1][5] != "400.0×" {
		t.Errorf("speed: %s, %v", f.Verdict, f.Table)
	}
	rec.Points[1].StepMs.Median = 2 // GRU 2× slower only
	if f := speedClaim(rec); f.Verdict != HoldsPartly {
		t.Errorf("speed at 2×: %s", f.Verdict)
	}
	rec.Points[1].StepMs.Median = 0.5
	if f := speedClaim(rec); f.Verdict != DoesNotHold {
		t.Errorf("speed at 0.5×: %s", f.Verdict)
	}
	// Memory: 2.0×, 2.0× within ±25% of 1.88; mamba 1.6× of 1.56.
	if f := memoryClaim(rec); f.Verdict != Holds {
		t.Errorf("memory: %s %v", f.Verdict, f.Table)
	}
	rec.Points[4].Memory.Activations = 80 // mamba 0.8× minGRU
	if f := memoryClaim(rec); f.Verdict != DoesNotHold {
		t.Errorf("memory with mamba smaller: %s", f.Verdict)
	}
	if f := speedClaim(nil); f.Verdict != NotYet {
		t.Errorf("no sweep: %s", f.Verdict)
	}
	if f := cudnnClaim(rec); f.Verdict != NotMeasurable {
		t.Errorf("cuDNN: %s", f.Verdict)
	}
}

// Claim 5 from hand-made parity and MQAR records: LSTM solves parity,
// minGRU is at chance; on MQAR every model is at chance.
func TestSeparationVerdict(t *testing.T) {
	res := func(name string, seed uint64, scaled float64) harness.Result {
		u := &harness.Unit{ID: name, Group: name, Key: harness.UnitKey{Train: harness.TrainConfig{LR: 3e-3, Seed: seed}}}
		return harness.Result{Name: name, Unit: u, Evals: []harness.Eval{{Step: 10, Accuracy: 0.5}},
			Lengths: []harness.LengthEval{{Label: "1-40", Scaled: scaled, Accuracy: (scaled + 1) / 2}}}
	}
	parity := &harness.Record{Task: "parity", Results: []harness.Result{
		res("lstm", 1, 1), res("lstm", 2, 0.98), res("mingru", 1, 0.01), res("mingru", 2, -0.02)}}
	mqar := &harness.Record{Task: "mqar", Results: []harness.Result{
		res("transformer", 1, 0.02), res("transformer", 2, 0.01), res("mingru", 1, 0), res("mingru", 2, 0.01)}}
	if f := separationClaim(parity, mqar); f.Verdict != HoldsPartly {
		t.Errorf("parity separates, MQAR not: %s (%s)", f.Verdict, f.Measured)
	}
	mqar.Results[0].Lengths[0].Scaled, mqar.Results[1].Lengths[0].Scaled = 0.95, 0.97
	if f := separationClaim(parity, mqar); f.Verdict != Holds {
		t.Errorf("both separate: %s (%s)", f.Verdict, f.Measured)
	}
}
