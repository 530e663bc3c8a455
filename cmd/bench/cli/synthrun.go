package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
	"rnnbench/models"
	"rnnbench/tasks"
	"rnnbench/views"
)

// executeSynth trains every model on every task of p in turn; after each
// model it rewrites the task's results (results.json, results.jsonl,
// results.md, loss.png, results.bench, lengths.md, lengths.png) and, for
// the suite, formal.md and formal.png.
func executeSynth(ctx context.Context, c *cli.Context, p *synthPlan) error {
	stderr := c.App.ErrWriter
	progress := stderr
	if c.Bool("quiet") {
		progress = nil
	}
	var recs []*harness.Record
	for i, t := range p.tasks {
		if ctx.Err() != nil {
			break
		}
		dir := p.taskDir(t)
		var r *synthResume
		if p.resume != nil {
			r = p.resume[i]
		}
		rec, err := runSynthTask(ctx, t, p.configs[i], dir, p.every, r, progress, stderr)
		if err != nil {
			return err
		}
		recs = append(recs, rec)
		fmt.Fprintf(c.App.Writer, "\n%s: accuracy %% (scaled) per held-out input length; trained on L %s\n\n", t.spec.Name, t.lt.Sets[0].Label)
		if len(rec.Results) > 0 && len(rec.Results[0].Lengths) > 0 {
			if err := views.LengthTable(c.App.Writer, rec); err != nil {
				return err
			}
		}
		if p.suite {
			if err := writeSuite(p.out, recs); err != nil {
				return fmt.Errorf("writing results to %s: %w", p.out, err)
			}
		}
	}
	if p.suite && len(recs) > 0 {
		fmt.Fprintf(c.App.Writer, "\nformal suite: %s\n\n", suiteCellNote)
		if err := views.SuiteTable(c.App.Writer, recs); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "bench: wrote %s\n", p.out)
	if ctx.Err() != nil {
		return cli.Exit("interrupted; finished results are in "+p.out+"; --resume "+p.out+" with the same flags continues it (--checkpoint-every N keeps an unfinished model's progress)", ExitInterrupt)
	}
	return nil
}

// suiteCellNote says what a cell of the suite table is.
const suiteCellNote = "each cell is the accuracy % averaged over the evaluation lengths (not the training range), with the scaled accuracy (0 = chance, 1 = perfect) in parentheses"

// runSynthTask trains each model on one task and writes its folder.
// With r (--resume) its finished models are kept and a model with a
// checkpoint continues from it; every > 0 checkpoints every that many steps.
func runSynthTask(ctx context.Context, t synthTask, cfgs []models.Config, dir string, every int, r *synthResume, progress, stderr io.Writer) (*harness.Record, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("writing results to %s: %w", dir, err)
	}
	rec := &harness.Record{
		Schema: harness.SchemaVersion, Task: t.spec.Name, Started: time.Now().UTC(),
		Machine: harness.ThisMachine(), Train: t.s.Train, Planned: cfgs, TaskCfg: synthTaskConfig(t),
	}
	flags := os.O_CREATE | os.O_TRUNC | os.O_WRONLY | os.O_APPEND
	if r != nil {
		if err := harness.RewriteLines(filepath.Join(dir, resultsFile), r.raw); err != nil {
			return nil, fmt.Errorf("writing results to %s: %w", dir, err)
		}
		flags &^= os.O_TRUNC
		rec.Results = append(rec.Results, r.done...)
	} else {
		for _, cfg := range cfgs { // a fresh run: an earlier run's checkpoints are not its own
			if err := os.Remove(checkpointPath(dir, synthUnit(cfg))); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("removing an old checkpoint: %w", err)
			}
		}
	}
	if every > 0 {
		if err := os.MkdirAll(filepath.Join(dir, checkpointDir), 0o755); err != nil {
			return nil, fmt.Errorf("writing checkpoints to %s: %w", dir, err)
		}
	}
	jsonl, err := os.OpenFile(filepath.Join(dir, resultsFile), flags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("writing results to %s: %w", dir, err)
	}
	defer jsonl.Close()
	fmt.Fprintf(stderr, "bench: %s on %s, %d model(s), writing %s\n", t.spec.Name, rec.Machine.CPU, len(cfgs), dir)
	for i, cfg := range cfgs {
		if i < len(rec.Results) || ctx.Err() != nil {
			continue // finished before a resume, or interrupted
		}
		m, err := models.New[float32](cfg, t.s.Train.Seed)
		if err != nil {
			return nil, err
		}
		opt := harness.TrainOptions{CheckpointEvery: every, CheckpointPath: checkpointPath(dir, synthUnit(cfg))}
		if r != nil {
			opt.Resume = r.ckpts[i]
		}
		res, err := harness.TrainWith(ctx, m, t.lt, t.s.Train, progress, opt)
		if err != nil {
			return nil, err
		}
		if res.Status == "interrupted" {
			break
		}
		// Tokens: the batches' lengths vary, so count the expected T.
		res.Tokens = int64(float64(res.Steps*t.s.Train.Batch) * t.lt.MeanTrainT())
		if res.WallSeconds > 0 {
			res.TokensPerSec = float64(res.Tokens) / res.WallSeconds
		}
		res.Lengths = harness.EvaluateLengths(m, t.lt)
		rec.Results = append(rec.Results, res)
		if err := harness.AppendLine(jsonl, res); err != nil {
			return nil, fmt.Errorf("writing results to %s: %w", dir, err)
		}
		if err := writeSynthOutputs(dir, rec, t); err != nil {
			return nil, fmt.Errorf("writing results to %s: %w", dir, err)
		}
	}
	return rec, nil
}

// synthTaskConfig is the task's part of the record (--resume compares it).
func synthTaskConfig(t synthTask) map[string]any {
	g := t.lt.Gen
	m := map[string]any{
		"source": t.spec.Source, "V": g.V(), "classes": g.Classes(), "chance": tasks.Chance(g),
		"train_lengths": t.s.trainL, "eval_lengths": t.s.evalL, "max_T": t.lt.T(),
	}
	if t.spec.Family == tasks.FamilyRecall {
		m["seq_len"], m["pairs"], m["vocab"] = t.s.SeqLen, t.s.opts.Pairs, t.s.opts.Vocab
	}
	return m
}
