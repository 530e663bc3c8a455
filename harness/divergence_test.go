package harness

import (
	"context"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The rule on hand-made evaluations: the reference is the larger of the
// untrained loss and ln V; a loss just above 10× it diverges, one at 10×
// does not; the step-0 evaluation itself never does.
func TestDivergedEvalRule(t *testing.T) {
	lnV := math.Log(16)
	for _, tc := range []struct {
		name   string
		evals  []Eval
		want   bool
		reason string
	}{
		{"learning", []Eval{{Step: 0, Loss: 2.9}, {Step: 100, Loss: 1.2}}, false, ""},
		{"at 10× the untrained", []Eval{{Step: 0, Loss: 3}, {Step: 100, Loss: 30}}, false, ""},
		{"above 10× the untrained", []Eval{{Step: 0, Loss: 3}, {Step: 100, Loss: 30.001}}, true, "held-out loss 30 at step 100 is above 10× the reference 3 (the untrained model's 3)"},
		{"chance is larger", []Eval{{Step: 0, Loss: 0.5}, {Step: 200, Loss: 10*lnV + 0.01}}, true, "held-out loss 27.74 at step 200 is above 10× the reference 2.77 (chance ln 16 = 2.77)"},
		{"below 10× chance", []Eval{{Step: 0, Loss: 0.5}, {Step: 200, Loss: 27}}, false, ""},
		{"no untrained evaluation", []Eval{{Step: 300, Loss: 2000}}, true, "(chance ln 16 = 2.77)"},
		{"untrained alone", []Eval{{Step: 0, Loss: 1e6}}, false, ""},
	} {
		res := Result{Evals: tc.evals, Status: "ok"}
		got := divergedEval(&res, 16)
		if got != tc.want || tc.want && (res.Status != "diverged" || !strings.Contains(res.Reason, tc.reason)) || !tc.want && res.Status != "ok" {
			t.Errorf("%s: %v, status %s, reason %q; want %v with %q", tc.name, got, res.Status, res.Reason, tc.want, tc.reason)
		}
	}
}

// At a learning rate of 10 without clipping, a small model's held-out loss
// blows up: the run stops at the first evaluation above 10× the
// reference, as "diverged" with the step and the figure, keeping the
// evaluations so far. The same model at the usual learning rate is "ok".
func TestTrainDivergesAtHugeLR(t *testing.T) {
	for _, mixer := range []string{"gru", "mingru", "transformer"} {
		c, cfg, task := tinyRun(mixer, 0)
		ok := Train(context.Background(), newModel(t, c, cfg.Seed), task, cfg, nil)
		if ok.Status != "ok" {
			t.Fatalf("%s at lr %g: %s %s", mixer, cfg.LR, ok.Status, ok.Reason)
		}
		cfg.LR, cfg.LRMin, cfg.Clip, cfg.Warmup, cfg.Steps = 10, 10, 0, 1, 60
		res := Train(context.Background(), newModel(t, c, cfg.Seed), task, cfg, nil)
		n := len(res.Evals)
		last := res.Evals[n-1]
		ref := math.Max(res.Evals[0].Loss, math.Log(float64(task.V())))
		if res.Status == "diverged" && strings.HasPrefix(res.Reason, "non-finite") {
			t.Logf("%s at lr 10: %s (NaN first)", mixer, res.Reason)
			continue
		}
		want := regexp.MustCompile(`^held-out loss [0-9.e+]+ at step ` + strconv.Itoa(last.Step) + ` is above 10× the reference [0-9.]+ \(`)
		if res.Status != "diverged" || !want.MatchString(res.Reason) || !(last.Loss > 10*ref) || res.Steps != last.Step || n < 2 {
			t.Fatalf("%s at lr 10: %s %q after %d steps, evals %+v", mixer, res.Status, res.Reason, res.Steps, res.Evals)
		}
		t.Logf("%s at lr 10: %s", mixer, res.Reason)
	}
}
