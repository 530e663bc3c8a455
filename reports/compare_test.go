package reports

import (
	"bytes"
	"math"
	"os"
	"testing"

	"rnnbench/internal/golden"
)

const calib = "BenchmarkCalibrate/kernel=sgemm"

// loadResults is the results of a benchmark-format fixture from testdata.
func loadResults(t *testing.T, name string) []Result {
	_, res := parseFixture(t, name)
	return res
}

// parseFixture parses a benchmark-format fixture from testdata.
func parseFixture(t *testing.T, name string) ([]Config, []Result) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, res, err := ParseBench(f)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, res
}

// verdicts maps "name unit" to the verdict of each row.
func verdicts(rows []Row) map[string]string {
	m := make(map[string]string)
	for _, r := range rows {
		m[r.Name+" "+r.Unit] = r.Verdict
	}
	return m
}

func TestCompareFixtures(t *testing.T) {
	base, new := loadResults(t, "compare_base.txt"), loadResults(t, "compare_new.txt")
	rows, regressed := Compare(base, new, CompareOptions{Calibration: calib})
	if !regressed {
		t.Error("regressed = false, want true")
	}
	const p = "BenchmarkTrain/task=sweep/model="
	want := map[string]string{
		calib + " ns/op": "ok", // raw 1000 → 2000: the machine is 2× slower
		// calibrated: 2e6 → 4e6/2; 10 → 4·2 is -20%, within 25%
		p + "gru/T=256 ns/step": "ok", p + "gru/T=256 GFLOP/s": "ok",
		p + "gru/T=256 params": "ok", p + "gru/T=256 flops/token": "ok", // 2e-10 relative
		p + "gru/T=256 analytic-B": "REGRESSED", // 4096 → 4097
		// medians 1e7 (one 9e7 outlier) → 3e7/2: +50%
		p + "lstm/T=256 ns/step":  "REGRESSED",
		p + "lstm/T=256 tokens/s": "improved", // 1e5 → 7e4·2
		p + "lstm/T=256 loss":     "improved",
		p + "lstm/T=256 accuracy": "REGRESSED",
		p + "lstm/T=256 peak-B":   "REGRESSED", // +30%
		p + "mamba/T=256 ns/step": "new", p + "mamba/T=256 loss": "new",
		p + "mingru/T=256 ns/step": "ok", p + "mingru/T=256 tokens/s": "ok",
		p + "mingru/T=256 loss": "ok", p + "mingru/T=256 accuracy": "ok",
		p + "mingru/T=256 peak-B":       "ok", // +20% exactly: at the boundary
		p + "mingru/T=256 analytic-B":   "ok",
		p + "transformer/T=256 ns/step": "missing", p + "transformer/T=256 loss": "missing",
	}
	got := verdicts(rows)
	if len(got) != len(want) || len(rows) != len(want) {
		t.Errorf("got %d rows (%d distinct), want %d", len(rows), len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: verdict %q, want %q", k, got[k], v)
		}
	}
	for i := 1; i < len(rows); i++ {
		a, b := rows[i-1], rows[i]
		if a.Name > b.Name || (a.Name == b.Name && a.Unit >= b.Unit) {
			t.Errorf("rows %d, %d out of order: %s %s, %s %s", i-1, i, a.Name, a.Unit, b.Name, b.Unit)
		}
	}
	lstm := findRow(t, rows, p+"lstm/T=256", "ns/step")
	if lstm.Base != 1e7 || lstm.New != 1.5e7 || lstm.ChangePct != 50 {
		t.Errorf("lstm ns/step row %+v, want medians 1e7 and 3e7/2, +50%%", lstm)
	}
	cal := findRow(t, rows, calib, "ns/op")
	if cal.Base != 1000 || cal.New != 2000 || cal.ChangePct != 100 {
		t.Errorf("calibration row %+v, want raw 1000 → 2000", cal)
	}
	miss := findRow(t, rows, p+"transformer/T=256", "loss")
	if miss.Base != 0.6 || !math.IsNaN(miss.New) || !math.IsNaN(miss.ChangePct) {
		t.Errorf("missing row %+v, want Base 0.6, New and ChangePct NaN", miss)
	}

	var buf bytes.Buffer
	if err := WriteCompareMarkdown(&buf, rows); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "compare", buf.Bytes())
}

