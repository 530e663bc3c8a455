package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
)

// bench runs the command line in-process and returns exit code, stdout, stderr.
func bench(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), append([]string{"bench"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// tiny is a run that finishes in well under a second.
func tiny(out string, extra ...string) []string {
	return append([]string{"run", "--quiet", "--seq-len", "16", "--copy-tokens", "2", "--dim", "8", "--layers", "1",
		"--batch", "4", "--steps", "6", "--eval-every", "3", "--eval-batches", "2", "--out", out}, extra...)
}

func TestRunBadInput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "afile")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string // in the one-line error
	}{
		{"unknown task", []string{"run", "--task", "copy"}, "unknown --task \"copy\": allowed selective-copy, char-lm"},
		{"unknown model", []string{"run", "--model", "mingur"}, "did you mean \"mingru\""},
		{"unknown mode", []string{"run", "--mode", "paralel"}, "did you mean \"parallel\""},
		{"mode on gru", []string{"run", "--model", "gru", "--mode", "parallel"}, "--mode parallel does not apply to gru"},
		{"unknown preset", []string{"run", "--preset", "huge"}, "unknown --preset \"huge\""},
		{"zero dim", []string{"run", "--dim", "0"}, "--dim must be an integer ≥ 1, got 0"},
		{"negative batch", []string{"run", "--batch", "-3"}, "--batch must be an integer ≥ 1, got -3"},
		{"zero steps", []string{"run", "--steps", "0"}, "--steps must be an integer ≥ 1"},
		{"bad lr", []string{"run", "--lr", "0"}, "--lr must be in (0, 10]"},
		{"not a number", []string{"run", "--dim", "abc"}, "--dim \"abc\" is not an integer"},
		{"copy tokens too many", []string{"run", "--seq-len", "16", "--copy-tokens", "9"}, "--copy-tokens"},
		{"heads do not divide", []string{"run", "--model", "transformer", "--dim", "10", "--heads", "4"}, "--heads must divide --dim"},
		{"out is a file", []string{"run", "--out", file}, "is a file"},
		{"unknown flag", []string{"run", "--bogus"}, "unknown flag --bogus"},
		{"unknown command", []string{"fly"}, "unknown command \"fly\""},
		{"stray argument", []string{"run", "mingru"}, "run takes no arguments"},
		{"missing data", []string{"run", "--task", "char-lm", "--data", filepath.Join(dir, "nope.txt")}, "nope.txt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadDir(dir)
			code, _, stderr := bench(t, tc.args...)
			if code != ExitBadInput {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, ExitBadInput, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "bench: ") || !strings.Contains(lines[0], tc.want) {
				t.Fatalf("stderr = %q, want one line containing %q", stderr, tc.want)
			}
			after, _ := os.ReadDir(dir)
			if len(after) != len(before) {
				t.Fatalf("bad input wrote files: %d entries before, %d after", len(before), len(after))
			}
			if _, err := os.Stat("results"); err == nil {
				t.Fatal("bad input created ./results")
			}
		})
	}
}

func TestRunWritesRecordTableAndPlot(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := bench(t, tiny(out)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "| mingru/parallel") {
		t.Fatalf("stdout has no results table:\n%s", stdout)
	}
	for _, f := range []string{"results.json", "results.md", "loss.png"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Fatalf("%s missing or empty: %v", f, err)
		}
	}
	rec, err := harness.ReadRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	r := rec.Results[0]
	if r.Steps != 6 || len(r.Evals) != 3 || r.Evals[0].Step != 0 || r.Evals[2].Step != 6 || r.Tokens != 6*4*16 {
		t.Fatalf("record: steps %d, evals %+v, tokens %d", r.Steps, r.Evals, r.Tokens)
	}
	if rec.Machine.GoVersion == "" || rec.Machine.Cores == 0 || rec.Machine.Backend == "" {
		t.Fatalf("machine not recorded: %+v", rec.Machine)
	}
	md, _ := os.ReadFile(filepath.Join(out, "results.md"))
	if !strings.HasPrefix(string(md), "# rnnbench selective-copy\n\nMachine: ") {
		t.Fatalf("results.md does not start with the machine:\n%s", md)
	}
}

// A seeded run gives the same losses bit for bit, run to run.
func TestRunIsReproducible(t *testing.T) {
	var evals [2][]harness.Eval
	for i := range evals {
		out := filepath.Join(t.TempDir(), "run")
		if code, _, stderr := bench(t, tiny(out, "--model", "mingru,minlstm", "--mode", "sequential")...); code != ExitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		rec, err := harness.ReadRecord(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rec.Results {
			evals[i] = append(evals[i], r.Evals...)
		}
	}
	if len(evals[0]) != 6 { // per model: the untrained model, steps 3 and 6
		t.Fatalf("got %d evals, want 6", len(evals[0]))
	}
	for j := range evals[0] {
		a, b := evals[0][j], evals[1][j]
		if a.Loss != b.Loss || a.TrainLoss != b.TrainLoss || a.Accuracy != b.Accuracy {
			t.Fatalf("eval %d differs between identical seeded runs: %+v vs %+v", j, a, b)
		}
	}
}

func TestHelpExplainsEveryFlag(t *testing.T) {
	code, stdout, _ := bench(t, "run", "--help")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, f := range runFlags() {
		name := f.Names()[0]
		if !strings.Contains(stdout, "--"+name) {
			t.Errorf("run --help does not mention --%s", name)
		}
	}
}

// planOf runs makePlan on `bench run args...` without running anything.
func planOf(t *testing.T, args ...string) *plan {
	t.Helper()
	var p *plan
	app := &cli.App{Name: "bench", Writer: io.Discard, ErrWriter: io.Discard, Commands: []*cli.Command{{
		Name: "run", Flags: runFlags(),
		Action: func(c *cli.Context) (err error) {
			p, err = makePlan(c)
			return err
		},
	}}}
	if err := app.Run(append([]string{"bench", "run"}, args...)); err != nil {
		t.Fatal(err)
	}
	return p
}

// A preset warm-up as long as the run is cut to steps/10 unless --warmup is given.
func TestWarmupShorterThanRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"--steps", "50"}, 5},
		{[]string{"--steps", "100"}, 10},
		{[]string{"--steps", "101"}, 100},
		{[]string{"--steps", "50", "--warmup", "60"}, 60},
	} {
		p := planOf(t, append(tc.args, "--out", out)...)
		if p.s.Train.Warmup != tc.want {
			t.Errorf("%v: warm-up %d, want %d", tc.args, p.s.Train.Warmup, tc.want)
		}
	}
}
