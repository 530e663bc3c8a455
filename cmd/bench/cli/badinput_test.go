package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"rnnbench/models"
)

// fixtures builds, in dir, every bad input the table below uses, plus a
// finished run, a crashed run with a checkpoint and a sweep to resume.
func fixtures(t *testing.T, dir string) {
	t.Helper()
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := filepath.Join(dir, "run")
	if code, _, stderr := bench(t, tiny(run, "--checkpoint-every", "3")...); code != ExitOK {
		t.Fatalf("fixture run: exit %d: %s", code, stderr)
	}
	// All points over --max-mem: a sweep record without child processes.
	if code, _, stderr := bench(t, tinySweep(filepath.Join(dir, "sweep"), "--max-mem", "1KiB")...); code != ExitOK {
		t.Fatalf("fixture sweep: exit %d: %s", code, stderr)
	}
	results, err := os.ReadFile(filepath.Join(run, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	ck, err := os.ReadFile(filepath.Join(run, checkpointDir, "mingru-parallel.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	bench1 := string(mustRead(t, filepath.Join(run, BenchFile)))
	// A run killed before its model finished: no results.jsonl line, a
	// checkpoint; then the same with the checkpoint damaged.
	flipped := []byte(string(ck))
	flipped[len(flipped)-1] ^= 1
	for name, c := range map[string]string{"crash": string(ck), "flipped": string(flipped), "cut": string(ck[:len(ck)*3/4])} {
		write(name+"/results.json", string(results))
		write(name+"/"+resultsFile, "")
		write(name+"/"+checkpointDir+"/mingru-parallel.safetensors", c)
	}
	write("data/empty.txt", "")
	write("data/binary.bin", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00")
	write("data/short.txt", "To be, or not to be, that is the question.\n")
	write("data/noread.txt", strings.Repeat("To be, or not to be, that is the question.\n", 20))
	os.Chmod(filepath.Join(dir, "data/noread.txt"), 0)
	write("afile", "x")
	write("a\nfile", "x")
	os.Symlink(filepath.Join(dir, "sweep"), filepath.Join(dir, "sweeplink"))
	write("jsonlonly/"+resultsFile, "")
	write("foreign/notes.txt", "shopping list\n")
	write("foreignjson/results.json", `{"name": "left-pad", "version": "1.3.0"}`)
	write("truncated/results.json", string(results[:len(results)/2]))
	write("oldschema/results.json", strings.Replace(string(results), `"schema": 1,`, `"schema": 7,`, 1))
	lines := strings.SplitAfter(bench1, "\n")
	cut := strings.Join(lines[:len(lines)/2], "") // whole lines: the count line is missing
	write("benchcut/"+BenchFile, cut)
	write("benchv2/"+BenchFile, strings.Replace(bench1, "rnnbench-schema: 2", "rnnbench-schema: 3", 1))
	write("baseline-v2.txt", strings.Replace(bench1, "rnnbench-schema: 2", "rnnbench-schema: 3", 1))
	write("baseline-cut.txt", cut)
	write("baseline-midline.txt", bench1[:strings.LastIndex(bench1, "\t")])
}

// snapshot lists every path under dir with its size, mode and time.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if st, err := d.Info(); err == nil {
			out[p] = fmt.Sprint(st.Mode(), st.ModTime().Format(time.RFC3339Nano), st.Size())
		}
		return nil
	})
	return out
}

// rejected fails the test unless a bench call that returned code, stdout
// and stderr refused bad input as the house rule says: exit 2, one line on
// stderr starting "bench: " that contains want, nothing on stdout, and no
// path under dir written, changed or removed since before (a snapshot).
func rejected(t *testing.T, dir string, before map[string]string, code int, stdout, stderr, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if code != ExitBadInput || len(lines) != 1 || !strings.HasPrefix(lines[0], "bench: ") || !strings.Contains(lines[0], want) || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %.300q; want exit %d and one line starting \"bench: \" containing %q", code, stdout, stderr, ExitBadInput, want)
	}
	after := snapshot(t, dir)
	for p, s := range after {
		if before[p] != s {
			t.Fatalf("bad input wrote %s", p)
		}
	}
	if len(after) != len(before) {
		t.Fatalf("bad input removed files: %d paths before, %d after", len(before), len(after))
	}
}

