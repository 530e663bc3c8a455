package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rnnbench/harness"
)

// tinySynth is a synthetic-task run that finishes in well under a second.
func tinySynth(out string, extra ...string) []string {
	return append([]string{"run", "--quiet", "--dim", "8", "--layers", "1", "--batch", "4", "--steps", "6",
		"--eval-every", "3", "--eval-batches", "2", "--out", out}, extra...)
}

func TestSyntheticRun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "parity")
	stdout := mustBench(t, tinySynth(out, "--task", "parity", "--model", "lstm,mingru", "--train-lengths", "1-6", "--eval-lengths", "8,16")...)
	mustExist(t, out, "results.json", "results.jsonl", "results.md", "lengths.md", "lengths.png", "loss.png")
	rec, err := harness.ReadRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Task != "parity" || len(rec.Results) != 2 {
		t.Fatalf("task %s, %d results", rec.Task, len(rec.Results))
	}
	for _, r := range rec.Results {
		if len(r.Lengths) != 3 || r.Lengths[0].Label != "1-6" || r.Lengths[2].L != 16 || r.Lengths[2].Scored != 8 {
			t.Errorf("%s: lengths %+v", r.Name, r.Lengths)
		}
		// Tokens count the batches' own lengths: L+1 for L uniform in 1..6, mean 4.5.
		if r.Tokens != int64(6*4*4.5) {
			t.Errorf("%s: tokens %d, want %d", r.Name, r.Tokens, 6*4*9/2)
		}
	}
	if !strings.Contains(stdout, "| lstm ") || !strings.Contains(stdout, "L=16") {
		t.Errorf("stdout lacks the length table:\n%s", stdout)
	}
	// The same seed gives the same evaluations.
	out2 := filepath.Join(dir, "again")
	if code, _, stderr := bench(t, tinySynth(out2, "--task", "parity", "--model", "lstm,mingru", "--train-lengths", "1-6", "--eval-lengths", "8,16")...); code != 0 {
		t.Fatal(stderr)
	}
	rec2, _ := harness.ReadRecord(out2)
	for i := range rec.Results {
		a, b := rec.Results[i], rec2.Results[i]
		for j := range a.Evals {
			a.Evals[j].Seconds, b.Evals[j].Seconds = 0, 0
		}
		if !slices.Equal(a.Evals, b.Evals) || !slices.Equal(a.Lengths, b.Lengths) {
			t.Errorf("%s: a second run differs: %+v vs %+v", a.Name, a.Lengths, b.Lengths)
		}
	}
}

func TestSyntheticSuiteAndMQAR(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "suite")
	stdout := mustBench(t, tinySynth(out, "--task", "formal", "--model", "gru", "--train-lengths", "1-4", "--eval-lengths", "6")...)
	mustExist(t, out, "formal.md", "formal.png", "parity/results.json", "missing-duplicate/lengths.png")
	if !strings.Contains(stdout, "| gru   |") || !strings.Contains(stdout, "majority-count") {
		t.Errorf("stdout lacks the suite table:\n%s", stdout)
	}
	mq := filepath.Join(dir, "mqar")
	if code, _, stderr := bench(t, tinySynth(mq, "--task", "mqar", "--model", "transformer", "--heads", "2", "--setting", "128x8", "--vocab", "200")...); code != 0 {
		t.Fatalf("mqar: exit %d: %s", code, stderr)
	}
	rec, err := harness.ReadRecord(mq)
	if err != nil {
		t.Fatal(err)
	}
	if rec.TaskCfg["seq_len"] != 128.0 || rec.TaskCfg["pairs"] != 8.0 || rec.Results[0].Lengths[1].Scored != 8*8 {
		t.Errorf("mqar config %v, lengths %+v", rec.TaskCfg, rec.Results[0].Lengths)
	}
}

