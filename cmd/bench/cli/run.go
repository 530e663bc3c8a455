package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
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
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "train models on a task and report what each costs and learns",
		Description: "Trains each model on freshly generated data, printing progress (step, loss, accuracy, ETA)\n" +
			"to stderr and a Markdown table to stdout. Writes into --out: results.json (the whole record,\n" +
			"rewritten after each model), results.md (the table) and loss.png (loss and accuracy against step).\n" + harness.DivergenceRule,
		Flags:  runFlags(),
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
	every   int        // --checkpoint-every, 0 for none
	resume  *runResume // --resume: what the interrupted run finished
}

func runAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return badInput("run takes no arguments, got %q (flags start with --)", c.Args().First())
	}
	if c.String("task") == "sweep" {
		return sweepAction(c)
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
	if err := os.MkdirAll(p.out, 0o755); err != nil {
		return badInput("cannot create --out %s: %v", p.out, err)
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
	switch p.task {
	case "selective-copy":
		p.copy = tasks.SelectiveCopy{T: s.SeqLen, K: s.CopyTokens}
		if err := p.copy.Validate(); err != nil {
			return nil, badInput("%v", err)
		}
		p.s.Arch.V = tasks.CopyVocab
	case "char-lm":
		corpus, path, err := loadCorpus(c, s.SeqLen)
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
	p.out = c.String("out")
	if c.IsSet("resume") {
		if p.out, err = resumeDir(p.out, c.String("resume")); err != nil {
			return nil, err
		}
	}
	if p.out == "" {
		name := c.String("model")
		if strings.Contains(name, ",") {
			name = "multi"
		}
		p.out = filepath.Join("results", fmt.Sprintf("%s-%s-%s", p.task, name, time.Now().UTC().Format("20060102T150405Z")))
	}
	if st, err := os.Stat(p.out); err == nil && !st.IsDir() {
		return nil, badInput("--out %s is a file; give a folder (it is created if missing)", p.out)
	}
	if c.IsSet("resume") {
		if p.resume, err = loadRunResume(p.out, p); err != nil {
			return nil, err
		}
	} else if err := refuseEarlierResults(p.out); err != nil {
		return nil, err
	}
	return p, nil
}

// earlierResultFiles are the files whose presence in --out means an earlier
// run or sweep wrote there.
var earlierResultFiles = []string{"results.json", resultsFile, pointsFile}

// refuseEarlierResults returns a usageError if the folder out already
// holds results of an earlier run or sweep: a fresh run would replace or
// mix them; --resume is the way to continue one.
func refuseEarlierResults(out string) error {
	for _, f := range earlierResultFiles {
		if _, err := os.Lstat(filepath.Join(out, f)); err == nil {
			return badInput("--out %s already holds results from an earlier run: continue it with --resume %s, or choose another folder", out, out)
		}
	}
	return nil
}

// checkMemory refuses a plan whose analytic training memory — parameters,
// gradients, AdamW moments, activations and scratch (harness.FitMemory,
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
		name := harness.ModelName(cfg)
		f, err := harness.FitMemory(cfg, B, limit)
		var big *harness.TooBigError
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

// humanBytes is reports.HumanBytes for a float64 count of any size.
func humanBytes(b float64) string {
	if b >= math.MaxInt64/2 {
		return fmt.Sprintf("%.3g bytes", b)
	}
	return reports.HumanBytes(int64(b))
}

// printPlan prints what a --dry-run of p would run.
func printPlan(w io.Writer, p *plan) error {
	fmt.Fprintf(w, "Dry run: nothing trained or written. Task %s, T=%d, batch %d, up to %d steps, seed %d; output %s.\n\n",
		p.task, p.s.SeqLen, p.s.Train.Batch, p.s.Train.Steps, p.s.Train.Seed, p.out)
	var rows [][]string
	for i, cfg := range p.configs {
		m, err := models.New[float32](cfg, p.s.Train.Seed)
		if err != nil {
			return err
		}
		state := "train"
		switch {
		case p.resume != nil && i < len(p.resume.done):
			state = "finished: " + p.resume.done[i].Status
		case p.resume != nil && p.resume.ckpts[i] != nil:
			state = fmt.Sprintf("continue from step %d", p.resume.ckpts[i].Step())
		}
		rows = append(rows, []string{harness.ModelName(cfg), fmt.Sprint(cfg.D), fmt.Sprint(m.PS.CountNonEmbedding()), fmt.Sprint(m.PS.Count()), humanBytes(p.memory[i]), state})
	}
	return reports.Markdown(w, []string{"model", "D", "non-emb params", "params", "training memory", "would"}, rows)
}

// execute trains every model in turn, appending each finished model's
// Result to results.jsonl and rewriting the record and views after each.
// With --resume, the finished models are taken from p.resume and models
// with a checkpoint continue from it.
func execute(ctx context.Context, c *cli.Context, p *plan) error {
	stderr := c.App.ErrWriter
	progress := stderr
	if c.Bool("quiet") {
		progress = nil
	}
	rec := &harness.Record{
		Schema: harness.SchemaVersion, Task: p.task, Started: time.Now().UTC(),
		Machine: harness.ThisMachine(), Train: p.s.Train, TaskCfg: taskConfig(p), Planned: p.configs,
	}
	var done []harness.Result
	jsonlFlags := os.O_CREATE | os.O_TRUNC | os.O_WRONLY | os.O_APPEND
	if r := p.resume; r != nil {
		rec.Started, done = r.started, r.done
		if err := rewriteJSONLines(filepath.Join(p.out, resultsFile), r.raw); err != nil {
			return fmt.Errorf("writing results to %s: %w", p.out, err)
		}
		jsonlFlags &^= os.O_TRUNC
		torn := ""
		if r.torn {
			torn = " (a torn last line of " + resultsFile + " dropped)"
		}
		fmt.Fprintf(stderr, "bench: resuming %s: %d of %d model(s) finished%s\n", p.out, len(done), len(p.configs), torn)
	}
	jsonl, err := os.OpenFile(filepath.Join(p.out, resultsFile), jsonlFlags, 0o644)
	if err != nil {
		return fmt.Errorf("writing results to %s: %w", p.out, err)
	}
	defer jsonl.Close()
	if p.resume == nil { // a fresh run: an earlier run's checkpoints in --out are not its own
		for _, cfg := range p.configs {
			if err := os.Remove(checkpointPath(p.out, cfg)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("removing an old checkpoint: %w", err)
			}
		}
	}
	if p.every > 0 {
		if err := os.MkdirAll(filepath.Join(p.out, checkpointDir), 0o755); err != nil {
			return fmt.Errorf("writing checkpoints to %s: %w", p.out, err)
		}
	}
	nEval := p.s.Train.EvalBatches
	var task harness.Task
	if p.corpus != nil {
		task = harness.NewTextTask(p.corpus, p.s.Train.Batch, p.s.SeqLen, nEval, p.s.Train.Seed+1_000_003, c.Bool("eval-full"))
	} else {
		task = harness.NewCopyTask(p.copy, p.s.Train.Batch, nEval, p.s.Train.Seed+1_000_003)
	}
	fmt.Fprintf(stderr, "bench: %s on %s, %d model(s), writing %s\n", p.task, rec.Machine.CPU, len(p.configs), p.out)
	wrote := false
	for i, cfg := range p.configs {
		if i < len(done) {
			rec.Results = append(rec.Results, done[i])
			continue
		}
		if ctx.Err() != nil {
			break
		}
		m, err := models.New[float32](cfg, p.s.Train.Seed)
		if err != nil {
			return err
		}
		opt := harness.TrainOptions{CheckpointEvery: p.every, CheckpointPath: checkpointPath(p.out, cfg)}
		if p.resume != nil {
			opt.Resume = p.resume.ckpts[i]
			if ck := opt.Resume; ck != nil {
				fmt.Fprintf(stderr, "bench: %s continues from step %d (%s)\n", harness.ModelName(cfg), ck.Step(), ck.Path)
			}
		}
		if testStepHook != nil {
			opt.OnStep = func(n int, s *harness.Stepper) { testStepHook(i, n, s) }
		}
		res, err := harness.TrainWith(ctx, m, task, p.s.Train, progress, opt)
		if err != nil {
			return err
		}
		if p.corpus != nil && c.Int("sample") > 0 && res.Steps > 0 && res.Status != "interrupted" {
			rng := rand.New(rand.NewPCG(p.s.Train.Seed, 0x5a3b1e))
			gen := harness.Sample(m, []int32{p.corpus.Train[0]}, c.Int("sample"), c.Float64("temperature"), c.Int("top-k"), rng)
			res.Sample = p.corpus.Decode(gen)
		}
		rec.Results = append(rec.Results, res)
		if res.Status == "diverged" {
			fmt.Fprintf(stderr, "bench: warning: %s diverged after %d step(s): %s; its results so far are kept, going on\n", res.Name, res.Steps, res.Reason)
		}
		if res.Status != "interrupted" {
			if err := appendJSONLine(jsonl, res); err != nil {
				return fmt.Errorf("writing results to %s: %w", p.out, err)
			}
		}
		if err := writeOutputs(p.out, rec); err != nil {
			return fmt.Errorf("writing results to %s: %w", p.out, err)
		}
		wrote = true
	}
	if !wrote { // nothing trained (all finished before a resume, or interrupted at once)
		if err := writeOutputs(p.out, rec); err != nil {
			return fmt.Errorf("writing results to %s: %w", p.out, err)
		}
	}
	if err := printTable(c.App.Writer, rec); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "bench: wrote %s\n", p.out)
	if ctx.Err() != nil {
		how := "--resume " + p.out + " with the same flags continues it"
		if p.every == 0 {
			how += " (the unfinished model starts over; --checkpoint-every N keeps its progress)"
		}
		return cli.Exit("interrupted; finished results are in "+p.out+"; "+how, ExitInterrupt)
	}
	return nil
}

// testStepHook, if set by a test, is called after every training step
// with the model's index in the plan, the steps taken and the Stepper: it
// interrupts runs and injects faults at exact steps. Nil in bench.
var testStepHook func(model, steps int, s *harness.Stepper)

// taskConfig is the task's part of the record.
func taskConfig(p *plan) map[string]any {
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
