package harness

import (
	"fmt"
	"math"
	"strings"

	"rnnbench/internal/checkpoint"
	"rnnbench/models"
)

// The checks below hold a checkpoint to what saveCheckpoint can have
// written. The file's hash (internal/checkpoint) already refuses any edit
// made without resealing it; these refuse what a deliberate forgery with a
// recomputed hash could still change in a way that would alter results:
// a step count that disagrees with the evaluations, an evaluation that
// contradicts the best one, tensors renamed or swapped (AdamW's two
// moments), or values no training run produces.

// checkState checks the state's counters against each other: the steps
// taken equal AdamW's count, the result's steps and the step times; the
// evaluations are at ascending steps up to the steps taken; the running
// training-loss count is the steps since the last evaluation; Best is the
// evaluation after step 0 with the lowest loss (the first of equals).
func checkState(st *checkpointState) error {
	if st.Step < 0 || st.AdamT != st.Step || len(st.StepMs) != st.Step || st.Result.Steps != st.Step {
		return fmt.Errorf("step %d, AdamW step %d, %d step times, result steps %d", st.Step, st.AdamT, len(st.StepMs), st.Result.Steps)
	}
	last := 0
	var best *Eval
	for i := range st.Result.Evals {
		ev := &st.Result.Evals[i]
		if (i > 0 && ev.Step <= last) || ev.Step < 0 || ev.Step > st.Step {
			return fmt.Errorf("evaluation %d at step %d (after step %d, of %d steps taken)", i, ev.Step, last, st.Step)
		}
		if math.IsNaN(ev.Loss) || math.IsInf(ev.Loss, 0) || ev.Loss < 0 {
			return fmt.Errorf("evaluation at step %d has loss %g", ev.Step, ev.Loss)
		}
		last = ev.Step
		if ev.Step > 0 && (best == nil || ev.Loss < best.Loss) {
			best = ev
		}
	}
	if best != nil && st.Result.Best != *best || best == nil && st.Result.Best.Step != 0 {
		return fmt.Errorf("best evaluation at step %d (loss %g) is not the lowest held-out loss of its evaluations", st.Result.Best.Step, st.Result.Best.Loss)
	}
	if st.LossN != st.Step-last {
		return fmt.Errorf("%d training losses summed since the evaluation at step %d, at step %d", st.LossN, last, st.Step)
	}
	return nil
}

// checkpointOrder is the order saveCheckpoint writes m's tensors in:
// every parameter, then each parameter's two AdamW moments.
func checkpointOrder(m *models.Model[float32]) []string {
	ps := m.PS.Params
	names := make([]string, 0, 3*len(ps))
	for _, p := range ps {
		names = append(names, p.Name)
	}
	for _, p := range ps {
		names = append(names, "adamw.m."+p.Name, "adamw.v."+p.Name)
	}
	return names
}

// checkTensorValues refuses values no run writes in the tensors names
// (checkpointOrder) of ts: a parameter or moment that is not finite (a
// run that diverges stops before its update), or a negative second
// moment (an average of squared gradients).
func checkTensorValues(ts map[string]checkpoint.Tensor, names []string) error {
	for _, name := range names {
		isV := strings.HasPrefix(name, "adamw.v.")
		for i, v := range ts[name].Data {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) || isV && v < 0 {
				return fmt.Errorf("tensor %q holds %g at %d, which no training run writes", name, v, i)
			}
		}
	}
	return nil
}
