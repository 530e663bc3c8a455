package views

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"rnnbench/harness"
	"rnnbench/models"
	"rnnbench/reports"
)

// benchRecord is a record with two training results and three sweep
// points (one skipped), with values chosen so every formula is checkable.
func benchRecord() *harness.Record {
	mingru := models.Config{Mixer: "mingru", Mode: "parallel", V: 16, L: 2, D: 32, Expansion: 2}
	gru := models.Config{Mixer: "gru", V: 16, L: 2, D: 32, Expansion: 2}
	return &harness.Record{
		Schema: harness.SchemaVersion, Task: "selective-copy",
		Machine: harness.Machine{CPU: "Test CPU @ 2GHz ", Cores: 2, GOMAXPROCS: 2, GoVersion: "go1.26.8", OS: "linux/amd64", Backend: "gonum (pure Go)", Commit: "abc123+dirty"},
		Train:   harness.TrainConfig{Batch: 16, Steps: 30},
		TaskCfg: map[string]any{"seq_len": 64, "copy_tokens": 8},
		Results: []harness.Result{
			{Model: mingru, Params: 13000, NonEmbedding: 12640, StateBytes: 512, FLOPsPerToken: 50000,
				Memory: models.Memory{Params: 1, Grads: 2, Optimizer: 3, Activations: 4, Scratch: 5},
				Steps:  30, Tokens: 30 * 16 * 64, StepMs: harness.Stats{Median: 2, Min: 1, Max: 9, N: 30},
				Evals: []harness.Eval{{Step: 15, Loss: 2.7, Accuracy: 0.05}, {Step: 30, Loss: 2.5, Accuracy: 0.125, SeqAccuracy: 0.0625}}},
			{Model: gru, Params: 42000, NonEmbedding: 41824, StateBytes: 512, FLOPsPerToken: 90000,
				Memory: models.Memory{Params: 10}, Steps: 3, Status: harness.StatusDiverged}, // no timed step, no evaluation
		},
		Points: []harness.Point{
			{Name: "mingru/parallel", Model: mingru, T: 1024, B: 8, Status: harness.StatusOK, Params: 13000, FLOPsPerToken: 60000,
				StepMs: harness.Stats{Median: 4, N: 5}, TokensPerSec: 2048e3, GFLOPs: 1.5, TokenMs: harness.Stats{Median: 0.25, N: 16},
				ForwardMs: harness.Stats{Median: 1.5, N: 5}, Memory: models.Memory{Activations: 1 << 20}, StateBytes: 512, PeakRSSBytes: 3 << 20},
			{Name: "gru", Model: gru, T: 1024, B: 8, Status: harness.StatusOK, StepMs: harness.Stats{Median: 8, N: 5}, TokenMs: harness.Stats{Median: 0.5, N: 16}},
			{Name: "gru", Model: gru, T: 4096, B: 8, Status: harness.StatusSkipped, Reason: "analytic memory above --max-mem"},
		},
	}
}

