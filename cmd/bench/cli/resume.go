package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"rnnbench/harness"
	"rnnbench/internal/checkpoint"
	"rnnbench/models"
)

// --resume DIR continues an interrupted run or sweep in DIR. The flags must
// give the configuration DIR was started with (compared field by field
// with DIR/results.json; the first difference is named). Models listed in
// DIR/results.jsonl, and points in DIR/points.jsonl, are finished and are
// not run again; a model with a checkpoint in DIR/checkpoints continues
// from it, any other starts over, with the same seeds, so the final
// results equal an uninterrupted run's. Everything is checked before
// anything is written.

// resultsFile is the append-only JSON-lines log of a run's finished models.
const resultsFile = "results.jsonl"

// checkpointDir is the folder of a run's checkpoints, inside its --out.
const checkpointDir = "checkpoints"

// checkpointPath is where a run in dir keeps the checkpoint of model c.
func checkpointPath(dir string, c models.Config) string {
	return filepath.Join(dir, checkpointDir, strings.ReplaceAll(harness.ModelName(c), "/", "-")+".safetensors")
}

// runResume is what an interrupted run left in its folder.
type runResume struct {
	started time.Time
	done    []harness.Result            // finished models, in plan order
	raw     [][]byte                    // their results.jsonl lines
	torn    bool                        // results.jsonl ended in a torn line
	ckpts   map[int]*harness.Checkpoint // plan index → checkpoint to continue from
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

// readResumeRecord reads DIR/results.json for --resume.
func readResumeRecord(dir string) (*harness.Record, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, badInput("--resume %s: not a results folder (give the --out folder of the interrupted run)", dir)
	}
	rec, err := harness.ReadRecord(dir)
	if err != nil {
		return nil, badInput("--resume %s: %v", dir, err)
	}
	return rec, nil
}

// loadRunResume reads what the interrupted run in dir finished and
// checkpointed, and checks it against the plan p. Every problem is a
// usageError: flags that differ from the run's, a foreign or malformed
// results.jsonl, a corrupt, truncated or mismatched checkpoint.
func loadRunResume(dir string, p *plan) (*runResume, error) {
	rec, err := readResumeRecord(dir)
	if err != nil {
		return nil, err
	}
	if rec.Task != p.task {
		if rec.Task == "sweep" {
			return nil, badInput("--resume %s holds a sweep: resume it with --task sweep and the sweep's flags", dir)
		}
		return nil, badInput("--resume %s holds a %s run, but --task is %s: pass the flags it was started with", dir, rec.Task, p.task)
	}
	type identity struct {
		Task    string              `json:"task"`
		Train   harness.TrainConfig `json:"train"`
		TaskCfg map[string]any      `json:"task_config"`
		Planned []models.Config     `json:"models"`
	}
	old := identity{rec.Task, rec.Train, rec.TaskCfg, rec.Planned}
	now := identity{p.task, p.s.Train, taskConfig(p), p.configs}
	if d := firstDiff(old, now); d != "" {
		return nil, badInput("--resume %s: the flags differ from the interrupted run's: %s (pass the flags it was started with)", dir, d)
	}
	lines, err := readJSONLines[harness.Result](filepath.Join(dir, resultsFile))
	if err != nil {
		return nil, badInput("--resume %s: %v", dir, err)
	}
	r := &runResume{started: rec.Started, raw: lines.raw, torn: lines.torn, ckpts: map[int]*harness.Checkpoint{}}
	for k, res := range lines.items {
		switch {
		case k >= len(p.configs):
			return nil, badInput("--resume %s: %s has %d finished models, the run plans %d", dir, resultsFile, len(lines.items), len(p.configs))
		case res.Model != p.configs[k] || res.Status == "interrupted" || res.Status == "":
			return nil, badInput("--resume %s: %s line %d is %s (%s), but model %d of the run is %s: not this run's log",
				dir, resultsFile, k+1, res.Name, res.Status, k+1, harness.ModelName(p.configs[k]))
		}
		r.done = append(r.done, res)
	}
	for k := len(r.done); k < len(p.configs); k++ {
		path := checkpointPath(dir, p.configs[k])
		ck, err := harness.LoadCheckpoint(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case errors.Is(err, checkpoint.ErrCorrupt):
			return nil, badInput("--resume %s: refusing to load %v; delete it to train %s from step 0", dir, err, harness.ModelName(p.configs[k]))
		case err != nil:
			return nil, badInput("--resume %s: cannot read checkpoint: %v", dir, err)
		}
		if err := ck.Check(p.configs[k], p.s.Train, p.s.SeqLen); err != nil {
			return nil, badInput("--resume %s: refusing to load %v; delete it to train %s from step 0", dir, err, harness.ModelName(p.configs[k]))
		}
		r.ckpts[k] = ck
	}
	return r, nil
}

