package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"rnnbench/harness"
	"rnnbench/reports"
	"rnnbench/views"
)

// tinySweep is a sweep of 2 models × 3 lengths that takes about a second.
func tinySweep(out string, extra ...string) []string {
	return append([]string{"run", "--task", "sweep", "--quiet", "--model", "mingru,transformer", "--mode", "parallel",
		"--dim", "8", "--heads", "2", "--layers", "1", "--batch", "2", "--lengths", "8,16,32", "--out", out}, extra...)
}

// readPointsFile reads points.jsonl.
func readPointsFile(t *testing.T, dir string) []harness.Point {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, pointsFile))
	if err != nil {
		t.Fatal(err)
	}
	var out []harness.Point
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line == "" {
			continue
		}
		var p harness.Point
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("points.jsonl line %q: %v", line, err)
		}
		out = append(out, p)
	}
	return out
}

func TestSweepWritesEveryPoint(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sweep")
	code, stdout, stderr := bench(t, tinySweep(out)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rec, err := harness.ReadRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Task != "sweep" || rec.Sweep == nil || rec.Sweep.NumPoints() != 6 || len(rec.Points) != 6 {
		t.Fatalf("record: task %q, sweep %+v, %d points", rec.Task, rec.Sweep, len(rec.Points))
	}
	if rec.Sweep.Repeats != 5 || rec.Sweep.WarmupSteps != 2 || rec.Sweep.Shards != 1 {
		t.Fatalf("sweep settings: %+v", rec.Sweep)
	}
	want := []string{"mingru/parallel", "mingru/parallel", "mingru/parallel", "transformer", "transformer", "transformer"}
	for i, p := range rec.Points {
		if p.Index != i || p.Name != want[i] || p.T != []int{8, 16, 32}[i%3] || p.Status != harness.StatusOK {
			t.Fatalf("point %d: %s T=%d %s (%s)", i, p.Name, p.T, p.Status, p.Reason)
		}
		if p.StepMs.N != 5 || p.PeakRSSBytes <= 0 || p.RusageRSS <= 0 || p.WallS <= 0 || p.B != 2 {
			t.Fatalf("point %d not measured: %+v", i, p)
		}
		if p.FLOPsPerStep != 3*p.FLOPsPerToken*2*int64(p.T) {
			t.Fatalf("point %d: FLOPs per step %d", i, p.FLOPsPerStep)
		}
	}
	if got := readPointsFile(t, out); !reflect.DeepEqual(got, rec.Points) {
		t.Fatalf("points.jsonl differs from results.json")
	}
	// The exponent fit on the sweep's data: FLOPs per step are exactly
	// linear in T for minGRU; the Transformer's analytic memory grows
	// faster than minGRU's (it keeps [B, H, T, T] attention weights).
	fits := views.SweepFits(rec)
	if len(fits) != 2 || fits[0].Points != 3 {
		t.Fatalf("fits: %+v", fits)
	}
	var x, y []float64
	for _, p := range rec.Points[:3] {
		x, y = append(x, float64(p.T)), append(y, float64(p.FLOPsPerStep))
	}
	if slope, _, err := reports.FitExponent(x, y); err != nil || slope < 1-1e-9 || slope > 1+1e-9 {
		t.Fatalf("minGRU FLOPs/step exponent %g, %v; want 1", slope, err)
	}
	if !(fits[1].Memory > fits[0].Memory) {
		t.Fatalf("memory exponents: transformer %g, minGRU %g", fits[1].Memory, fits[0].Memory)
	}
	md, _ := os.ReadFile(filepath.Join(out, "results.md"))
	if !strings.HasPrefix(string(md), "# rnnbench sequence-length sweep\n\nMachine: ") {
		t.Fatalf("results.md does not start with the machine:\n%.300s", md)
	}
	for _, f := range []string{views.SweepTrainPNG, views.SweepInferencePNG, views.SweepMemoryPNG} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Fatalf("%s missing: %v", f, err)
		}
	}
	if !strings.Contains(stdout, "## Scaling exponents") || !strings.Contains(stdout, "| transformer") {
		t.Fatalf("stdout lacks the summary:\n%s", stdout)
	}
}