func TestSyntheticBadInput(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"run", "--task", "parity", "--pairs", "3"}, "--pairs does not apply to --task parity"},
		{[]string{"run", "--task", "parity", "--seq-len", "30"}, "--seq-len does not apply to --task parity"},
		{[]string{"run", "--task", "parity", "--train-lengths", "0-5"}, "--train-lengths \"0-5\": \"0-5\" is out of range"},
		{[]string{"run", "--task", "parity", "--eval-lengths", "40,x"}, "\"x\" is not a length"},
		{[]string{"run", "--task", "mqar", "--setting", "64x9"}, "unknown --setting \"64x9\": allowed 64x4, 128x8, 256x16"},
		{[]string{"run", "--task", "mqar", "--vocab", "64"}, "--vocab 64 must exceed --seq-len 64"},
		{[]string{"run", "--task", "mqar", "--train-lengths", "1-4"}, "--train-lengths does not apply to --task mqar"},
		{[]string{"run", "--task", "formal", "--copy-tokens", "3"}, "--copy-tokens does not apply to --task formal"},
		{[]string{"run", "--task", "selective-copy", "--eval-lengths", "40"}, "--eval-lengths applies to the synthetic tasks only"},
		{[]string{"run", "--task", "parity", "--preset", "huge"}, "unknown --preset \"huge\""},
	}
	for _, tc := range cases {
		out := filepath.Join(t.TempDir(), "o")
		code, stdout, stderr := bench(t, append(tc.args, "--out", out)...)
		if code != ExitBadInput || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || stdout != "" {
			t.Errorf("%v: exit %d, stderr %q, want one line with %q", tc.args, code, stderr, tc.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: wrote %s", tc.args, out)
		}
	}
}

func TestSyntheticList(t *testing.T) {
	code, stdout, stderr := bench(t, "list", "--task", "majority-count")
	if code != 0 || !strings.Contains(stdout, "clamped to 63") || !strings.Contains(stdout, "BorealisAI/minRNNs data/majority_count.py") || !strings.Contains(stdout, "| lstm ") {
		t.Errorf("exit %d, stderr %s, stdout:\n%s", code, stderr, stdout)
	}
	code, stdout, _ = bench(t, "list", "--task", "formal")
	if code != 0 || strings.Count(stdout, "BorealisAI/minRNNs") != 7 {
		t.Errorf("formal: exit %d:\n%s", code, stdout)
	}
}

// --resume keeps the finished models of a synthetic run and trains the
// rest, with the same results as a run never stopped; other flags are
// refused.
func TestSyntheticResume(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	args := tinySynth(out, "--task", "even-pairs", "--model", "lstm,mingru", "--train-lengths", "1-6", "--eval-lengths", "8")
	if code, _, stderr := bench(t, args...); code != 0 {
		t.Fatal(stderr)
	}
	want, _ := harness.ReadRecord(out)
	// As if killed after the first model: drop the second's line.
	jl := filepath.Join(out, resultsFile)
	data, _ := os.ReadFile(jl)
	first, _, _ := strings.Cut(string(data), "\n")
	os.WriteFile(jl, []byte(first+"\n"), 0o644)
	resume := slices.Clone(args)
	for i, a := range resume {
		if a == "--out" {
			resume[i], resume[i+1] = "--resume", out
		}
	}
	code, _, stderr := bench(t, resume...)
	if code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	got, _ := harness.ReadRecord(out)
	if len(got.Results) != 2 || got.Results[0].WallSeconds != want.Results[0].WallSeconds {
		t.Fatalf("resume did not keep the finished model: %d results", len(got.Results))
	}
	if !slices.Equal(got.Results[1].Lengths, want.Results[1].Lengths) {
		t.Errorf("retrained model differs: %+v vs %+v", got.Results[1].Lengths, want.Results[1].Lengths)
	}
	bad := append(slices.Clone(resume), "--steps", "7")
	if code, _, stderr := bench(t, bad...); code != ExitBadInput || !strings.Contains(stderr, "the flags differ") {
		t.Errorf("resume with other steps: exit %d, %s", code, stderr)
	}
}

// bench report regenerates the length views of a synthetic run.
func TestSyntheticReport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := bench(t, tinySynth(out, "--task", "cycle-nav", "--model", "gru", "--train-lengths", "2-5", "--eval-lengths", "9")...); code != 0 {
		t.Fatal(stderr)
	}
	before, _ := os.ReadFile(filepath.Join(out, "lengths.md"))
	os.Remove(filepath.Join(out, "lengths.md"))
	os.Remove(filepath.Join(out, "lengths.png"))
	if code, _, stderr := bench(t, "report", out); code != 0 {
		t.Fatal(stderr)
	}
	after, err := os.ReadFile(filepath.Join(out, "lengths.md"))
	if err != nil || string(after) != string(before) || !strings.Contains(string(after), "Trained on L 2-5") {
		t.Errorf("report rewrote lengths.md as\n%s\nwas\n%s", after, before)
	}
	if _, err := os.Stat(filepath.Join(out, "lengths.png")); err != nil {
		t.Error("report did not redraw lengths.png")
	}
}
