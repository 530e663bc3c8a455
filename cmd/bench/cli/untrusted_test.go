package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"rnnbench/harness"
)

// benchWithin is bench with a deadline: a command still running after d
// (blocked on a FIFO, reading /dev/zero) fails the test instead of
// hanging it.
func benchWithin(t *testing.T, d time.Duration, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := Run(context.Background(), append([]string{"bench"}, args...), &out, &errb)
		done <- result{code, out.String(), errb.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.stdout, r.stderr
	case <-time.After(d):
		t.Fatalf("bench %s still running after %v", strings.Join(args, " "), d)
	}
	return 0, "", ""
}

// Untrusted files that are not regular files, or beyond the stated
// limits, are refused by name within a second, exit 2, one line, nothing
// written: a FIFO as --data, as a results.json for report, compare and
// merge, and as results.jsonl under --resume; /dev/zero as --data and as
// a baseline; a 10 GB sparse --data file; a results.json with a 10 MB
// model name; a sweep record of 200,000 lengths; a results.bench of 10^5
// lines. report leaves results.md as it was.
func TestUntrustedFilesRefused(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	if code, _, stderr := bench(t, tiny(run)...); code != ExitOK {
		t.Fatalf("fixture run: exit %d: %s", code, stderr)
	}
	mkdir := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifoDir := mkdir("fifo")
	fifo := filepath.Join(fifoDir, "results.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs:", err)
	}
	// A resumable run whose results.jsonl is a FIFO.
	jsonlFifo := mkdir("jsonlfifo")
	os.WriteFile(filepath.Join(jsonlFifo, "results.json"), mustRead(t, filepath.Join(run, "results.json")), 0o644)
	syscall.Mkfifo(filepath.Join(jsonlFifo, resultsFile), 0o644)
	sparse := filepath.Join(dir, "sparse.txt")
	if f, err := os.Create(sparse); err == nil {
		f.Truncate(10 << 30)
		f.Close()
	}
	// A run record with a 10 MB model name, over a results.md to keep.
	huge := mkdir("hugename")
	rec := string(mustRead(t, filepath.Join(run, "results.json")))
	os.WriteFile(filepath.Join(huge, "results.json"), []byte(strings.Replace(rec, `"name": "mingru/parallel"`, `"name": "`+strings.Repeat("m", 10<<20)+`"`, 1)), 0o644)
	os.WriteFile(filepath.Join(huge, "results.md"), []byte("keep me\n"), 0o644)
	lengths := mkdir("lengths")
	os.WriteFile(filepath.Join(lengths, "results.json"), []byte(`{"schema": 1, "task": "sweep", "sweep": {"lengths": [`+strings.Repeat("8,", 200_000)+`8]}}`), 0o644)
	longBench := filepath.Join(dir, "long.bench")
	os.WriteFile(longBench, []byte(strings.Repeat("BenchmarkX\t1\t5 ns/op\n", 100_000)), 0o644)
	q := func(p string) string { return `"` + p + `"` }
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"FIFO as --data", []string{"run", "--task", "char-lm", "--data", fifo}, "data file " + q(fifo) + " is a named pipe (FIFO), not a regular file"},
		{"/dev/zero as --data", []string{"run", "--task", "char-lm", "--data", "/dev/zero"}, `data file "/dev/zero" is a character device, not a regular file`},
		{"10 GB sparse --data", []string{"run", "--task", "char-lm", "--data", sparse}, "is 10 GiB, more than the 256 MiB allowed"},
		{"FIFO to report", []string{"report", fifoDir}, q(fifo) + " is a named pipe (FIFO)"},
		{"FIFO results.json to report", []string{"report", fifo}, q(fifo) + " is a named pipe (FIFO)"},
		{"FIFO to compare", []string{"compare", fifoDir, run}, "baseline: " + q(fifo) + " is a named pipe (FIFO)"},
		{"/dev/zero to compare", []string{"compare", "/dev/zero", run}, `baseline: "/dev/zero" is a character device`},
		{"FIFO to merge", []string{"merge", "--out", filepath.Join(dir, "m"), fifoDir}, q(fifo) + " is a named pipe (FIFO)"},
		{"FIFO results.jsonl to --resume", tiny("", "--resume", jsonlFifo), q(filepath.Join(jsonlFifo, resultsFile)) + " is a named pipe (FIFO)"},
		{"10 MB model name to report", []string{"report", huge}, "a result's name is 10485760 bytes, more than the 256 allowed"},
		{"200,000 lengths to report", []string{"report", lengths}, "holds 200001 sweep lengths, more than the 500 allowed"},
		{"10^5-line results.bench to compare", []string{"compare", longBench, run}, "more than 10000 lines"},
		{"FIFO as --summary", []string{"compare", "--summary", fifo, run, run}, "--summary " + q(fifo) + " is not a regular file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, dir)
			t0 := time.Now()
			code, stdout, stderr := benchWithin(t, 5*time.Second, tc.args...)
			if d := time.Since(t0); d > time.Second {
				t.Errorf("took %v", d)
			}
			rejected(t, dir, before, code, stdout, stderr, tc.want)
		})
	}
}

