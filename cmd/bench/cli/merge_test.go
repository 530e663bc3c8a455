package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"rnnbench/harness"
	"rnnbench/views"
)

// untimed clears what differs between two runs of the same point: the
// timings and what follows from them, peak RSS and wall time.
func untimed(ps []harness.Point) []harness.Point {
	out := make([]harness.Point, len(ps))
	for i, p := range ps {
		p.StepMs, p.TokenMs, p.ForwardMs = harness.Stats{}, harness.Stats{}, harness.Stats{}
		p.TokensPerSec, p.GFLOPs, p.PeakRSSBytes, p.RusageRSS, p.WallS = 0, 0, 0, 0, 0
		out[i] = p
	}
	return out
}

// Shards 0/2 and 1/2 take alternate points; merging them gives the
// unsharded result set apart from timings; overlapping, mismatched or
// foreign inputs are refused with exit 2 and nothing written.
func TestSweepShardsMergeToTheWhole(t *testing.T) {
	dir := t.TempDir()
	whole, s0, s1 := filepath.Join(dir, "whole"), filepath.Join(dir, "s0"), filepath.Join(dir, "s1")
	for _, r := range [][]string{tinySweep(whole), tinySweep(s0, "--shard", "0/2"), tinySweep(s1, "--shard", "1/2")} {
		if code, _, stderr := bench(t, r...); code != ExitOK {
			t.Fatalf("%v: exit %d: %s", r, code, stderr)
		}
	}
	for k, sh := range []string{s0, s1} {
		rec, err := harness.ReadRecord(sh)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Sweep.Shard != k || rec.Sweep.Shards != 2 || len(rec.Points) != 3 {
			t.Fatalf("shard %d: %+v with %d points", k, rec.Sweep, len(rec.Points))
		}
		for _, p := range rec.Points {
			if p.Index%2 != k {
				t.Fatalf("shard %d measured point %d", k, p.Index)
			}
		}
	}

	merged := filepath.Join(dir, "merged")
	code, stdout, stderr := bench(t, "merge", "--out", merged, s1, s0)
	if code != ExitOK {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "## Scaling exponents") {
		t.Fatalf("merge printed no summary:\n%s", stdout)
	}
	want, err := harness.ReadRecord(whole)
	if err != nil {
		t.Fatal(err)
	}
	got, err := harness.ReadRecord(merged)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Sweep, want.Sweep) || !reflect.DeepEqual(got.Train, want.Train) || got.Task != want.Task {
		t.Fatalf("merged settings differ:\n got %+v\nwant %+v", got.Sweep, want.Sweep)
	}
	if !reflect.DeepEqual(untimed(got.Points), untimed(want.Points)) {
		t.Fatalf("merged points differ from the unsharded sweep apart from timings:\n got %+v\nwant %+v", untimed(got.Points), untimed(want.Points))
	}
	if lines := readPointsFile(t, merged); !reflect.DeepEqual(lines, got.Points) {
		t.Fatal("merged points.jsonl differs from results.json")
	}
	for _, f := range []string{"results.md", views.SweepTrainPNG, views.SweepInferencePNG, views.SweepMemoryPNG} {
		if _, err := os.Stat(filepath.Join(merged, f)); err != nil {
			t.Fatalf("merge did not write %s: %v", f, err)
		}
	}

	// Refusals.
	other := filepath.Join(dir, "other")
	if code, _, stderr := bench(t, tinySweep(other, "--lengths", "8,16", "--shard", "1/2")...); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	foreign := filepath.Join(dir, "foreign")
	if err := os.MkdirAll(foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	rec, _ := harness.ReadRecord(s0)
	rec.Schema = 99
	b, _ := json.Marshal(rec)
	if err := os.WriteFile(filepath.Join(foreign, "results.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	if code, _, stderr := bench(t, tiny(run)...); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"duplicate points", []string{s0, s1, s0}, "is in both"},
		{"overlapping shard", []string{s0, whole}, "shards overlap"},
		{"mismatched config", []string{s0, other}, "is not a shard of the same sweep"},
		{"other schema", []string{s0, foreign}, "has results schema 99"},
		{"a run and a sweep", []string{s0, run}, "is not a shard of the same sweep"},
		{"missing folder", []string{s0, filepath.Join(dir, "nope")}, "cannot read results"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "bad")
			code, _, stderr := bench(t, append([]string{"merge", "--out", out}, tc.args...)...)
			if code != ExitBadInput || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, ExitBadInput, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Fatal("a refused merge wrote its output folder")
			}
		})
	}
	if code, _, stderr := bench(t, "merge", "--out", s0, s0, s1); code != ExitBadInput || !strings.Contains(stderr, "is also an input") {
		t.Fatalf("merge into an input: exit %d, %q", code, stderr)
	}
}

// bench report rewrites results.md and every plot from results.json alone,
// for a sweep and for a training run, byte for byte the same Markdown.
func TestReportRegenerates(t *testing.T) {
	dir := t.TempDir()
	sweep, run := filepath.Join(dir, "sweep"), filepath.Join(dir, "run")
	if code, _, stderr := bench(t, tinySweep(sweep)...); code != ExitOK {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	if code, _, stderr := bench(t, tiny(run)...); code != ExitOK {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	for _, tc := range []struct {
		dir   string
		files []string
		want  string // in stdout
	}{
		{sweep, []string{"results.md", views.SweepTrainPNG, views.SweepInferencePNG, views.SweepMemoryPNG}, "## The paper's ratios on this machine"},
		{run, []string{"results.md", "loss.png"}, "| mingru/parallel"},
	} {
		before, err := os.ReadFile(filepath.Join(tc.dir, "results.md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range tc.files {
			if err := os.Remove(filepath.Join(tc.dir, f)); err != nil {
				t.Fatal(err)
			}
		}
		code, stdout, stderr := bench(t, "report", tc.dir)
		if code != ExitOK {
			t.Fatalf("report %s: exit %d: %s", tc.dir, code, stderr)
		}
		if !strings.HasPrefix(stdout, "Machine: ") || !strings.Contains(stdout, tc.want) {
			t.Fatalf("report %s stdout:\n%s", tc.dir, stdout)
		}
		for _, f := range tc.files {
			if st, err := os.Stat(filepath.Join(tc.dir, f)); err != nil || st.Size() == 0 {
				t.Fatalf("report did not regenerate %s: %v", f, err)
			}
		}
		after, _ := os.ReadFile(filepath.Join(tc.dir, "results.md"))
		if string(after) != string(before) {
			t.Fatalf("regenerated results.md differs from the original:\n--- before\n%s\n--- after\n%s", before, after)
		}
	}
}
