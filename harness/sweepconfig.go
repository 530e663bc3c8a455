package harness

import (
	"fmt"
	"reflect"
	"slices"

	"rnnbench/models"
)

// SweepConfig is a sequence-length sweep: every model config at every
// length. Point i is Models[i / len(Lengths)] at Lengths[i % len(Lengths)],
// so indices are fixed by the config alone and shards agree on them.
type SweepConfig struct {
	Models        []models.Config `json:"models"`          // mixers in models.MixerNames order, then modes in models.Modes order
	Lengths       []int           `json:"lengths"`         // T, ascending and distinct
	Batch         int             `json:"batch"`           // B of the training steps and of the whole-sequence forward
	WarmupSteps   int             `json:"warmup_steps"`    // untimed training steps before the timed ones
	Repeats       int             `json:"repeats"`         // timed training steps, and timed forward passes
	MaxMemBytes   int64           `json:"max_mem_B"`       // points whose analytic memory exceeds this are skipped
	PointTimeoutS float64         `json:"point_timeout_s"` // a point's child process is killed after this many seconds
	Shard         int             `json:"shard"`           // this run measured the points with index ≡ Shard (mod Shards)
	Shards        int             `json:"shards"`
	Peer          string          `json:"peer,omitempty"` // --peer: the engine that measured each point again (peer.go), "" for none
}

// InferTimedTokens caps the generated tokens timed per point: the last
// min(T, InferTimedTokens) of T tokens fed through Model.Step.
const InferTimedTokens = 16

// NumPoints returns len(Models)·len(Lengths).
func (s *SweepConfig) NumPoints() int { return len(s.Models) * len(s.Lengths) }

// Spec returns what the child process measures for point i, with the
// optimiser settings of train (its Batch is replaced by s.Batch). It panics
// if i is out of range.
func (s *SweepConfig) Spec(i int, train TrainConfig) PointSpec {
	if i < 0 || i >= s.NumPoints() {
		panic(fmt.Sprintf("harness: sweep point %d of %d", i, s.NumPoints()))
	}
	train.Batch = s.Batch
	train.Steps = s.WarmupSteps + s.Repeats
	return PointSpec{
		Index: i, Model: s.Models[i/len(s.Lengths)], T: s.Lengths[i%len(s.Lengths)],
		WarmupSteps: s.WarmupSteps, Repeats: s.Repeats, Train: train,
	}
}

// InShard reports whether point i belongs to this run's shard.
func (s *SweepConfig) InShard(i int) bool { return UnitInShard(i, s.Shard, s.Shards) }

// PointSpec is one point as handed to its child process (`bench point --json`).
type PointSpec struct {
	Index       int           `json:"index"`
	Model       models.Config `json:"model"`
	T           int           `json:"T"`
	WarmupSteps int           `json:"warmup_steps"`
	Repeats     int           `json:"repeats"`
	Train       TrainConfig   `json:"train"` // optimiser settings, B and seed
}

// Validate checks a spec read from the command line.
func (p PointSpec) Validate() error {
	if err := p.Model.Validate(); err != nil {
		return err
	}
	switch {
	case p.T < 1:
		return fmt.Errorf("point T must be ≥ 1, got %d", p.T)
	case p.Train.Batch < 1:
		return fmt.Errorf("point batch must be ≥ 1, got %d", p.Train.Batch)
	case p.Repeats < 1 || p.WarmupSteps < 0:
		return fmt.Errorf("point needs ≥ 1 timed step and ≥ 0 warm-up steps, got %d and %d", p.Repeats, p.WarmupSteps)
	}
	return nil
}

