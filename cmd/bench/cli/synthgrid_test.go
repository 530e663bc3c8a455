package cli

import (
	"path/filepath"
	"slices"
	"testing"

	"rnnbench/harness"
)

// synthUnits is each unit's held-out accuracy per length and evaluations
// (without wall times), keyed by unit ID.
func synthUnits(t *testing.T, dir string) map[string]harness.Result {
	t.Helper()
	rec, err := harness.ReadRecord(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]harness.Result{}
	for _, r := range rec.Results {
		for j := range r.Evals {
			r.Evals[j].Seconds = 0
		}
		if len(r.Lengths) == 0 {
			t.Fatalf("%s: unit %s has no per-length results", dir, r.Unit.ID)
		}
		out[r.Unit.ID] = harness.Result{Name: r.Name, Status: r.Status, Steps: r.Steps, Tokens: r.Tokens, Evals: r.Evals, Lengths: r.Lengths}
	}
	return out
}

func sameSynth(t *testing.T, what string, want, got harness.Result) {
	t.Helper()
	if want.Status != got.Status || want.Steps != got.Steps || want.Tokens != got.Tokens || !slices.Equal(want.Evals, got.Evals) || !slices.Equal(want.Lengths, got.Lengths) {
		t.Fatalf("%s differs:\n got %+v\nwant %+v", what, got, want)
	}
}

// A synthetic-task unit (parity, a grid of 2 learning rates × 2 seeds) is
// the same bits alone, in the grid, in a child process (--jobs 2) and in a
// shard merged back.
func TestSyntheticUnitIsTheSameEverywhere(t *testing.T) {
	dir := t.TempDir()
	run := func(out string, extra ...string) {
		t.Helper()
		args := append(tinySynth(out, "--task", "parity", "--model", "gru", "--train-lengths", "1-6", "--eval-lengths", "8,12"), extra...)
		if code, _, stderr := bench(t, args...); code != ExitOK {
			t.Fatalf("%v: exit %d: %s", extra, code, stderr)
		}
	}
	grid := filepath.Join(dir, "grid")
	run(grid, "--seeds", "2", "--lr", "1e-3,3e-3")
	want := synthUnits(t, grid)
	if len(want) != 4 {
		t.Fatalf("grid ran %d units, want 4", len(want))
	}
	alone := filepath.Join(dir, "alone")
	run(alone, "--seed", "2", "--lr", "3e-3")
	sameSynth(t, "alone", want["gru lr=0.003 seed=2"], synthUnits(t, alone)["gru"])

	jobs := filepath.Join(dir, "jobs")
	run(jobs, "--seeds", "2", "--lr", "1e-3,3e-3", "--jobs", "2")
	for id, r := range synthUnits(t, jobs) {
		sameSynth(t, "--jobs 2 "+id, want[id], r)
	}
	var shards []string
	for _, s := range []string{"0/2", "1/2"} {
		sh := filepath.Join(dir, "shard"+s[:1])
		run(sh, "--seeds", "2", "--lr", "1e-3,3e-3", "--shard", s)
		shards = append(shards, sh)
	}
	merged := filepath.Join(dir, "merged")
	if code, _, stderr := bench(t, append([]string{"merge", "--out", merged}, shards...)...); code != ExitOK {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	got := synthUnits(t, merged)
	if len(got) != 4 {
		t.Fatalf("merged %d units, want 4", len(got))
	}
	for id, r := range got {
		sameSynth(t, "merged "+id, want[id], r)
	}
}
