package harness

import (
	"context"
	"strings"
	"testing"
	"time"

	"rnnbench/models"
)

func peerSpec(c models.Config, T int) PointSpec {
	return PointSpec{Model: c, T: T, WarmupSteps: 1, Repeats: 5,
		Train: TrainConfig{Batch: 2, LR: 1e-3, LRMin: 1e-3, Beta1: 0.9, Beta2: 0.99, WeightDecay: 0.1, Clip: 1, Seed: 1}}
}

// ParsePeerOutput on hand-computed lines: the statistics of the timed
// steps, the rates from them, and every malformed answer refused.
func TestParsePeerOutput(t *testing.T) {
	spec := peerSpec(models.Config{Mixer: "gru", V: 4, L: 1, D: 4, Expansion: 1}, 10)
	pt := NewPoint(spec)
	pt.FLOPsPerStep = 8e6
	out := "torch warning on stdout\n" +
		`{"engine": "torch", "torch": "1.13.0", "device": "cpu", "threads": 2, "params": 77, "step_ms": [3, 1, 2, 5, 4]}` + "\n"
	if err := ParsePeerOutput([]byte(out), spec, &pt); err != nil {
		t.Fatal(err)
	}
	// median 3 ms: B·T = 20 tokens / 3e-3 s, 8e6 FLOPs / 3e-3 s.
	if pt.Status != StatusOK || pt.StepMs.Median != 3 || pt.StepMs.Min != 1 || pt.StepMs.Max != 5 || pt.StepMs.N != 5 || pt.Params != 77 {
		t.Fatalf("parsed %+v", pt)
	}
	if pt.TokensPerSec != 20/3e-3 || pt.GFLOPs != 8e6/3e-3/1e9 || pt.PeerInfo != "PyTorch 1.13.0 on cpu, 2 thread(s)" {
		t.Fatalf("rates %g tokens/s, %g GFLOP/s, info %q", pt.TokensPerSec, pt.GFLOPs, pt.PeerInfo)
	}
	for _, tc := range []struct{ out, want string }{
		{"", "printed nothing"},
		{"Traceback (most recent call last):", "is not a result line"},
		{`{"error": "RuntimeError: out of memory"}`, "peer: RuntimeError: out of memory"},
		{`{"step_ms": [1, 2, 3]}`, "timed 3 steps, want 5"},
		{`{"step_ms": [1, 2, 0, 4, 5]}`, "is not positive"},
	} {
		var p Point
		if err := ParsePeerOutput([]byte(tc.out), spec, &p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.out, err, tc.want)
		}
	}
}

// A failing peer gives a failed point with its reason, not an error.
func TestPeerMeasureFailure(t *testing.T) {
	p := &Peer{Engine: PeerTorch, Python: "/bin/sh", Script: []byte("cat >/dev/null; echo '{\"error\": \"ValueError: boom\"}'; exit 1\n")}
	spec := peerSpec(models.Config{Mixer: "gru", V: 4, L: 1, D: 4, Expansion: 1}, 8)
	pt := p.Measure(context.Background(), spec, Point{FLOPsPerStep: 10}, time.Minute)
	if pt.Status != StatusFailed || pt.Engine != PeerTorch || pt.Reason != "peer: ValueError: boom" || pt.FLOPsPerStep != 10 {
		t.Fatalf("point %+v", pt)
	}
	p.Script = []byte("exec sleep 5\n")
	if pt := p.Measure(context.Background(), spec, Point{}, 100*time.Millisecond); pt.Status != StatusFailed || !strings.Contains(pt.Reason, "ran past --point-timeout") {
		t.Fatalf("timeout: %+v", pt)
	}
}

// The real peer, scripts/torch/peer.py on PyTorch, at a tiny size for
// every mixer, at E = 2D and E = D: each step is timed, and the PyTorch model has exactly as
// many parameters as rnnbench's (the same architecture). Skipped where
// python3-torch is absent.
func TestPeerTorchTiny(t *testing.T) {
	p, err := NewPeer(PeerTorch)
	if err != nil {
		t.Skipf("no PyTorch here: %v", err)
	}
	for i, mixer := range models.MixerNames {
		// E = 2D with an MLP, or E = D (no RNN output projection) without
		c := models.Config{Mixer: mixer, Mode: models.DefaultMode(mixer), V: 5, L: 1, D: 8, Expansion: 2, H: 2, N: 4, MLP: 2}
		if i%2 == 1 {
			c.Expansion, c.MLP = 1, 0
		}
		m, err := models.New[float32](c, 1)
		if err != nil {
			t.Fatal(err)
		}
		pt := p.Measure(context.Background(), peerSpec(c, 6), Point{}, 2*time.Minute)
		if pt.Status != StatusOK || pt.StepMs.N != 5 || pt.Params != m.PS.Count() {
			t.Errorf("%s (E=%d): %s %s, %d steps, %d params, rnnbench %d", mixer, c.E(), pt.Status, pt.Reason, pt.StepMs.N, pt.Params, m.PS.Count())
		}
	}
}

// --peer torch-cuda: run where PyTorch sees a CUDA device; elsewhere
// skipped with the reason NewPeer gives.
func TestPeerTorchCUDATiny(t *testing.T) {
	p, err := NewPeer(PeerTorchCUDA)
	if err != nil {
		t.Skipf("CUDA peer not run: %v", err)
	}
	c := models.Config{Mixer: "gru", V: 5, L: 1, D: 8, Expansion: 2}
	if pt := p.Measure(context.Background(), peerSpec(c, 6), Point{}, 2*time.Minute); pt.Status != StatusOK || !strings.Contains(pt.PeerInfo, "on ") || strings.Contains(pt.PeerInfo, "on cpu") {
		t.Fatalf("cuda peer: %+v", pt)
	}
}

// Shards of one sweep measured with and without a peer do not merge.
func TestSameSweepPeer(t *testing.T) {
	a := &Record{Schema: SchemaVersion, Task: "sweep", Sweep: &SweepConfig{Lengths: []int{8}, Batch: 2, Peer: PeerTorch}}
	b := &Record{Schema: SchemaVersion, Task: "sweep", Sweep: &SweepConfig{Lengths: []int{8}, Batch: 2}}
	if err := SameSweep(a, b); err == nil || !strings.Contains(err.Error(), `sweep peers differ: "torch" and ""`) {
		t.Fatalf("SameSweep: %v", err)
	}
	b.Sweep.Peer = PeerTorch
	if err := SameSweep(a, b); err != nil {
		t.Fatal(err)
	}
}
