package cli

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rnnbench/harness"
)

// twoModels is a tiny run of minGRU then GRU, 8 steps each with an
// evaluation every 2: well under a second.
func twoModels(out string, extra ...string) []string {
	return tiny(out, append([]string{"--model", "mingru,gru", "--steps", "8", "--eval-every", "2"}, extra...)...)
}

// withoutQuiet drops --quiet, so progress and checkpoint lines reach stderr.
func withoutQuiet(args []string) []string {
	return slices.DeleteFunc(slices.Clone(args), func(a string) bool { return a == "--quiet" })
}

// referenceEvals runs twoModels uninterrupted into dir/ref and returns
// its evaluations: what an interrupted and resumed run must reproduce.
func referenceEvals(t *testing.T, dir string) []harness.Result {
	t.Helper()
	ref := filepath.Join(dir, "ref")
	mustBench(t, twoModels(ref)...)
	return evalsOf(t, ref)
}

// evalsOf returns every model's status, steps and evaluations without wall
// times: what must be equal, bit for bit, between a resumed run and an
// uninterrupted one.
func evalsOf(t *testing.T, dir string) []harness.Result {
	t.Helper()
	rec, err := harness.ReadRecord(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []harness.Result
	for _, r := range rec.Results {
		x := harness.Result{Name: r.Name, Status: r.Status, Steps: r.Steps, Tokens: r.Tokens, Best: r.Best}
		x.Best.Seconds = 0
		for _, e := range r.Evals {
			e.Seconds = 0
			x.Evals = append(x.Evals, e)
		}
		out = append(out, x)
	}
	return out
}

func sameResults(t *testing.T, want, got []harness.Result) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d results, want %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.Name != g.Name || w.Status != g.Status || w.Steps != g.Steps || w.Tokens != g.Tokens || w.Best != g.Best || !slices.Equal(w.Evals, g.Evals) {
			t.Fatalf("result %d differs from the uninterrupted run:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// jsonlLines returns the lines of a JSON-lines file.
func jsonlLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// Ctrl-C while GRU trains (at its checkpoint of step 3) leaves minGRU
// finished in results.jsonl and GRU's checkpoint on disk; --resume with
// the same flags trains GRU from step 3 and ends with the same
// evaluations, bit for bit, as a run never interrupted, with minGRU's
// line untouched and nothing duplicated.
func TestRunResumeFromCheckpoint(t *testing.T) {
	dir := t.TempDir()
	want := referenceEvals(t, dir)

	out := filepath.Join(dir, "run")
	args := twoModels(out, "--checkpoint-every", "3")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &cancelOnWrite{marker: "gru.safetensors", cancel: cancel}
	if code := Run(ctx, append([]string{"bench"}, withoutQuiet(args)...), &bytes.Buffer{}, stderr); code != ExitInterrupt {
		t.Fatalf("exit %d, want %d: %s", code, ExitInterrupt, stderr.buf.String())
	}
	if !strings.Contains(stderr.buf.String(), "--resume "+out) {
		t.Fatalf("the interrupt message does not say how to resume:\n%s", stderr.buf.String())
	}
	lines := jsonlLines(t, filepath.Join(out, resultsFile))
	part := evalsOf(t, out)
	if len(lines) != 1 || len(part) != 2 || part[0].Status != harness.StatusOK || part[1].Status != harness.StatusInterrupted || part[1].Steps != 3 {
		t.Fatalf("after the interrupt: %d results.jsonl lines, results %+v", len(lines), part)
	}
	ck, err := harness.LoadCheckpoint(filepath.Join(out, checkpointDir, "gru.safetensors"))
	if err != nil || ck.Step() != 3 {
		t.Fatalf("gru checkpoint: %v", err)
	}

	code, _, errs := bench(t, append(twoModels(out, "--checkpoint-every", "3"), "--resume", out)...)
	if code != ExitOK {
		t.Fatalf("resume: exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "1 of 2 unit(s) finished") || !strings.Contains(errs, "gru continues from step 3") {
		t.Fatalf("resume did not say what it kept and continued:\n%s", errs)
	}
	sameResults(t, want, evalsOf(t, out))
	after := jsonlLines(t, filepath.Join(out, resultsFile))
	if len(after) != 2 || after[0] != lines[0] {
		t.Fatalf("results.jsonl after resume: %d lines, first kept: %v", len(after), after[0] == lines[0])
	}
}

// Without checkpoints, the interrupted model starts over on --resume and
// still ends where an uninterrupted run does; a torn last line in
// results.jsonl (a crash mid-write) is dropped and the file stays valid.
func TestRunResumeWithoutCheckpointAndTornLine(t *testing.T) {
	dir := t.TempDir()
	want := referenceEvals(t, dir)
	out := filepath.Join(dir, "run")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	testStepHook = func(model, steps int, _ *harness.Stepper) {
		if model == 1 && steps == 5 {
			cancel()
		}
	}
	defer func() { testStepHook = nil }()
	var errb bytes.Buffer
	if code := Run(ctx, append([]string{"bench"}, twoModels(out)...), &bytes.Buffer{}, &errb); code != ExitInterrupt {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	testStepHook = nil
	if _, err := os.Stat(filepath.Join(out, checkpointDir)); err == nil {
		t.Fatal("checkpoints written without --checkpoint-every")
	}
	// A crash while appending GRU's line would leave a prefix of it.
	f, err := os.OpenFile(filepath.Join(out, resultsFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"model":{"mixer":"gru","mode":"","V":16`)
	f.Close()

	code, _, errs := bench(t, append(twoModels(out), "--resume", out)...)
	if code != ExitOK || !strings.Contains(errs, "1 of 2 unit(s) finished (1 torn or repeated line(s) of results.jsonl dropped)") {
		t.Fatalf("resume: exit %d: %s", code, errs)
	}
	sameResults(t, want, evalsOf(t, out))
	lines, err := harness.ReadLog[harness.Result](filepath.Join(out, resultsFile))
	if err != nil || lines.Torn || len(lines.Items) != 2 || lines.Items[0].Name != "mingru/parallel" || lines.Items[1].Name != "gru" {
		t.Fatalf("results.jsonl after resume: %v, torn %v, %d lines", err, lines != nil && lines.Torn, len(lines.Items))
	}
	// Resuming a finished run trains nothing and changes no result.
	code, _, errs = bench(t, append(twoModels(out), "--resume", out)...)
	if code != ExitOK || !strings.Contains(errs, "2 of 2 unit(s) finished") {
		t.Fatalf("resume of a finished run: exit %d: %s", code, errs)
	}
	sameResults(t, want, evalsOf(t, out))
	if n := len(jsonlLines(t, filepath.Join(out, resultsFile))); n != 2 {
		t.Fatalf("%d results.jsonl lines after a second resume, want 2", n)
	}
}

// A parameter of minGRU turned -Inf after its step 3 makes step 4 diverge:
// minGRU stops there with status "diverged" naming the step and the
// tensor, its evaluation at step 2 is kept, GRU trains in full after it,
// results.md marks the divergence, and the run exits 0 with a warning.
func TestRunDivergedModelIsMarkedAndRunGoesOn(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	testStepHook = func(model, steps int, s *harness.Stepper) {
		if model == 0 && steps == 3 {
			p, err := s.M.PS.Get("blocks.0.mixer.in.weight")
			if err != nil {
				t.Error(err)
				return
			}
			p.Data[0] = float32(math.Inf(-1))
		}
	}
	defer func() { testStepHook = nil }()
	code, stdout, stderr := bench(t, twoModels(out)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	const reason = "non-finite loss at step 4: parameter blocks.0.mixer.in.weight is not finite"
	if !strings.Contains(stderr, "warning: mingru/parallel diverged after 3 step(s): "+reason) {
		t.Fatalf("no divergence warning:\n%s", stderr)
	}
	rec, err := harness.ReadRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	d, g := rec.Results[0], rec.Results[1]
	if d.Status != harness.StatusDiverged || d.Reason != reason || d.Steps != 3 || len(d.Evals) != 2 || d.Evals[0].Step != 0 || d.Evals[1].Step != 2 || math.IsNaN(d.Evals[1].Loss) {
		t.Fatalf("diverged model: %s %q, %d steps, evals %+v", d.Status, d.Reason, d.Steps, d.Evals)
	}
	if g.Status != harness.StatusOK || g.Steps != 8 || len(g.Evals) != 5 { // step 0, then every 2
		t.Fatalf("the next model did not train in full: %s, %d steps, %d evals", g.Status, g.Steps, len(g.Evals))
	}
	md, _ := os.ReadFile(filepath.Join(out, "results.md"))
	for _, want := range []string{"| diverged |", "- mingru/parallel: diverged — " + reason} {
		if !strings.Contains(string(md), want) || !strings.Contains(stdout, "| diverged |") {
			t.Errorf("results.md or stdout lacks %q:\n%s", want, md)
		}
	}
	if lines := jsonlLines(t, filepath.Join(out, resultsFile)); len(lines) != 2 {
		t.Errorf("%d results.jsonl lines, want 2 (a diverged model is finished)", len(lines))
	}
}

func TestFirstDiff(t *testing.T) {
	type inner struct {
		Steps int     `json:"steps"`
		LR    float64 `json:"lr"`
	}
	type rec struct {
		Task  string         `json:"task"`
		Train inner          `json:"train"`
		Cfg   map[string]any `json:"cfg"`
		L     []int          `json:"l"`
	}
	a := rec{"copy", inner{6, 0.1}, map[string]any{"seq_len": 16}, []int{1, 2}}
	for _, tc := range []struct {
		b    rec
		want string
	}{
		{a, ""},
		{rec{"copy", inner{8, 0.1}, map[string]any{"seq_len": 16}, []int{1, 2}}, "train.steps was 6, the flags give 8"},
		{rec{"copy", inner{6, 0.1}, map[string]any{"seq_len": 16.0}, []int{1, 2}}, ""}, // JSON numbers compare by value
		{rec{"copy", inner{6, 0.1}, map[string]any{}, []int{1, 2}}, "cfg.seq_len was 16, the flags give (unset)"},
		{rec{"copy", inner{6, 0.1}, map[string]any{"seq_len": 16}, []int{1, 3}}, "l[1] was 2, the flags give 3"},
		{rec{"copy", inner{6, 0.1}, map[string]any{"seq_len": 16}, []int{1}}, "l was [1,2], the flags give [1]"},
	} {
		if got := harness.FirstDiff(a, tc.b); got != tc.want {
			t.Errorf("firstDiff(%+v) = %q, want %q", tc.b, got, tc.want)
		}
	}
}