// Every kind of bad input the reliability issue lists, for every command
// it applies to: the exit code is 2, stderr is one line starting "bench: "
// that names the problem and what is allowed, and nothing is written
// (no file in the fixtures changes, no ./results appears).
func TestBadInputEveryCase(t *testing.T) {
	dir := t.TempDir()
	fixtures(t, dir)
	fx := func(name string) string { return filepath.Join(dir, name) }
	q := strconv.Quote
	out := fx("out") // never created
	run, sweep := fx("run"), fx("sweep")
	cases := []struct {
		name string
		args []string
		want string
	}{
		// Unknown names, with the nearest allowed one suggested.
		{"unknown task", []string{"run", "--task", "selective-cpy"}, `unknown --task "selective-cpy" (did you mean "selective-copy"?): allowed selective-copy, char-lm, sweep`},
		{"unknown model", []string{"run", "--model", "mingur"}, `unknown --model "mingur" (did you mean "mingru"?): allowed ` + strings.Join(models.MixerNames, ", ") + ", or all"},
		{"unknown model in a list", []string{"run", "--model", "gru,lstn"}, `unknown --model "lstn" (did you mean "lstm"?)`},
		{"unknown mode", []string{"run", "--mode", "paralel"}, `unknown --mode "paralel" (did you mean "parallel"?) for mingru: allowed ` + strings.Join(models.Modes["mingru"], ", ") + ", or all"},
		{"unknown preset", []string{"run", "--preset", "quik"}, `unknown --preset "quik" (did you mean "quick"?): allowed quick, paper, official`},
		{"unknown sweep preset", tinySweep(out, "--preset", "paper"), `unknown --preset "paper" for --task sweep: allowed quick, full`},
		{"unknown command", []string{"rnu"}, `unknown command "rnu": allowed run, claims, list, report, merge, compare, ci, completion (see`},
		{"mode of a mode-less model", []string{"run", "--model", "lstm", "--mode", "parallel"}, "--mode parallel does not apply to lstm"},
		{"model listed twice", []string{"run", "--model", "gru,mingru,gru"}, "lists gru twice"},
		// Malformed lists and numbers.
		{"lengths with a leading zero", tinySweep(out, "--lengths", "8,016"), `"016" is not a positive integer`},
		{"too many lengths", tinySweep(out, "--lengths", manyLengths(501)), "--lengths: 501 lengths, more than the 500 a sweep may have"},
		{"shard in hex", tinySweep(out, "--shard", "0x1/4"), `--shard index "0x1" is not an integer`},
		{"lengths with letters", tinySweep(out, "--lengths", "64,1k"), `--lengths "64,1k": "1k" is not a positive integer (give a comma-separated list such as 64,128,256)`},
		{"lengths with semicolons", tinySweep(out, "--lengths", "8;16"), `"8;16" is not a positive integer`},
		{"lengths empty", tinySweep(out, "--lengths", ""), `"" is not a positive integer`},
		{"lengths with a zero", tinySweep(out, "--lengths", "0,8"), `"0" is not a positive integer`},
		{"lengths overflowing", tinySweep(out, "--lengths", "8,99999999999999999999"), `"99999999999999999999" is not a positive integer`},
		{"dim not a number", []string{"run", "--dim", "abc"}, `--dim "abc" is not an integer (see bench run --help)`},
		{"dim overflowing", []string{"run", "--dim", "99999999999999999999"}, `--dim "99999999999999999999" is out of range for an integer`},
		{"steps fractional", []string{"run", "--steps", "1.5"}, `--steps "1.5" is not an integer`},
		{"lr not a number", []string{"run", "--lr", "fast"}, `--lr "fast" is not a number`},
		{"negative seed", []string{"run", "--seed", "-1"}, `--seed "-1" is not an integer ≥ 0`},
		{"steps with a leading zero", []string{"run", "--steps", "010"}, `--steps "010" is not a plain decimal integer: write digits only, such as 64, without leading zeros, 0x/0o/0b prefixes, underscores or a + sign (see bench run --help)`},
		{"dim in hex", []string{"run", "--dim", "0x10"}, `--dim "0x10" is not a plain decimal integer`},
		{"dim with an underscore", []string{"run", "--dim", "1_6"}, `--dim "1_6" is not a plain decimal integer`},
		{"seed in binary", []string{"run", "--seed", "0b11"}, `--seed "0b11" is not a plain decimal integer`},
		{"seed with a plus", []string{"run", "--seed=+3"}, `--seed "+3" is not a plain decimal integer`},
		{"sweep repeats in octal", tinySweep(out, "--repeats", "0o7"), `--repeats "0o7" is not a plain decimal integer`},
		{"list dim with a leading zero", []string{"list", "--dim", "08"}, `--dim "08" is not a plain decimal integer: write digits only`},
		{"task in capitals", []string{"run", "--task", "SWEEP"}, `unknown --task "SWEEP" (did you mean "sweep"?)`},
		{"merge without --out", []string{"merge", sweep}, "bench merge needs --out (see bench merge --help)"},
		{"timeout without unit", tinySweep(out, "--point-timeout", "10"), `--point-timeout "10" is not a duration: give a number with a unit, such as 90s, 10m or 1h`},
		{"flag without its value", []string{"run", "--dim"}, "--dim needs a value"},
		{"bool flag with a bad value", []string{"run", "--quiet=maybe"}, `--quiet "maybe" is not a boolean`},
		{"list dim not a number", []string{"list", "--dim", "x"}, `--dim "x" is not an integer (see bench list --help)`},
		{"max-mem malformed", tinySweep(out, "--max-mem", "8 G B"), `--max-mem "8 G B": want a positive size such as 8GiB, 500MB or 1073741824, or a percentage such as 50%`},
		{"max-mem over 100%", tinySweep(out, "--max-mem", "150%"), "a percentage must be in (0, 100]"},
		{"shard malformed", tinySweep(out, "--shard", "1of4"), `--shard "1of4": want i/n, e.g. 0/4`},
		{"shard out of range", tinySweep(out, "--shard", "4/4"), "shard 4/4: want 0 ≤ i < n"},
		// Sizes zero, negative or absurd.
		{"zero dim", []string{"run", "--dim", "0"}, "--dim must be an integer ≥ 1, got 0"},
		{"zero layers", []string{"run", "--layers", "0"}, "--layers must be an integer ≥ 1, got 0"},
		{"negative batch", []string{"run", "--batch", "-3"}, "--batch must be an integer ≥ 1, got -3"},
		{"zero steps", []string{"run", "--steps", "0"}, "--steps must be an integer ≥ 1, got 0"},
		{"seq-len 1", []string{"run", "--seq-len", "1"}, "--seq-len must be an integer ≥ 2, got 1"},
		{"zero eval-every", []string{"run", "--eval-every", "0"}, "--eval-every must be an integer ≥ 1, got 0"},
		{"zero lr", []string{"run", "--lr", "0"}, "--lr must be in (0, 10], got 0"},
		{"dropout 1", []string{"run", "--dropout", "1"}, "--dropout must be in [0, 0.999], got 1"},
		{"beta2 above 1", []string{"run", "--beta2", "1.5"}, "--beta2 must be in (0, 1), got 1.5"},
		{"beta2 1", []string{"run", "--beta2", "1"}, "--beta2 must be in (0, 1), got 1"},
		{"beta2 0", []string{"run", "--beta2", "0"}, "--beta2 must be in (0, 1), got 0"},
		{"lr-min above lr", []string{"run", "--lr", "1e-3", "--lr-min", "2e-3"}, "--lr-min 0.002 is greater than --lr 0.001"},
		{"lr-min above the preset's lr", []string{"run", "--lr-min", "0.1"}, "--lr-min 0.1 is greater than --lr 0.003"},
		{"zero checkpoint interval", []string{"run", "--checkpoint-every", "0"}, "--checkpoint-every must be an integer ≥ 1 (steps between checkpoints), got 0"},
		{"few repeats", tinySweep(out, "--repeats", "4"), "--repeats must be an integer in [5, 100000], got 4"},
		{"zero timeout", tinySweep(out, "--point-timeout", "0s"), "--point-timeout must be positive, got 0s"},
		{"zero temperature", []string{"run", "--task", "char-lm", "--data", fx("data/short.txt"), "--temperature", "0"}, "--temperature must be > 0, got 0"},
		{"huge sample", []string{"run", "--task", "char-lm", "--data", fx("data/short.txt"), "--sample", "2000000"}, "--sample must be at most 1000000 characters"},
		{"absurd width", []string{"run", "--dim", "1000000"}, "mingru/parallel needs at least 116 TiB for its parameters, gradients and AdamW moments alone, more than this machine's"},
		{"absurd width overflowing int", []string{"run", "--model", "gru", "--dim", "9223372036854775807"}, "gru needs at least 4.9e+40 bytes for its parameters"},
		{"absurd width to list", []string{"list", "--dim", "10000000"}, "mingru/parallel at D=10000000 has at least"},
		{"absurd depth", []string{"run", "--model", "lstm", "--layers", "1000000000"}, "lstm needs at least"},
		{"absurd batch", []string{"run", "--batch", "10000000000"}, "mingru/parallel at --batch 10000000000 and --seq-len 64 needs"},
		{"absurd batch × length", []string{"run", "--batch", "100000", "--seq-len", "100000"}, "mingru/parallel at --batch 100000 and --seq-len 100000 needs 125 TiB of training memory"},
		{"absurd attention length", []string{"run", "--model", "transformer", "--seq-len", "10000000", "--copy-tokens", "8"}, "transformer at --batch 32 and --seq-len 10000000 needs"},
		{"absurd eval batches", []string{"run", "--eval-batches", "1000000000000"}, "at --batch 32 and --seq-len 64 needs 14.6 PiB of training memory"},
		// Shapes that do not fit together.
		{"heads do not divide D", []string{"run", "--model", "transformer", "--dim", "10", "--heads", "4"}, "--heads must divide --dim: got 4 heads for D=10"},
		{"odd head width", []string{"run", "--model", "transformer", "--dim", "12", "--heads", "4"}, "--dim/--heads must be even for RoPE: got head width 3"},
		{"copy tokens do not fit", []string{"run", "--seq-len", "16", "--copy-tokens", "9"}, "--copy-tokens"},
		{"sweep flag on a run", []string{"run", "--lengths", "8,16"}, "--lengths applies to --task sweep only"},
		{"run flag on a sweep", tinySweep(out, "--checkpoint-every", "5"), "--checkpoint-every applies to training runs (--task selective-copy or char-lm), not to --task sweep"},
		{"char-lm flag on a sweep", tinySweep(out, "--data", fx("data/short.txt")), "--data applies to --task char-lm only, not to --task sweep"},
		{"data on selective-copy", []string{"run", "--data", fx("data/short.txt")}, "--data applies to --task char-lm only, not to --task selective-copy"},
		{"sample on selective-copy", []string{"run", "--sample", "10"}, "--sample applies to --task char-lm only, not to --task selective-copy"},
		{"temperature on selective-copy", []string{"run", "--temperature", "1"}, "--temperature applies to --task char-lm only"},
		{"top-k on selective-copy", []string{"run", "--top-k", "5"}, "--top-k applies to --task char-lm only"},
		{"eval-full on selective-copy", []string{"run", "--eval-full"}, "--eval-full applies to --task char-lm only"},
		{"copy-tokens on char-lm", []string{"run", "--task", "char-lm", "--copy-tokens", "4"}, "--copy-tokens applies to --task selective-copy only, not to --task char-lm"},
		{"out holds a run's results", tiny(run), "--out " + run + " already holds results from an earlier run: continue it with --resume " + run + ", or choose another folder"},
		{"out holds results.jsonl only", tiny(fx("jsonlonly")), "--out " + fx("jsonlonly") + " already holds results from an earlier run"},
		{"sweep into a run's folder", tinySweep(run), "--out " + run + " already holds results from an earlier run"},
		{"sweep into a sweep's folder", tinySweep(sweep), "--out " + sweep + " already holds results from an earlier run: continue it with --resume " + sweep},
		{"out empty", []string{"run", "--out", ""}, `--out "" is empty: give a folder, or leave --out out for the default folder`},
		{"out= empty", []string{"run", "--out="}, `--out "" is empty`},
		{"out a file whose name holds a newline", []string{"run", "--out", fx("a\nfile")}, `a\nfile is a file; give a folder`},
		{"merge into a symlink to an input", []string{"merge", "--out", fx("sweeplink"), sweep}, "--out " + q(fx("sweeplink")) + " is also an input (" + q(sweep) + ", after resolving symbolic links)"},
		{"merge into a folder holding a run", []string{"merge", "--out", run, sweep}, "--out " + q(run) + " already holds results (results.json): write the merge to a new folder"},
		{"merge into a file", []string{"merge", "--out", fx("afile"), sweep}, "--out " + q(fx("afile")) + " is a file; give a folder"},
		{"stray argument", []string{"run", "mingru"}, `run takes no arguments, got "mingru"`},
		{"unknown flag", []string{"run", "--epochs", "3"}, "unknown flag --epochs (see bench run --help)"},
		{"unknown flag near a known one", []string{"run", "--setps", "3"}, "unknown flag --setps (did you mean --steps?)"},
		{"out is a file", []string{"run", "--out", fx("afile")}, "--out " + fx("afile") + " is a file; give a folder"},
		// Data files.
		{"data missing", []string{"run", "--task", "char-lm", "--data", fx("data/nope.txt")}, "data file " + q(fx("data/nope.txt")) + " does not exist"},
		{"data empty", []string{"run", "--task", "char-lm", "--data", fx("data/empty.txt")}, "is empty: pass --data with a non-empty text file"},
		{"data binary", []string{"run", "--task", "char-lm", "--data", fx("data/binary.bin")}, "looks binary (NUL byte at offset 7)"},
		{"data a folder", []string{"run", "--task", "char-lm", "--data", fx("data")}, "is a directory, not a regular file: pass --data with a text file"},
		{"data shorter than a window", []string{"run", "--task", "char-lm", "--data", fx("data/short.txt"), "--seq-len", "16"}, "has 43 bytes (train 38, val 5) but --seq-len 16 needs at least 161 bytes"},
		{"data unreadable (permissions)", []string{"run", "--task", "char-lm", "--data", fx("data/noread.txt")}, "permission denied"},
		{"data unreadable (I/O error)", []string{"run", "--task", "char-lm", "--data", "/proc/self/mem"}, `cannot read data file "/proc/self/mem"`},
		// Results folders for report, compare and merge.
		{"report missing", []string{"report", fx("nope")}, "cannot read results"},
		{"report a file", []string{"report", fx("afile")}, q(fx("afile")) + " is a file, not a results folder: give a results folder or its results.json"},
		{"report foreign folder", []string{"report", fx("foreign")}, q(fx("foreign")) + " has no results.json: not an rnnbench results folder"},
		{"report foreign json", []string{"report", fx("foreignjson")}, `is not an rnnbench results file: it has no "schema" field`},
		{"report truncated", []string{"report", fx("truncated")}, "is not a valid rnnbench results file (truncated or foreign)"},
		{"report other schema", []string{"report", fx("oldschema")}, "has results schema 7; this bench reads schema 1"},
		{"compare missing", []string{"compare", fx("nope"), run}, "cannot read baseline " + q(fx("nope"))},
		{"compare foreign folder", []string{"compare", run, fx("foreign")}, "new folder " + q(fx("foreign")) + " has neither results.bench nor results.json"},
		{"compare foreign json", []string{"compare", fx("foreignjson"), run}, `baseline: ` + q(fx("foreignjson/results.json")) + ` is not an rnnbench results file`},
		{"compare truncated json", []string{"compare", run, fx("truncated")}, "new: " + q(fx("truncated/results.json")) + " is not a valid rnnbench results file (truncated or foreign)"},
		{"compare truncated bench", []string{"compare", fx("benchcut"), run}, "is truncated"},
		{"compare baseline of another schema (bench)", []string{"compare", fx("benchv2"), run}, `schema "3"`},
		{"compare baseline of another schema (json)", []string{"compare", fx("oldschema"), run}, "has results schema 7; this bench reads schema 1"},
		{"merge missing", []string{"merge", "--out", out, sweep, fx("nope")}, "cannot read results"},
		{"merge foreign folder", []string{"merge", "--out", out, fx("foreign")}, "has no results.json: not an rnnbench results folder"},
		{"merge truncated", []string{"merge", "--out", out, sweep, fx("truncated")}, "(truncated or foreign)"},
		{"merge other schema", []string{"merge", "--out", out, sweep, fx("oldschema")}, "has results schema 7"},
		{"merge a run with a sweep", []string{"merge", "--out", out, run, sweep}, "is not a shard of the same run"},
		{"ci baseline of another schema", []string{"ci", "--baseline", fx("baseline-v2.txt")}, `schema "3"`},
		{"ci baseline truncated", []string{"ci", "--baseline", fx("baseline-cut.txt")}, "is truncated"},
		{"ci baseline cut mid-line", []string{"ci", "--baseline", fx("baseline-midline.txt")}, "want name, iterations and value-unit pairs"},
		{"ci baseline missing", []string{"ci", "--baseline", fx("nope.txt")}, "create it with: bench ci --update-baseline"},
		// --resume.
		{"resume without a folder", tiny("", "--resume", ""), "--resume needs a folder"},
		{"resume missing", tiny("", "--resume", fx("nope")), "--resume " + fx("nope") + ": not a results folder"},
		{"resume foreign folder", tiny("", "--resume", fx("foreign")), "has no results.json"},
		{"resume with other flags", tiny("", "--steps", "9", "--resume", run), "--resume " + run + ": the flags differ from the interrupted run's: train.steps was 6, the flags give 9 (pass the flags it was started with)"},
		{"resume with other models", tiny("", "--model", "gru", "--resume", run), "models[0].mixer was \"mingru\", the flags give \"gru\""},
		{"resume a sweep as a run", tiny("", "--resume", sweep), "holds a sweep: resume it with --task sweep"},
		{"resume a run as a sweep", tinySweep("", "--resume", run), "holds a selective-copy run, not a sweep"},
		{"resume a sweep with other lengths", tinySweep("", "--max-mem", "1KiB", "--lengths", "8,16", "--resume", sweep), "sweep.lengths was [8,16,32], the flags give [8,16]"},
		{"resume into another out", tiny(fx("elsewhere"), "--resume", run), "--out " + fx("elsewhere") + " and --resume " + run + " differ"},
		{"resume a corrupt checkpoint", tiny("", "--resume", fx("flipped")), "refusing to load " + q(fx("flipped/checkpoints/mingru-parallel.safetensors")) + ": corrupt checkpoint: SHA-256 of the file does not match its header (truncated or modified); delete it to train mingru/parallel from step 0"},
		{"resume a truncated checkpoint", tiny("", "--resume", fx("cut")), "refusing to load " + q(fx("cut/checkpoints/mingru-parallel.safetensors")) + ": corrupt checkpoint"},
	}
	if os.Geteuid() == 0 {
		t.Log("running as root: chmod 000 does not stop reading; the /proc/self/mem case covers unreadable files")
	}
	if _, err := os.Stat("results"); err == nil {
		t.Fatal("./results exists before the test")
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "data unreadable (permissions)" && os.Geteuid() == 0 {
				t.Skip("root reads files whatever their mode")
			}
			if strings.Contains(tc.name, "/proc") {
				if _, err := os.Stat("/proc/self/mem"); err != nil {
					t.Skip("no /proc/self/mem")
				}
			}
			before := snapshot(t, dir)
			code, stdout, stderr := bench(t, tc.args...)
			rejected(t, dir, before, code, stdout, stderr, tc.want)
			if _, err := os.Stat("results"); err == nil {
				os.RemoveAll("results")
				t.Fatal("bad input created ./results")
			}
		})
	}
}

// manyLengths is --lengths 2,3,…,n+1.
func manyLengths(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(i + 2))
	}
	return b.String()
}
