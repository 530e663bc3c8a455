package views

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"rnnbench/harness"
	"rnnbench/reports"
)

// rnnbench's benchmark files (results.bench, the CI baseline) are Go
// benchmark-format files that start with a schema line and a cleared count
// line, and end with a count line:
//
//	rnnbench-schema: 2
//	rnnbench-results:
//	goos: linux
//	...
//	BenchmarkTrain/task=selective-copy/model=mingru/mode=parallel/T=64	3	1.2e+07 ns/step	...
//	BenchmarkTrain/task=selective-copy/model=mingru/mode=parallel/T=64	3	1.1e+07 ns/step	...
//	...
//	rnnbench-results: 42
//
// Each timed benchmark has one line per repetition (harness.Stats.Groups:
// up to 10 groups of consecutive timed steps, tokens or calls; each seed of
// a model is its own set of lines), so benchstat shows a confidence
// interval. The count line lets ReadBenchFile detect a truncated file. It
// is the last line, so it applies to no result of its own file; the cleared
// count line at the top ("key:" with no value deletes a key in the Go
// benchmark format) removes it again before the results of a file
// concatenated after it. So `cat a/results.bench b/results.bench` gives
// every result the same configuration, and benchstat reads the two runs
// as repetitions of the same benchmarks. ReadBenchFile still reads schema 1
// files (one median line per benchmark, accuracies as fractions under the
// units "accuracy" and "seq-accuracy").
const (
	SchemaKey   = "rnnbench-schema"  // first config line: the version of result names and units
	BenchSchema = "2"                // the version this code writes
	CountKey    = "rnnbench-results" // cleared at the top, and the last line: the number of result lines written
)

// CalibrationName is the result whose ns/op measures machine speed; pass it
// as CompareOptions.Calibration. Its value is the geometric mean of the two
// calibration kernels (harness.Calibration.GeoMeanNs).
const CalibrationName = "BenchmarkCalibrate/kernel=geomean"

// CalibrationPrefix starts the name of every calibration result.
const CalibrationPrefix = "BenchmarkCalibrate/"

var (
	// ErrSchema: the file is an rnnbench benchmark file of another schema.
	ErrSchema = errors.New("reports: rnnbench benchmark file of another schema")
	// ErrTruncated: the count line is missing or disagrees with the results.
	ErrTruncated = errors.New("reports: truncated rnnbench benchmark file")
	// ErrNoResults: the input has no benchmark result lines at all.
	ErrNoResults = errors.New("reports: no benchmark result lines")
)

// MachineConfig returns the config lines describing where results were
// measured: goos, goarch, cpu, cores, gomaxprocs, go, matmul (backend) and
// commit. Newlines and surrounding spaces in values are removed.
func MachineConfig(m harness.Machine) []reports.Config {
	goos, goarch, _ := strings.Cut(m.OS, "/")
	clean := func(s string) string {
		return strings.TrimSpace(strings.NewReplacer("\n", " ", "\r", " ").Replace(s))
	}
	return []reports.Config{
		{Key: "goos", Value: clean(goos)}, {Key: "goarch", Value: clean(goarch)}, {Key: "cpu", Value: clean(m.CPU)},
		{Key: "cores", Value: strconv.Itoa(m.Cores)}, {Key: "gomaxprocs", Value: strconv.Itoa(m.GOMAXPROCS)},
		{Key: "go", Value: clean(m.GoVersion)}, {Key: "matmul", Value: clean(m.Backend)}, {Key: "commit", Value: clean(m.Commit)},
	}
}

