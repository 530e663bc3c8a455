package views

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"rnnbench/harness"
)

// The run table says which statistic each timing column is.
func TestResultsTableTimingLabels(t *testing.T) {
	for _, task := range []string{"selective-copy", "char-lm"} {
		rec := &harness.Record{Task: task, Results: []harness.Result{{Name: "gru", Status: harness.StatusOK,
			Evals: []harness.Eval{{Step: 0, Loss: 2.7}, {Step: 10, Loss: 1.2}}, Best: harness.Eval{Step: 10, Loss: 1.2}}}}
		var b bytes.Buffer
		if err := ResultsTable(&b, rec); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"| median ms/step |", "| tokens/s (mean) |"} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("%s table lacks %q:\n%s", task, want, b.String())
			}
		}
	}
}

// Many series put the legend in a strip beside the panel; a loss plot of
// six models (12 series on the left) and of a single evaluation draws.
func TestLossPlotManyModels(t *testing.T) {
	rec := &harness.Record{Task: "char-lm"}
	for i := 0; i < 6; i++ {
		rec.Results = append(rec.Results, harness.Result{Name: fmt.Sprintf("model%d/parallel", i),
			Evals: []harness.Eval{{Step: 0, Loss: 4.2, TrainLoss: 4.2}, {Step: 100, Seconds: 3, Loss: 2 + 0.1*float64(i), TrainLoss: 1.9}}})
	}
	if err := LossPlot(filepath.Join(t.TempDir(), "loss.png"), rec); err != nil {
		t.Fatal(err)
	}
}
