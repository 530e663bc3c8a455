package cli

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"rnnbench/harness"
	"rnnbench/models"
)

// The flag parsers and the JSON-lines reader must never panic, and must
// answer bad input with one usageError line. Seed corpora live in
// testdata/fuzz/<FuzzName>/; run one with, e.g.,
//
//	go test ./cmd/bench/cli -run '^$' -fuzz FuzzParseLengths -fuzztime 30s

// isOneLineUsage reports whether err is a usageError of one line.
func isOneLineUsage(err error) bool {
	var ue *usageError
	return errors.As(err, &ue) && !strings.Contains(ue.msg, "\n")
}

func FuzzParseLengths(f *testing.F) {
	for _, s := range []string{"64,128,256", " 256,64, 128,64 ", "8;16", "", ",", "-8", "0", "1e3", "99999999999999999999", "8,,16"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ls, err := parseLengths(s)
		if err != nil {
			if !isOneLineUsage(err) {
				t.Fatalf("parseLengths(%q): error %v is not a one-line usageError", s, err)
			}
			return
		}
		if len(ls) == 0 || ls[0] < 1 || !slices.IsSorted(ls) || len(slices.Compact(slices.Clone(ls))) != len(ls) {
			t.Fatalf("parseLengths(%q) = %v: want positive, ascending, distinct", s, ls)
		}
	})
}

func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{"8GiB", "1.5 GB", "500MB", "1073741824", "75%", "0", "-1", "1e400", "NaN", "8XB", "%", ".%", "Inf", "0x10"} {
		f.Add(s, int64(1<<34))
	}
	f.Add("50%", int64(0))
	f.Fuzz(func(t *testing.T, s string, phys int64) {
		n, err := parseBytes(s, phys)
		if err != nil {
			if !isOneLineUsage(err) {
				t.Fatalf("parseBytes(%q): error %v is not a one-line usageError", s, err)
			}
			return
		}
		if n < 0 || n > math.MaxInt64/2 {
			t.Fatalf("parseBytes(%q, %d) = %d", s, phys, n)
		}
		if strings.HasSuffix(strings.TrimSpace(s), "%") && n > phys {
			t.Fatalf("parseBytes(%q, %d) = %d: a percentage above physical memory", s, phys, n)
		}
	})
}

func FuzzResolveShard(f *testing.F) {
	f.Add("1/4", 0, "", "", "", "")
	f.Add("", 0, "3", "4", "1", "")
	f.Add("", 8, "", "", "", "7")
	f.Add("-1/2", 0, "", "", "", "")
	f.Add("9223372036854775807/-9223372036854775808", 0, "", "", "", "")
	f.Fuzz(func(t *testing.T, flag string, count int, id, n, lo, index string) {
		env := map[string]string{"SLURM_ARRAY_TASK_ID": id, "SLURM_ARRAY_TASK_COUNT": n, "SLURM_ARRAY_TASK_MIN": lo, "JOB_COMPLETION_INDEX": index}
		i, k, err := resolveShard(flag, count, func(key string) string { return env[key] })
		if err != nil {
			if !isOneLineUsage(err) {
				t.Fatalf("error %v is not a one-line usageError", err)
			}
			return
		}
		if k < 1 || i < 0 || i >= k {
			t.Fatalf("resolveShard(%q, %d, %v) = %d/%d", flag, count, env, i, k)
		}
	})
}

// FuzzDecodeJSONLines: the reader of points.jsonl and results.jsonl keeps
// only lines that decode, errs in one line naming the line, and drops only
// a last line without its newline.
func FuzzDecodeJSONLines(f *testing.F) {
	f.Add([]byte(`{"index":0,"name":"gru","T":8,"status":"ok","step_ms":{"median":1.5,"n":5}}` + "\n" + `{"index":1,"name":"gru","T":16,"status":"skipped","reason":"over"}` + "\n"))
	f.Add([]byte("{}\n{\"index\": 1, \"T\": 8}\n{\"ind"))
	f.Add([]byte("null\n\n[]\n"))
	f.Add([]byte(`{"index":0,"name":"` + strings.Repeat("g", 257) + `"}` + "\n")) // beyond harness.RecordLimits
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := harness.DecodeLog[harness.Point](data, "points.jsonl")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "points.jsonl line ") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q does not name the line in one line", err)
			}
			return
		}
		if len(lines.Items) != len(lines.Raw) {
			t.Fatalf("%d items, %d raw lines", len(lines.Items), len(lines.Raw))
		}
		if lines.Torn && bytes.HasSuffix(data, []byte("\n")) {
			t.Fatal("a file ending in a newline has a torn last line")
		}
		var again bytes.Buffer
		for _, r := range lines.Raw {
			again.Write(r)
			again.WriteByte('\n')
		}
		back, err := harness.DecodeLog[harness.Point](again.Bytes(), "again")
		if err != nil || back.Torn || len(back.Items) != len(lines.Items) {
			t.Fatalf("rewritten lines do not read back: %v", err)
		}
	})
}

