package reports

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchstatReadsWriteBench runs the real benchstat on a WriteBench
// file: it must exit 0, print nothing on stderr (benchstat reports syntax
// errors there and carries on), and show every metric unit. benchstat
// rescales "ns/..." units to "sec/...".
func TestBenchstatReadsWriteBench(t *testing.T) {
	bin, err := exec.LookPath("benchstat")
	if err != nil {
		t.Skip("benchstat not on PATH; install it with: go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da")
	}
	units := []string{"ns/step", "tokens/s", "peak-B", "analytic-B", "GFLOP/s", "loss", "accuracy", "params"}
	var results []Result
	for rep := range 3 {
		var ms []Metric
		for i, u := range units {
			ms = append(ms, Metric{Value: float64(1000*(i+1) + rep), Unit: u})
		}
		results = append(results, Result{Name: "BenchmarkTrain/task=sweep/model=mingru/T=1024", Iters: 10, Metrics: ms})
	}
	path := filepath.Join(t.TempDir(), "new.txt")
	var buf bytes.Buffer
	if err := WriteBench(&buf, []Config{{"goos", "linux"}, {"pkg", "rnnbench"}}, results); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, path)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("benchstat: %v\n%s", err, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("benchstat stderr: %s", stderr.String())
	}
	out := stdout.String()
	for _, u := range units {
		shown := u
		if rest, ok := strings.CutPrefix(u, "ns/"); ok {
			shown = "sec/" + rest
		}
		if !strings.Contains(out, shown) {
			t.Errorf("benchstat output lacks unit %q:\n%s", shown, out)
		}
	}
	if !strings.Contains(out, "Train/task=sweep/model=mingru/T=1024") {
		t.Errorf("benchstat output lacks the benchmark name:\n%s", out)
	}
}
