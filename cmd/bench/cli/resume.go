package cli

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"rnnbench/harness"
	"rnnbench/internal/checkpoint"
	"rnnbench/models"
)

// --resume DIR continues an interrupted run or sweep in DIR. The flags must
// give the configuration DIR was started with (compared field by field
// with DIR/results.json; the first difference is named). Units listed in
// DIR/results.jsonl, and points in DIR/points.jsonl, are finished and are
// not run again: each line names its unit, whose key (everything that
// determines its result) must equal the plan's. A unit with a checkpoint
// in DIR/checkpoints continues from it, any other starts over, with the
// same seeds, so the final results equal an uninterrupted run's.
// Everything is checked before anything is written; a folder another live
// process is writing (harness.Lock) is refused.

// resultsFile is the append-only JSON-lines log of a run's finished units.
const resultsFile = "results.jsonl"

// checkpointDir is the folder of a run's checkpoints, inside its --out.
const checkpointDir = "checkpoints"

// checkpointPath is where a run in dir keeps the checkpoint of unit u:
// its ID as a file name ("mingru-parallel", "gru_lr0.003_seed2").
func checkpointPath(dir string, u harness.Unit) string {
	name := strings.NewReplacer("/", "-", " ", "_", "=", "").Replace(u.ID)
	return filepath.Join(dir, checkpointDir, name+".safetensors")
}

// runResume is what an interrupted run left in its folder.
type runResume struct {
	started time.Time                         // zero when killed before its first record
	prior   *harness.Finished[harness.Result] // finished units
	ckpts   map[int]*harness.Checkpoint       // unit index → checkpoint to continue from
}

// resumeDir returns the folder of --resume, checking it against --out.
func resumeDir(out, dir string) (string, error) {
	if dir == "" {
		return "", badInput("--resume needs a folder: the --out of the interrupted run or sweep")
	}
	if out != "" {
		a, _ := filepath.Abs(out)
		b, _ := filepath.Abs(dir)
		if a != b {
			return "", badInput("--out %s and --resume %s differ: a resumed run writes into the folder it resumes (drop --out)", out, dir)
		}
	}
	return dir, nil
}

// runIdentity is what a resumed run must share with the interrupted one.
type runIdentity struct {
	Task    string              `json:"task"`
	Train   harness.TrainConfig `json:"train"`
	TaskCfg map[string]any      `json:"task_config"`
	Planned []models.Config     `json:"models"`
	Grid    *harness.Grid       `json:"grid"`
}

// loadRunResume reads what the interrupted run in dir (whose record is
// rec, nil if it wrote none) finished and checkpointed, and checks it
// against the plan p. Every problem is a usageError: flags that differ
// from the run's, a foreign or malformed results.jsonl, a corrupt,
// truncated or mismatched checkpoint.
func loadRunResume(dir string, rec *harness.Record, p *plan) (*runResume, error) {
	r := &runResume{ckpts: map[int]*harness.Checkpoint{}}
	if rec != nil {
		if rec.Task != p.task {
			if rec.Task == "sweep" {
				return nil, badInput("--resume %s holds a sweep: resume it with --task sweep and the sweep's flags", dir)
			}
			return nil, badInput("--resume %s holds a %s run, but --task is %s: pass the flags it was started with", dir, rec.Task, p.task)
		}
		old := runIdentity{rec.Task, rec.Train, rec.TaskCfg, rec.Planned, rec.Grid}
		if err := sameSettings(dir, "run", old, runIdentity{p.task, p.s.Train, taskConfig(p), p.configs, p.grid()}); err != nil {
			return nil, err
		}
		r.started = rec.Started
	}
	prior, err := loadFinished(dir, resultsFile, p.units, p.shard, p.shards, resultUnit)
	if err != nil {
		return nil, err
	}
	for i, res := range prior.Entries {
		if res.Status == harness.StatusInterrupted || res.Status == "" {
			return nil, badInput("--resume %s: %s holds unit %s with status %q: not this bench's log", dir, resultsFile, p.units[i].ID, res.Status)
		}
	}
	r.prior = prior
	for _, u := range p.units {
		if _, done := prior.Entries[u.Index]; done || !harness.UnitInShard(u.Index, p.shard, p.shards) {
			continue
		}
		path := checkpointPath(dir, u)
		ck, err := harness.LoadCheckpoint(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case errors.Is(err, checkpoint.ErrCorrupt):
			return nil, badInput("--resume %s: refusing to load %v; delete it to train %s from step 0", dir, err, u.ID)
		case err != nil:
			return nil, badInput("--resume %s: cannot read checkpoint: %v", dir, err)
		}
		if err := ck.Check(u.Key.Model, u.Key.Train, u.Key.T); err != nil {
			return nil, badInput("--resume %s: refusing to load %v; delete it to train %s from step 0", dir, err, u.ID)
		}
		r.ckpts[u.Index] = ck
	}
	return r, nil
}
