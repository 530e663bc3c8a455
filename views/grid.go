package views

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"rnnbench/harness"
	"rnnbench/reports"
)

// A training run with a grid (harness.Grid: several seeds, learning rates
// or weight decays) is reported per model at its chosen grid point: the
// one with the best mean over seeds of the task's held-out metric
// (harness.GridMetric; never a test metric). Spreads are over seeds: the
// mean ± the sample standard deviation (n − 1 in the denominator; none
// for one seed) and the min–max range, written "99.5 ± 0.2" as in the
// paper's tables.

// Summary is the mean, sample standard deviation, min and max of N values.
type Summary struct {
	Mean, Std, Min, Max float64
	N                   int
}

// Summarize returns the summary of xs; NaNs make the mean NaN.
func Summarize(xs []float64) Summary {
	s := Summary{N: len(xs), Min: math.Inf(1), Max: math.Inf(-1)}
	if len(xs) == 0 {
		return Summary{Mean: math.NaN(), Std: math.NaN(), Min: math.NaN(), Max: math.NaN()}
	}
	for _, x := range xs {
		s.Mean += x
		s.Min, s.Max = math.Min(s.Min, x), math.Max(s.Max, x)
	}
	s.Mean /= float64(len(xs))
	for _, x := range xs {
		s.Std += (x - s.Mean) * (x - s.Mean)
	}
	if len(xs) > 1 {
		s.Std = math.Sqrt(s.Std / float64(len(xs)-1))
	} else {
		s.Std = 0
	}
	return s
}

// pm writes s scaled by k with the given decimals: "99.5 ± 0.2", or "99.5"
// for a single value.
func (s Summary) pm(k float64, decimals int) string {
	if s.N <= 1 {
		return fmt.Sprintf("%.*f", decimals, k*s.Mean)
	}
	return fmt.Sprintf("%.*f ± %.*f", decimals, k*s.Mean, decimals, k*s.Std)
}

// span writes s's range scaled by k: "99.2–99.7".
func (s Summary) span(k float64, decimals int) string {
	return fmt.Sprintf("%.*f–%.*f", decimals, k*s.Min, decimals, k*s.Max)
}

// GridPoint is one model at one point of the grid, over its seeds.
type GridPoint struct {
	Model   string
	LR, WD  float64
	Runs    []harness.Result // one per seed, in plan order
	Acc     Summary          // final held-out accuracy
	SeqAcc  Summary          // final held-out exact-sequence accuracy
	Loss    Summary          // final held-out loss
	Best    Summary          // best held-out loss
	StepMs  Summary          // median training step time of each run
	Chosen  bool             // the model's best grid point
	Metric  Summary          // the selection metric (Acc for selective copying, Best for char-lm)
	Higher  bool             // whether a higher Metric is better
	tieLoss float64
}

// GridPoints groups a record's results by model and grid point (in the
// order first met, which is plan order) and marks each model's chosen
// point.
func GridPoints(rec *harness.Record) []GridPoint {
	var out []GridPoint
	find := func(model string, lr, wd float64) int {
		for i, g := range out {
			if g.Model == model && g.LR == lr && g.WD == wd {
				return i
			}
		}
		out = append(out, GridPoint{Model: model, LR: lr, WD: wd})
		return len(out) - 1
	}
	for _, r := range rec.Results {
		tr, row := rec.Train, r.Name
		if r.Unit != nil {
			tr = r.Unit.Key.Train
			if r.Unit.Group != "" {
				row = r.Unit.Group
			}
		}
		i := find(row, tr.LR, tr.WeightDecay)
		out[i].Runs = append(out[i].Runs, r)
	}
	for i := range out {
		g := &out[i]
		var acc, seq, loss, best, ms []float64
		for _, r := range g.Runs {
			last := harness.Eval{Loss: math.NaN(), Accuracy: math.NaN(), SeqAccuracy: math.NaN()}
			if n := len(r.Evals); n > 0 {
				last = r.Evals[n-1]
			}
			acc, seq, loss = append(acc, last.Accuracy), append(seq, last.SeqAccuracy), append(loss, last.Loss)
			b := r.Best.Loss
			if r.Best.Step == 0 {
				b = math.NaN() // never evaluated after training
			}
			best, ms = append(best, b), append(ms, r.StepMs.Median)
		}
		g.Acc, g.SeqAcc, g.Loss, g.Best, g.StepMs = Summarize(acc), Summarize(seq), Summarize(loss), Summarize(best), Summarize(ms)
		g.Metric, g.Higher, g.tieLoss = g.Acc, true, g.Loss.Mean
		if rec.Task == "char-lm" {
			g.Metric, g.Higher, g.tieLoss = g.Best, false, g.Best.Mean
		}
	}
	chosen := map[string]int{}
	for i, g := range out {
		j, ok := chosen[g.Model]
		if !ok || better(g, out[j]) {
			chosen[g.Model] = i
		}
	}
	for _, i := range chosen {
		out[i].Chosen = true
	}
	return out
}

