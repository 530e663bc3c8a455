package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
	"rnnbench/models"
	"rnnbench/reports"
	"rnnbench/tasks"
	"rnnbench/views"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "train models on a task and report what each costs and learns",
		Description: "Trains each model on freshly generated data, printing progress (step, loss, accuracy, ETA)\n" +
			"to stderr and a Markdown table to stdout. Writes into --out, rewritten after each model:\n" +
			"results.json (the whole record), results.jsonl (one line per finished model), results.md (the\n" +
			"tables), results.bench (Go benchmark format: one line per group of timed steps, for benchstat\n" +
			"and bench compare), results.csv (one row per model, every measured field), loss.png/.svg/.pdf\n" +
			"(loss and accuracy against step) and index.html (one page with all of it).\n" + harness.DivergenceRule,
		Flags:  append(runFlags(), synthFlags()...), // synthFlags: synthetic.go
		Action: runAction,
	}
}

// plan is a validated run: nothing is written before it exists.
type plan struct {
	task    string
	s       settings
	configs []models.Config
	memory  []float64 // analytic training bytes of each config
	out     string
	copy    tasks.SelectiveCopy
	corpus  *tasks.Corpus
	data    string
	every   int            // --checkpoint-every, 0 for none
	units   []harness.Unit // every model × learning rate × weight decay × seed
	specs   []harness.TrainSpec
	jobs    int
	shard   int
	shards  int
	resume  *runResume // --resume: what the interrupted run finished

	synth    *harness.SynthSpec // a synthetic task (synthetic.go)
	synthCfg map[string]any     // its part of the record
}

func runAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return badInput("run takes no arguments, got %q (flags start with --)", c.Args().First())
	}
	if c.IsSet("config") {
		tasks, err := applyConfigFile(c)
		if err != nil {
			return err
		}
		if len(tasks) > 1 {
			return runTasks(c, tasks)
		}
	}
	if c.String("task") == "sweep" {
		return sweepAction(c)
	}
	if c.String("task") == SuiteFormal { // formal languages: synthetic.go
		return formalAction(c)
	} else if isSynthetic(c.String("task")) {
		if c.NArg() > 0 {
			return badInput("run takes no arguments, got %q (flags start with --)", c.Args().First())
		}
	} else if err := rejectFlags(c, synthOnlyFlags, "applies to the synthetic tasks only (bench list)"); err != nil {
		return err
	}
	if err := rejectFlags(c, sweepOnlyFlags, "applies to --task sweep only"); err != nil {
		return err
	}
	p, err := makePlan(c)
	if err != nil {
		return err
	}
	if c.Bool("dry-run") {
		return printPlan(c.App.Writer, p)
	}
	return execute(c.Context, c, p)
}

