package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	torchscripts "rnnbench/scripts/torch"
)

// A peer measures a sweep's points in another framework, point by point
// beside rnnbench's own (`bench run --task sweep --peer torch`): the same
// model (embedding → L blocks → RMSNorm → head), the same training step
// (forward, cross-entropy, backward, clip, AdamW), the same B, T, warm-up
// and timed steps, run by scripts/torch/peer.py (embedded in the binary)
// in a child python3. Its measurement is a Point with Engine set, stored
// in the rnnbench point's Peer field.

// Peer engines (--peer).
const (
	PeerTorch     = "torch"      // PyTorch on the CPU, torch.set_num_threads(GOMAXPROCS)
	PeerTorchCUDA = "torch-cuda" // PyTorch on CUDA device 0: cuDNN nn.GRU/nn.LSTM
)

// PeerEngines lists the values of --peer.
var PeerEngines = []string{PeerTorch, PeerTorchCUDA}

// Peer runs a peer script. The zero Python means "python3" on PATH.
type Peer struct {
	Engine string // PeerTorch or PeerTorchCUDA
	Python string // interpreter; "" = python3
	Script []byte // the script it runs; nil = scripts/torch/peer.py
}

// PeerSpec is what the peer script reads on stdin (scripts/torch/peer.py).
type PeerSpec struct {
	Model   any         `json:"model"` // models.Config
	T       int         `json:"T"`
	B       int         `json:"B"`
	Warmup  int         `json:"warmup"`
	Repeats int         `json:"repeats"`
	Train   TrainConfig `json:"train"`
	Device  string      `json:"device"`  // "cpu" or "cuda"
	Threads int         `json:"threads"` // CPU threads (GOMAXPROCS)
}

// PeerResult is the one JSON line the peer script prints.
type PeerResult struct {
	Error   string    `json:"error,omitempty"`
	Engine  string    `json:"engine"`
	Torch   string    `json:"torch"`  // torch.__version__
	Device  string    `json:"device"` // "cpu" or the CUDA device's name
	Threads int       `json:"threads"`
	Params  int       `json:"params"`
	StepMs  []float64 `json:"step_ms"` // the timed steps, in order
}

// NewPeer checks that engine can run here: an interpreter imports torch
// (and, for torch-cuda, torch.cuda.is_available()). The interpreter is
// $RNNBENCH_PYTHON when set, else the first of python3 on PATH and
// /usr/bin/python3 (Debian's, where python3-torch installs) that imports
// torch. Its error is one line naming what to install.
func NewPeer(engine string) (*Peer, error) {
	switch engine {
	case PeerTorch, PeerTorchCUDA:
	default:
		return nil, fmt.Errorf("unknown --peer %q: allowed %s", engine, strings.Join(PeerEngines, ", "))
	}
	candidates := []string{"python3", "/usr/bin/python3"}
	if env := os.Getenv("RNNBENCH_PYTHON"); env != "" {
		candidates = []string{env}
	}
	for _, c := range candidates {
		py, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		out, err := exec.Command(py, "-c", "import torch; print(torch.__version__, torch.cuda.is_available())").Output()
		if err != nil {
			continue
		}
		if engine == PeerTorchCUDA && !strings.Contains(string(out), "True") {
			return nil, fmt.Errorf("--peer torch-cuda: PyTorch %s (%s) sees no CUDA device (torch.cuda.is_available() is False): run on a machine with an NVIDIA GPU and a CUDA build of PyTorch, or use --peer torch", strings.Fields(string(out))[0], py)
		}
		return &Peer{Engine: engine, Python: py}, nil
	}
	return nil, fmt.Errorf("--peer %s needs PyTorch: none of %s imports torch; install python3-torch and libopenblas-dev (Debian) or `pip install torch`, or set RNNBENCH_PYTHON to an interpreter that has it", engine, strings.Join(candidates, ", "))
}

func (p *Peer) python() string {
	if p.Python != "" {
		return p.Python
	}
	return "python3"
}

// Measure runs spec's point in the peer, in a child process killed after
// timeout, and returns it as a Point with Engine set: status ok with
// StepMs, TokensPerSec and GFLOPs (FLOPsPerStep taken from own, rnnbench's
// analytic count, so the two rates compare), or failed with the reason.
func (p *Peer) Measure(ctx context.Context, spec PointSpec, own Point, timeout time.Duration) Point {
	pt := NewPoint(spec)
	pt.Engine = p.Engine
	pt.FLOPsPerToken, pt.FLOPsPerStep = own.FLOPsPerToken, own.FLOPsPerStep
	t0 := time.Now()
	out, err := p.run(ctx, spec, timeout)
	pt.WallS = time.Since(t0).Seconds()
	if err == nil {
		err = ParsePeerOutput(out, spec, &pt)
	}
	if err != nil {
		pt.Status, pt.Reason = StatusFailed, err.Error()
	}
	return pt
}

