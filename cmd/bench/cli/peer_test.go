package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rnnbench/harness"
	"rnnbench/views"
)

// fakePython writes a stand-in for python3 with PyTorch: `-c …` (the
// import check) prints "<version> <cuda>"; run on a script, it reads the
// spec from stdin and prints one result line whose 5 step times have
// median 4 ms and whose params are 123.
func fakePython(t *testing.T, cuda string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "python3")
	script := `#!/bin/sh
if [ "$1" = "-c" ]; then echo "9.9.9 ` + cuda + `"; exit 0; fi
spec=$(cat)
case "$spec" in *'"device":"cpu"'*) ;; *) echo '{"error": "want device cpu"}'; exit 1;; esac
echo '{"engine": "torch", "torch": "9.9.9", "device": "cpu", "threads": 1, "params": 123, "step_ms": [4, 2, 3, 6, 5]}'
`
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// --peer with a stand-in interpreter: every point gets its peer
// measurement in the record, points.jsonl, results.md and the peer figure.
func TestSweepPeerMergesIntoRecord(t *testing.T) {
	t.Setenv("RNNBENCH_PYTHON", fakePython(t, "False"))
	out := filepath.Join(t.TempDir(), "sweep")
	code, stdout, stderr := bench(t, tinySweep(out, "--peer", "torch")...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rec, err := harness.ReadRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Sweep.Peer != "torch" || len(rec.Points) != 6 {
		t.Fatalf("sweep peer %q, %d points", rec.Sweep.Peer, len(rec.Points))
	}
	for _, p := range rec.Points {
		q := p.Peer
		if p.Engine != "" || q == nil || q.Engine != "torch" || q.Status != harness.StatusOK || q.Name != p.Name || q.T != p.T || q.B != p.B {
			t.Fatalf("point %s T=%d: peer %+v", p.Name, p.T, q)
		}
		if q.StepMs.Median != 4 || q.StepMs.Min != 2 || q.StepMs.Max != 6 || q.StepMs.N != 5 || q.Params != 123 {
			t.Fatalf("peer stats %+v params %d", q.StepMs, q.Params)
		}
		if want := float64(p.FLOPsPerStep) / 4e-3 / 1e9; q.GFLOPs != want || q.TokensPerSec != float64(p.B*p.T)/4e-3 {
			t.Fatalf("peer rates %g GFLOP/s %g tokens/s", q.GFLOPs, q.TokensPerSec)
		}
		if r, ok := views.PeerSpeedup(p); !ok || r != 4/p.StepMs.Median {
			t.Fatalf("speed-up %g, %v", r, ok)
		}
	}
	if got := readPointsFile(t, out); got[5].Peer == nil || got[5].Peer.StepMs.Median != 4 {
		t.Fatalf("points.jsonl lacks the peer: %+v", got[5])
	}
	md, _ := os.ReadFile(filepath.Join(out, "results.md"))
	for _, s := range []string{string(md), stdout} {
		if !strings.Contains(s, "## Side by side with the peer (torch)") || !strings.Contains(s, "PyTorch 9.9.9 on cpu, 1 thread(s)") ||
			!strings.Contains(s, "| transformer") {
			t.Fatalf("no peer table:\n%s", s)
		}
	}
	if st, err := os.Stat(filepath.Join(out, views.PeerPNG)); err != nil || st.Size() == 0 {
		t.Fatalf("%s missing: %v", views.PeerPNG, err)
	}
	// bench report redraws them from results.json alone.
	os.Remove(filepath.Join(out, views.PeerPNG))
	if code, _, stderr := bench(t, "report", out); code != ExitOK {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	md2, _ := os.ReadFile(filepath.Join(out, "results.md"))
	if strings.Count(string(md2), "## Side by side with the peer (torch)") != 1 {
		t.Fatalf("bench report's results.md has the peer table %d times", strings.Count(string(md2), "## Side by side with the peer"))
	}
	if _, err := os.Stat(filepath.Join(out, views.PeerPNG)); err != nil {
		t.Fatalf("bench report did not redraw %s: %v", views.PeerPNG, err)
	}
}

// Without PyTorch, and --peer torch-cuda without a CUDA device: one line
// saying what to install, exit 2, nothing written.
func TestSweepPeerBadInput(t *testing.T) {
	noTorch := filepath.Join(t.TempDir(), "python3")
	if err := os.WriteFile(noTorch, []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, python, peer, want string }{
		{"no torch", noTorch, "torch", "--peer torch needs PyTorch: none of " + noTorch + " imports torch; install python3-torch"},
		{"no cuda", fakePython(t, "False"), "torch-cuda", "--peer torch-cuda: PyTorch 9.9.9"},
		{"unknown engine", fakePython(t, "False"), "jax", `unknown --peer "jax": allowed torch, torch-cuda`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("RNNBENCH_PYTHON", tc.python)
			dir := t.TempDir()
			code, _, stderr := bench(t, tinySweep(filepath.Join(dir, "sweep"), "--peer", tc.peer)...)
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if code != ExitBadInput || len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d and one line containing %q", code, stderr, ExitBadInput, tc.want)
			}
			if tc.name == "no cuda" && !strings.Contains(lines[0], "sees no CUDA device") {
				t.Fatalf("stderr %q does not say why", lines[0])
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Fatalf("bad input wrote %d entries", len(ents))
			}
		})
	}
}
