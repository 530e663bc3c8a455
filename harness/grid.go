package harness

// Grid is what a training run repeats each model over: seeds and the
// points of a learning-rate × weight-decay grid. Every combination is one
// unit. Reports pick, per model, the grid point with the best mean
// held-out metric over seeds (GridMetric) and show mean ± std and min–max
// over seeds there (views/grid.go).
type Grid struct {
	Seeds       []uint64  `json:"seeds"`
	LR          []float64 `json:"lr"`
	WeightDecay []float64 `json:"weight_decay"`
	Metric      string    `json:"metric"`           // GridMetric of the task
	Layers      []int     `json:"layers,omitempty"` // the sizes, when several: every model at each L
}

// GridMetric names the held-out metric that picks a model's grid point
// for a task: never a test metric, and the same one the results table
// shows. Selective copying is judged by the final held-out accuracy (ties
// by the final held-out loss), char-lm by the best held-out loss.
func GridMetric(task string) string {
	if task == "char-lm" {
		return "best held-out loss (lower is better)"
	}
	return "final held-out accuracy (higher is better; ties: final held-out loss)"
}
