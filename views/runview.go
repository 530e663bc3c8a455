package views

import (
	"fmt"
	"io"
	"math"
	"strings"

	"rnnbench/harness"
	"rnnbench/reports"
)

// MachineLine is the one-line description of where figures were measured,
// which every report starts with.
func MachineLine(m harness.Machine) string {
	return fmt.Sprintf("Machine: %s, %d cores, GOMAXPROCS %d, %s, %s, %.0f GiB, matmul %s, commit %s",
		m.CPU, m.Cores, m.GOMAXPROCS, m.GoVersion, m.OS, float64(m.MemBytes)/(1<<30), m.Backend, m.Commit)
}

// RunMarkdown writes results.md for a training run: the machine, the
// settings, the results table and, for char-lm, each model's sample.
func RunMarkdown(w io.Writer, rec *harness.Record) error {
	t := rec.Train
	fmt.Fprintf(w, "# rnnbench %s\n\n%s\n\n", rec.Task, MachineLine(rec.Machine))
	fmt.Fprintf(w, "Started %s. Batch %d, up to %d steps, AdamW lr %g → %g (warm-up %d, β2 %g, weight decay %g), clip %g, seed %d, eval every %d steps on %d held-out batches. Task: %s.\n\n",
		rec.Started.Format("2006-01-02 15:04 UTC"), t.Batch, t.Steps, t.LR, t.LRMin, t.Warmup, t.Beta2, t.WeightDecay, t.Clip, t.Seed, t.EvalEvery, t.EvalBatches, taskSummary(rec))
	if err := ResultsTable(w, rec); err != nil {
		return err
	}
	for _, r := range rec.Results {
		if r.Reason != "" {
			fmt.Fprintf(w, "\n- %s: %s — %s", r.Name, r.Status, r.Reason)
		}
	}
	fmt.Fprintln(w)
	for _, r := range rec.Results {
		if r.Sample != "" {
			fmt.Fprintf(w, "\n## Sample from %s\n\n```text\n%s\n```\n", r.Name, r.Sample)
		}
	}
	return nil
}

func taskSummary(rec *harness.Record) string {
	var parts []string
	for _, k := range []string{"seq_len", "copy_tokens", "V", "data", "train_chars", "val_chars", "unknown_val_chars"} {
		if v, ok := rec.TaskCfg[k]; ok {
			parts = append(parts, fmt.Sprintf("%s %v", k, v))
		}
	}
	return strings.Join(parts, ", ")
}

// ResultsTable writes the per-model results table of a training run.
func ResultsTable(w io.Writer, rec *harness.Record) error {
	if rec.Grid != nil {
		return GridTables(w, rec) // seeds and grid points: grid.go
	}
	if rec.Task == "char-lm" {
		header := []string{"model", "non-emb params", "state B/seq (KV B/token)", "FLOPs/token", "steps", "tokens seen", "best val loss (nats/char)", "bits/char", "at step", "wall s", "median ms/step", "tokens/s (mean)", "status"}
		var rows [][]string
		for _, r := range rec.Results {
			rows = append(rows, []string{r.Name, fmt.Sprint(r.NonEmbedding), fmt.Sprint(r.StateBytes), fmt.Sprint(r.FLOPsPerToken), fmt.Sprint(r.Steps), fmt.Sprint(r.Tokens),
				f4(r.Best.Loss), f4(r.Best.Loss / math.Ln2), fmt.Sprint(r.Best.Step), f1(r.WallSeconds), f2(r.StepMs.Median), f0(r.TokensPerSec), r.Status})
		}
		return reports.Markdown(w, header, rows)
	}
	header := []string{"model", "non-emb params", "state B/seq (KV B/token)", "FLOPs/token", "steps", "wall s", "median ms/step", "tokens/s (mean)", "eval loss", "accuracy %", "exact seq %", "status"}
	var rows [][]string
	for _, r := range rec.Results {
		last := harness.Eval{}
		if n := len(r.Evals); n > 0 {
			last = r.Evals[n-1]
		}
		rows = append(rows, []string{r.Name, fmt.Sprint(r.NonEmbedding), fmt.Sprint(r.StateBytes), fmt.Sprint(r.FLOPsPerToken), fmt.Sprint(r.Steps), f1(r.WallSeconds), f2(r.StepMs.Median),
			f0(r.TokensPerSec), f4(last.Loss), f1(100 * last.Accuracy), f1(100 * last.SeqAccuracy), r.Status})
	}
	return reports.Markdown(w, header, rows)
}

