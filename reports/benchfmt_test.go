package reports

import (
	"errors"
	"math"
	"strings"
	"testing"
)

var sampleConfig = []Config{{"goos", "linux"}, {"goarch", "amd64"}, {"pkg", "rnnbench/cmd/bench"}, {"note", ""}}

var sampleResults = []Result{
	{"BenchmarkTrain/task=sweep/model=mingru/mode=parallel/T=1024", 3, []Metric{
		{1234567.891, "ns/step"}, {0.1 + 0.2, "loss"}, {1e-300, "accuracy"}, {math.MaxFloat64, "peak-B"}}},
	{"BenchmarkTrain/task=sweep/model=lstm/T=64", 1, []Metric{
		{math.NaN(), "loss"}, {math.Inf(1), "tokens/s"}, {math.Inf(-1), "x"}, {math.Copysign(0, -1), "GFLOP/s"}}},
	{"Benchmark", 1000000, []Metric{{2, "ns/op"}}},
}

func TestWriteBenchFormat(t *testing.T) {
	var b strings.Builder
	if err := WriteBench(&b, sampleConfig[:2], sampleResults[2:]); err != nil {
		t.Fatal(err)
	}
	want := "goos: linux\ngoarch: amd64\nBenchmark\t1000000\t2 ns/op\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestBenchRoundTrip(t *testing.T) {
	var b strings.Builder
	if err := WriteBench(&b, sampleConfig, sampleResults); err != nil {
		t.Fatal(err)
	}
	cfg, res, err := ParseBench(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if d := benchDiff(cfg, sampleConfig, res, sampleResults); d != "" {
		t.Fatal(d)
	}
}

func TestParseGoTestOutput(t *testing.T) {
	cfg, res := parseFixture(t, "gotest_bench.txt") // real `go test -bench . -benchmem -count 2 -v` output
	wantCfg := []Config{{"goos", "linux"}, {"goarch", "amd64"}, {"pkg", "example.com/benchsample"},
		{"cpu", "Oxide Virtual Turin-like Processor"}}
	if len(cfg) != len(wantCfg) {
		t.Fatalf("config = %q, want %q", cfg, wantCfg)
	}
	for i := range cfg {
		if cfg[i] != wantCfg[i] {
			t.Errorf("config[%d] = %q, want %q", i, cfg[i], wantCfg[i])
		}
	}
	if len(res) != 6 {
		t.Fatalf("got %d results, want 6 (bare -v name lines must be skipped)", len(res))
	}
	first := Result{"BenchmarkTrain/model=mingru/T=64-2", 2000, []Metric{
		{225.5, "ns/op"}, {512, "analytic-B"}, {0.6931, "loss"}, {64000, "tokens/s"}, {0, "B/op"}, {0, "allocs/op"}}}
	if got := res[0]; got.Name != first.Name || got.Iters != first.Iters || len(got.Metrics) != len(first.Metrics) {
		t.Fatalf("first result %+v, want %+v", got, first)
	}
	for j, m := range first.Metrics {
		if res[0].Metrics[j] != m {
			t.Errorf("first result metric %d = %v, want %v", j, res[0].Metrics[j], m)
		}
	}
	last := res[5]
	if last.Name != "BenchmarkCalibrate-2" || last.Metrics[0] != (Metric{1.744, "ns/op"}) {
		t.Errorf("last result %+v", last)
	}
}

func TestParseBenchMalformed(t *testing.T) {
	for _, tc := range []struct {
		in   string
		line string
	}{
		{"goos: linux\nBenchmarkX 10 5\n", "line 2:"},
		{"x\ny\nz\nBenchmarkX ten 5 ns/op\n", "line 4:"},
		{"BenchmarkX 10 5 ns/op 6\n", "line 1:"},
		{"\n\nBenchmarkX-8 \t--- FAIL: BenchmarkX-8\n", "line 3:"},
		{"BenchmarkX 10 five ns/op\n", "line 1:"},
	} {
		_, _, err := ParseBench(strings.NewReader(tc.in))
		if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), tc.line) {
			t.Errorf("%q: err = %v, want ErrSyntax at %s", tc.in, err, tc.line)
		}
	}
	// Not benchmark lines, so not errors: lower case after "Benchmark",
	// key-value lines without a space after the colon, logs.
	cfg, res, err := ParseBench(strings.NewReader("Benchmarking is fun\nkey:value\n  f.go:1: log\nPASS\nok  \tpkg\t0.1s\n"))
	if err != nil || len(cfg) != 0 || len(res) != 0 {
		t.Errorf("got %v, %v, %v; want nothing", cfg, res, err)
	}
}

func TestWriteBenchInvalid(t *testing.T) {
	good := Result{"BenchmarkA", 1, []Metric{{1, "ns/op"}}}
	for name, tc := range map[string]struct {
		cfg []Config
		res Result
	}{
		"upper-case key":   {[]Config{{"GOOS", "linux"}}, good},
		"key with space":   {[]Config{{"go os", "linux"}}, good},
		"key with colon":   {[]Config{{"a:b", "c"}}, good},
		"value newline":    {[]Config{{"cpu", "a\nb"}}, good},
		"value padded":     {[]Config{{"cpu", "a "}}, good},
		"name prefix":      {nil, Result{"TrainX", 1, good.Metrics}},
		"name lower":       {nil, Result{"Benchmarkx", 1, good.Metrics}},
		"name space":       {nil, Result{"BenchmarkA B", 1, good.Metrics}},
		"zero iterations":  {nil, Result{"BenchmarkA", 0, good.Metrics}},
		"no metrics":       {nil, Result{"BenchmarkA", 1, nil}},
		"empty unit":       {nil, Result{"BenchmarkA", 1, []Metric{{1, ""}}}},
		"unit with spaces": {nil, Result{"BenchmarkA", 1, []Metric{{1, "ns / op"}}}},
	} {
		var b strings.Builder
		err := WriteBench(&b, tc.cfg, []Result{good, tc.res})
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: err = %v, want ErrSyntax", name, err)
		}
		if b.Len() != 0 {
			t.Errorf("%s: wrote %q before failing", name, b.String())
		}
	}
}