// better reports whether grid point a beats b on the mean selection
// metric (ties: the lower mean held-out loss); NaN loses to any number.
func better(a, b GridPoint) bool {
	x, y := a.Metric.Mean, b.Metric.Mean
	if !a.Higher {
		x, y = -x, -y
	}
	switch {
	case math.IsNaN(x) || math.IsNaN(y):
		return !math.IsNaN(x) && math.IsNaN(y)
	case x != y:
		return x > y
	}
	return a.tieLoss < b.tieLoss
}

// statusCounts writes how many runs ended in each status: "3 ok", "2 target, 1 ok".
func statusCounts(runs []harness.Result) string {
	var names []string
	n := map[string]int{}
	for _, r := range runs {
		if n[r.Status] == 0 {
			names = append(names, r.Status)
		}
		n[r.Status]++
	}
	slices.Sort(names)
	var parts []string
	for _, s := range names {
		parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
	}
	return strings.Join(parts, ", ")
}

// GridTables writes the two tables of a run with a grid: per model, the
// chosen grid point with mean ± std and min–max over seeds; then every
// grid point of every model.
func GridTables(w io.Writer, rec *harness.Record) error {
	pts := GridPoints(rec)
	metric := harness.GridMetric(rec.Task)
	seeds := ""
	if rec.Grid != nil {
		seeds = fmt.Sprintf("%d seed(s) per point", len(rec.Grid.Seeds))
	}
	fmt.Fprintf(w, "Per model at its best grid point, chosen by %s; mean ± sample std and min–max over seeds (%s):\n\n", metric, seeds)
	copyTask := rec.Task != "char-lm"
	var header []string
	if copyTask {
		header = []string{"model", "lr", "weight decay", "seeds", "accuracy %", "accuracy % min–max", "exact seq %", "eval loss", "median ms/step", "status"}
	} else {
		header = []string{"model", "lr", "weight decay", "seeds", "best val loss (nats/char)", "min–max", "bits/char", "median ms/step", "status"}
	}
	var rows, all [][]string
	for _, g := range pts {
		lr, wd, n := fmt.Sprintf("%g", g.LR), fmt.Sprintf("%g", g.WD), fmt.Sprint(len(g.Runs))
		mark := ""
		if g.Chosen {
			mark = "chosen"
		}
		if copyTask {
			all = append(all, []string{g.Model, lr, wd, n, g.Acc.pm(100, 1), g.Acc.span(100, 1), g.Loss.pm(1, 4), mark})
		} else {
			all = append(all, []string{g.Model, lr, wd, n, g.Best.pm(1, 4), g.Best.span(1, 4), mark})
		}
		if !g.Chosen {
			continue
		}
		if copyTask {
			rows = append(rows, []string{g.Model, lr, wd, n, g.Acc.pm(100, 1), g.Acc.span(100, 1), g.SeqAcc.pm(100, 1), g.Loss.pm(1, 4), g.StepMs.pm(1, 2), statusCounts(g.Runs)})
		} else {
			rows = append(rows, []string{g.Model, lr, wd, n, g.Best.pm(1, 4), g.Best.span(1, 4), fmt.Sprintf("%.4f", g.Best.Mean/math.Ln2), g.StepMs.pm(1, 2), statusCounts(g.Runs)})
		}
	}
	if err := reports.Markdown(w, header, rows); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nEvery grid point (mean ± sample std and min–max over seeds):\n\n")
	if copyTask {
		header = []string{"model", "lr", "weight decay", "seeds", "accuracy %", "accuracy % min–max", "eval loss", "best"}
	} else {
		header = []string{"model", "lr", "weight decay", "seeds", "best val loss (nats/char)", "min–max", "best"}
	}
	return reports.Markdown(w, header, all)
}

