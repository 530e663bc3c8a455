package harness

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"rnnbench/internal/atomicfile"
	"rnnbench/internal/safefile"
	"rnnbench/models"
)

// SchemaVersion is the version of results.json; readers refuse others.
const SchemaVersion = 1

// Record is a whole run: what was asked, where it ran, and one Result per
// model. It is written to results.json.
type Record struct {
	Schema  int             `json:"schema"`
	Task    string          `json:"task"`
	Started time.Time       `json:"started"`
	Machine Machine         `json:"machine"`
	Train   TrainConfig     `json:"train"`
	TaskCfg map[string]any  `json:"task_config"`       // task-specific settings (seq-len, copy tokens, data file, vocabulary…)
	Planned []models.Config `json:"planned,omitempty"` // a training run's models, in the order trained (--resume checks them)
	Results []Result        `json:"results"`
	Sweep   *SweepConfig    `json:"sweep,omitempty"`  // task "sweep": what was swept (harness/sweepconfig.go)
	Points  []Point         `json:"points,omitempty"` // task "sweep": one per measured or skipped point, by index
	Grid    *Grid           `json:"grid,omitempty"`   // a training run over several seeds or grid points (grid.go)
	Units   []Unit          `json:"units,omitempty"`  // the whole plan, every shard's units (engine.go)
	Shard   int             `json:"shard,omitempty"`  // a training run: this run trained the units with index ≡ Shard (mod Shards)
	Shards  int             `json:"shards,omitempty"`
	Config  map[string]any  `json:"config,omitempty"` // the resolved configuration: every setting, from flags and --config (config file keys)
}

// Eval is one evaluation on the held-out batches.
type Eval struct {
	Step        int     `json:"step"`
	Seconds     float64 `json:"seconds"`                // wall time since training started
	TrainLoss   float64 `json:"train_loss"`             // mean training loss since the last eval, nats/token (at step 0, before any step: the held-out loss)
	Loss        float64 `json:"loss"`                   // held-out loss, nats/token
	Accuracy    float64 `json:"accuracy"`               // held-out per-token argmax accuracy over counted positions
	SeqAccuracy float64 `json:"seq_accuracy,omitempty"` // held-out exact-sequence match (selective copying)
}

// Result is one model's training run.
type Result struct {
	Model         models.Config `json:"model"`
	Name          string        `json:"name"`            // model[/mode]
	Params        int           `json:"params"`          // all parameters
	NonEmbedding  int           `json:"non_embedding"`   // without token embedding and head
	StateBytes    int64         `json:"state_B"`         // inference state per sequence: recurrent state, or KV cache per token of context (transformer)
	FLOPsPerToken int64         `json:"flops_per_token"` // forward, at the task's T
	Memory        models.Memory `json:"memory"`          // analytic training memory, bytes
	Steps         int           `json:"steps"`           // steps taken
	Tokens        int64         `json:"tokens"`          // B·T·steps
	WallSeconds   float64       `json:"wall_s"`          // training wall time, without evaluation
	TokensPerSec  float64       `json:"tokens_per_s"`
	StepMs        Stats         `json:"step_ms"` // training step wall time
	Evals         []Eval        `json:"evals"`
	Best          Eval          `json:"best"`   // the evaluation with the lowest held-out loss
	Status        string        `json:"status"` // StatusOK, StatusTarget, StatusDiverged or StatusInterrupted (status.go)
	Reason        string        `json:"reason,omitempty"`
	Sample        string        `json:"sample,omitempty"`
	Lengths       []LengthEval  `json:"lengths,omitempty"` // LengthTask: accuracy per held-out length, after training (lengthtask.go)
	Unit          *Unit         `json:"unit,omitempty"`    // the experiment unit this result is (engine.go)
}

// Stats summarises repeated timings.
type Stats struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	N      int     `json:"n"`
	// Groups are the means of min(N, MaxGroups) consecutive groups of the
	// samples, in order (GroupBounds): the repetitions a benchmark file
	// reports, one line each, so that benchstat can give a confidence
	// interval. Absent in records written before it existed.
	Groups []float64 `json:"groups,omitempty"`
}

// WriteJSON writes v as indented JSON to path atomically (temp file and rename).
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, append(b, '\n'))
}

// WriteFileAtomic writes data to path atomically with
// internal/atomicfile (temp file, fsync, mode 0644, rename, directory
// fsync): a reader, or a crash, sees the old file or the new one, never a
// mix.
func WriteFileAtomic(path string, data []byte) error {
	return atomicfile.WriteFile(path, data)
}

// ReadRecord reads a results.json (or the results.json inside a folder)
// with DecodeRecord. Every error is one line naming the path.
func ReadRecord(path string) (*Record, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "results.json")
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%q has no results.json: not an rnnbench results folder", filepath.Dir(path))
		}
	}
	b, err := safefile.ReadFile(path, safefile.Record) // a regular file within limits (recordlimits.go)
	if err != nil {
		return nil, fmt.Errorf("cannot read results: %w", err)
	}
	return DecodeRecord(b, path)
}

// DecodeRecord decodes the results.json data b, named name in errors. It
// refuses data that is not JSON or is cut short ("truncated or foreign"),
// JSON without a "schema" field (not an rnnbench record), and other schema
// versions. It never panics, whatever b holds (FuzzDecodeRecord).
func DecodeRecord(b []byte, name string) (*Record, error) {
	var probe struct {
		Schema *int `json:"schema"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("%q is not a valid rnnbench results file (truncated or foreign): %v", name, err)
	}
	if probe.Schema == nil {
		return nil, fmt.Errorf("%q is not an rnnbench results file: it has no \"schema\" field", name)
	}
	if *probe.Schema != SchemaVersion {
		return nil, fmt.Errorf("%q has results schema %d; this bench reads schema %d", name, *probe.Schema, SchemaVersion)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%q is not a valid rnnbench results file (truncated or foreign): %v", name, err)
	}
	if err := CheckRecordLimits(&r, name); err != nil {
		return nil, err
	}
	return &r, nil
}
