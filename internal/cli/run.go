package cli

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
	"rnnbench/models"
	"rnnbench/tasks"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "train models on a task and report what each costs and learns",
		Description: "Trains each model on freshly generated data, printing progress (step, loss, accuracy, ETA)\n" +
			"to stderr and a Markdown table to stdout. Writes into --out: results.json (the whole record,\n" +
			"rewritten after each model), results.md (the table) and loss.png (loss and accuracy against step).",
		Flags:  runFlags(),
		Action: runAction,
	}
}

// plan is a validated run: nothing is written before it exists.
type plan struct {
	task    string
	s       settings
	configs []models.Config
	out     string
	copy    tasks.SelectiveCopy
	corpus  *tasks.Corpus
	data    string
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
		return nil, badInput("unknown --task %q: allowed %s", p.task, strings.Join(Tasks, ", "))
	}
	s, ok := preset(p.task, c.String("preset"))
	if !ok {
		return nil, badInput("unknown --preset %q: allowed %s", c.String("preset"), strings.Join(Presets, ", "))
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
	p.out = c.String("out")
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
	return p, nil
}

// execute trains every model in turn, saving the record after each.
func execute(ctx context.Context, c *cli.Context, p *plan) error {
	stderr := c.App.ErrWriter
	progress := stderr
	if c.Bool("quiet") {
		progress = nil
	}
	rec := &harness.Record{
		Schema: harness.SchemaVersion, Task: p.task, Started: time.Now().UTC(),
		Machine: harness.ThisMachine(), Train: p.s.Train, TaskCfg: taskConfig(p),
	}
	nEval := p.s.Train.EvalBatches
	var task harness.Task
	if p.corpus != nil {
		task = harness.NewTextTask(p.corpus, p.s.Train.Batch, p.s.SeqLen, nEval, p.s.Train.Seed+1_000_003, c.Bool("eval-full"))
	} else {
		task = harness.NewCopyTask(p.copy, p.s.Train.Batch, nEval, p.s.Train.Seed+1_000_003)
	}
	fmt.Fprintf(stderr, "bench: %s on %s, %d model(s), writing %s\n", p.task, rec.Machine.CPU, len(p.configs), p.out)
	for _, cfg := range p.configs {
		if ctx.Err() != nil {
			break
		}
		m, err := models.New[float32](cfg, p.s.Train.Seed)
		if err != nil {
			return err
		}
		res := harness.Train(ctx, m, task, p.s.Train, progress)
		if p.corpus != nil && c.Int("sample") > 0 && res.Steps > 0 {
			rng := rand.New(rand.NewPCG(p.s.Train.Seed, 0x5a3b1e))
			gen := harness.Sample(m, []int32{p.corpus.Train[0]}, c.Int("sample"), c.Float64("temperature"), c.Int("top-k"), rng)
			res.Sample = p.corpus.Decode(gen)
		}
		rec.Results = append(rec.Results, res)
		if err := writeOutputs(p.out, rec); err != nil {
			return fmt.Errorf("writing results to %s: %w", p.out, err)
		}
	}
	if err := printTable(c.App.Writer, rec); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "bench: wrote %s\n", p.out)
	if ctx.Err() != nil {
		return cli.Exit("interrupted; finished results are in "+p.out, ExitInterrupt)
	}
	return nil
}

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