// LossPlot draws loss.png (and loss.svg, loss.pdf beside it, see
// SaveFigure): training and held-out loss against step, and held-out
// accuracy in % (selective copying) or held-out loss against wall time
// (char-lm), one colour per model (ModelColor) in both panels; training
// loss solid, held-out loss dashed. The training curve starts at the first
// evaluation after step 0: at step 0 no training step has run and the
// record's train_loss there is the held-out loss, so it is not drawn as
// training loss. The caption names the task, sizes, seed, steps and
// machine (RunCaption).
func LossPlot(path string, rec *harness.Record) error {
	for _, f := range RunFigures(rec) {
		if _, err := reports.SaveFigure(path, f.Figure); err != nil {
			return err
		}
	}
	return nil
}

// RunFigures returns the figures LossPlot saves for a training run: the
// loss figure as loss.png, or none before the first evaluation (nothing
// to draw yet). A run with a grid gets gridLossFigure (mean curves with
// bands over seeds: grid.go), any other lossFigure.
func RunFigures(rec *harness.Record) []NamedFigure {
	switch {
	case len(rec.Results) == 0 || len(rec.Results[0].Evals) == 0:
		return nil
	case rec.Grid != nil:
		return []NamedFigure{{LossPNG, gridLossFigure(rec)}}
	}
	return []NamedFigure{{LossPNG, lossFigure(rec)}}
}

// LossPNG is the file of a training run's loss figure (RunFigures).
const LossPNG = "loss.png"

// lossFigure is the figure LossPlot draws.
func lossFigure(rec *harness.Record) reports.Figure {
	loss, right := curvePanels(rec.Task,
		"loss against step (solid: training, dashed: held-out)",
		reports.Panel{Title: "held-out accuracy against step", YLabel: "accuracy (%)"},
		reports.Panel{Title: "held-out loss against wall time", YLabel: "held-out loss (nats/char)"})
	for _, r := range rec.Results {
		tr := reports.Series{Name: r.Name, Key: r.Name}
		ev := reports.Series{Name: r.Name + " held-out", Key: r.Name, Dashed: true, HideLegend: true}
		acc := reports.Series{Name: r.Name, Key: r.Name}
		wall := reports.Series{Name: r.Name, Key: r.Name}
		for _, e := range r.Evals {
			if e.Step > 0 {
				tr.X, tr.Y = append(tr.X, float64(e.Step)), append(tr.Y, e.TrainLoss)
			}
			ev.X, ev.Y = append(ev.X, float64(e.Step)), append(ev.Y, e.Loss)
			acc.X, acc.Y = append(acc.X, float64(e.Step)), append(acc.Y, 100*e.Accuracy)
			wall.X, wall.Y = append(wall.X, e.Seconds), append(wall.Y, e.Loss)
		}
		loss.Series = append(loss.Series, tr, ev)
		if rec.Task == "char-lm" {
			right.Series = append(right.Series, wall)
		} else {
			right.Series = append(right.Series, acc)
		}
	}
	return reports.Figure{Title: "rnnbench " + rec.Task + ": training curves", Caption: RunCaption(rec), Cols: 2, Panels: []reports.Panel{loss, right}}
}

// curvePanels are the two empty panels of a run's loss figure: loss
// titled lossTitle against step (nats/token, or nats/char for char-lm),
// and on the right acc (titled and labelled, against step) or, for
// char-lm, wall (against training wall time).
func curvePanels(task, lossTitle string, acc, wall reports.Panel) (loss, right reports.Panel) {
	loss = reports.Panel{Title: lossTitle, XLabel: "step", YLabel: "loss (nats/token)"}
	right, right.XLabel = acc, "step"
	if task == "char-lm" {
		loss.YLabel = "loss (nats/char)"
		right, right.XLabel = wall, "training wall time (s)"
	}
	return loss, right
}

// RunCaption is the caption of a training run's figures: task and its
// sizes, the models' sizes, batch, seed, steps and the machine.
func RunCaption(rec *harness.Record) string {
	t := rec.Train
	arch := ""
	if len(rec.Results) > 0 {
		c := rec.Results[0].Model
		arch = fmt.Sprintf("models L=%d, D=%d, E=%d", c.L, c.D, c.E())
	}
	return Caption(rec.Machine, "task "+rec.Task+" ("+taskSummary(rec)+")", arch,
		fmt.Sprintf("batch %d, up to %d steps, seed %d, held-out eval every %d steps on %d batches", t.Batch, t.Steps, t.Seed, t.EvalEvery, t.EvalBatches))
}

func f0(v float64) string { return fmt.Sprintf("%.0f", v) }
func f1(v float64) string { return fmt.Sprintf("%.1f", v) }
func f2(v float64) string { return fmt.Sprintf("%.2f", v) }
func f4(v float64) string { return fmt.Sprintf("%.4f", v) }
