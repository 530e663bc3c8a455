package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"rnnbench/harness"
)

// A --config file sets flags by their names (lists for lists); a flag on
// the command line overrides its key; the resolved flags are stored in
// results.json; bad files and keys exit 2 naming the file and key.
func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "exp.toml")
	os.WriteFile(cfg, []byte(`# a tiny grid
model = ["mingru", "gru"]
seeds = [1, 2]
lr = [1e-3, 3e-3]
steps = 9
seq-len = 16
copy-tokens = 2
`+tinyModelTOML), 0o644)
	out := filepath.Join(dir, "run")
	code, _, stderr := bench(t, "run", "--config", cfg, "--steps", "6", "--model", "gru", "--out", out)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rec, err := harness.ReadRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Results) != 4 || rec.Train.Steps != 6 || rec.Results[0].Name != "gru" || rec.Results[3].Unit.ID != "gru lr=0.003 seed=2" {
		t.Fatalf("%d results, %d steps, first %s, last %s", len(rec.Results), rec.Train.Steps, rec.Results[0].Name, rec.Results[len(rec.Results)-1].Unit.ID)
	}
	if rec.Config["config"] != cfg || fmt.Sprint(rec.Config["steps"]) != "6" || rec.Config["lr"] != "0.001,0.003" || rec.Config["model"] != "gru" {
		t.Fatalf("resolved config %v", rec.Config)
	}
	for _, tc := range []struct{ file, want string }{
		{`modle = "gru"`, `unknown key "modle" (did you mean "mode"?)`},
		{`steps = "many"`, `key steps = many: --steps "many" is not an integer`},
		{`steps = [[1]]`, "key steps: a list of lists"},
		{`steps = `, "--config " + filepath.Join(dir, "bad.toml") + ": toml:"},
		{`seeds = 0`, `--seeds "0": want a count n in [1, 1000]`},
	} {
		bad := filepath.Join(dir, "bad.toml")
		os.WriteFile(bad, []byte(tc.file+"\n"), 0o644)
		code, _, stderr := bench(t, "run", "--config", bad, "--dry-run")
		if code != ExitBadInput || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q in one line", tc.file, code, stderr, tc.want)
		}
	}
}

// The shipped experiment files plan without error: 27 and 24 units.
func TestExampleConfigsPlan(t *testing.T) {
	for file, units := range map[string]int{"paper-copy-layers.toml": 27, "quick-6-models.toml": 24} {
		code, stdout, stderr := bench(t, "run", "--config", filepath.Join("..", "..", "..", "examples", file), "--dry-run", "--out", filepath.Join(t.TempDir(), "x"))
		if code != ExitOK || !strings.Contains(stdout, " "+itoa(units)+" unit(s)") {
			t.Errorf("%s: exit %d: %s%s", file, code, stdout, stderr)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// tinyModelTOML are the config-file keys of a model and evaluation small
// enough for a test run (seconds).
const tinyModelTOML = `dim = 8
layers = 1
batch = 4
eval-every = 3
eval-batches = 2
quiet = true
`

// A file whose task is a list runs one experiment per task, each in
// <out>/<task>, the table named after a task adding keys for it alone;
// --resume of the parent folder resumes each.
func TestConfigFileTasks(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "text.txt")
	os.WriteFile(text, []byte(strings.Repeat("the quick brown fox jumps over the lazy dog. ", 100)), 0o644)
	cfg := filepath.Join(dir, "exp.toml")
	os.WriteFile(cfg, []byte(`task = ["selective-copy", "char-lm"]
model = "mingru,gru"
seeds = 2
steps = 6
seq-len = 16
`+tinyModelTOML+`
[selective-copy]
copy-tokens = 2

[char-lm]
data = "`+text+`"
sample = 0
`), 0o644)
	out := filepath.Join(dir, "exp")
	code, stdout, stderr := bench(t, "run", "--config", cfg, "--lr", "1e-3,3e-3", "--out", out)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, task := range []string{"selective-copy", "char-lm"} {
		rec, err := harness.ReadRecord(filepath.Join(out, task))
		if err != nil {
			t.Fatal(err)
		}
		if rec.Task != task || len(rec.Results) != 8 || len(rec.Grid.LR) != 2 {
			t.Fatalf("%s: task %s, %d results, grid %+v", task, rec.Task, len(rec.Results), rec.Grid)
		}
	}
	if !strings.Contains(stdout, "best val loss") || !strings.Contains(stdout, "accuracy %") {
		t.Fatalf("stdout lacks a task's tables:\n%s", stdout)
	}
	code, _, stderr = bench(t, "run", "--config", cfg, "--lr", "1e-3,3e-3", "--resume", out)
	if code != ExitOK || !strings.Contains(stderr, "8 of 8 unit(s) finished") {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	os.WriteFile(cfg, []byte("task = [\"selective-copy\"]\n[char-lmm]\nsteps = 3\n"), 0o644)
	if code, _, stderr := bench(t, "run", "--config", cfg, "--dry-run"); code != ExitBadInput || !strings.Contains(stderr, `table [char-lmm] (did you mean "char-lm"?)`) {
		t.Fatalf("a table of no task: exit %d: %s", code, stderr)
	}
}
