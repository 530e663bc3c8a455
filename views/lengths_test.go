package views

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rnnbench/harness"
	"rnnbench/reports"
)

func lengthRecord(task string, accs ...[]float64) *harness.Record {
	rec := &harness.Record{Task: task}
	names := []string{"lstm", "mingru/parallel"}
	for i, a := range accs {
		r := harness.Result{Name: names[i], Steps: 100, WallSeconds: 12.34}
		for j, acc := range a {
			e := harness.LengthEval{Label: "1-40", Accuracy: acc, Scaled: (acc - 0.5) / 0.5}
			if j > 0 {
				e.L = []int{0, 40, 256}[j]
				e.Label = []string{"", "40", "256"}[j]
			}
			r.Lengths = append(r.Lengths, e)
		}
		rec.Results = append(rec.Results, r)
	}
	return rec
}

func TestLengthTable(t *testing.T) {
	rec := lengthRecord("parity", []float64{1, 1, 0.9}, []float64{0.75, 0.5, 0.5})
	var b strings.Builder
	if err := LengthTable(&b, rec); err != nil {
		t.Fatal(err)
	}
	want := "| model           | train L 1-40 | L=40         | L=256       | mean over eval lengths | steps | wall s |\n" +
		"|:----------------|:-------------|:-------------|:------------|:-----------------------|------:|-------:|\n" +
		"| lstm            | 100.0 (1.00) | 100.0 (1.00) | 90.0 (0.80) | 95.0 (0.90)            |   100 |   12.3 |\n" +
		"| mingru/parallel | 75.0 (0.50)  | 50.0 (0.00)  | 50.0 (0.00) | 50.0 (0.00)            |   100 |   12.3 |\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	if raw, scaled := MeanEvalLengths(harness.Result{}); !math.IsNaN(raw) || !math.IsNaN(scaled) {
		t.Error("no lengths: want NaN")
	}
}

func TestSuiteTableAndFigures(t *testing.T) {
	recs := []*harness.Record{
		lengthRecord("parity", []float64{1, 1, 1}, []float64{1, 0.5, 0.5}),
		lengthRecord("majority", []float64{1, 0.75, 0.75}),
	}
	var b strings.Builder
	if err := SuiteTable(&b, recs); err != nil {
		t.Fatal(err)
	}
	want := "| model           | parity       | majority    |\n" +
		"|:----------------|:-------------|:------------|\n" +
		"| lstm            | 100.0 (1.00) | 75.0 (0.50) |\n" +
		"| mingru/parallel | 50.0 (0.00)  | —           |\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	dir := t.TempDir()
	for name, draw := range map[string]func(string) error{
		"heat.png":    func(p string) error { return SuiteHeatmap(p, recs) },
		"lengths.png": func(p string) error { return LengthPlot(p, recs[0], 1, 40, 0.5) },
	} {
		path := filepath.Join(dir, name)
		if err := draw(path); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil || img.Bounds().Dx() < 200 {
			t.Errorf("%s: %v, %v", name, err, img.Bounds())
		}
	}
	if err := LengthPlot(filepath.Join(dir, "x.png"), &harness.Record{}, 1, 40, 0.5); err != reports.ErrNoPoints {
		t.Errorf("empty record: %v, want ErrNoPoints", err)
	}
}
