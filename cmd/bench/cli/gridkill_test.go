//go:build unix

package cli

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"rnnbench/harness"
)

// The 12-unit grid (gridRun) runs as a child process (this test
// binary acting as bench, see TestMain) and is killed with SIGKILL, with
// any unit processes it has, at seeded random moments: after a random
// number of units (0 to 11) reached results.jsonl, plus a random part of
// one unit's time; every other kill runs with --jobs 2. A torn half line
// is appended, as a crash mid-append leaves. `--resume` then completes
// it: every unit is in results.jsonl exactly once, the lines from before
// the kill are kept byte for byte, and every unit's seeded figures equal
// those of an uninterrupted run. RNNBENCH_SIGKILL_KILLS=n sets the number
// of kills (default 2; the acceptance uses 10), and
// RNNBENCH_SIGKILL_SEED varies the moments.
func TestGridSurvivesSIGKILL(t *testing.T) {
	kills := 2
	if v := os.Getenv("RNNBENCH_SIGKILL_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("RNNBENCH_SIGKILL_KILLS=%q", v)
		}
		kills = n
	}
	rng := rand.New(rand.NewPCG(sigkillSeed(t), 0x9e1d))
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref")
	if code, _, stderr := bench(t, gridRun(ref)...); code != ExitOK {
		t.Fatalf("reference: exit %d: %s", code, stderr)
	}
	want := unitEvals(t, ref)
	const n = 12
	for kill := range kills {
		out := filepath.Join(dir, "kill"+strconv.Itoa(kill))
		jobs := strconv.Itoa(1 + kill%2)
		args := gridRun(out, "--jobs", jobs)
		k := rng.IntN(n - 1) // units finished before the kill: 0..10
		frac := rng.Float64()
		cmd := startGroup(t, args...)
		_, first := waitLines(t, filepath.Join(out, resultsFile), k)
		unit := 50 * time.Millisecond
		if k > 1 {
			unit = time.Since(first) / time.Duration(k-1)
		}
		time.Sleep(time.Duration(frac * float64(unit)))
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("kill %d: the run was not killed (it may have finished first)", kill)
		}
		// Unit processes killed with the run may take a moment to exit.
		for t0 := time.Now(); harness.CheckUnlocked(out) != nil; time.Sleep(10 * time.Millisecond) {
			if time.Since(t0) > 10*time.Second {
				t.Fatalf("kill %d: %v 10 s after the kill", kill, harness.CheckUnlocked(out))
			}
		}
		before, _ := os.ReadFile(filepath.Join(out, resultsFile))
		kept := countLines(filepath.Join(out, resultsFile))
		t.Logf("kill %d (--jobs %s): after %d unit(s) + %.0f%% of one: %d line(s) on disk", kill, jobs, k, 100*frac, kept)
		if kept > 0 {
			f, err := os.OpenFile(filepath.Join(out, resultsFile), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			line := strings.SplitN(string(before), "\n", 2)[0]
			f.WriteString(line[:len(line)/2])
			f.Close()
		}
		if code, _, stderr := bench(t, append(args, "--resume", out)...); code != ExitOK {
			t.Fatalf("kill %d: resume: exit %d: %s", kill, code, stderr)
		}
		after := mustRead(t, filepath.Join(out, resultsFile))
		whole := strings.SplitAfter(string(before), "\n")
		if !strings.HasPrefix(string(after), strings.Join(whole[:kept], "")) {
			t.Fatalf("kill %d: the lines written before the kill changed on resume", kill)
		}
		lines, err := harness.DecodeLog[harness.Result](after, resultsFile)
		if err != nil || lines.Torn {
			t.Fatalf("kill %d: results.jsonl after resume: %v (torn %v)", kill, err, lines != nil && lines.Torn)
		}
		seen := map[string]int{}
		for _, r := range lines.Items {
			seen[r.Unit.ID]++
		}
		for id := range want {
			if seen[id] != 1 {
				t.Errorf("kill %d: unit %q is in results.jsonl %d times, want once", kill, id, seen[id])
			}
		}
		if len(lines.Items) != n {
			t.Fatalf("kill %d: %d lines in results.jsonl, want %d", kill, len(lines.Items), n)
		}
		sameUnits(t, "resumed after kill "+strconv.Itoa(kill), want, unitEvals(t, out))
	}
}
