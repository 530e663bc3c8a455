package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rnnbench/harness"
)

// shakespeare is the tiny Shakespeare file of this repository's
// environment; tests that need it skip when it is absent.
const shakespeare = "../../../../shared/data/tinyshakespeare.txt"

// Every model trains on tiny Shakespeare end to end and samples through
// its step API (a few steps each: this checks the plumbing, not quality).
func TestCharLMEveryModel(t *testing.T) {
	if _, err := os.Stat(shakespeare); err != nil {
		t.Skipf("tiny Shakespeare not found at %s (present in this repository's CI): %v", shakespeare, err)
	}
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := bench(t, "run", "--quiet", "--task", "char-lm", "--data", shakespeare, "--model", "all",
		"--dim", "8", "--layers", "1", "--mlp", "1", "--heads", "2", "--seq-len", "16", "--batch", "2", "--steps", "2",
		"--eval-every", "2", "--eval-batches", "1", "--sample", "20", "--out", out)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rec, err := harness.ReadRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Results) != 6 || rec.TaskCfg["V"] != 65.0 {
		t.Fatalf("%d results, V %v; want 6 models and the 65-character vocabulary", len(rec.Results), rec.TaskCfg["V"])
	}
	for _, r := range rec.Results {
		if len([]rune(r.Sample)) != 20 || r.Best.Loss <= 0 {
			t.Errorf("%s: sample %q, best loss %v", r.Name, r.Sample, r.Best.Loss)
		}
	}
	if !strings.Contains(stdout, "bits/char") {
		t.Errorf("char-lm table has no bits/char column:\n%s", stdout)
	}
	md, _ := os.ReadFile(filepath.Join(out, "results.md"))
	if strings.Count(string(md), "## Sample from ") != 6 {
		t.Errorf("results.md should hold 6 samples:\n%s", md)
	}
}
