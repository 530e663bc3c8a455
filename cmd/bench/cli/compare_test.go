package cli

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rnnbench/reports"
	"rnnbench/views"
)

// cmpFixture is a small result set: one training line and a calibration.
type cmpFixture struct {
	stepNs, tokensPerS, analyticB, peakB, loss, accuracy float64
	sgemmNs, scanNs                                      float64
}

var baseFixture = cmpFixture{stepNs: 1e6, tokensPerS: 64e3, analyticB: 5e6, peakB: 4e7, loss: 2.5, accuracy: 0.5, sgemmNs: 3e6, scanNs: 2e6}

const fixName = "BenchmarkTrain/task=selective-copy/model=mingru/mode=parallel/T=64"

func (f cmpFixture) results() []reports.Result {
	return []reports.Result{
		{Name: fixName, Iters: 30, Metrics: []reports.Metric{
			{Value: f.stepNs, Unit: "ns/step"}, {Value: f.tokensPerS, Unit: "tokens/s"}, {Value: f.analyticB, Unit: "analytic-B"},
			{Value: f.peakB, Unit: "peak-B"}, {Value: f.loss, Unit: "loss"}, {Value: f.accuracy, Unit: "accuracy"}}},
		{Name: "BenchmarkCalibrate/kernel=sgemm", Iters: 15, Metrics: []reports.Metric{{Value: f.sgemmNs, Unit: "ns/op"}}},
		{Name: "BenchmarkCalibrate/kernel=scan", Iters: 15, Metrics: []reports.Metric{{Value: f.scanNs, Unit: "ns/op"}}},
		{Name: views.CalibrationName, Iters: 15, Metrics: []reports.Metric{{Value: math.Sqrt(f.sgemmNs * f.scanNs), Unit: "ns/op"}}},
	}
}

// writeBench writes results as an rnnbench benchmark file at path.
func writeFixtureBench(t *testing.T, path string, results []reports.Result) string {
	t.Helper()
	var b bytes.Buffer
	if err := views.WriteBenchFile(&b, []reports.Config{{Key: "goos", Value: "linux"}, {Key: "commit", Value: "abc"}}, results); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// rowVerdict returns the verdict cell of the (name, unit) row of a Markdown
// comparison, or "" if there is no such row.
func rowVerdict(md, name, unit string) string {
	for _, line := range strings.Split(md, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) == 8 && strings.TrimSpace(cells[1]) == name && strings.TrimSpace(cells[2]) == unit {
			return strings.TrimSpace(cells[6])
		}
	}
	return ""
}

