package cli

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"rnnbench/harness"
)

// gridRun is the 12-unit experiment (2 models × 2 learning rates
// × 3 seeds) at a tiny size: about a second in all.
func gridRun(out string, extra ...string) []string {
	return append([]string{"run", "--quiet", "--task", "selective-copy", "--model", "mingru,gru", "--seeds", "3", "--lr", "1e-3,3e-3",
		"--steps", "30", "--seq-len", "16", "--copy-tokens", "2", "--dim", "8", "--layers", "1", "--batch", "4",
		"--eval-every", "10", "--eval-batches", "2", "--out", out}, extra...)
}

// unitEvals is evalsOf keyed by unit ID: each unit's status, steps and
// evaluations without wall times.
func unitEvals(t *testing.T, dir string) map[string]harness.Result {
	t.Helper()
	rec, err := harness.ReadRecord(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]harness.Result{}
	for i, r := range evalsOf(t, dir) {
		out[rec.Results[i].Unit.ID] = r
	}
	return out
}

// sameUnits fails unless every unit of want is in got with the same
// seeded figures, bit for bit.
func sameUnits(t *testing.T, what string, want, got map[string]harness.Result) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d units, want %d", what, len(got), len(want))
	}
	for id, w := range want {
		g, ok := got[id]
		if !ok {
			t.Fatalf("%s: unit %q missing", what, id)
		}
		sameResults(t, []harness.Result{w}, []harness.Result{g})
	}
}

// `bench run --model mingru,gru --seeds 3 --lr 1e-3,3e-3` runs 12 units,
// logs each once, prints the per-model and whole-grid tables, writes one
// results.bench line per unit, and picks for each model the learning rate
// with the higher mean final held-out accuracy over its 3 seeds, computed
// here from the record.
func TestGridRunsEveryUnitAndPicksTheBestPoint(t *testing.T) {
	out := filepath.Join(t.TempDir(), "grid")
	code, stdout, stderr := bench(t, gridRun(out)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rec, err := harness.ReadRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Results) != 12 || len(rec.Units) != 12 || rec.Grid == nil || len(rec.Grid.Seeds) != 3 {
		t.Fatalf("%d results, %d units, grid %+v", len(rec.Results), len(rec.Units), rec.Grid)
	}
	if n := len(jsonlLines(t, filepath.Join(out, resultsFile))); n != 12 {
		t.Fatalf("%d results.jsonl lines, want 12", n)
	}
	bench, _ := os.ReadFile(filepath.Join(out, BenchFile))
	if n := strings.Count(string(bench), "BenchmarkTrain/task=selective-copy/model=gru/T=16/lr=0.003/wd=0.1\t"); n != 3 {
		t.Fatalf("%d results.bench lines for gru at lr 0.003, want one per seed (3)", n)
	}
	// The chosen point: the higher mean final accuracy over seeds, ties
	// broken by the lower mean final loss.
	mean, loss := map[string]float64{}, map[string]float64{}
	for _, r := range rec.Results {
		k := r.Name + " " + strconv.FormatFloat(r.Unit.Key.Train.LR, 'g', -1, 64)
		mean[k] += r.Evals[len(r.Evals)-1].Accuracy / 3
		loss[k] += r.Evals[len(r.Evals)-1].Loss / 3
	}
	for _, m := range []string{"mingru/parallel", "gru"} {
		a, b := m+" 0.003", m+" 0.001"
		best := "0.001"
		if mean[a] > mean[b] || (mean[a] == mean[b] && loss[a] < loss[b]) {
			best = "0.003"
		}
		row := tableRow(stdout, "| "+m+" ", "chosen")
		if !strings.Contains(row, "| "+best+" |") {
			t.Errorf("%s: chosen row %q, want lr %s (means %v)", m, row, best, mean)
		}
	}
	for _, want := range []string{"Per model at its best grid point, chosen by final held-out accuracy", "Every grid point", " ± "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	for _, r := range rec.Results {
		if tr := r.Unit.Key.Train; math.Abs(tr.LRMin-tr.LR/10) > 1e-12*tr.LR {
			t.Fatalf("unit %s: lr-min %g, want lr/10 (the preset's ratio)", r.Unit.ID, r.Unit.Key.Train.LRMin)
		}
	}
}

// tableRow returns the line of s that starts with prefix and contains want.
func tableRow(s, prefix, want string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) && strings.Contains(l, want) {
			return l
		}
	}
	return ""
}