// sweepResume is what an interrupted sweep left in its folder.
type sweepResume struct {
	started time.Time
	done    []harness.Point // finished points, in the order finished, each index once
	raw     [][]byte        // their points.jsonl lines
	dropped int             // torn last line or repeated indices dropped
}

// loadSweepResume reads the points the interrupted sweep in dir finished
// and checks them against the plan p.
func loadSweepResume(dir string, p *sweepPlan) (*sweepResume, error) {
	rec, err := readResumeRecord(dir)
	if err != nil {
		return nil, err
	}
	if rec.Task != "sweep" || rec.Sweep == nil {
		return nil, badInput("--resume %s holds a %s run, not a sweep: resume it without --task sweep", dir, rec.Task)
	}
	type identity struct {
		Sweep harness.SweepConfig `json:"sweep"`
		Train harness.TrainConfig `json:"train"`
	}
	if d := firstDiff(identity{*rec.Sweep, rec.Train}, identity{p.cfg, p.train}); d != "" {
		return nil, badInput("--resume %s: the flags differ from the interrupted sweep's: %s (pass the flags it was started with)", dir, d)
	}
	lines, err := readJSONLines[harness.Point](filepath.Join(dir, pointsFile))
	if err != nil {
		return nil, badInput("--resume %s: %v", dir, err)
	}
	r := &sweepResume{started: rec.Started}
	if lines.torn {
		r.dropped++
	}
	seen := map[int]bool{}
	for k, pt := range lines.items {
		if pt.Index < 0 || pt.Index >= p.cfg.NumPoints() || !p.cfg.InShard(pt.Index) {
			return nil, badInput("--resume %s: %s line %d is point %d, not a point of this sweep's shard", dir, pointsFile, k+1, pt.Index)
		}
		if sp := p.cfg.Spec(pt.Index, p.train); harness.ModelName(sp.Model) != pt.Name || sp.T != pt.T {
			return nil, badInput("--resume %s: %s line %d is %s T=%d, but point %d of the sweep is %s T=%d", dir, pointsFile, k+1, pt.Name, pt.T, pt.Index, harness.ModelName(sp.Model), sp.T)
		}
		if seen[pt.Index] {
			r.dropped++
			continue
		}
		seen[pt.Index] = true
		r.done = append(r.done, pt)
		r.raw = append(r.raw, lines.raw[k])
	}
	return r, nil
}

// firstDiff compares a and b as JSON and names the first field (in key
// order) where they differ, as "path: a ≠ b"; it returns "" if they are
// equal. Comparing JSON makes a record read back from disk (numbers as
// float64, absent fields) compare equal to the in-memory original.
func firstDiff(a, b any) string {
	norm := func(v any) any {
		j, err := json.Marshal(v)
		if err != nil {
			return fmt.Sprintf("<%v>", err)
		}
		var out any
		json.Unmarshal(j, &out)
		return out
	}
	return diffValue("", norm(a), norm(b))
}

func diffValue(path string, a, b any) string {
	show := func(v any) string {
		if v == nil {
			return "(unset)"
		}
		j, _ := json.Marshal(v)
		if len(j) > 80 {
			j = append(j[:77], "..."...)
		}
		return string(j)
	}
	at := func(key string) string {
		if path == "" {
			return key
		}
		return path + "." + key
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if d := diffValue(at(k), x[k], y[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			break
		}
		for i := range x {
			if d := diffValue(fmt.Sprintf("%s[%d]", path, i), x[i], y[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if reflect.DeepEqual(a, b) {
		return ""
	}
	return fmt.Sprintf("%s was %s, the flags give %s", path, show(a), show(b))
}
