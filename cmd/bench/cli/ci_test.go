package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"rnnbench/harness"
	"rnnbench/internal/tensor"
	"rnnbench/models"
	"rnnbench/reports"
	"rnnbench/tasks"
	"rnnbench/views"
)

// tinySuite is a ci suite that runs in well under a second.
func tinySuite() ciSuite {
	return ciSuite{
		Copy:   tasks.SelectiveCopy{T: 16, K: 2},
		Models: suiteModels(models.Config{V: tasks.CopyVocab, L: 1, D: 8, Expansion: 2, H: 2, N: 4}, "mingru/parallel", "gru"),
		Train: harness.TrainConfig{Batch: 4, Steps: 6, LR: 3e-3, LRMin: 3e-4, Warmup: 2, Beta1: 0.9, Beta2: 0.99,
			WeightDecay: 0.1, Clip: 1, EvalEvery: 3, EvalBatches: 2, Seed: 1},
		Points: []int{16},
		Point:  harness.PointSpec{WarmupSteps: 1, Repeats: 5, Train: harness.TrainConfig{Batch: 2}},
		Calib:  3,
		Eval:   7,
	}
}

// useSuite makes `bench ci` run s for the rest of the test.
func useSuite(t *testing.T, s ciSuite) {
	saved := quickSuite
	quickSuite = s
	t.Cleanup(func() { quickSuite = saved })
}

// The real suite covers what the issue asks for and trains every model
// for exactly the same number of steps.
func TestQuickSuite(t *testing.T) {
	var names []string
	for _, c := range quickSuite.Models {
		names = append(names, c.Name())
	}
	for _, want := range []string{"mingru/parallel", "gru", "transformer"} {
		if !slices.Contains(names, want) {
			t.Errorf("quick suite lacks %s: %v", want, names)
		}
	}
	tr := quickSuite.Train
	if tr.TargetAcc != 0 || tr.Steps%tr.EvalEvery != 0 || tr.Steps > 100 || quickSuite.Copy.Validate() != nil {
		t.Errorf("quick suite training %+v: want no early stop, an evaluation at the last step, few steps", tr)
	}
	if quickSuite.wrap != nil {
		t.Error("the quick suite must not wrap models")
	}
}

// --update-baseline writes a baseline that the next run matches: every
// exact metric is bit-reproducible run to run, so with --timing warn the
// run passes.
func TestCIUpdateThenPass(t *testing.T) {
	useSuite(t, tinySuite())
	dir := t.TempDir()
	baseline := filepath.Join(dir, "ci", "baseline.txt")
	code, stdout, stderr := bench(t, "ci", "--quiet", "--update-baseline", "--baseline", baseline)
	if code != ExitOK || stdout != "" {
		t.Fatalf("update: exit %d, stderr %s, stdout %s", code, stderr, stdout)
	}
	data, err := os.ReadFile(baseline)
	if err != nil {
		t.Fatal(err)
	}
	_, results, err := views.ReadBenchFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, fmt.Sprintf("wrote baseline %s (%d results)", baseline, len(results))) {
		t.Fatalf("stderr %q, baseline has %d results", stderr, len(results))
	}
	// 2 models × (train + point train + point infer) + 3 calibration
	// kernels, each with one line per repetition (a group of timed steps,
	// tokens or calls; 4 calibrations of the suite).
	names := map[string]int{}
	for _, r := range results {
		names[r.Name]++
	}
	if len(names) != 2*3+3 || names[views.CalibrationName] < 4 {
		t.Fatalf("%d benchmarks in the baseline, want 9: %v", len(names), names)
	}

	summary := filepath.Join(dir, "summary.md")
	out := filepath.Join(dir, "out")
	code, stdout, stderr = bench(t, "ci", "--quiet", "--baseline", baseline, "--timing", "warn", "--summary", summary, "--out", out)
	if code != ExitOK {
		t.Fatalf("second run: exit %d, stderr %s\n%s", code, stderr, stdout)
	}
	if !strings.HasPrefix(stdout, "### rnnbench: bench ci\n") || !strings.Contains(stdout, "0 regressed") || strings.Contains(stdout, "missing") {
		t.Fatalf("report:\n%s", stdout)
	}
	for _, unit := range []string{"loss", "accuracy-%", "analytic-B", "params", "flops/token"} {
		if v := rowVerdict(stdout, "BenchmarkTrain/task=selective-copy/model=gru/T=16", unit); v != "ok" {
			t.Errorf("gru %s verdict %q, want ok (bit-reproducible)", unit, v)
		}
	}
	if got, _ := os.ReadFile(summary); string(got) != stdout+"\n" {
		t.Errorf("summary file differs from the report:\n%s", got)
	}
	for _, f := range []string{BenchFile, "results.json", "results.md"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("--out: %s missing: %v", f, err)
		}
	}
	// The kept results compare with the baseline as the run did.
	if code, _, stderr := bench(t, "compare", "--timing", "off", baseline, out); code != ExitOK {
		t.Errorf("compare baseline with --out: exit %d: %s", code, stderr)
	}
}