// FuzzRunDryRun runs `bench run --dry-run` with fuzzed numeric flags (and
// lengths, --max-mem and --shard for a sweep): every input either plans
// (exit 0, a plan on stdout) or is refused in one line with exit 2; it
// never panics, trains, or writes. Inputs whose models would be large but
// still fit in memory are left out: the memory check builds them, which
// is slow, not wrong.
func FuzzRunDryRun(f *testing.F) {
	data := filepath.Join(f.TempDir(), "text.txt")
	if err := os.WriteFile(data, bytes.Repeat([]byte("To be, or not to be, that is the question.\n"), 60), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(0), int64(64), int64(2), int64(32), int64(64), int64(8), int64(4), int64(2), int64(0), 3e-3, "", "", "")
	f.Add(uint8(1), int64(16), int64(1), int64(4), int64(16), int64(2), int64(2), int64(1), int64(4), 1.0, "", "", "")
	f.Add(uint8(2), int64(8), int64(1), int64(2), int64(0), int64(0), int64(2), int64(2), int64(0), 0.0, "8,16,1024", "1GiB", "1/3")
	f.Add(uint8(0), int64(1000000), int64(2), int64(1), int64(64), int64(8), int64(4), int64(2), int64(0), 3e-3, "", "", "")
	f.Add(uint8(0), int64(8), int64(1), int64(1<<40), int64(1<<40), int64(8), int64(4), int64(2), int64(0), 3e-3, "", "", "")
	f.Add(uint8(2), int64(-1), int64(0), int64(-5), int64(0), int64(0), int64(0), int64(0), int64(-1), -1.0, "0,x", "150%", "4/4")
	f.Fuzz(func(t *testing.T, task uint8, dim, layers, batch, seqLen, copyTokens, heads, expansion, mlp int64, lr float64, lengths, maxMem, shard string) {
		if !cheapToPlan(dim, layers, expansion, mlp, heads) || len(lengths) > 200 {
			return
		}
		out := filepath.Join(t.TempDir(), "out")
		i := strconv.FormatInt
		args := []string{"bench", "run", "--dry-run", "--quiet", "--out", out, "--model", "all", "--mode", "all",
			"--dim", i(dim, 10), "--layers", i(layers, 10), "--batch", i(batch, 10), "--heads", i(heads, 10),
			"--expansion", i(expansion, 10), "--mlp", i(mlp, 10), "--lr", strconv.FormatFloat(lr, 'g', -1, 64)}
		switch task % 3 {
		case 0:
			args = append(args, "--task", "selective-copy", "--seq-len", i(seqLen, 10), "--copy-tokens", i(copyTokens, 10))
		case 1:
			args = append(args, "--task", "char-lm", "--data", data, "--seq-len", i(seqLen, 10))
		case 2:
			args = append(args, "--task", "sweep", "--lengths", lengths, "--max-mem", maxMem, "--shard", shard)
		}
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), args, &stdout, &stderr)
		switch code {
		case ExitOK:
			if !strings.HasPrefix(stdout.String(), "Dry run: ") {
				t.Fatalf("%v: exit 0 without a plan:\n%s", args, stdout.String())
			}
		case ExitBadInput:
			if msg := stderr.String(); !strings.HasPrefix(msg, "bench: ") || strings.Count(msg, "\n") != 1 {
				t.Fatalf("%v: refusal is not one line: %q", args, msg)
			}
		default:
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%v: a dry run created --out", args)
		}
	})
}

// cheapToPlan reports whether the memory check of a plan with these sizes
// is quick: every model up to the first that is refused from its shapes
// alone (models.FitMemory) is tiny.
func cheapToPlan(dim, layers, expansion, mlp, heads int64) bool {
	if dim < 1 || layers < 1 || expansion < 1 || mlp < 0 || heads < 1 || dim > math.MaxInt32 || layers > math.MaxInt32 || expansion > math.MaxInt32 || mlp > math.MaxInt32 {
		return true // refused by flag validation, or absurd
	}
	phys := float64(harness.PhysicalMemory())
	for _, mixer := range models.MixerNames {
		c := models.Config{Mixer: mixer, V: 65, L: int(layers), D: int(dim), Expansion: int(expansion), H: int(heads), N: 16, MLP: int(mlp)}
		lb := models.ParamsLowerBound(c)
		if 16*lb > phys {
			return true
		}
		if lb > 1e6 {
			return false
		}
	}
	return true
}