// run writes the script to a temporary file and runs it with the spec on
// stdin, returning its stdout.
func (p *Peer) run(ctx context.Context, spec PointSpec, timeout time.Duration) ([]byte, error) {
	script := p.Script
	if script == nil {
		script = torchscripts.Peer
	}
	dir, err := os.MkdirTemp("", "rnnbench-peer-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "peer.py")
	if err := os.WriteFile(path, script, 0o644); err != nil {
		return nil, err
	}
	dev := "cpu"
	if p.Engine == PeerTorchCUDA {
		dev = "cuda"
	}
	in, err := json.Marshal(PeerSpec{Model: spec.Model, T: spec.T, B: spec.Train.Batch, Warmup: spec.WarmupSteps,
		Repeats: spec.Repeats, Train: spec.Train, Device: dev, Threads: runtime.GOMAXPROCS(0)})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.python(), path)
	cmd.Stdin = bytes.NewReader(in)
	cmd.WaitDelay = time.Second // a grandchild holding stdout open does not outlive the timeout
	cmd.Env = append(peerEnv(os.Environ()), fmt.Sprintf("OPENBLAS_NUM_THREADS=%d", runtime.GOMAXPROCS(0)))
	if os.Getenv("OMP_WAIT_POLICY") == "" {
		cmd.Env = append(cmd.Env, "OMP_WAIT_POLICY=PASSIVE")
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return nil, fmt.Errorf("peer %s ran past --point-timeout %s", p.Engine, timeout)
	}
	if err != nil && !bytes.Contains(stdout.Bytes(), []byte(`"error"`)) {
		return nil, fmt.Errorf("peer %s: %v: %s", p.Engine, err, lastLine(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// peerEnv is env for the peer child. run adds OPENBLAS_NUM_THREADS =
// GOMAXPROCS, so that OpenBLAS's own pool uses the cores rnnbench uses,
// as torch.set_num_threads does for PyTorch's, and, unless the
// environment sets it, OMP_WAIT_POLICY=PASSIVE: PyTorch's OpenMP threads
// then sleep at a barrier, as rnnbench's pool workers do, instead of
// spinning. On a shared 2-core machine (load ~12) spinning made one
// minGRU step at B=16, T=256 take 1.1–3.0 s instead of 43–69 ms
// (docs/speed.md), so PASSIVE is the setting that favours the peer.
// peerEnv itself gives OpenBLAS the kernels this CPU
// runs best (SkylakeX with AVX-512, Haswell with AVX2), as rnnbench's own
// OpenBLAS build does for itself (internal/tensor/backend_openblas.go);
// Debian's torch loads the same library, which otherwise takes the
// environment's or its own guess.
func peerEnv(env []string) []string {
	info, err := os.ReadFile("/proc/cpuinfo")
	core := ""
	switch {
	case err != nil:
	case bytes.Contains(info, []byte(" avx512f")):
		core = "SkylakeX"
	case bytes.Contains(info, []byte(" avx2")):
		core = "Haswell"
	}
	if core == "" {
		return env
	}
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, "OPENBLAS_CORETYPE=") {
			out = append(out, kv)
		}
	}
	return append(out, "OPENBLAS_CORETYPE="+core)
}

// ParsePeerOutput reads the peer script's last stdout line into pt: the
// timed steps' statistics, tokens per second, GFLOP/s (when
// pt.FLOPsPerStep is set) and the parameter count. It returns the
// script's own error, or an error if the line is not a PeerResult with
// spec.Repeats positive step times.
func ParsePeerOutput(out []byte, spec PointSpec, pt *Point) error {
	line := lastLine(string(out))
	if line == "" {
		return errors.New("peer printed nothing")
	}
	var r PeerResult
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		return fmt.Errorf("peer output %q is not a result line: %v", line, err)
	}
	if r.Error != "" {
		return fmt.Errorf("peer: %s", r.Error)
	}
	if len(r.StepMs) != spec.Repeats {
		return fmt.Errorf("peer timed %d steps, want %d", len(r.StepMs), spec.Repeats)
	}
	for _, ms := range r.StepMs {
		if !(ms > 0) {
			return fmt.Errorf("peer step time %v ms is not positive", ms)
		}
	}
	pt.Status = StatusOK
	pt.Params = r.Params
	pt.StepMs = Summarise(r.StepMs)
	pt.TokensPerSec = float64(pt.B*pt.T) / (pt.StepMs.Median / 1e3)
	if pt.FLOPsPerStep > 0 {
		pt.GFLOPs = float64(pt.FLOPsPerStep) / (pt.StepMs.Median / 1e3) / 1e9
	}
	pt.PeerInfo = fmt.Sprintf("PyTorch %s on %s, %d thread(s)", r.Torch, r.Device, r.Threads)
	return nil
}