func findRow(t *testing.T, rows []Row, name, unit string) Row {
	t.Helper()
	for _, r := range rows {
		if r.Name == name && r.Unit == unit {
			return r
		}
	}
	t.Fatalf("no row %s %s", name, unit)
	return Row{}
}

// TestCompareCalibrationUniformSlowdown: every timing is 2× worse, and so is
// the calibration kernel; with calibration nothing regresses, without it
// every timing row does.
func TestCompareCalibrationUniformSlowdown(t *testing.T) {
	mk := func(f float64) []Result {
		return []Result{
			{calib, 1, []Metric{{1000 * f, "ns/op"}}},
			{"BenchmarkA", 1, []Metric{{3e5 * f, "ns/step"}, {7e3 / f, "tokens/s"}, {12 / f, "GFLOP/s"}, {0.25, "loss"}}},
		}
	}
	rows, regressed := Compare(mk(1), mk(2), CompareOptions{Calibration: calib})
	for _, r := range rows {
		if r.Verdict != "ok" {
			t.Errorf("calibrated: %s %s verdict %q (%+v)", r.Name, r.Unit, r.Verdict, r)
		}
	}
	if regressed {
		t.Error("calibrated: regressed = true")
	}
	rows, regressed = Compare(mk(1), mk(2), CompareOptions{})
	got := verdicts(rows)
	for _, u := range []string{"ns/step", "tokens/s", "GFLOP/s"} {
		if got["BenchmarkA "+u] != "REGRESSED" {
			t.Errorf("uncalibrated %s: verdict %q, want REGRESSED", u, got["BenchmarkA "+u])
		}
	}
	if !regressed {
		t.Error("uncalibrated: regressed = false")
	}
}

func TestCompareCalibrationAbsent(t *testing.T) {
	base := []Result{{"BenchmarkA", 1, []Metric{{100, "ns/step"}}}}
	new := []Result{{"BenchmarkA", 1, []Metric{{110, "ns/step"}}}}
	for _, tc := range []struct {
		mode          TimingMode
		verdict       string
		wantRegressed bool
	}{{TimingFail, "missing", true}, {TimingWarn, "warn", false}} {
		rows, regressed := Compare(base, new, CompareOptions{Calibration: calib, Timing: tc.mode})
		got := verdicts(rows)
		if got[calib+" ns/op"] != tc.verdict || got["BenchmarkA ns/step"] != "ok" || regressed != tc.wantRegressed {
			t.Errorf("mode %d: verdicts %v, regressed %v; want calibration %q, A ok, regressed %v",
				tc.mode, got, regressed, tc.verdict, tc.wantRegressed)
		}
	}
}

// TestCompareThresholds checks each kind just at and just past its
// tolerance, in both directions.
func TestCompareThresholds(t *testing.T) {
	for _, tc := range []struct {
		unit      string
		base, new float64
		want      string
	}{
		{"ns/step", 100, 125, "ok"}, // +25% exactly
		{"ns/step", 100, 125.001, "REGRESSED"},
		{"ns/step", 100, 74.999, "improved"},
		{"tokens/s", 100, 75, "ok"},
		{"tokens/s", 100, 74.999, "REGRESSED"},
		{"tokens/s", 100, 125.001, "improved"},
		{"peak-B", 1000, 1200, "ok"}, // +20% exactly
		{"peak-B", 1000, 1201, "REGRESSED"},
		{"peak-B", 1000, 799, "improved"},
		{"loss", 0.5, 0.5 * (1 + 5e-10), "ok"},
		{"loss", 0.5, 0.5 * (1 + 2e-9), "REGRESSED"},
		{"loss", 0.5, 0.5 * (1 - 2e-9), "improved"},
		{"accuracy", 0.9, 0.9 * (1 - 2e-9), "REGRESSED"},
		{"accuracy", 0.9, 0.95, "improved"},
		{"params", 1000, 1001, "REGRESSED"},
		{"analytic-B", 4096, 4096, "ok"},
		{"loss", 0, 0, "ok"},
		{"loss", 0, 1e-12, "REGRESSED"}, // any change from zero is infinite
		{"loss", 0.5, math.NaN(), "REGRESSED"},
		{"loss", math.NaN(), 0.5, "improved"},
		{"loss", math.NaN(), math.NaN(), "ok"},
	} {
		rows, regressed := Compare(
			[]Result{{"BenchmarkA", 1, []Metric{{tc.base, tc.unit}}}},
			[]Result{{"BenchmarkA", 1, []Metric{{tc.new, tc.unit}}}}, CompareOptions{})
		if len(rows) != 1 || rows[0].Verdict != tc.want || regressed != (tc.want == "REGRESSED") {
			t.Errorf("%s %g → %g: rows %+v, regressed %v; want %q", tc.unit, tc.base, tc.new, rows, regressed, tc.want)
		}
	}
	// Explicit thresholds replace the defaults.
	rows, _ := Compare([]Result{{"BenchmarkA", 1, []Metric{{100, "ns/step"}}}},
		[]Result{{"BenchmarkA", 1, []Metric{{115, "ns/step"}}}}, CompareOptions{Thresholds: Thresholds{Timing: 0.1}})
	if rows[0].Verdict != "REGRESSED" {
		t.Errorf("timing threshold 0.1, +15%%: verdict %q, want REGRESSED", rows[0].Verdict)
	}
}