// RecordResults converts a run record into benchmark results, in record
// order. Each training result (rec.Results) gives one line named
// BenchmarkTrain/task=<task>/model=<mixer>[/mode=<mode>]/T=<T> with b.N the
// steps taken and the units
//
//	ns/step, tokens/s, GFLOP/s   median training step; B·T and 3·FLOPs/token·B·T per median step (if any step ran)
//	analytic-B                   analytic training memory (models.Memory.Total)
//	state-B                      inference state per sequence (a KV cache: per token of context)
//	params, non-emb-params       parameter counts
//	flops/token                  analytic forward FLOPs per token at T
//	steps                        optimiser steps taken
//	loss, accuracy               last held-out evaluation (if any), nats/token and fraction
//	seq-accuracy                 last exact-sequence accuracy (task selective-copy)
//
// Each sweep point (rec.Points) with status ok gives
// BenchmarkTrain/task=sweep/model=...[/mode=...]/T=<T> (b.N timed steps:
// ns/step, tokens/s, GFLOP/s, analytic-B, peak-B when measured, params,
// flops/token) and BenchmarkInfer/task=sweep/... (b.N timed tokens: ns/token
// through the step API, ns/forward for a whole [B, T] forward, state-B).
// Skipped and failed points give no lines, so a baseline that had them
// shows them as missing.
func RecordResults(rec *harness.Record) []reports.Result {
	var out []reports.Result
	for _, r := range rec.Results {
		out = append(out, trainResults(rec, r)...)
	}
	for _, p := range rec.Points {
		if p.Status == harness.StatusOK {
			out = append(out, pointResults(p)...)
		}
	}
	return out
}

// repetitions returns the timings of st to report, one per benchmark line,
// in the unit of st, with the samples each stands for: its groups, or its
// median alone in a record without groups (or 0 of them if none ran).
func repetitions(st harness.Stats) (vals []float64, iters []int) {
	if len(st.Groups) == 0 {
		if st.N == 0 {
			return nil, nil
		}
		return []float64{st.Median}, []int{st.N}
	}
	for i, v := range st.Groups {
		lo, hi := harness.GroupBounds(st.N, len(st.Groups), i)
		vals, iters = append(vals, v), append(iters, max(hi-lo, 1))
	}
	return vals, iters
}

// trainResults returns the lines of one training result: one per step
// group, each with that group's mean step time (and the throughputs it
// gives) followed by the exact metrics, which every line repeats.
func trainResults(rec *harness.Record, r harness.Result) []reports.Result {
	T := seqLen(rec, r)
	name := benchName("Train", rec.Task, r.Model.Mixer, r.Model.Mode, T) + gridName(rec, r)
	var exact []reports.Metric
	add := func(v float64, unit string) { exact = append(exact, reports.Metric{Value: v, Unit: unit}) }
	add(float64(r.Memory.Total()), "analytic-B")
	add(float64(r.StateBytes), "state-B")
	add(float64(r.Params), "params")
	add(float64(r.NonEmbedding), "non-emb-params")
	add(float64(r.FLOPsPerToken), "flops/token")
	add(float64(r.Steps), "steps")
	if n := len(r.Evals); n > 0 {
		ev := r.Evals[n-1]
		add(ev.Loss, "loss")
		add(100*ev.Accuracy, reports.AccuracyUnit)
		if rec.Task == "selective-copy" {
			add(100*ev.SeqAccuracy, reports.SeqAccuracyUnit)
		}
	}
	// With several seeds each seed's line is one repetition (its median
	// step), so benchstat weighs every seed once; with one seed the groups
	// of timed steps are the repetitions.
	vals, iters := repetitions(r.StepMs)
	if rec.Grid != nil && len(rec.Grid.Seeds) > 1 && r.StepMs.N > 0 {
		vals, iters = []float64{r.StepMs.Median}, []int{r.StepMs.N}
	}
	var out []reports.Result
	for i, ms := range vals {
		if ms <= 0 {
			continue
		}
		stepS := ms / 1e3
		tokens := float64(rec.Train.Batch * T)
		timed := []reports.Metric{{Value: ms * 1e6, Unit: "ns/step"}, {Value: tokens / stepS, Unit: "tokens/s"}, {Value: 3 * float64(r.FLOPsPerToken) * tokens / stepS / 1e9, Unit: "GFLOP/s"}}
		out = append(out, reports.Result{Name: name, Iters: iters[i], Metrics: append(timed, exact...)})
	}
	if len(out) == 0 { // no step timed: the exact metrics alone
		out = append(out, reports.Result{Name: name, Iters: max(r.Steps, 1), Metrics: exact})
	}
	return out
}

