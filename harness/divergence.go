package harness

import (
	"fmt"
	"math"
)

// DivergeFactor is the divergence rule's multiple: a model whose held-out
// loss rises above DivergeFactor times its reference loss has diverged.
// The reference is the larger of the untrained model's held-out loss (the
// evaluation at step 0) and chance, ln V nats/token (a uniform guess over
// the V tokens). A model that is learning stays below both; at --lr 10
// most models' loss rises from about 3 to thousands, far past 10×; and
// taking the larger of the two references keeps an unusually confident
// untrained model from tripping the rule early.
const DivergeFactor = 10

// DivergenceRule states the rule for --help and README.
var DivergenceRule = fmt.Sprintf("A model is marked diverged, and its training stopped, at a NaN or infinite loss or gradient, or at an\n"+
	"evaluation whose held-out loss exceeds %d× the larger of the untrained model's held-out loss and chance (ln V).", DivergeFactor)

// divergedEval applies the rule to the last evaluation of res (V is the
// task's vocabulary size). If it fires, it marks res diverged with the
// step and the figures, and returns true: the training loop stops.
func divergedEval(res *Result, V int) bool {
	if len(res.Evals) == 0 {
		return false
	}
	ev := res.Evals[len(res.Evals)-1]
	chance := math.Log(float64(max(V, 2)))
	ref, what := chance, fmt.Sprintf("chance ln %d = %.3g", V, chance)
	if first := res.Evals[0]; first.Step == 0 && first.Loss > ref && !math.IsInf(first.Loss, 0) {
		ref, what = first.Loss, fmt.Sprintf("the untrained model's %.3g", first.Loss)
	}
	if !(ev.Loss > DivergeFactor*ref) || ev.Step == 0 {
		return false
	}
	res.Status = StatusDiverged
	res.Reason = fmt.Sprintf("held-out loss %.4g at step %d is above %d× the reference %.3g (%s)", ev.Loss, ev.Step, DivergeFactor, ref, what)
	return true
}