// A baseline whose seeded loss differs fails the run even with --timing warn.
func TestCIExactChangeFails(t *testing.T) {
	useSuite(t, tinySuite())
	dir := t.TempDir()
	baseline := filepath.Join(dir, "baseline.txt")
	if code, _, stderr := bench(t, "ci", "--quiet", "--update-baseline", "--baseline", baseline); code != ExitOK {
		t.Fatalf("update: %d %s", code, stderr)
	}
	data, _ := os.ReadFile(baseline)
	config, results, err := views.ReadBenchFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	const name = "BenchmarkTrain/task=selective-copy/model=mingru/mode=parallel/T=16"
	edited := false
	for i, r := range results {
		for j, m := range r.Metrics {
			if r.Name == name && m.Unit == "loss" {
				results[i].Metrics[j].Value *= 0.99 // the baseline learned better than this code does
				edited = true
			}
		}
	}
	if !edited {
		t.Fatal("no loss in the baseline")
	}
	var b bytes.Buffer
	if err := views.WriteBenchFile(&b, slices.DeleteFunc(config, func(c reports.Config) bool {
		return c.Key == views.SchemaKey || c.Key == views.CountKey
	}), results); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(baseline, b.Bytes(), 0o644)
	code, stdout, stderr := bench(t, "ci", "--quiet", "--baseline", baseline, "--timing", "warn")
	if code != ExitFailure || rowVerdict(stdout, name, "loss") != "REGRESSED" {
		t.Fatalf("exit %d, stderr %s\n%s", code, stderr, stdout)
	}
}

func TestCIBadInput(t *testing.T) {
	useSuite(t, tinySuite())
	dir := t.TempDir()
	file := filepath.Join(dir, "afile")
	os.WriteFile(file, []byte("x"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"ci", "--baseline", filepath.Join(dir, "none.txt")}, "create it with: bench ci --update-baseline"},
		{[]string{"ci", "--baseline", file}, "no benchmark result lines"},
		{[]string{"ci", "--update-baseline", "--baseline", filepath.Join(dir, "b.txt"), "--timing", "sometimes"}, "unknown --timing"},
		{[]string{"ci", "--update-baseline", "--baseline", filepath.Join(dir, "b.txt"), "--out", file}, "is a file"},
		{[]string{"ci", "extra"}, "ci takes no arguments"},
	}
	for _, tc := range cases {
		start := time.Now()
		code, _, stderr := bench(t, tc.args...)
		if code != ExitBadInput || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line with %q", tc.args, code, stderr, tc.want)
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("%v: bad input took %s: the suite ran before the check", tc.args, time.Since(start))
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "b.txt")); err == nil {
		t.Error("bad input wrote a baseline")
	}
}

// slowMixer is a test-only mixer wrapper that injects a regression: each
// Forward sleeps for delay, and Alloc counts extra activation floats that
// are never used. It changes no value the model computes.
type slowMixer struct {
	models.Mixer[float32]
	delay time.Duration
	extra int
}

func (s *slowMixer) Alloc(a *tensor.Arena[float32], B, T int) {
	s.Mixer.Alloc(a, B, T)
	a.Make(tensor.Activation, s.extra)
}

func (s *slowMixer) Forward(y, x []float32, B, T int) {
	time.Sleep(s.delay)
	s.Mixer.Forward(y, x, B, T)
}

// suiteBench runs s and returns its rnnbench benchmark file, written in dir.
func suiteBench(t *testing.T, s ciSuite, path string) string {
	t.Helper()
	rec, cals, err := runSuite(context.Background(), s, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := views.WriteRecordBench(&b, rec, cals...); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A deliberate regression in a mixer (slower, more memory) makes compare
// fail and names it; the reverse, an improvement, passes. The seeded
// losses are untouched by the wrapper and stay equal.
func TestInjectedRegressionFailsCompare(t *testing.T) {
	dir := t.TempDir()
	s := tinySuite()
	s.Points = nil // points build their own models; only the trained ones are wrapped
	base := suiteBench(t, s, filepath.Join(dir, "base.bench"))
	s.wrap = func(m *models.Model[float32]) {
		for _, blk := range m.Blocks {
			blk.Mixer = &slowMixer{Mixer: blk.Mixer, delay: 10 * time.Millisecond, extra: 4096}
		}
	}
	slow := suiteBench(t, s, filepath.Join(dir, "slow.bench"))

	code, stdout, stderr := bench(t, "compare", base, slow)
	if code != ExitFailure || !strings.Contains(stderr, "regressed") {
		t.Fatalf("regression: exit %d, stderr %s\n%s", code, stderr, stdout)
	}
	for _, name := range []string{"BenchmarkTrain/task=selective-copy/model=mingru/mode=parallel/T=16", "BenchmarkTrain/task=selective-copy/model=gru/T=16"} {
		for unit, want := range map[string]string{"ns/step": "REGRESSED", "tokens/s": "REGRESSED", "analytic-B": "REGRESSED", "loss": "ok", "accuracy-%": "ok", "params": "ok"} {
			if got := rowVerdict(stdout, name, unit); got != want {
				t.Errorf("regression: %s %s verdict %q, want %q", name, unit, got, want)
			}
		}
	}

	code, stdout, stderr = bench(t, "compare", slow, base)
	if code != ExitOK || !strings.Contains(stdout, "0 regressed") {
		t.Fatalf("improvement: exit %d, stderr %s\n%s", code, stderr, stdout)
	}
	for unit, want := range map[string]string{"ns/step": "improved", "analytic-B": "improved", "loss": "ok"} {
		if got := rowVerdict(stdout, "BenchmarkTrain/task=selective-copy/model=gru/T=16", unit); got != want {
			t.Errorf("improvement: gru %s verdict %q, want %q", unit, got, want)
		}
	}
}