// --max-mem below every point: each is skipped with its reason, the sweep
// exits 0 and the report lists them.
func TestSweepSkipsPointsOverMaxMem(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sweep")
	code, _, stderr := bench(t, tinySweep(out, "--max-mem", "1KiB")...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rec, err := harness.ReadRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Points) != 6 {
		t.Fatalf("%d points recorded, want 6", len(rec.Points))
	}
	for _, p := range rec.Points {
		if p.Status != harness.StatusSkipped || !strings.Contains(p.Reason, "exceeds --max-mem 1.00 KiB") || p.WallS != 0 {
			t.Fatalf("point %d: %s %q", p.Index, p.Status, p.Reason)
		}
	}
	md, _ := os.ReadFile(filepath.Join(out, "results.md"))
	if !strings.Contains(string(md), "## Skipped and failed points") || !strings.Contains(string(md), "- transformer T=32: skipped — analytic memory") {
		t.Fatalf("results.md does not list the skipped points:\n%s", md)
	}
	if _, err := os.Stat(filepath.Join(out, views.SweepTrainPNG)); err == nil {
		t.Fatal("a plot was drawn with nothing measured")
	}
}

// A point that runs past --point-timeout is killed and recorded as skipped.
func TestSweepPointTimeout(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sweep")
	code, _, stderr := bench(t, tinySweep(out, "--model", "gru", "--mode", "all", "--lengths", "8", "--point-timeout", "1ms")...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rec, err := harness.ReadRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Points) != 1 || rec.Points[0].Status != harness.StatusSkipped || !strings.Contains(rec.Points[0].Reason, "ran past --point-timeout 1ms") {
		t.Fatalf("points: %+v", rec.Points)
	}
}

// cancelOnWrite cancels a context once its text contains marker.
type cancelOnWrite struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	marker string
	cancel func()
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.marker) {
		w.cancel()
	}
	return len(p), nil
}

// An interrupt after the first point leaves that point on disk in every
// output, and exits 130.
func TestSweepInterruptKeepsFinishedPoints(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sweep")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	args := tinySweep(out)
	for i, a := range args {
		if a == "--quiet" {
			args = append(args[:i], args[i+1:]...)
			break
		}
	}
	stderr := &cancelOnWrite{marker: "[1/6 ", cancel: cancel}
	var stdout bytes.Buffer
	if code := Run(ctx, append([]string{"bench"}, args...), &stdout, stderr); code != ExitInterrupt {
		t.Fatalf("exit %d, want %d: %s", code, ExitInterrupt, stderr.buf.String())
	}
	rec, err := harness.ReadRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Points) != 1 || rec.Points[0].Status != harness.StatusOK || len(readPointsFile(t, out)) != 1 {
		t.Fatalf("after the interrupt: %d points in results.json, %d in points.jsonl", len(rec.Points), len(readPointsFile(t, out)))
	}
	md, _ := os.ReadFile(filepath.Join(out, "results.md"))
	if !strings.Contains(string(md), "Points: 1 of 6 in this record") {
		t.Fatalf("results.md not rewritten after the point:\n%.600s", md)
	}
}

func TestSweepBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "sweep")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"letters in lengths", tinySweep(out, "--lengths", "64,abc"), `--lengths "64,abc": "abc" is not a positive integer`},
		{"zero length", tinySweep(out, "--lengths", "0,8"), `"0" is not a positive integer`},
		{"negative length", tinySweep(out, "--lengths", "-8"), `"-8" is not a positive integer`},
		{"empty entry", tinySweep(out, "--lengths", "8,,16"), `"" is not a positive integer`},
		{"semicolons", tinySweep(out, "--lengths", "8;16"), `"8;16" is not a positive integer`},
		{"few repeats", tinySweep(out, "--repeats", "3"), "--repeats must be an integer in [5, 100000], got 3"},
		{"bad max-mem", tinySweep(out, "--max-mem", "lots"), `--max-mem "lots"`},
		{"bad timeout", tinySweep(out, "--point-timeout", "0s"), "--point-timeout must be positive"},
		{"bad shard", tinySweep(out, "--shard", "2/2"), "shard 2/2: want 0 ≤ i < n"},
		{"shard not i/n", tinySweep(out, "--shard", "1"), `--shard "1": want i/n`},
		{"seq-len on sweep", tinySweep(out, "--seq-len", "64"), "--seq-len applies to training runs (--task selective-copy or char-lm), not to --task sweep"},
		{"unknown sweep preset", tinySweep(out, "--preset", "paper"), `unknown --preset "paper" for --task sweep: allowed quick, full`},
		{"lengths on a run", []string{"run", "--lengths", "8,16", "--out", out}, "--lengths applies to --task sweep only"},
		{"report no dir", []string{"report", filepath.Join(dir, "nope")}, "cannot read results"},
		{"report two dirs", []string{"report", dir, dir}, "report takes one results folder"},
		{"merge nothing", []string{"merge", "--out", out}, "merge needs at least one results folder"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := bench(t, tc.args...)
			if code != ExitBadInput {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, ExitBadInput, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
				t.Fatalf("stderr = %q, want one line containing %q", stderr, tc.want)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Fatalf("bad input wrote %d entries", len(ents))
			}
		})
	}
}

func TestParseLengths(t *testing.T) {
	got, err := parseLengths(" 256,64, 128,64 ")
	if err != nil || !reflect.DeepEqual(got, []int{64, 128, 256}) {
		t.Fatalf("parseLengths = %v, %v; want [64 128 256]", got, err)
	}
}

func TestParseBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{{"1073741824", 1 << 30}, {"8GiB", 8 << 30}, {"8gib", 8 << 30}, {"500MB", 500e6}, {"1.5 KiB", 1536}, {"2kb", 2000}, {"10B", 10}, {"50%", 500}, {"75 %", 750}} {
		got, err := parseBytes(tc.in, 1000)
		if err != nil || got != tc.want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "GiB", "-1GiB", "0", "8XB", "8 G B", "150%", "0%", "1e400"} {
		if _, err := parseBytes(bad, 1000); err == nil {
			t.Errorf("parseBytes(%q) accepted", bad)
		}
	}
	if _, err := parseBytes("50%", 0); err == nil {
		t.Error("a percentage of unknown physical memory was accepted")
	}
}

func TestResolveShard(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	ok := []struct {
		name  string
		flag  string
		count int
		env   func(string) string
		i, n  int
	}{
		{"default", "", 0, env(), 0, 1},
		{"flag", "2/5", 0, env(), 2, 5},
		{"flag wins over slurm", "1/3", 0, env("SLURM_ARRAY_TASK_ID", "0", "SLURM_ARRAY_TASK_COUNT", "4"), 1, 3},
		{"slurm from 0", "", 0, env("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_COUNT", "4"), 3, 4},
		{"slurm from 1", "", 0, env("SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_COUNT", "4", "SLURM_ARRAY_TASK_MIN", "1"), 3, 4},
		{"kubernetes", "", 8, env("JOB_COMPLETION_INDEX", "7"), 7, 8},
	}
	for _, tc := range ok {
		i, n, err := resolveShard(tc.flag, tc.count, tc.env)
		if err != nil || i != tc.i || n != tc.n {
			t.Errorf("%s: got %d/%d, %v; want %d/%d", tc.name, i, n, err, tc.i, tc.n)
		}
	}
	bad := []struct {
		name  string
		flag  string
		count int
		env   func(string) string
	}{
		{"slurm without count", "", 0, env("SLURM_ARRAY_TASK_ID", "1")},
		{"slurm id past count", "", 0, env("SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_COUNT", "4")},
		{"kubernetes without count", "", 0, env("JOB_COMPLETION_INDEX", "0")},
		{"kubernetes index past count", "", 2, env("JOB_COMPLETION_INDEX", "2")},
		{"count without index", "", 3, env()},
		{"negative", "-1/2", 0, env()},
		{"zero shards", "0/0", 0, env()},
		{"junk", "a/b", 0, env()},
	}
	for _, tc := range bad {
		if i, n, err := resolveShard(tc.flag, tc.count, tc.env); err == nil {
			t.Errorf("%s: accepted as %d/%d", tc.name, i, n)
		}
	}
}