// pointResults returns the lines of one sweep point: Train lines, one per
// group of timed steps, and Infer lines, one per group of timed tokens
// (each with the forward group of the same index while there is one).
func pointResults(p harness.Point) []reports.Result {
	trainName := benchName("Train", "sweep", p.Model.Mixer, p.Model.Mode, p.T)
	exact := []reports.Metric{{Value: float64(p.Memory.Total()), Unit: "analytic-B"}}
	if p.PeakRSSBytes > 0 {
		exact = append(exact, reports.Metric{Value: float64(p.PeakRSSBytes), Unit: "peak-B"})
	}
	exact = append(exact, reports.Metric{Value: float64(p.Params), Unit: "params"}, reports.Metric{Value: float64(p.FLOPsPerToken), Unit: "flops/token"})
	var out []reports.Result
	steps, stepIters := repetitions(p.StepMs)
	if len(steps) == 0 {
		steps, stepIters = []float64{p.StepMs.Median}, []int{1}
	}
	for i, ms := range steps {
		timed := []reports.Metric{{Value: ms * 1e6, Unit: "ns/step"}, {Value: p.TokensPerSec, Unit: "tokens/s"}, {Value: p.GFLOPs, Unit: "GFLOP/s"}}
		if len(p.StepMs.Groups) > 0 && ms > 0 { // throughputs of this group
			timed[1].Value = p.TokensPerSec * p.StepMs.Median / ms
			timed[2].Value = p.GFLOPs * p.StepMs.Median / ms
		}
		out = append(out, reports.Result{Name: trainName, Iters: stepIters[i], Metrics: append(timed, exact...)})
	}
	inferName := benchName("Infer", "sweep", p.Model.Mixer, p.Model.Mode, p.T)
	tok, tokIters := repetitions(p.TokenMs)
	fwd, _ := repetitions(p.ForwardMs)
	if len(tok) == 0 {
		tok, tokIters = []float64{p.TokenMs.Median}, []int{1}
	}
	for i, ms := range tok {
		ms := []reports.Metric{{Value: ms * 1e6, Unit: "ns/token"}}
		switch {
		case i < len(fwd):
			ms = append(ms, reports.Metric{Value: fwd[i] * 1e6, Unit: "ns/forward"})
		case len(fwd) == 0 && i == 0:
			ms = append(ms, reports.Metric{Value: p.ForwardMs.Median * 1e6, Unit: "ns/forward"})
		}
		out = append(out, reports.Result{Name: inferName, Iters: tokIters[i], Metrics: append(ms, reports.Metric{Value: float64(p.StateBytes), Unit: "state-B"})})
	}
	return out
}

// benchName is Benchmark<kind>/task=<task>/model=<mixer>[/mode=<mode>]/T=<T>.
func benchName(kind, task, mixer, mode string, T int) string {
	name := "Benchmark" + kind + "/task=" + task + "/model=" + mixer
	if mode != "" {
		name += "/mode=" + mode
	}
	return name + "/T=" + strconv.Itoa(T)
}

// seqLen is the record's sequence length: task_config.seq_len (an int in
// memory, a float64 after JSON), else tokens/(steps·B).
func seqLen(rec *harness.Record, r harness.Result) int {
	switch v := rec.TaskCfg["seq_len"].(type) {
	case int:
		return v
	case float64:
		return int(v)
	}
	if r.Steps > 0 && rec.Train.Batch > 0 {
		return int(r.Tokens / int64(r.Steps*rec.Train.Batch))
	}
	return 0
}

// CalibrationResults returns, for each calibration, the lines
// BenchmarkCalibrate/kernel=sgemm, kernel=scan and kernel=geomean
// (CalibrationName) with ns/op: one line per repetition group of the
// calibration (harness.Calibration.SgemmGroupsNs; geomean pairs the two
// kernels' groups), or its medians alone for a calibration without groups.
// Several calibrations of one run are repetitions too: Compare and
// benchstat take their median.
func CalibrationResults(cals ...harness.Calibration) []reports.Result {
	var out []reports.Result
	for _, c := range cals {
		n := max(c.Reps, 1)
		if len(c.SgemmGroupsNs) == 0 || len(c.SgemmGroupsNs) != len(c.ScanGroupsNs) {
			out = append(out, calibrationLines(c, n)...)
			continue
		}
		for i := range c.SgemmGroupsNs {
			lo, hi := harness.GroupBounds(n, len(c.SgemmGroupsNs), i)
			g := harness.Calibration{SgemmNs: c.SgemmGroupsNs[i], ScanNs: c.ScanGroupsNs[i]}
			out = append(out, calibrationLines(g, max(hi-lo, 1))...)
		}
	}
	return out
}

