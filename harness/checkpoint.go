package harness

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"rnnbench/internal/checkpoint"
	"rnnbench/models"
)

// CheckpointFormat is the "format" metadata of a training checkpoint.
//
// A checkpoint is one safetensors file (internal/checkpoint: the header
// carries a SHA-256 of the whole file, header, metadata and data, so a
// truncated or modified file is refused) holding, in this order, as F32
// tensors:
//
//	<name>           every parameter, by its ParamSet name, with its shape
//	adamw.m.<name>   AdamW's first moment of that parameter, same shape
//	adamw.v.<name>   AdamW's second moment
//
// and in the metadata, besides "sha256" and "format", "state": the JSON of
// a checkpointState — the model and training configs and T it belongs to,
// the optimiser steps taken, AdamW's step count, the training-data
// stream's PCG state (math/rand/v2 PCG.MarshalBinary) and the partial
// Result (evaluations, best, wall time, every step's time, the running
// training-loss sum). The dropout stream needs no state: it is replayed
// (see Checkpoint.restore).
//
// Format 2 hashes the header and state as well as the data; format 1
// files (data only) are refused.
const CheckpointFormat = "rnnbench-checkpoint/2"

// ErrCheckpointMismatch is returned (wrapped) when a checkpoint belongs to
// another model, training config or sequence length.
var ErrCheckpointMismatch = errors.New("harness: checkpoint of another configuration")

// checkpointState is the non-tensor part of a checkpoint.
type checkpointState struct {
	Model   models.Config `json:"model"`
	Train   TrainConfig   `json:"train"`
	T       int           `json:"T"`
	Step    int           `json:"step"`     // optimiser steps taken
	AdamT   int           `json:"adamw_t"`  // AdamW's step count (= Step)
	DataRNG []byte        `json:"data_rng"` // the training-data PCG, MarshalBinary
	Result  Result        `json:"result"`   // partial: evaluations, best, steps, wall time
	LossSum float64       `json:"loss_sum"` // training loss summed since the last evaluation
	LossN   int           `json:"loss_n"`
	StepMs  []float64     `json:"step_ms"` // every step's wall time so far
}

// Checkpoint is a training run stopped between two optimiser steps, as
// read by LoadCheckpoint; pass it to TrainWith (TrainOptions.Resume) to go
// on.
type Checkpoint struct {
	Path    string
	st      checkpointState
	tensors map[string]checkpoint.Tensor
	order   []string // tensor names in file order
}

// Step returns the optimiser steps the checkpoint had taken.
func (c *Checkpoint) Step() int { return c.st.Step }

// Model returns the model config the checkpoint belongs to.
func (c *Checkpoint) Model() models.Config { return c.st.Model }

// saveCheckpoint writes the state of a run after ts.Step steps to path
// atomically.
func saveCheckpoint(path string, s *Stepper, cfg TrainConfig, data *rand.PCG, ts *trainState) error {
	rng, err := data.MarshalBinary()
	if err != nil {
		return err
	}
	st := checkpointState{
		Model: s.M.Cfg, Train: cfg, T: s.T, Step: ts.step, AdamT: s.Opt.T, DataRNG: rng,
		Result: ts.res, LossSum: ts.lossSum, LossN: ts.lossN, StepMs: ts.stepMs,
	}
	meta, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("checkpoint state: %w", err)
	}
	ps := s.M.PS
	tensors := make([]checkpoint.Tensor, 0, 3*len(ps.Params))
	for _, p := range ps.Params {
		tensors = append(tensors, checkpoint.Tensor{Name: p.Name, Shape: p.Shape, Data: p.Data})
	}
	off := 0
	for _, p := range ps.Params {
		n := p.Size()
		tensors = append(tensors,
			checkpoint.Tensor{Name: "adamw.m." + p.Name, Shape: p.Shape, Data: s.Opt.M[off : off+n]},
			checkpoint.Tensor{Name: "adamw.v." + p.Name, Shape: p.Shape, Data: s.Opt.V[off : off+n]})
		off += n
	}
	return checkpoint.Write(path, tensors, map[string]string{"format": CheckpointFormat, "state": string(meta)})
}

// LoadCheckpoint reads and verifies a checkpoint. A file that is truncated,
// modified (its SHA-256 does not match), malformed or not an rnnbench
// training checkpoint gives an error wrapping checkpoint.ErrCorrupt; a
// missing file one wrapping fs.ErrNotExist. Nothing is loaded into a model
// until TrainWith checks that it fits.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	tensors, meta, err := checkpoint.Read(path)
	if err != nil {
		return nil, err
	}
	return newCheckpoint(path, tensors, meta)
}

// DecodeCheckpoint is LoadCheckpoint on the file's bytes b, named name in
// errors (FuzzLoadCheckpoint).
func DecodeCheckpoint(b []byte, name string) (*Checkpoint, error) {
	tensors, meta, err := checkpoint.Decode(b, name)
	if err != nil {
		return nil, err
	}
	return newCheckpoint(name, tensors, meta)
}

