package cli

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"rnnbench/harness"
	"rnnbench/views"
)

// hasLengths reports whether rec is a synthetic-task record with
// per-length results.
func hasLengths(rec *harness.Record) bool {
	return len(rec.Results) > 0 && len(rec.Results[0].Lengths) > 0
}

// writeLengthViews writes lengths.md and lengths.png of a synthetic-task
// record from its results and task_config alone (bench report calls it
// too).
func writeLengthViews(dir string, rec *harness.Record) error {
	if !hasLengths(rec) {
		return nil
	}
	var cfg struct {
		Source       string  `json:"source"`
		Chance       float64 `json:"chance"`
		TrainLengths []int   `json:"train_lengths"`
	}
	if b, err := json.Marshal(rec.TaskCfg); err == nil {
		json.Unmarshal(b, &cfg)
	}
	if len(cfg.TrainLengths) == 0 {
		return fmt.Errorf("%s: task_config has no train_lengths", dir)
	}
	lo, hi := slices.Min(cfg.TrainLengths), slices.Max(cfg.TrainLengths)
	var md strings.Builder
	fmt.Fprintf(&md, "# %s: accuracy per held-out input length\n\nSource: %s. Trained on L %d-%d; %% raw accuracy (the official code's) with xLSTM's scaled accuracy (0 = chance %.4g, 1 = perfect) in parentheses.\n\n",
		rec.Task, cfg.Source, lo, hi, cfg.Chance)
	if err := views.LengthTable(&md, rec); err != nil {
		return err
	}
	if err := harness.WriteFileAtomic(filepath.Join(dir, "lengths.md"), []byte(md.String())); err != nil {
		return err
	}
	return views.LengthPlot(filepath.Join(dir, "lengths.png"), rec, lo, hi, cfg.Chance)
}

// writeSuite writes the suite summary: formal.md (models × tasks) and the
// heatmap formal.png.
func writeSuite(dir string, recs []*harness.Record) error {
	var md strings.Builder
	fmt.Fprintf(&md, "# Formal-language suite\n\nTrained on short inputs, tested on long ones (each task's folder has the per-length table and plot); %s.\n\n", suiteCellNote)
	if err := views.SuiteTable(&md, recs); err != nil {
		return err
	}
	if err := harness.WriteFileAtomic(filepath.Join(dir, "formal.md"), []byte(md.String())); err != nil {
		return err
	}
	return views.SuiteHeatmap(filepath.Join(dir, "formal.png"), recs)
}