// Point is one measured (model, T) of a sweep. Times are wall-clock
// milliseconds; bytes are bytes.
type Point struct {
	Index  int           `json:"index"`
	Name   string        `json:"name"` // model[/mode]
	Model  models.Config `json:"model"`
	T      int           `json:"T"`
	B      int           `json:"B"`
	Status string        `json:"status"` // StatusOK, StatusSkipped or StatusFailed
	Reason string        `json:"reason,omitempty"`

	Params        int     `json:"params"`          // all parameters
	FLOPsPerToken int64   `json:"flops_per_token"` // analytic forward FLOPs per token at T (Model.FLOPs)
	FLOPsPerStep  int64   `json:"flops_per_step"`  // 3·FLOPsPerToken·B·T: forward + backward (≈ 2× forward)
	StepMs        Stats   `json:"step_ms"`         // training step: forward, loss, backward, clip, AdamW
	TokensPerSec  float64 `json:"tokens_per_s"`    // B·T / median step time
	GFLOPs        float64 `json:"gflop_per_s"`     // FLOPsPerStep / median step time, 1e9/s
	TokenMs       Stats   `json:"token_ms"`        // one generated token through Model.Step (B = 1), the last min(T, 16) of T tokens
	ForwardMs     Stats   `json:"forward_ms"`      // whole-sequence forward over [B, T] without backward

	Memory       models.Memory `json:"memory"`                    // analytic training memory (Model.Memory after Alloc(B, T))
	StateBytes   int64         `json:"state_B"`                   // inference state of one sequence after T tokens (ModelState.Bytes)
	PeakRSSBytes int64         `json:"peak_rss_B"`                // measured peak resident set of the point's child process (VmHWM, see SelfPeakRSS; else rusage)
	RusageRSS    int64         `json:"rusage_maxrss_B,omitempty"` // the child's getrusage ru_maxrss as the parent reads it (includes the parent's peak on Linux)
	WallS        float64       `json:"wall_s"`                    // child process wall time, seconds
	Unit         *Unit         `json:"unit,omitempty"`            // the experiment unit this point is (engine.go)

	Engine   string `json:"engine,omitempty"`    // "" for rnnbench; a peer's engine (PeerTorch, PeerTorchCUDA) for a peer's point
	PeerInfo string `json:"peer_info,omitempty"` // a peer's version, device and threads
	Peer     *Point `json:"peer,omitempty"`      // the same point measured by --peer right after this one (peer.go)
}

// NewPoint returns the identity of spec's point, with no measurements.
func NewPoint(spec PointSpec) Point {
	return Point{Index: spec.Index, Name: spec.Model.Name(), Model: spec.Model, T: spec.T, B: spec.Train.Batch}
}

// SameSweep returns nil if a and b are sweeps of the same points measured
// the same way (models, lengths, batch, warm-up, repeats, optimiser
// settings and seed), so their points can be merged; otherwise an error
// naming the first difference. Shards, limits (max memory, timeout) and
// machines may differ.
func SameSweep(a, b *Record) error {
	if a.Schema != b.Schema {
		return fmt.Errorf("results schemas differ: %d and %d", a.Schema, b.Schema)
	}
	if a.Sweep == nil || b.Sweep == nil {
		return fmt.Errorf("not a sweep record (task %q, %q)", a.Task, b.Task)
	}
	x, y := *a.Sweep, *b.Sweep
	switch {
	case !slices.EqualFunc(x.Models, y.Models, func(p, q models.Config) bool { return p == q }):
		return fmt.Errorf("sweep models differ: %s and %s", modelNames(x.Models), modelNames(y.Models))
	case !slices.Equal(x.Lengths, y.Lengths):
		return fmt.Errorf("sweep lengths differ: %v and %v", x.Lengths, y.Lengths)
	case x.Batch != y.Batch:
		return fmt.Errorf("sweep batch sizes differ: %d and %d", x.Batch, y.Batch)
	case x.WarmupSteps != y.WarmupSteps || x.Repeats != y.Repeats:
		return fmt.Errorf("sweep warm-up/timed steps differ: %d/%d and %d/%d", x.WarmupSteps, x.Repeats, y.WarmupSteps, y.Repeats)
	case x.Peer != y.Peer:
		return fmt.Errorf("sweep peers differ: %q and %q (--peer)", x.Peer, y.Peer)
	case !reflect.DeepEqual(a.Train, b.Train):
		return fmt.Errorf("sweep optimiser settings or seeds differ: %+v and %+v", a.Train, b.Train)
	}
	return nil
}

func modelNames(cs []models.Config) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s(D=%d,L=%d)", c.Name(), c.D, c.L))
	}
	return out
}
