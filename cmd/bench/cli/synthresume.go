package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"rnnbench/harness"
	"rnnbench/internal/checkpoint"
	"rnnbench/models"
)

// synthResume is what an interrupted synthetic run left in one task's
// folder: the models it finished and the checkpoints of the others.
type synthResume struct {
	done  []harness.Result
	raw   [][]byte // their results.jsonl lines
	ckpts map[int]*harness.Checkpoint
}

// loadSynthResume reads the folder dir of task t, if the interrupted run
// got to it, and checks it against the plan: the same task, training
// settings, task settings and models. A task the run never started
// resumes from nothing.
func loadSynthResume(dir string, t synthTask, cfgs []models.Config) (*synthResume, error) {
	r := &synthResume{ckpts: map[int]*harness.Checkpoint{}}
	if _, err := os.Stat(filepath.Join(dir, "results.json")); errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	rec, err := readResumeRecord(dir)
	if err != nil {
		return nil, err
	}
	type identity struct {
		Task    string              `json:"task"`
		Train   harness.TrainConfig `json:"train"`
		TaskCfg map[string]any      `json:"task_config"`
		Planned []models.Config     `json:"models"`
	}
	old := identity{rec.Task, rec.Train, rec.TaskCfg, rec.Planned}
	now := identity{t.spec.Name, t.s.Train, synthTaskConfig(t), cfgs}
	if d := harness.FirstDiff(old, now); d != "" {
		return nil, badInput("--resume %s: the flags differ from the interrupted run's: %s (pass the flags it was started with)", dir, d)
	}
	lines, err := harness.ReadLog[harness.Result](filepath.Join(dir, resultsFile))
	if err != nil {
		return nil, badInput("--resume %s: %v", dir, err)
	}
	r.raw = lines.Raw
	for k, res := range lines.Items {
		if k >= len(cfgs) || res.Model != cfgs[k] || res.Status == "interrupted" || res.Status == "" {
			return nil, badInput("--resume %s: %s line %d is %s (%s): not this run's log", dir, resultsFile, k+1, res.Name, res.Status)
		}
		r.done = append(r.done, res)
	}
	for k := len(r.done); k < len(cfgs); k++ {
		ck, err := harness.LoadCheckpoint(checkpointPath(dir, synthUnit(cfgs[k])))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case errors.Is(err, checkpoint.ErrCorrupt):
			return nil, badInput("--resume %s: refusing to load %v; delete it to train %s from step 0", dir, err, harness.ModelName(cfgs[k]))
		case err != nil:
			return nil, badInput("--resume %s: cannot read checkpoint: %v", dir, err)
		}
		if err := ck.Check(cfgs[k], t.s.Train, t.lt.T()); err != nil {
			return nil, badInput("--resume %s: refusing to load %v; delete it to train %s from step 0", dir, err, harness.ModelName(cfgs[k]))
		}
		r.ckpts[k] = ck
	}
	return r, nil
}

// readResumeRecordOrSuite checks that --resume names a folder written by
// this kind of run: a task's results.json, or for the suite a formal.md.
func readResumeRecordOrSuite(p *synthPlan) (bool, error) {
	if st, err := os.Stat(p.out); err != nil || !st.IsDir() {
		return false, badInput("--resume %s: not a results folder (give the --out folder of the interrupted run)", p.out)
	}
	if p.suite {
		return true, nil
	}
	rec, err := readResumeRecord(p.out)
	if err != nil {
		return false, err
	}
	if rec.Task != p.tasks[0].spec.Name {
		return false, badInput("--resume %s holds a %s run, but --task is %s: pass the flags it was started with", p.out, rec.Task, p.tasks[0].spec.Name)
	}
	return true, nil
}

// synthUnit names a synthetic-task model's checkpoint as the run path did
// before the experiment engine: by the model's name.
func synthUnit(cfg models.Config) harness.Unit { return harness.Unit{ID: harness.ModelName(cfg)} }