// report makes every view before writing any: when a plot cannot be
// written (here loss.png is a non-empty folder), results.md is left as it
// was and no temporary file stays.
func TestReportWritesNothingWhenAViewFails(t *testing.T) {
	run := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := bench(t, tiny(run)...); code != ExitOK {
		t.Fatalf("fixture run: exit %d: %s", code, stderr)
	}
	md := filepath.Join(run, "results.md")
	os.WriteFile(md, []byte("keep me\n"), 0o644)
	os.Remove(filepath.Join(run, "loss.png"))
	os.MkdirAll(filepath.Join(run, "loss.png", "x"), 0o755)
	code, _, stderr := bench(t, "report", run)
	if code == ExitOK || !strings.Contains(stderr, "loss.png") {
		t.Fatalf("exit %d, stderr %q: want a failure naming loss.png", code, stderr)
	}
	if b := mustRead(t, md); string(b) != "keep me\n" {
		t.Fatalf("results.md rewritten before the failure:\n%s", b)
	}
	entries, _ := os.ReadDir(run)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Fatalf("left %s", e.Name())
		}
	}
}

// --resume removes the temporary files interrupted atomic writes leave
// (atomicfile's pattern .tmp-<name>-<digits>, in the folder and its
// checkpoints), and nothing else.
func TestResumeRemovesStaleTemporaryFiles(t *testing.T) {
	run := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := bench(t, tiny(run, "--checkpoint-every", "2")...); code != ExitOK {
		t.Fatalf("fixture run: exit %d: %s", code, stderr)
	}
	stale := []string{".tmp-results.json-123456", ".tmp-loss.png-99", filepath.Join(checkpointDir, ".tmp-gru.safetensors-42")}
	for _, name := range append(stale, ".tmp-notes.txt") {
		os.MkdirAll(filepath.Join(run, filepath.Dir(name)), 0o755)
		os.WriteFile(filepath.Join(run, name), []byte("half"), 0o644)
	}
	os.MkdirAll(filepath.Join(run, ".tmp-report-7", "x"), 0o755)
	stale = append(stale, ".tmp-report-7")
	if code, _, stderr := bench(t, tiny("", "--checkpoint-every", "2", "--resume", run)...); code != ExitOK {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	for _, name := range stale {
		if _, err := os.Stat(filepath.Join(run, name)); err == nil {
			t.Errorf("%s left behind", name)
		}
	}
	if _, err := os.Stat(filepath.Join(run, ".tmp-notes.txt")); err != nil {
		t.Errorf("removed a file not of the pattern: %v", err)
	}
}

// A JSON line beyond the record limits is refused naming the file and line.
func TestJSONLineLimits(t *testing.T) {
	data := []byte(`{"index":0,"name":"gru","T":8}` + "\n" + `{"index":1,"name":"` + strings.Repeat("g", 300) + `","T":8}` + "\n")
	_, err := harness.DecodeLog[harness.Point](data, "points.jsonl")
	if err == nil || err.Error() != "points.jsonl line 2: a point's name is 300 bytes, more than the 256 allowed: not a results file bench wrote" {
		t.Fatalf("err = %v", err)
	}
}