func TestRecordResults(t *testing.T) {
	got := RecordResults(benchRecord())
	want := []reports.Result{
		{Name: "BenchmarkTrain/task=selective-copy/model=mingru/mode=parallel/T=64", Iters: 30, Metrics: []reports.Metric{
			{Value: 2e6, Unit: "ns/step"}, {Value: 16 * 64 / 2e-3, Unit: "tokens/s"}, {Value: 3 * 50000 * 16 * 64 / 2e-3 / 1e9, Unit: "GFLOP/s"},
			{Value: 15, Unit: "analytic-B"}, {Value: 512, Unit: "state-B"}, {Value: 13000, Unit: "params"}, {Value: 12640, Unit: "non-emb-params"}, {Value: 50000, Unit: "flops/token"},
			{Value: 30, Unit: "steps"}, {Value: 2.5, Unit: "loss"}, {Value: 12.5, Unit: "accuracy-%"}, {Value: 6.25, Unit: "seq-accuracy-%"}}},
		{Name: "BenchmarkTrain/task=selective-copy/model=gru/T=64", Iters: 3, Metrics: []reports.Metric{
			{Value: 10, Unit: "analytic-B"}, {Value: 512, Unit: "state-B"}, {Value: 42000, Unit: "params"}, {Value: 41824, Unit: "non-emb-params"}, {Value: 90000, Unit: "flops/token"}, {Value: 3, Unit: "steps"}}},
		{Name: "BenchmarkTrain/task=sweep/model=mingru/mode=parallel/T=1024", Iters: 5, Metrics: []reports.Metric{
			{Value: 4e6, Unit: "ns/step"}, {Value: 2048e3, Unit: "tokens/s"}, {Value: 1.5, Unit: "GFLOP/s"}, {Value: 1 << 20, Unit: "analytic-B"}, {Value: 3 << 20, Unit: "peak-B"}, {Value: 13000, Unit: "params"}, {Value: 60000, Unit: "flops/token"}}},
		{Name: "BenchmarkInfer/task=sweep/model=mingru/mode=parallel/T=1024", Iters: 16, Metrics: []reports.Metric{
			{Value: 0.25e6, Unit: "ns/token"}, {Value: 1.5e6, Unit: "ns/forward"}, {Value: 512, Unit: "state-B"}}},
		{Name: "BenchmarkTrain/task=sweep/model=gru/T=1024", Iters: 5, Metrics: []reports.Metric{
			{Value: 8e6, Unit: "ns/step"}, {Value: 0, Unit: "tokens/s"}, {Value: 0, Unit: "GFLOP/s"}, {Value: 0, Unit: "analytic-B"}, {Value: 0, Unit: "params"}, {Value: 0, Unit: "flops/token"}}},
		{Name: "BenchmarkInfer/task=sweep/model=gru/T=1024", Iters: 16, Metrics: []reports.Metric{{Value: 0.5e6, Unit: "ns/token"}, {Value: 0, Unit: "ns/forward"}, {Value: 0, Unit: "state-B"}}},
	}
	checkResults(t, got, want)
}

func checkResults(t *testing.T, got, want []reports.Result) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name || g.Iters != w.Iters || len(g.Metrics) != len(w.Metrics) {
			t.Fatalf("result %d = %s %d %v\nwant %s %d %v", i, g.Name, g.Iters, g.Metrics, w.Name, w.Iters, w.Metrics)
		}
		for j, m := range w.Metrics {
			if gm := g.Metrics[j]; gm.Unit != m.Unit || math.Abs(gm.Value-m.Value) > 1e-12*math.Abs(m.Value) {
				t.Errorf("%s metric %d = %v, want %v", w.Name, j, gm, m)
			}
		}
	}
}

// A record read back from results.json (seq_len is then a float64) gives
// the same results bit for bit.
func TestRecordResultsAfterJSON(t *testing.T) {
	rec := benchRecord()
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	var back harness.Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if _, ok := back.TaskCfg["seq_len"].(float64); !ok {
		t.Fatalf("seq_len after JSON is %T, the case this test covers is float64", back.TaskCfg["seq_len"])
	}
	checkResults(t, RecordResults(&back), RecordResults(rec))
	// Without seq_len, T comes from tokens/(steps·B).
	back.TaskCfg = nil
	if got := RecordResults(&back)[0].Name; got != "BenchmarkTrain/task=selective-copy/model=mingru/mode=parallel/T=64" {
		t.Fatalf("name without seq_len: %s", got)
	}
}