// Directions, thresholds, timing modes and calibration through the CLI.
func TestCompareVerdictsAndExitCodes(t *testing.T) {
	dir := t.TempDir()
	base := writeFixtureBench(t, filepath.Join(dir, "base.txt"), baseFixture.results())
	type want struct{ unit, verdict string }
	cases := []struct {
		name  string
		edit  func(f *cmpFixture)
		flags []string
		code  int
		rows  []want
	}{
		{"identical", func(f *cmpFixture) {}, nil, ExitOK,
			[]want{{"ns/step", "ok"}, {"loss", "ok"}, {"accuracy-%", "ok"}, {"peak-B", "ok"}}},
		{"loss up in the 7th digit", func(f *cmpFixture) { f.loss *= 1 + 1e-7 }, nil, ExitFailure, []want{{"loss", "REGRESSED"}}},
		{"loss down", func(f *cmpFixture) { f.loss *= 0.9 }, nil, ExitOK, []want{{"loss", "improved"}}},
		{"loss one ulp up within the default", func(f *cmpFixture) { f.loss = math.Nextafter(f.loss, 3) }, nil, ExitOK, []want{{"loss", "ok"}}},
		{"loss one ulp up, exact-tol 0", func(f *cmpFixture) { f.loss = math.Nextafter(f.loss, 3) }, []string{"--exact-tol", "0"}, ExitFailure, []want{{"loss", "REGRESSED"}}},
		{"accuracy up is better", func(f *cmpFixture) { f.accuracy = 0.75 }, nil, ExitOK, []want{{"accuracy-%", "improved"}}},
		{"accuracy down is worse", func(f *cmpFixture) { f.accuracy = 0.25 }, nil, ExitFailure, []want{{"accuracy-%", "REGRESSED"}}},
		{"analytic bytes up", func(f *cmpFixture) { f.analyticB++ }, nil, ExitFailure, []want{{"analytic-B", "REGRESSED"}}},
		{"tokens/s down is worse", func(f *cmpFixture) { f.tokensPerS /= 2 }, nil, ExitFailure, []want{{"tokens/s", "REGRESSED"}}},
		{"tokens/s up is better", func(f *cmpFixture) { f.tokensPerS *= 2 }, nil, ExitOK, []want{{"tokens/s", "improved"}}},
		{"step 10% slower within 25%", func(f *cmpFixture) { f.stepNs *= 1.1 }, nil, ExitOK, []want{{"ns/step", "ok"}}},
		{"step 10% slower, timing-tol 0.05", func(f *cmpFixture) { f.stepNs *= 1.1 }, []string{"--timing-tol", "0.05"}, ExitFailure, []want{{"ns/step", "REGRESSED"}}},
		{"step 2× slower, timing warn", func(f *cmpFixture) { f.stepNs *= 2 }, []string{"--timing", "warn"}, ExitOK, []want{{"ns/step", "warn"}}},
		{"step 2× slower, timing off", func(f *cmpFixture) { f.stepNs *= 2 }, []string{"--timing", "off"}, ExitOK,
			[]want{{"ns/step", ""}, {"tokens/s", ""}, {"loss", "ok"}}},
		{"exact still fails with timing warn", func(f *cmpFixture) { f.loss++ }, []string{"--timing", "warn"}, ExitFailure, []want{{"loss", "REGRESSED"}}},
		{"machine 2× slower", func(f *cmpFixture) { f.stepNs *= 2; f.tokensPerS /= 2; f.sgemmNs *= 2; f.scanNs *= 2 }, nil, ExitOK,
			[]want{{"ns/step", "ok"}, {"tokens/s", "ok"}}},
		{"code 2× slower on the same machine", func(f *cmpFixture) { f.stepNs *= 2 }, nil, ExitFailure, []want{{"ns/step", "REGRESSED"}}},
		{"peak memory up 30%", func(f *cmpFixture) { f.peakB *= 1.3 }, nil, ExitFailure, []want{{"peak-B", "REGRESSED"}}},
		{"peak memory up 30%, memory-tol 0.5", func(f *cmpFixture) { f.peakB *= 1.3 }, []string{"--memory-tol", "0.5"}, ExitOK, []want{{"peak-B", "ok"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := baseFixture
			tc.edit(&f)
			cur := writeFixtureBench(t, filepath.Join(t.TempDir(), "new.bench"), f.results())
			code, stdout, stderr := bench(t, append(append([]string{"compare"}, tc.flags...), base, cur)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s\n%s", code, tc.code, stderr, stdout)
			}
			for _, w := range tc.rows {
				if got := rowVerdict(stdout, fixName, w.unit); got != w.verdict {
					t.Errorf("%s verdict %q, want %q\n%s", w.unit, got, w.verdict, stdout)
				}
			}
			if (code == ExitFailure) != strings.Contains(stderr, "regressed or missing") {
				t.Errorf("stderr %q does not match exit %d", stderr, code)
			}
		})
	}
}

// The calibration kernels describe the machine: they show raw values and
// never regress, and timings are divided by their geometric mean.
func TestCompareCalibrationRows(t *testing.T) {
	dir := t.TempDir()
	base := writeFixtureBench(t, filepath.Join(dir, "base.txt"), baseFixture.results())
	f := baseFixture
	f.sgemmNs *= 4 // geometric mean ×2
	cur := writeFixtureBench(t, filepath.Join(dir, "new.txt"), f.results())
	code, stdout, stderr := bench(t, "compare", base, cur)
	if code != ExitOK {
		t.Fatalf("exit %d: %s\n%s", code, stderr, stdout)
	}
	for _, name := range []string{"BenchmarkCalibrate/kernel=sgemm", "BenchmarkCalibrate/kernel=scan", views.CalibrationName} {
		if v := rowVerdict(stdout, name, "ns/op"); v != "ok" {
			t.Errorf("%s verdict %q, want ok", name, v)
		}
	}
	if !strings.Contains(stdout, " 1.2e+07 |") || !strings.Contains(stdout, "+300%") {
		t.Errorf("sgemm row does not show its raw 4× change:\n%s", stdout)
	}
	if v := rowVerdict(stdout, fixName, "ns/step"); v != "improved" { // same time on a 2× slower machine
		t.Errorf("ns/step verdict %q, want improved", v)
	}
	if !strings.Contains(stdout, "machine-speed ratio 2.000") {
		t.Errorf("preamble does not state the ratio:\n%s", stdout)
	}
	// A calibration missing from new fails in fail mode and warns otherwise.
	res := baseFixture.results()
	noCal := writeFixtureBench(t, filepath.Join(dir, "nocal.txt"), res[:1])
	if code, stdout, _ := bench(t, "compare", base, noCal); code != ExitFailure || rowVerdict(stdout, views.CalibrationName, "ns/op") != "missing" {
		t.Errorf("calibration missing from new: exit %d\n%s", code, stdout)
	}
	// Neither side calibrated: timings compare raw, and that is said.
	if code, stdout, _ := bench(t, "compare", noCal, noCal); code != ExitOK || !strings.Contains(stdout, "Timings compared raw") {
		t.Errorf("no calibration on either side: exit %d\n%s", code, stdout)
	}
}

func TestCompareSummaryAppends(t *testing.T) {
	dir := t.TempDir()
	base := writeFixtureBench(t, filepath.Join(dir, "base.txt"), baseFixture.results())
	summary := filepath.Join(dir, "summary.md")
	if err := os.WriteFile(summary, []byte("# earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var outs []string
	for range 2 {
		code, stdout, stderr := bench(t, "compare", "--summary", summary, base, base)
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		outs = append(outs, stdout)
	}
	got, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if want := "# earlier step\n" + outs[0] + "\n" + outs[1] + "\n"; string(got) != want {
		t.Fatalf("summary file:\n%s\nwant:\n%s", got, want)
	}
	if !strings.HasPrefix(outs[0], "### rnnbench: bench compare\n") || !strings.Contains(outs[0], "0 regressed, 0 improved, 9 ok\n") {
		t.Fatalf("report:\n%s", outs[0])
	}
	// A regression is appended too, and still exits 1.
	f := baseFixture
	f.loss++
	cur := writeFixtureBench(t, filepath.Join(dir, "new.txt"), f.results())
	if code, _, _ := bench(t, "compare", "--summary", summary, base, cur); code != ExitFailure {
		t.Fatalf("exit %d, want 1", code)
	}
	if got, _ := os.ReadFile(summary); strings.Count(string(got), "REGRESSED") != 1 {
		t.Fatalf("the regression was not appended:\n%s", got)
	}
}

// A results folder, its results.bench, its results.json, a copy with only
// results.json, and a .txt copy all read as the same run.
func TestCompareFolderAndFileInputs(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	if code, _, stderr := bench(t, tiny(run)...); code != ExitOK {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	benchData, err := os.ReadFile(filepath.Join(run, BenchFile))
	if err != nil {
		t.Fatalf("bench run wrote no %s: %v", BenchFile, err)
	}
	config, results, err := views.ReadBenchFile(bytes.NewReader(benchData))
	if err != nil {
		t.Fatal(err)
	}
	if views.ConfigValue(config, "goarch") == "" || views.ConfigValue(config, "matmul") == "" || views.ConfigValue(config, "commit") == "" {
		t.Fatalf("results.bench config lacks the machine: %v", config)
	}
	names := []string{}
	for _, r := range results {
		names = append(names, r.Name)
	}
	if !strings.Contains(strings.Join(names, " "), "BenchmarkTrain/task=selective-copy/model=mingru/mode=parallel/T=16 ") ||
		!strings.Contains(strings.Join(names, " "), views.CalibrationName) {
		t.Fatalf("results.bench names: %v", names)
	}
	jsonOnly := filepath.Join(dir, "jsononly")
	txt := filepath.Join(dir, "baseline.txt")
	if err := os.MkdirAll(jsonOnly, 0o755); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(run, "results.json"))
	if err := os.WriteFile(filepath.Join(jsonOnly, "results.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(txt, benchData, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := [][]string{
		{run, run},
		{txt, filepath.Join(run, BenchFile)},
		{filepath.Join(run, "results.json"), jsonOnly},
		{"--timing", "off", run, filepath.Join(run, "results.json")}, // results.json has no calibration
	}
	for _, args := range cases {
		code, stdout, stderr := bench(t, append([]string{"compare"}, args...)...)
		if code != ExitOK || !strings.Contains(stdout, "0 regressed, 0 improved") || strings.Contains(stdout, "missing") {
			t.Errorf("compare %v: exit %d, stderr %s\n%s", args, code, stderr, stdout)
		}
		if rowVerdict(stdout, "BenchmarkTrain/task=selective-copy/model=mingru/mode=parallel/T=16", "loss") != "ok" {
			t.Errorf("compare %v: no loss row\n%s", args, stdout)
		}
	}
}

func TestCompareBadInput(t *testing.T) {
	dir := t.TempDir()
	good := writeFixtureBench(t, filepath.Join(dir, "good.txt"), baseFixture.results())
	text, _ := os.ReadFile(good)
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := filepath.Join(dir, "emptydir")
	os.MkdirAll(empty, 0o755)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"missing file", []string{filepath.Join(dir, "nope.txt"), good}, "cannot read baseline"},
		{"missing new", []string{good, filepath.Join(dir, "nope")}, "cannot read new"},
		{"empty folder", []string{empty, good}, "has neither results.bench nor results.json"},
		{"foreign file", []string{write("notes.txt", "hello\nworld\n"), good}, "no benchmark result lines"},
		{"truncated", []string{write("cut.txt", string(text[:len(text)*2/3])), good}, "is truncated"},
		{"other schema", []string{write("v3.txt", strings.Replace(string(text), "rnnbench-schema: 2", "rnnbench-schema: 3", 1)), good}, "schema \"3\""},
		{"malformed line", []string{good, write("bad.txt", "BenchmarkX 1 2\n")}, "line 1"},
		{"truncated json", []string{write("results.json", `{"schema": 1, "task": "sel`), good}, "truncated or foreign"},
		{"json of another schema", []string{write("old.json", `{"schema": 7, "task": "x"}`), good}, "schema 7"},
		{"one argument", []string{good}, "compare takes BASELINE and NEW"},
		{"three arguments", []string{good, good, good}, "got 3 argument(s)"},
		{"bad timing mode", []string{"--timing", "wran", good, good}, "did you mean \"warn\""},
		{"negative tolerance", []string{"--timing-tol", "-1", good, good}, "--timing-tol must be a finite number ≥ 0"},
		{"summary in a missing folder", []string{"--summary", filepath.Join(dir, "no", "sum.md"), good, good}, "cannot append to --summary"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := bench(t, append([]string{"compare"}, tc.args...)...)
			if code != ExitBadInput {
				t.Fatalf("exit %d, want %d; stderr %s", code, ExitBadInput, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "bench: ") || !strings.Contains(lines[0], tc.want) {
				t.Fatalf("stderr = %q, want one line containing %q", stderr, tc.want)
			}
			if stdout != "" {
				t.Fatalf("bad input printed a report:\n%s", stdout)
			}
		})
	}
}