// gridLossFigure is loss.png for a run with a grid: per model at its
// chosen grid point, the mean over seeds of the training and held-out
// loss and of the held-out accuracy (char-lm: held-out loss against wall
// time) at each evaluation step, with a band from the lowest to the
// highest seed. A seed that stopped early (target accuracy) leaves the
// mean of the steps after its stop to the others.
func gridLossFigure(rec *harness.Record) reports.Figure {
	loss, right := curvePanels(rec.Task,
		"mean loss over seeds, band min–max (solid: training, dashed: held-out)",
		reports.Panel{Title: "mean held-out accuracy over seeds, band min–max", YLabel: "accuracy"},
		reports.Panel{Title: "mean validation loss over seeds against wall time", YLabel: "val loss (nats/char)"})
	k := 0
	for _, g := range GridPoints(rec) {
		if !g.Chosen {
			continue
		}
		k++
		name := g.Model
		if rec.Grid != nil && (len(rec.Grid.LR) > 1 || len(rec.Grid.WeightDecay) > 1) {
			name += fmt.Sprintf(" lr=%g wd=%g", g.LR, g.WD)
		}
		steps, tr, ev, acc, secs := seedCurves(g.Runs)
		tr.Name, tr.Color = name+" train", k
		ev.Name, ev.Color, ev.Dashed = name+" eval", k, true
		loss.Series = append(loss.Series, tr.Series, ev.Series)
		loss.Bands = append(loss.Bands, reports.Band{X: steps, Lo: ev.lo, Hi: ev.hi, Color: k})
		if rec.Task == "char-lm" {
			right.Series = append(right.Series, reports.Series{Name: name, X: secs, Y: ev.Y, Color: k})
		} else {
			acc.Name, acc.Color = name, k
			right.Series = append(right.Series, acc.Series)
			right.Bands = append(right.Bands, reports.Band{X: steps, Lo: acc.lo, Hi: acc.hi, Color: k})
		}
	}
	return reports.Figure{Title: "rnnbench " + rec.Task + ": training curves, mean over seeds", Caption: RunCaption(rec), Cols: 2, Panels: []reports.Panel{loss, right}}
}

// meanCurve is a series of means with the min and max at each point.
type meanCurve struct {
	reports.Series
	lo, hi []float64
}

// seedCurves aligns the evaluations of runs by step and returns, at each
// step any run evaluated, the mean (and min, max) over the runs that did,
// of training loss, held-out loss, held-out accuracy and wall seconds.
func seedCurves(runs []harness.Result) (steps []float64, tr, ev, acc meanCurve, secs []float64) {
	at := map[int][]harness.Eval{}
	var order []int
	for _, r := range runs {
		for _, e := range r.Evals {
			if _, ok := at[e.Step]; !ok {
				order = append(order, e.Step)
			}
			at[e.Step] = append(at[e.Step], e)
		}
	}
	slices.Sort(order)
	add := func(c *meanCurve, x float64, vs []float64) {
		s := Summarize(vs)
		c.X, c.Y = append(c.X, x), append(c.Y, s.Mean)
		c.lo, c.hi = append(c.lo, s.Min), append(c.hi, s.Max)
	}
	for _, step := range order {
		var t, l, a, w []float64
		for _, e := range at[step] {
			t, l, a, w = append(t, e.TrainLoss), append(l, e.Loss), append(a, e.Accuracy), append(w, e.Seconds)
		}
		x := float64(step)
		steps = append(steps, x)
		add(&tr, x, t)
		add(&ev, x, l)
		add(&acc, x, a)
		secs = append(secs, Summarize(w).Mean)
	}
	return steps, tr, ev, acc, secs
}

// gridName is the benchmark-name suffix of a result of a run with a
// learning-rate or weight-decay grid ("/lr=0.003/wd=0.1") or several sizes
// ("/L=2"), so that
// benchstat pools only the seeds of one grid point: each seed is one line
// of results.bench under the same name. It is "" without such a grid.
func gridName(rec *harness.Record, r harness.Result) string {
	if rec.Grid == nil || r.Unit == nil {
		return ""
	}
	name := ""
	if len(rec.Grid.Layers) > 1 {
		name += fmt.Sprintf("/L=%d", r.Model.L)
	}
	if len(rec.Grid.LR) > 1 || len(rec.Grid.WeightDecay) > 1 {
		name += fmt.Sprintf("/lr=%g/wd=%g", r.Unit.Key.Train.LR, r.Unit.Key.Train.WeightDecay)
	}
	return name
}