// makePlan validates every flag and input file and returns the plan, or a
// usageError naming the first problem.
func makePlan(c *cli.Context) (*plan, error) {
	p := &plan{task: c.String("task")}
	if !slices.Contains(Tasks, p.task) {
		return nil, badInput("unknown --task %q%s: allowed %s", p.task, suggest(p.task, Tasks), strings.Join(Tasks, ", "))
	}
	if spec, ok := tasks.Lookup(p.task); ok { // formal languages, mqar: synthetic.go
		if err := planSynth(c, p, spec); err != nil {
			return nil, err
		}
	} else {
		if err := rejectTaskFlags(c, p.task); err != nil {
			return nil, err
		}
		s, ok := preset(p.task, c.String("preset"))
		if !ok {
			return nil, badInput("unknown --preset %q%s: allowed %s", c.String("preset"), suggest(c.String("preset"), Presets), strings.Join(Presets, ", "))
		}
		if err := applyFlags(c, &s); err != nil {
			return nil, err
		}
		p.s = s
	}
	switch p.task {
	case "selective-copy":
		p.copy = tasks.SelectiveCopy{T: p.s.SeqLen, K: p.s.CopyTokens}
		if err := p.copy.Validate(); err != nil {
			return nil, badInput("%v", err)
		}
		p.s.Arch.V = tasks.CopyVocab
	case "char-lm":
		corpus, path, err := loadCorpus(c, p.s.SeqLen)
		if err != nil {
			return nil, err
		}
		p.corpus, p.data = corpus, path
		p.s.Arch.V = corpus.V()
	}
	cfgs, err := modelConfigs(c.String("model"), c.String("mode"), p.s.Arch)
	if err != nil {
		return nil, err
	}
	if cfgs, err = atSizes(cfgs, p.s.Layers); err != nil {
		return nil, err
	}
	if c.IsSet("params") {
		if cfgs, err = sizeToParams(cfgs, c.Int("params")); err != nil {
			return nil, err
		}
	}
	p.configs = cfgs
	if err := checkMemory(p); err != nil {
		return nil, err
	}
	if c.IsSet("checkpoint-every") {
		if p.every = c.Int("checkpoint-every"); p.every < 1 {
			return nil, badInput("--checkpoint-every must be an integer ≥ 1 (steps between checkpoints), got %d", p.every)
		}
	}
	if p.jobs, p.shard, p.shards, err = engineFlags(c); err != nil {
		return nil, err
	}
	p.units = trainUnits(p)
	var prev *harness.Record
	if p.out, prev, err = outDir(c, p.task+"-"+modelsName(c.String("model"))); err != nil {
		return nil, err
	}
	sample := 0 // characters generated after training: char-lm only
	if p.task == "char-lm" {
		sample = c.Int("sample")
	}
	for _, u := range p.units {
		p.specs = append(p.specs, harness.TrainSpec{
			Unit: u, Copy: p.copy, Data: p.data, Synth: p.synth, EvalFull: c.Bool("eval-full"), EvalSeed: u.Key.Train.Seed + harness.EvalSeedOffset,
			Sample: sample, Temperature: c.Float64("temperature"), TopK: c.Int("top-k"),
			CheckpointEvery: p.every, CheckpointPath: checkpointPath(p.out, u), Resume: c.IsSet("resume"),
		})
	}
	if c.IsSet("resume") {
		if p.resume, err = loadRunResume(p.out, prev, p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// trainUnits expands the plan's models over the grid: for each model,
// each learning rate, each weight decay and each seed, one unit. A unit's
// ID is the model's name, followed by the grid values of the axes that
// have more than one ("mingru/parallel lr=0.003 seed=2").
func trainUnits(p *plan) []harness.Unit {
	taskCfg := taskConfig(p)
	var units []harness.Unit
	for _, cfg := range p.configs {
		for li, lr := range p.s.LRs {
			for _, wd := range p.s.WDs {
				for _, seed := range p.s.Seeds {
					tr := p.s.Train
					tr.LR, tr.LRMin, tr.WeightDecay, tr.Seed = lr, p.s.LRMins[li], wd, seed
					group := cfg.Name()
					if len(p.s.Layers) > 1 {
						group += fmt.Sprintf(" L=%d", cfg.L)
					}
					id := group
					if len(p.s.LRs) > 1 {
						id += fmt.Sprintf(" lr=%g", lr)
					}
					if len(p.s.WDs) > 1 {
						id += fmt.Sprintf(" wd=%g", wd)
					}
					if len(p.s.Seeds) > 1 {
						id += fmt.Sprintf(" seed=%d", seed)
					}
					units = append(units, harness.Unit{Index: len(units), ID: id, Group: group, Key: harness.UnitKey{
						Kind: harness.UnitTrain, Task: p.task, TaskCfg: taskCfg, Model: cfg, Train: tr, T: p.s.SeqLen, B: tr.Batch,
					}})
				}
			}
		}
	}
	return units
}

// grid is the run's record of its grid, nil for one seed at one point.
func (p *plan) grid() *harness.Grid {
	if len(p.s.Seeds) == 1 && len(p.s.LRs) == 1 && len(p.s.WDs) == 1 && len(p.s.Layers) == 1 {
		return nil
	}
	g := &harness.Grid{Seeds: p.s.Seeds, LR: p.s.LRs, WeightDecay: p.s.WDs, Metric: harness.GridMetric(p.task)}
	if len(p.s.Layers) > 1 {
		g.Layers = p.s.Layers
	}
	return g
}

// atSizes returns each config at each number of layers (model-major).
func atSizes(cfgs []models.Config, layers []int) ([]models.Config, error) {
	var out []models.Config
	for _, c := range cfgs {
		for _, L := range layers {
			c.L = L
			if err := c.Validate(); err != nil {
				return nil, badInput("%v", err)
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// checkMemory refuses a plan whose analytic training memory — parameters,
// gradients, AdamW moments, activations and scratch (models.FitMemory,
// equal to models.EstimateMemory) plus the token batches — exceeds this
// machine's physical memory, and records each model's figure in p.memory.
// Absurd sizes are refused from the shapes alone, before any model is
// built. Without a known physical memory nothing is refused.
func checkMemory(p *plan) error {
	phys := float64(harness.PhysicalMemory())
	B, T := p.s.Train.Batch, p.s.SeqLen
	batches := 8 * float64(B) * float64(T) * float64(p.s.Train.EvalBatches+1) // tokens and targets, int32
	limit := phys
	if phys <= 0 {
		limit = math.Inf(1)
	}
	for _, cfg := range p.configs {
		name := cfg.Name()
		f, err := models.FitMemory(cfg, B, limit)
		var big *models.TooBigError
		if errors.As(err, &big) {
			return badInput("%s needs at least %s for %s alone, more than this machine's %s of memory; lower --dim, --layers, --expansion or --mlp",
				name, humanBytes(big.AtLeast), big.What, humanBytes(phys))
		}
		if err != nil {
			return badInput("%v", err)
		}
		need := f.Training(T) + batches
		if need > limit {
			return badInput("%s at --batch %d and --seq-len %d needs %s of training memory (parameters, gradients, AdamW moments, activations and batches, counted from the shapes), more than this machine's %s; lower --batch, --seq-len, --eval-batches, --dim or --layers",
				name, B, T, humanBytes(need), humanBytes(phys))
		}
		p.memory = append(p.memory, need)
	}
	return nil
}

// humanBytes is views.HumanBytes for a float64 count of any size.
func humanBytes(b float64) string {
	if b >= math.MaxInt64/2 {
		return fmt.Sprintf("%.3g bytes", b)
	}
	return views.HumanBytes(int64(b))
}

// printPlan prints what a --dry-run of p would run: one row per unit of
// this shard, with its analytic memory and a time estimated from a short
// timing probe of its model on this machine (harness.ProbeStepMs).
func printPlan(w io.Writer, p *plan) error {
	seeds := fmt.Sprintf("seed %d", p.s.Train.Seed)
	if len(p.s.Seeds) > 1 {
		seeds = fmt.Sprintf("seeds %v", p.s.Seeds)
	}
	fmt.Fprintf(w, "Dry run: nothing trained or written. Task %s, T=%d, batch %d, up to %d steps, %s; %d unit(s)%s; output %s.\n\n",
		p.task, p.s.SeqLen, p.s.Train.Batch, p.s.Train.Steps, seeds, len(p.units), shardNote(p.shard, p.shards), p.out)
	printSettings(w, p)                  // official.go
	probe := map[models.Config]float64{} // ms per step of each model config
	var rows [][]string
	var total float64
	for _, u := range p.units {
		if !harness.UnitInShard(u.Index, p.shard, p.shards) {
			continue
		}
		i := slices.Index(p.configs, u.Key.Model)
		m, err := models.New[float32](u.Key.Model, u.Key.Train.Seed)
		if err != nil {
			return err
		}
		state, est := "train", ""
		if r := p.resume; r != nil {
			if res, ok := r.prior.Entries[u.Index]; ok {
				state = "finished: " + res.Status
			} else if ck := r.ckpts[u.Index]; ck != nil {
				state = fmt.Sprintf("continue from step %d", ck.Step())
			}
		}
		if !strings.HasPrefix(state, "finished") {
			ms, probed := probe[u.Key.Model]
			if !probed {
				ok := false
				if ms, ok, err = harness.ProbeStepMs(u.Key.Model, u.Key.Train, u.Key.T); err != nil {
					return err
				}
				if !ok {
					ms = -1 // too big for a short probe
				}
				probe[u.Key.Model] = ms
			}
			est = "not probed: too big"
			if ms >= 0 {
				tr := u.Key.Train
				if r := p.resume; r != nil && r.ckpts[u.Index] != nil {
					tr.Steps -= r.ckpts[u.Index].Step() // the steps left
				}
				secs := harness.EstimateUnitSeconds(ms, tr)
				total += secs
				est = fmt.Sprintf("%s (%.3g ms/step)", durationText(secs), ms)
			}
		}
		rows = append(rows, []string{u.ID, fmt.Sprint(u.Key.Model.D), fmt.Sprint(m.PS.CountNonEmbedding()), fmt.Sprint(m.PS.Count()), humanBytes(p.memory[i]), est, state})
	}
	if err := reports.Markdown(w, []string{"unit", "D", "non-emb params", "params", "training memory", "est. time (probe)", "would"}, rows); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nEstimated time: up to %s in all for the probed units (steps and evaluations at each model's step time, probed at B ≤ 4, T ≤ 128 and scaled by FLOPs; an early stop at --target-acc shortens it)", durationText(total))
	if p.jobs > 1 {
		fmt.Fprintf(w, "; with --jobs %d, about %s if the units share this machine's cores well", p.jobs, durationText(total/float64(min(p.jobs, len(rows)))))
	}
	fmt.Fprintln(w, ".")
	return nil
}

// durationText writes seconds as "45 s", "12 min" or "3.5 h".
func durationText(s float64) string {
	switch {
	case s < 90:
		return fmt.Sprintf("%.2g s", s)
	case s < 90*60:
		return fmt.Sprintf("%.0f min", s/60)
	}
	return fmt.Sprintf("%.2g h", s/3600)
}

// shardNote is ", shard i/n" for a sharded experiment, else "".
func shardNote(shard, shards int) string {
	if shards <= 1 {
		return ""
	}
	return fmt.Sprintf(", shard %d/%d", shard, shards)
}

// execute trains every unit of the plan (of this shard) on the engine,
// appending each finished one to results.jsonl and rewriting the record
// and views after each. With --resume, the finished units are taken from
// p.resume and units with a checkpoint continue from it.
func execute(ctx context.Context, c *cli.Context, p *plan) error {
	stderr := c.App.ErrWriter
	progress := stderr
	if c.Bool("quiet") {
		progress = nil
	}
	rec := &harness.Record{
		Schema: harness.SchemaVersion, Task: p.task, Started: time.Now().UTC(),
		Machine: harness.ThisMachine(), Train: p.s.Train, TaskCfg: taskConfig(p), Planned: p.configs,
		Grid: p.grid(), Units: p.units, Config: resolvedConfig(c),
	}
	if p.shards > 1 {
		rec.Shard, rec.Shards = p.shard, p.shards
	}
	x := &experiment[harness.Result]{
		eng:   harness.Engine[harness.Result]{Dir: p.out, Log: resultsFile, Units: p.units, Shard: p.shard, Shards: p.shards, Jobs: p.jobs},
		rec:   rec,
		place: func(rec *harness.Record, rs []harness.Result) { rec.Results = rs },
		write: writeOutputs,
		after: func(u harness.Unit, res harness.Result, _ bool) {
			if res.Status == harness.StatusDiverged {
				fmt.Fprintf(stderr, "bench: warning: %s diverged after %d step(s): %s; its results so far are kept, going on\n", u.ID, res.Steps, res.Reason)
			}
		},
	}
	if r := p.resume; r != nil {
		x.prior = r.prior
		if !r.started.IsZero() {
			rec.Started = r.started
		}
	} else { // a fresh run: an earlier run's checkpoints in --out are not its own
		for _, sp := range p.specs {
			if err := os.Remove(sp.CheckpointPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("removing an old checkpoint: %w", err)
			}
		}
	}
	exe, err := os.Executable()
	if err != nil && p.jobs > 1 {
		return fmt.Errorf("cannot find the bench binary to run units in: %w", err)
	}
	x.eng.Run = func(ctx context.Context, u harness.Unit) (harness.Result, bool, error) {
		res, err := trainUnit(ctx, p, u, exe, stderr, progress)
		return res, err == nil && res.Status != harness.StatusInterrupted, err
	}
	fmt.Fprintf(stderr, "bench: %s on %s, %d model(s) in %d unit(s)%s, writing %s\n", p.task, rec.Machine.CPU, len(p.configs), len(p.units), shardNote(p.shard, p.shards), p.out)
	if err := x.execute(ctx, stderr); err != nil {
		return err
	}
	if err := printTable(c.App.Writer, rec); err != nil {
		return err
	}
	if err := printLengths(c.App.Writer, rec); err != nil { // synthetic tasks: synthetic.go
		return err
	}
	fmt.Fprintf(stderr, "bench: wrote %s\n", p.out)
	if ctx.Err() != nil {
		how := "continues it"
		if p.every == 0 {
			how += " (the unfinished units start over; --checkpoint-every N keeps their progress)"
		}
		return interrupted("results", p.out, how)
	}
	return nil
}

// trainUnit runs unit u of p: in this process, or with --jobs > 1 in a
// child process of exe (the same bits either way).
func trainUnit(ctx context.Context, p *plan, u harness.Unit, exe string, stderr, progress io.Writer) (harness.Result, error) {
	spec := p.specs[u.Index]
	if p.every > 0 {
		if err := os.MkdirAll(filepath.Dir(spec.CheckpointPath), 0o755); err != nil {
			return harness.Result{}, fmt.Errorf("writing checkpoints to %s: %w", p.out, err)
		}
	}
	if r := p.resume; r != nil && r.ckpts[u.Index] != nil {
		fmt.Fprintf(stderr, "bench: %s continues from step %d (%s)\n", u.ID, r.ckpts[u.Index].Step(), spec.CheckpointPath)
	}
	if p.jobs > 1 {
		return harness.RunTrainProcess(ctx, exe, spec, progress)
	}
	env := harness.UnitEnv{Corpus: p.corpus, Progress: progress}
	if testStepHook != nil {
		env.OnStep = func(n int, s *harness.Stepper) { testStepHook(u.Index, n, s) }
	}
	return harness.RunTrainUnit(ctx, spec, env)
}

// testStepHook, if set by a test, is called after every training step
// of a unit run in this process with the unit's index in the plan, the steps taken and the Stepper: it
// interrupts runs and injects faults at exact steps. Nil in bench.
var testStepHook func(model, steps int, s *harness.Stepper)

// taskConfig is the task's part of the record.
func taskConfig(p *plan) map[string]any {
	if p.synthCfg != nil {
		return p.synthCfg
	}
	m := map[string]any{"seq_len": p.s.SeqLen}
	if p.corpus != nil {
		m["data"] = p.data
		m["vocab"] = string(p.corpus.Vocab)
		m["V"] = p.corpus.V()
		m["train_chars"] = len(p.corpus.Train)
		m["val_chars"] = len(p.corpus.Val)
		m["unknown_val_chars"] = p.corpus.UnknownVal
	} else {
		m["copy_tokens"] = p.s.CopyTokens
		m["V"] = tasks.CopyVocab
	}
	return m
}