// calibrationLines are the sgemm, scan and geomean lines of the kernel
// times of c (its medians, or one repetition group's) over iters calls.
func calibrationLines(c harness.Calibration, iters int) []reports.Result {
	line := func(name string, ns float64) reports.Result {
		return reports.Result{Name: name, Iters: iters, Metrics: []reports.Metric{{Value: ns, Unit: "ns/op"}}}
	}
	return []reports.Result{line(CalibrationPrefix+"kernel=sgemm", c.SgemmNs), line(CalibrationPrefix+"kernel=scan", c.ScanNs), line(CalibrationName, c.GeoMeanNs())}
}

// WriteRecordBench writes rec as an rnnbench benchmark file: the machine's
// config lines, RecordResults(rec) and CalibrationResults(cals...). Errors
// are WriteBenchFile's.
func WriteRecordBench(w io.Writer, rec *harness.Record, cals ...harness.Calibration) error {
	return WriteBenchFile(w, MachineConfig(rec.Machine), append(RecordResults(rec), CalibrationResults(cals...)...))
}

// WriteBenchFile writes an rnnbench benchmark file: the schema line, config,
// results, and the count line. It returns an error wrapping ErrSyntax for
// invalid config or results (config may not use SchemaKey or CountKey), or
// w's error.
func WriteBenchFile(w io.Writer, config []reports.Config, results []reports.Result) error {
	for _, c := range config {
		if c.Key == SchemaKey || c.Key == CountKey {
			return fmt.Errorf("%w: config key %s is reserved", reports.ErrSyntax, c.Key)
		}
	}
	head := append([]reports.Config{{Key: SchemaKey, Value: BenchSchema}, {Key: CountKey, Value: ""}}, config...)
	if err := reports.WriteBench(w, head, results); err != nil {
		return err
	}
	return reports.WriteBench(w, []reports.Config{{Key: CountKey, Value: strconv.Itoa(len(results))}}, nil)
}

// ReadBenchFile parses a benchmark file. An rnnbench file (one with a
// SchemaKey line) must have schema BenchSchema (else ErrSchema) and as many
// results as its count lines say, the last config line being a count line
// (else ErrTruncated); concatenated rnnbench files are accepted. A file
// without a schema line is read as plain Go benchmark output (go test
// -bench). Input without any result line returns ErrNoResults; syntax
// errors wrap ErrSyntax and read errors are returned as is.
func ReadBenchFile(r io.Reader) ([]reports.Config, []reports.Result, error) {
	config, results, err := reports.ParseBench(r)
	if err != nil {
		return nil, nil, err
	}
	schemas, counts, counted := 0, 0, 0
	for _, c := range config {
		switch c.Key {
		case SchemaKey:
			if c.Value != BenchSchema && c.Value != "1" {
				return nil, nil, fmt.Errorf("%w: schema %q, this bench reads schemas 1 and %s", ErrSchema, c.Value, BenchSchema)
			}
			schemas++
		case CountKey:
			if c.Value == "" {
				continue // schema 2's cleared count line at the top of a file
			}
			n, err := strconv.Atoi(c.Value)
			if err != nil || n < 0 {
				return nil, nil, fmt.Errorf("%w: bad %s line %q", ErrTruncated, CountKey, c.Value)
			}
			counts++
			counted += n
		}
	}
	if schemas > 0 {
		last := lastConfig(config)
		if counts != schemas || last.Key != CountKey || counted != len(results) {
			return nil, nil, fmt.Errorf("%w: %d result lines, but its %s lines say %d (%d of %d files complete)",
				ErrTruncated, len(results), CountKey, counted, counts, schemas)
		}
	}
	if len(results) == 0 {
		return nil, nil, ErrNoResults
	}
	return config, upgradeUnits(results), nil
}

// ConfigValue returns the value of the last config line with key, or "".
func ConfigValue(config []reports.Config, key string) string {
	v := ""
	for _, c := range config {
		if c.Key == key {
			v = c.Value
		}
	}
	return v
}
