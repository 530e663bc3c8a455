//go:build unix

package cli

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"rnnbench/harness"
)

// sigkillSeed picks where TestSweepSurvivesSIGKILL kills the sweep;
// RNNBENCH_SIGKILL_SEED=n replays or varies it.
func sigkillSeed(t *testing.T) uint64 {
	seed := uint64(8)
	if v := os.Getenv("RNNBENCH_SIGKILL_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("RNNBENCH_SIGKILL_SEED=%q: %v", v, err)
		}
		seed = s
	}
	t.Logf("seed %d (set RNNBENCH_SIGKILL_SEED to vary)", seed)
	return seed
}

// A real sweep of 8 points runs as a child process (this test binary
// acting as bench, see TestMain) and is killed with SIGKILL, with the
// point process it is running, at a seeded random moment: after a random
// number of points have reached points.jsonl, plus a random delay (so
// mid-point or mid-write). A torn half line is then appended, as a crash
// mid-append leaves. `--resume` with the same flags completes it: every
// point is present exactly once in points.jsonl and in results.json, the
// lines written before the kill are kept byte for byte, and none failed.
func TestSweepSurvivesSIGKILL(t *testing.T) {
	rng := rand.New(rand.NewPCG(sigkillSeed(t), 0x5191))
	out := filepath.Join(t.TempDir(), "sweep")
	args := tinySweep(out, "--model", "mingru,gru", "--lengths", "8,16,32,64")
	const n = 8
	k := 1 + rng.IntN(n-2) // points finished before the kill: 1..n-2
	frac := rng.Float64()  // then wait this fraction of one point's time

	cmd := startGroup(t, args...)
	start, first := waitLines(t, filepath.Join(out, pointsFile), k) // first: when the first point appeared
	// One point's time: measured between points, or bounded by the wait
	// for the first (which includes start-up). At least two points remain,
	// so the kill lands before the sweep can finish.
	point := first.Sub(start) / 2
	if k > 1 {
		point = time.Since(first) / time.Duration(k-1)
	}
	delay := time.Duration(frac * float64(point))
	time.Sleep(delay)
	// The sweep leads its own process group, with its point process in it.
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the sweep was not killed by SIGKILL (it may have finished first): %v", err)
	}
	before, err := os.ReadFile(filepath.Join(out, pointsFile))
	if err != nil {
		t.Fatal(err)
	}
	kept := strings.Split(strings.TrimSuffix(string(before), "\n"), "\n")
	t.Logf("killed after %d of %d points (+%s): %d line(s) on disk", k, n, delay.Round(time.Millisecond), len(kept))
	if len(kept) < k || len(kept) >= n {
		t.Fatalf("%d points on disk after the kill, want %d..%d", len(kept), k, n-1)
	}
	// A crash in the middle of appending the next line leaves a prefix of it.
	f, err := os.OpenFile(filepath.Join(out, pointsFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(kept[0][:len(kept[0])/2])
	f.Close()

	code, _, stderr := bench(t, append(args, "--resume", out)...)
	if code != ExitOK {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "1 torn or repeated line(s) of points.jsonl dropped") {
		t.Errorf("resume did not report the torn line:\n%s", stderr)
	}
	got := readPointsFile(t, out)
	seen := map[int]int{}
	for _, p := range got {
		seen[p.Index]++
		if p.Status != harness.StatusOK {
			t.Errorf("point %d: %s %s", p.Index, p.Status, p.Reason)
		}
	}
	for i := range n {
		if seen[i] != 1 {
			t.Errorf("point %d appears %d times in points.jsonl, want once", i, seen[i])
		}
	}
	if len(got) != n {
		t.Fatalf("%d points in points.jsonl, want %d", len(got), n)
	}
	after := strings.Split(strings.TrimSuffix(string(mustRead(t, filepath.Join(out, pointsFile))), "\n"), "\n")
	if !reflect.DeepEqual(after[:len(kept)], kept) {
		t.Fatal("the points written before the kill changed on resume")
	}
	rec, err := harness.ReadRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rec.Points, got) {
		t.Fatal("results.json and points.jsonl disagree after the resume")
	}
	var firstPoint harness.Point
	json.Unmarshal([]byte(kept[0]), &firstPoint)
	if !reflect.DeepEqual(rec.Points[0], firstPoint) {
		t.Fatal("the first point measured before the kill was re-measured")
	}
}

// countLines counts the complete lines of a file (0 if absent).
func countLines(path string) int {
	b, _ := os.ReadFile(path)
	return strings.Count(string(b), "\n")
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// SIGTERM (like Ctrl-C's SIGINT) to a real run process: it finishes the
// step under way, saves the model's checkpoint and the record with the
// model "interrupted", says how to resume, and exits 130; a dry run of
// --resume then plans to continue from the checkpoint's step.
func TestRunSIGTERMSavesAndResumes(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	args := tiny(out, "--steps", "1000000", "--eval-every", "1000000", "--checkpoint-every", "1000000")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	start := time.Now()
	for !exists(filepath.Join(out, resultsFile)) {
		if time.Since(start) > 30*time.Second {
			cmd.Process.Kill()
			t.Fatal("the run did not start within 30 s")
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // a few hundred steps in
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no exit within 30 s of SIGTERM")
	}
	if code := cmd.ProcessState.ExitCode(); code != ExitInterrupt {
		t.Fatalf("exit %d, want %d: %s", code, ExitInterrupt, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted; finished results are in "+out+"; --resume "+out) {
		t.Fatalf("stderr does not say how to resume:\n%s", stderr.String())
	}
	rec, err := harness.ReadRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	r := rec.Results[0]
	if len(rec.Results) != 1 || r.Status != harness.StatusInterrupted || r.Steps < 1 || r.Reason != "stopped before step "+strconv.Itoa(r.Steps) {
		t.Fatalf("record after SIGTERM: %d results, %s %q after %d steps", len(rec.Results), r.Status, r.Reason, r.Steps)
	}
	ck, err := harness.LoadCheckpoint(checkpointPath(out, rec.Units[0]))
	if err != nil || ck.Step() != r.Steps {
		t.Fatalf("checkpoint after SIGTERM: %v (want step %d)", err, r.Steps)
	}
	code, stdout, errs := bench(t, append(args, "--resume", out, "--dry-run")...)
	if code != ExitOK || !strings.Contains(stdout, "continue from step "+strconv.Itoa(r.Steps)) {
		t.Fatalf("dry run of --resume: exit %d: %s%s", code, stdout, errs)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