// Every unit rnnbench writes has the direction and kind its meaning
// demands; a new unit fails here until it is added to this table and to
// Classify.
func TestRecordUnitsClassified(t *testing.T) {
	want := map[string]struct {
		dir  reports.Direction
		kind reports.MetricKind
	}{
		"ns/step": {reports.LowerIsBetter, reports.Timing}, "ns/token": {reports.LowerIsBetter, reports.Timing}, "ns/forward": {reports.LowerIsBetter, reports.Timing},
		"ns/op": {reports.LowerIsBetter, reports.Timing}, "tokens/s": {reports.HigherIsBetter, reports.Timing}, "GFLOP/s": {reports.HigherIsBetter, reports.Timing},
		"analytic-B": {reports.LowerIsBetter, reports.Exact}, "state-B": {reports.LowerIsBetter, reports.Exact}, "peak-B": {reports.LowerIsBetter, reports.Memory},
		"params": {reports.LowerIsBetter, reports.Exact}, "non-emb-params": {reports.LowerIsBetter, reports.Exact}, "flops/token": {reports.LowerIsBetter, reports.Exact},
		"steps": {reports.LowerIsBetter, reports.Exact}, "loss": {reports.LowerIsBetter, reports.Exact}, "accuracy-%": {reports.HigherIsBetter, reports.Exact},
		"seq-accuracy-%": {reports.HigherIsBetter, reports.Exact},
	}
	seen := map[string]bool{}
	all := append(RecordResults(benchRecord()), CalibrationResults(harness.Calibration{SgemmNs: 1, ScanNs: 1, Reps: 1})...)
	for _, r := range all {
		for _, m := range r.Metrics {
			seen[m.Unit] = true
			w, ok := want[m.Unit]
			if !ok {
				t.Errorf("unit %q (in %s) has no expected classification", m.Unit, r.Name)
				continue
			}
			if d, k := reports.Classify(m.Unit); d != w.dir || k != w.kind {
				t.Errorf("Classify(%q) = %d, %d; want %d, %d", m.Unit, d, k, w.dir, w.kind)
			}
		}
	}
	for u := range want {
		if !seen[u] {
			t.Errorf("unit %q is expected but never written", u)
		}
	}
}

func TestCalibrationResults(t *testing.T) {
	got := CalibrationResults(harness.Calibration{SgemmNs: 4e6, ScanNs: 1e6, Reps: 15}, harness.Calibration{SgemmNs: 9, ScanNs: 4, Reps: 0})
	checkResults(t, got, []reports.Result{
		{Name: "BenchmarkCalibrate/kernel=sgemm", Iters: 15, Metrics: []reports.Metric{{Value: 4e6, Unit: "ns/op"}}},
		{Name: "BenchmarkCalibrate/kernel=scan", Iters: 15, Metrics: []reports.Metric{{Value: 1e6, Unit: "ns/op"}}},
		{Name: CalibrationName, Iters: 15, Metrics: []reports.Metric{{Value: 2e6, Unit: "ns/op"}}},
		{Name: "BenchmarkCalibrate/kernel=sgemm", Iters: 1, Metrics: []reports.Metric{{Value: 9, Unit: "ns/op"}}},
		{Name: "BenchmarkCalibrate/kernel=scan", Iters: 1, Metrics: []reports.Metric{{Value: 4, Unit: "ns/op"}}},
		{Name: CalibrationName, Iters: 1, Metrics: []reports.Metric{{Value: 6, Unit: "ns/op"}}},
	})
}