// A unit's seeded figures are the same bits alone, in a grid, in a child
// process (--jobs 2) and in a shard: gru at lr 3e-3 and seed 2.
func TestUnitIsTheSameEverywhere(t *testing.T) {
	dir := t.TempDir()
	grid := filepath.Join(dir, "grid")
	mustBench(t, gridRun(grid)...)
	want := unitEvals(t, grid)
	alone := filepath.Join(dir, "alone")
	args := gridRun(alone, "--model", "gru", "--lr", "3e-3", "--seed", "2")
	args = deleteFlag(args, "--seeds")
	if code, _, stderr := bench(t, args...); code != ExitOK {
		t.Fatalf("alone: exit %d: %s", code, stderr)
	}
	got := unitEvals(t, alone)
	sameResults(t, []harness.Result{want["gru lr=0.003 seed=2"]}, []harness.Result{got["gru"]})

	jobs := filepath.Join(dir, "jobs")
	if code, _, stderr := bench(t, gridRun(jobs, "--jobs", "2")...); code != ExitOK {
		t.Fatalf("--jobs 2: exit %d: %s", code, stderr)
	}
	sameUnits(t, "--jobs 2", want, unitEvals(t, jobs))
	if a, b := jsonlLines(t, filepath.Join(jobs, resultsFile)), jsonlLines(t, filepath.Join(grid, resultsFile)); len(a) != len(b) {
		t.Fatalf("--jobs 2 logged %d lines, --jobs 1 %d", len(a), len(b))
	}

	var shards []string
	for i := range 3 {
		sh := filepath.Join(dir, "shard"+string(rune('0'+i)))
		if code, _, stderr := bench(t, gridRun(sh, "--shard", string(rune('0'+i))+"/3")...); code != ExitOK {
			t.Fatalf("shard %d: exit %d: %s", i, code, stderr)
		}
		for id := range unitEvals(t, sh) {
			if u := want[id]; u.Name == "" {
				t.Fatalf("shard %d ran %q, not a unit of the grid", i, id)
			}
		}
		shards = append(shards, sh)
	}
	merged := filepath.Join(dir, "merged")
	code, stdout, stderr := bench(t, append([]string{"merge", "--out", merged}, shards[2], shards[0], shards[1])...)
	if code != ExitOK || !strings.Contains(stdout, "Every grid point") {
		t.Fatalf("merge: exit %d: %s%s", code, stdout, stderr)
	}
	sameUnits(t, "3 shards merged", want, unitEvals(t, merged))
	if n := len(jsonlLines(t, filepath.Join(merged, resultsFile))); n != 12 {
		t.Fatalf("merged results.jsonl has %d lines, want 12", n)
	}
	if code, _, stderr := bench(t, "merge", "--out", filepath.Join(dir, "bad"), shards[0], shards[0]); code != ExitBadInput || !strings.Contains(stderr, "shards overlap") {
		t.Fatalf("merging a shard twice: exit %d: %s", code, stderr)
	}
}

// deleteFlag drops flag and its value from args.
func deleteFlag(args []string, flag string) []string {
	for i, a := range args {
		if a == flag {
			return append(append([]string{}, args[:i]...), args[i+2:]...)
		}
	}
	return args
}

// A folder locked by a live process (here: this one, holding the lock
// through another file description) refuses a fresh run and a --resume
// with exit 2, writing nothing; once released, the resume goes on.
func TestLockedFolderIsRefused(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	release, err := harness.Lock(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{tiny(out), tiny("", "--resume", out)} {
		code, _, stderr := bench(t, args...)
		if code != ExitBadInput || !strings.Contains(stderr, "is being written by another bench process (pid ") {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "results.json")); err == nil {
		t.Fatal("a refused run wrote results.json")
	}
	release()
	// Killed before its first record: only the lock file and a temporary
	// file of the first record's atomic write are there.
	os.WriteFile(filepath.Join(out, ".tmp-results.json-123"), []byte(`{"sche`), 0o644)
	if code, _, stderr := bench(t, tiny("", "--resume", out)...); code != ExitOK {
		t.Fatalf("resume of a folder with only its lock file: exit %d: %s", code, stderr)
	}
}

// --params sizes every model at every --layers value before the grid is
// expanded: each unit's non-embedding parameters are within 10% of N,
// and the seeds and learning rates of one model share its width.
func TestParamsWithGrid(t *testing.T) {
	p := planOf(t, "--model", "mingru,gru", "--layers", "1,2", "--seeds", "2", "--lr", "1e-3,3e-3", "--params", "20000", "--out", filepath.Join(t.TempDir(), "x"))
	if len(p.units) != 2*2*2*2 {
		t.Fatalf("%d units, want 16", len(p.units))
	}
	width := map[string]int{}
	for _, u := range p.units {
		n := nonEmbedding(u.Key.Model)
		if math.Abs(float64(n-20000)) > 2000 {
			t.Errorf("%s: %d non-embedding parameters, want 20000 ± 10%%", u.ID, n)
		}
		if d, ok := width[u.Group]; ok && d != u.Key.Model.D {
			t.Errorf("%s: D=%d, but D=%d for another unit of %s", u.ID, u.Key.Model.D, d, u.Group)
		}
		width[u.Group] = u.Key.Model.D
	}
	if width["gru L=1"] == width["gru L=2"] {
		t.Errorf("gru has D=%d at 1 and 2 layers: --params did not size each", width["gru L=1"])
	}
}