// newCheckpoint checks the metadata and state of a checkpoint read from
// path (checkState) and indexes its tensors.
func newCheckpoint(path string, tensors []checkpoint.Tensor, meta map[string]string) (*Checkpoint, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%q: %w: %s", path, checkpoint.ErrCorrupt, fmt.Sprintf(format, args...))
	}
	if meta["format"] != CheckpointFormat {
		return nil, bad("format %q, want %q: not an rnnbench training checkpoint of this version", meta["format"], CheckpointFormat)
	}
	c := &Checkpoint{Path: path, tensors: map[string]checkpoint.Tensor{}}
	if err := json.Unmarshal([]byte(meta["state"]), &c.st); err != nil {
		return nil, bad("state: %v", err)
	}
	if err := checkState(&c.st); err != nil {
		return nil, bad("inconsistent state: %v", err)
	}
	if err := new(rand.PCG).UnmarshalBinary(c.st.DataRNG); err != nil {
		return nil, bad("data stream state: %v", err)
	}
	for _, t := range tensors {
		c.tensors[t.Name] = t
		c.order = append(c.order, t.Name)
	}
	return c, nil
}

// Check reports whether the checkpoint can resume training model with cfg
// at length T, building the model to compare every tensor's name and
// shape (TrainWith checks again before loading).
func (c *Checkpoint) Check(model models.Config, cfg TrainConfig, T int) error {
	m, err := models.New[float32](model, cfg.Seed)
	if err != nil {
		return err
	}
	return c.check(m, cfg, T)
}

// check returns an error wrapping ErrCheckpointMismatch naming the first
// difference between the checkpoint and a run of m with cfg at length T,
// or one wrapping checkpoint.ErrCorrupt if a tensor is missing, extra or
// misshapen.
func (c *Checkpoint) check(m *models.Model[float32], cfg TrainConfig, T int) error {
	mismatch := func(format string, args ...any) error {
		return fmt.Errorf("%q: %w: %s", c.Path, ErrCheckpointMismatch, fmt.Sprintf(format, args...))
	}
	switch {
	case c.st.Model != m.Cfg:
		return mismatch("it holds %s %+v, the run trains %s %+v", c.st.Model.Name(), c.st.Model, m.Cfg.Name(), m.Cfg)
	case c.st.Train != cfg:
		return mismatch("its training settings %+v differ from the run's %+v", c.st.Train, cfg)
	case c.st.T != T:
		return mismatch("its sequence length is %d, the run's %d", c.st.T, T)
	case c.st.Step > cfg.Steps:
		return mismatch("it has taken %d steps, more than the run's %d", c.st.Step, cfg.Steps)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%q: %w: %s", c.Path, checkpoint.ErrCorrupt, fmt.Sprintf(format, args...))
	}
	want := checkpointOrder(m)
	for _, name := range want {
		if _, ok := c.tensors[name]; !ok {
			return bad("no tensor %q", name)
		}
	}
	if len(c.tensors) != len(want) {
		return bad("%d tensors, the model has %d (parameters and two moments each)", len(c.tensors), len(want))
	}
	for i, name := range c.order {
		if name != want[i] {
			return bad("tensor %d is %q, where the model's checkpoint has %q (tensors renamed or swapped)", i, name, want[i])
		}
	}
	for _, p := range m.PS.Params {
		for _, name := range []string{p.Name, "adamw.m." + p.Name, "adamw.v." + p.Name} {
			if t := c.tensors[name]; !slices.Equal(t.Shape, p.Shape) || len(t.Data) != p.Size() {
				return bad("tensor %q has shape %v, the model's %v", name, t.Shape, p.Shape)
			}
		}
	}
	if err := checkTensorValues(c.tensors, want); err != nil {
		return bad("%v", err)
	}
	return nil
}

// restore checks the checkpoint against the run (check) and loads it: the
// parameters, AdamW's moments and step count, the data stream and the
// partial result. The dropout masks are drawn from the model's own stream
// (models.Model keeps it unexported), one rng.Float64 per element of each
// dropout layer in each training forward, so that stream is brought to
// where it was by replaying the checkpoint's training forwards (Step of
// them, on zero tokens; their outputs are discarded). That costs about a
// third of the compute of the steps taken, and only with dropout > 0.
func (c *Checkpoint) restore(s *Stepper, cfg TrainConfig, data *rand.PCG, ts *trainState) error {
	if err := c.check(s.M, cfg, s.T); err != nil {
		return err
	}
	if err := data.UnmarshalBinary(c.st.DataRNG); err != nil {
		return err
	}
	ps := s.M.PS
	off := 0
	for _, p := range ps.Params {
		n := p.Size()
		copy(p.Data, c.tensors[p.Name].Data)
		copy(s.Opt.M[off:off+n], c.tensors["adamw.m."+p.Name].Data)
		copy(s.Opt.V[off:off+n], c.tensors["adamw.v."+p.Name].Data)
		off += n
	}
	s.Opt.T = c.st.AdamT
	ts.step, ts.res, ts.lossSum, ts.lossN = c.st.Step, c.st.Result, c.st.LossSum, c.st.LossN
	ts.stepMs = append(make([]float64, 0, len(c.st.StepMs)+1), c.st.StepMs...)
	ts.res.Status, ts.res.Reason = StatusOK, ""
	if s.M.Cfg.Dropout > 0 {
		zeros := make([]int32, s.B*s.T)
		for range c.st.Step {
			s.M.Forward(zeros, s.B, s.T, true)
		}
	}
	return nil
}
