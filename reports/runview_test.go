package reports

import (
	"bytes"
	"fmt"
	"image/color"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rnnbench/harness"
)

// The run table says which statistic each timing column is.
func TestResultsTableTimingLabels(t *testing.T) {
	for _, task := range []string{"selective-copy", "char-lm"} {
		rec := &harness.Record{Task: task, Results: []harness.Result{{Name: "gru", Status: "ok",
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

// Log-axis tick labels are never repeated: plot.LogTicks gives each power
// of ten twice (major, and the 1× minor tick of its decade).
func TestLogTicksUniqueLabels(t *testing.T) {
	for _, r := range [][2]float64{{60, 200}, {95, 105}, {1, 1e4}, {0.3, 0.7}, {20, 120}} {
		seen := map[string]bool{}
		n := 0
		for _, tk := range (logTicks{}).Ticks(r[0], r[1]) {
			if tk.Label == "" {
				continue
			}
			if seen[tk.Label] {
				t.Errorf("range %v: label %q twice", r, tk.Label)
			}
			seen[tk.Label] = true
			if tk.Value >= r[0] && tk.Value <= r[1] {
				n++
			}
		}
		if n < 2 {
			t.Errorf("range %v: %d labels inside the range, want ≥ 2", r, n)
		}
	}
}

// A series' colour comes from its model key, so that one model keeps its
// colour across panels and figures; a bare mixer is its default mode.
func TestSeriesLook(t *testing.T) {
	c1, s1 := (Series{Name: "gru train", Key: "gru"}).look(5)
	c2, s2 := (Series{Name: "gru"}).look(0)
	if c1 != c2 || s1 != s2 || c1 != color.Color(rgb(0x2ca02c)) {
		t.Errorf("gru: %v/%d and %v/%d, want one colour #2ca02c", c1, s1, c2, s2)
	}
	if ModelColor("mingru") != ModelColor("mingru/parallel") {
		t.Error("bare mingru is not coloured as mingru/parallel")
	}
	seen := map[color.RGBA]string{}
	for name := range modelColors {
		c := ModelColor(name)
		if other, dup := seen[c]; dup {
			t.Errorf("%s and %s share colour %v", name, other, c)
		}
		seen[c] = name
	}
	// An unknown model gets a spare colour, none of the known models'.
	if c := ModelColor("newmixer"); !slices.Contains(spareColors, c) || seen[c] != "" {
		t.Errorf("newmixer: colour %v, want one of the spare colours", c)
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