func TestMachineConfig(t *testing.T) {
	got := MachineConfig(benchRecord().Machine)
	want := []reports.Config{{Key: "goos", Value: "linux"}, {Key: "goarch", Value: "amd64"}, {Key: "cpu", Value: "Test CPU @ 2GHz"}, {Key: "cores", Value: "2"}, {Key: "gomaxprocs", Value: "2"},
		{Key: "go", Value: "go1.26.8"}, {Key: "matmul", Value: "gonum (pure Go)"}, {Key: "commit", Value: "abc123+dirty"}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("config %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if v := ConfigValue(append(got, reports.Config{Key: "cpu", Value: "later"}), "cpu"); v != "later" {
		t.Errorf("ConfigValue takes the last line: got %q", v)
	}
	if v := ConfigValue(got, "absent"); v != "" {
		t.Errorf("ConfigValue of an absent key: %q", v)
	}
}

func writeRecordBench(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	if err := WriteRecordBench(&b, benchRecord(), harness.Calibration{SgemmNs: 3e6, ScanNs: 2e6, Reps: 15}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWriteRecordBenchRoundTrip(t *testing.T) {
	text := writeRecordBench(t)
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if lines[0] != "rnnbench-schema: 2" || lines[1] != "rnnbench-results:" || lines[len(lines)-1] != "rnnbench-results: 9" {
		t.Fatalf("first line %q, last line %q", lines[0], lines[len(lines)-1])
	}
	config, results, err := ReadBenchFile(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := append(RecordResults(benchRecord()), CalibrationResults(harness.Calibration{SgemmNs: 3e6, ScanNs: 2e6, Reps: 15})...)
	checkResults(t, results, want)
	for i := range want { // bit for bit, not within a tolerance
		for j := range want[i].Metrics {
			if results[i].Metrics[j] != want[i].Metrics[j] {
				t.Fatalf("%s: %v read back as %v", want[i].Name, want[i].Metrics[j], results[i].Metrics[j])
			}
		}
	}
	if ConfigValue(config, "commit") != "abc123+dirty" || ConfigValue(config, SchemaKey) != "2" {
		t.Fatalf("config read back: %v", config)
	}
	// Concatenated files (repetitions) read as one.
	_, twice, err := ReadBenchFile(strings.NewReader(text + text))
	if err != nil || len(twice) != 2*len(want) {
		t.Fatalf("concatenated: %d results, %v", len(twice), err)
	}
}

func TestReadBenchFileRefuses(t *testing.T) {
	text := writeRecordBench(t)
	cases := []struct {
		name, input string
		want        error
	}{
		{"other schema", strings.Replace(text, "rnnbench-schema: 2", "rnnbench-schema: 3", 1), ErrSchema},
		{"count line missing", text[:strings.LastIndex(text, "rnnbench-results")], ErrTruncated},
		{"cut inside the count line", strings.TrimSuffix(text, "9\n"), ErrTruncated},
		{"wrong count", strings.Replace(text, "rnnbench-results: 9", "rnnbench-results: 10", 1), ErrTruncated},
		{"bad count", strings.Replace(text, "rnnbench-results: 9", "rnnbench-results: nine", 1), ErrTruncated},
		{"second file truncated", text + text[:strings.Index(text[len(text)/2:], "\n")+len(text)/2+1], ErrTruncated},
		{"empty", "", ErrNoResults},
		{"foreign text", "hello\nworld\n", ErrNoResults},
		{"header only", "rnnbench-schema: 1\ngoos: linux\n", ErrTruncated},
		{"bad line", "BenchmarkX 1 2\n", reports.ErrSyntax},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := ReadBenchFile(strings.NewReader(tc.input)); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// A cut at any line boundary is detected.
	for i := 0; i < len(text)-1; i++ {
		if text[i] == '\n' {
			if _, _, err := ReadBenchFile(strings.NewReader(text[:i+1])); !errors.Is(err, ErrTruncated) {
				t.Fatalf("cut after byte %d: err = %v, want ErrTruncated", i, err)
			}
		}
	}
}

// Plain `go test -bench` output has no schema line and is read as is.
func TestReadBenchFileGoTest(t *testing.T) {
	config, results := readBenchPath(t, filepath.Join("..", "reports", "testdata", "gotest_bench.txt"))
	if len(results) != 6 || ConfigValue(config, "pkg") != "example.com/benchsample" {
		t.Fatalf("%d results, config %v", len(results), config)
	}
}

// readBenchPath is ReadBenchFile of the file at path, failing the test
// on any error.
func readBenchPath(t *testing.T, path string) ([]reports.Config, []reports.Result) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	config, results, err := ReadBenchFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return config, results
}

func TestWriteBenchFileReservedKeys(t *testing.T) {
	res := []reports.Result{{Name: "BenchmarkX", Iters: 1, Metrics: []reports.Metric{{Value: 1, Unit: "ns/op"}}}}
	for _, key := range []string{SchemaKey, CountKey} {
		if err := WriteBenchFile(&bytes.Buffer{}, []reports.Config{{Key: key, Value: "1"}}, res); !errors.Is(err, reports.ErrSyntax) {
			t.Errorf("config key %s: err = %v, want ErrSyntax", key, err)
		}
	}
}

// benchstat reads a whole rnnbench file without complaint.
func TestBenchstatReadsRecordBench(t *testing.T) {
	bin, err := exec.LookPath("benchstat")
	if err != nil {
		t.Skip("benchstat not on PATH; `make benchstat` installs it")
	}
	path := filepath.Join(t.TempDir(), "results.bench")
	if err := os.WriteFile(path, []byte(writeRecordBench(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, path)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() != 0 {
		t.Fatalf("benchstat: %v\n%s", err, stderr.String())
	}
	for _, s := range []string{"Train/task=selective-copy/model=mingru/mode=parallel/T=64", "Infer/task=sweep/model=gru/T=1024", "Calibrate/kernel=geomean", "seq-accuracy", "sec/forward"} {
		if !strings.Contains(stdout.String(), s) {
			t.Errorf("benchstat output lacks %q:\n%s", s, stdout.String())
		}
	}
}

// A schema 1 file (the committed CI baseline) still reads: its accuracies
// come back in percent under the schema 2 units, bit-equal to what the
// writer computes from the same fraction.
func TestReadBenchFileSchema1(t *testing.T) {
	config, results := readBenchPath(t, filepath.Join("..", "testdata", "ci", "baseline.txt"))
	if ConfigValue(config, SchemaKey) != "1" {
		t.Skip("the CI baseline is no longer a schema 1 file")
	}
	var acc []reports.Metric
	for _, m := range results[0].Metrics {
		if m.Unit == "accuracy" || m.Unit == "seq-accuracy" {
			t.Fatalf("unit %s not converted", m.Unit)
		}
		if m.Unit == reports.AccuracyUnit || m.Unit == reports.SeqAccuracyUnit {
			acc = append(acc, m)
		}
	}
	// baseline: 0.03515625 accuracy, 0 seq-accuracy for mingru/parallel.
	if len(acc) != 2 || acc[0].Value != 100*0.03515625 || acc[1].Value != 0 {
		t.Fatalf("accuracies %v, want 3.515625 %s and 0 %s", acc, reports.AccuracyUnit, reports.SeqAccuracyUnit)
	}
}

// Timings with groups give one line per group, each with the group's
// size as b.N and the throughputs of its mean; exact metrics repeat.
func TestRecordResultsGroups(t *testing.T) {
	rec := benchRecord()
	rec.Results = rec.Results[:1]
	rec.Points = nil
	rec.Results[0].StepMs = harness.Summarise([]float64{1, 3, 2, 2, 4})
	got := RecordResults(rec)
	if len(got) != 5 {
		t.Fatalf("%d lines, want one per step group (5)", len(got))
	}
	for i, ms := range []float64{1, 3, 2, 2, 4} {
		r := got[i]
		if r.Iters != 1 || r.Metrics[0] != (reports.Metric{Value: ms * 1e6, Unit: "ns/step"}) || r.Metrics[1] != (reports.Metric{Value: 16 * 64 / (ms / 1e3), Unit: "tokens/s"}) {
			t.Errorf("line %d: %+v", i, r)
		}
		if r.Metrics[len(r.Metrics)-2] != (reports.Metric{Value: 12.5, Unit: "accuracy-%"}) {
			t.Errorf("line %d lacks the exact metrics: %+v", i, r.Metrics)
		}
	}
	rec.Results[0].StepMs = harness.Summarise(make([]float64, 25))
	for i := range rec.Results[0].StepMs.Groups {
		rec.Results[0].StepMs.Groups[i] = float64(i + 1)
	}
	got = RecordResults(rec)
	n := 0
	for _, r := range got {
		n += r.Iters
	}
	if len(got) != harness.MaxGroups || n != 25 {
		t.Fatalf("25 steps: %d lines over %d steps, want %d lines over 25", len(got), n, harness.MaxGroups)
	}
}