func TestCompareTimingModes(t *testing.T) {
	base := []Result{{"BenchmarkA", 1, []Metric{{100, "ns/step"}, {0.5, "loss"}}}}
	new := []Result{{"BenchmarkA", 1, []Metric{{300, "ns/step"}, {0.5, "loss"}}}}
	rows, regressed := Compare(base, new, CompareOptions{Timing: TimingWarn})
	if got := verdicts(rows); got["BenchmarkA ns/step"] != "warn" || got["BenchmarkA loss"] != "ok" || regressed {
		t.Errorf("warn mode: verdicts %v, regressed %v; want warn, ok, false", got, regressed)
	}
	rows, regressed = Compare(base, new, CompareOptions{Timing: TimingOff})
	if len(rows) != 1 || rows[0].Unit != "loss" || regressed {
		t.Errorf("off mode: rows %+v, regressed %v; want only the loss row", rows, regressed)
	}
	// Warn mode still fails on non-timing regressions.
	new[0].Metrics[1].Value = 0.6
	if _, regressed = Compare(base, new, CompareOptions{Timing: TimingWarn}); !regressed {
		t.Error("warn mode, loss regressed: regressed = false")
	}
}

func TestCompareMedianEven(t *testing.T) {
	base := []Result{
		{"BenchmarkA", 1, []Metric{{10, "ns/step"}}}, {"BenchmarkA", 1, []Metric{{1000, "ns/step"}}},
		{"BenchmarkA", 1, []Metric{{20, "ns/step"}}}, {"BenchmarkA", 1, []Metric{{30, "ns/step"}}},
	}
	rows, _ := Compare(base, base[:1], CompareOptions{})
	if rows[0].Base != 25 || rows[0].New != 10 {
		t.Errorf("row %+v, want Base 25 (mean of middle two), New 10", rows[0])
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		unit string
		dir  Direction
		kind MetricKind
	}{
		{"ns/step", LowerIsBetter, Timing}, {"ns/token", LowerIsBetter, Timing}, {"ns/op", LowerIsBetter, Timing},
		{"tokens/s", HigherIsBetter, Timing}, {"GFLOP/s", HigherIsBetter, Timing}, {"MB/s", HigherIsBetter, Timing},
		{"peak-B", LowerIsBetter, Memory}, {"B/op", LowerIsBetter, Memory}, {"allocs/op", LowerIsBetter, Memory},
		{"analytic-B", LowerIsBetter, Exact}, {"params", LowerIsBetter, Exact}, {"flops/token", LowerIsBetter, Exact},
		{"loss", LowerIsBetter, Exact}, {"accuracy", HigherIsBetter, Exact}, {"widgets", LowerIsBetter, Exact},
	} {
		if d, k := Classify(tc.unit); d != tc.dir || k != tc.kind {
			t.Errorf("Classify(%q) = %d, %d; want %d, %d", tc.unit, d, k, tc.dir, tc.kind)
		}
	}
}

func TestWriteCompareMarkdownFormatting(t *testing.T) {
	rows := []Row{
		{"BenchmarkA", "loss", 0.5, 0.5000000001, 2e-8, "REGRESSED"},
		{"BenchmarkA", "params", 123456, 123456, 0, "ok"},
		{"BenchmarkB", "ns/step", math.NaN(), 7, math.NaN(), "new"},
		{"BenchmarkC", "ns/step", 1234567, 1e6, -19.00000, "warn"},
	}
	var buf bytes.Buffer
	if err := WriteCompareMarkdown(&buf, rows); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "compare_format", buf.Bytes())
}
