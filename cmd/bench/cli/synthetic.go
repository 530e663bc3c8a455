package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
	"rnnbench/models"
	"rnnbench/reports"
	"rnnbench/tasks"
)

// The synthetic tasks of tasks.Registry: the formal languages of the
// minRNNs code, trained on short inputs and tested on long ones
// (harness.LengthTask), and zoology's MQAR. `bench run --task NAME` runs
// one; `--task formal` runs every formal task into one folder and adds a
// models × tasks summary (formal.md, formal.png).

// SuiteFormal is the --task name of the formal-language suite.
const SuiteFormal = "formal"

// synthFlags are the synthetic tasks' own flags, appended to bench run's.
func synthFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "train-lengths", Usage: "formal tasks: input lengths L of training batches, one drawn uniformly per batch: a range a-b and/or a comma list (default 1-40, the official code's)"},
		&cli.StringFlag{Name: "eval-lengths", Usage: "formal tasks: input lengths of the fixed held-out sets, from a seed training never uses (default 40,64,128,256)"},
		&cli.StringFlag{Name: "setting", Usage: "mqar: zoology's (T, key-value pairs) setting: 64x4, 128x8 or 256x16 (default 64x4)"},
		&cli.IntFlag{Name: "pairs", Usage: "mqar: key-value pairs per sequence", DefaultText: "the setting's"},
		&cli.IntFlag{Name: "vocab", Usage: "mqar: vocabulary V, > seq-len (default 512 quick, 8192 paper as in zoology)"},
	}
}

// synthOnlyFlags apply to the synthetic tasks only.
var synthOnlyFlags = []string{"train-lengths", "eval-lengths", "setting", "pairs", "vocab"}

// isSynthetic reports whether --task names a registered synthetic task or
// the formal suite.
func isSynthetic(task string) bool {
	_, ok := tasks.Lookup(task)
	return ok || task == SuiteFormal
}

// synthSettings is a synthetic task's preset with the flags applied.
type synthSettings struct {
	settings
	trainL, evalL []int
	opts          tasks.Options
}

// synthPreset returns the preset of a synthetic task.
//
// quick: L = 2, D = 64, expansion 1, batch 32, lr 3e-3 cosine to 3e-4
// with 100 warm-up steps, AdamW (0.9, 0.99), weight decay 0.1, clip 1,
// spec.QuickSteps steps; chosen so one model takes minutes on 2 cores.
// paper: the official minRNNs formal-language configuration: d_model 256,
// 2 layers, expansion 1, batch 128, constant lr 3e-4, no clipping, AdamW
// weight decay 0.05, spec.PaperSteps steps (500k; 100k for even-pairs);
// for mqar, zoology's: vocabulary 8192, batch 256, D = 128, lr 1e-3, 32
// epochs of 100k sequences (12,500 steps).
func synthPreset(spec tasks.Spec, name string) (synthSettings, bool) {
	s := synthSettings{
		trainL: lengthRange(1, 40), evalL: []int{40, 64, 128, 256},
		opts: tasks.Options{Vocab: 512},
	}
	s.Arch = models.Config{L: 2, D: 64, Expansion: 1, H: 4, N: 16}
	s.Train = harness.TrainConfig{
		Batch: 32, Steps: spec.QuickSteps, LR: 3e-3, LRMin: 3e-4, Warmup: 100, Beta1: 0.9, Beta2: 0.99,
		WeightDecay: 0.1, Clip: 1, EvalEvery: 100, EvalBatches: 8, Seed: 1,
	}
	switch name {
	case "quick":
	case "paper":
		s.Arch.D = 256
		s.Train = harness.TrainConfig{
			Batch: 128, Steps: spec.PaperSteps, LR: 3e-4, LRMin: 3e-4, Beta1: 0.9, Beta2: 0.999,
			WeightDecay: 0.05, EvalEvery: 1000, EvalBatches: 8, Seed: 1,
		}
		if spec.Family == tasks.FamilyRecall {
			s.Arch.D, s.opts.Vocab = 128, 8192
			s.Train.Batch, s.Train.LR, s.Train.LRMin, s.Train.Warmup = 256, 1e-3, 1e-4, 1000
		}
	default:
		return s, false
	}
	if spec.Family == tasks.FamilyRecall {
		set := tasks.MQARSettings[0]
		s.SeqLen, s.opts.Pairs = set.T, set.Pairs
		s.trainL, s.evalL = []int{set.T}, []int{set.T}
	}
	return s, true
}

// lengthRange returns lo, lo+1, …, hi.
func lengthRange(lo, hi int) []int {
	var out []int
	for L := lo; L <= hi; L++ {
		out = append(out, L)
	}
	return out
}

// parseInputLengths reads a list of input lengths: comma-separated items, each
// a length or a range a-b, every length in 1..maxLength.
func parseInputLengths(flag, v string) ([]int, error) {
	const maxLength = 1 << 16
	var out []int
	bad := func(why string) error {
		return badInput("--%s %q: %s; give lengths 1..%d as a range a-b and/or a comma list, e.g. 1-40 or 40,64,128,256", flag, v, why, maxLength)
	}
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		lo, hi, isRange := strings.Cut(item, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, bad(fmt.Sprintf("%q is not a length", item))
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				return nil, bad(fmt.Sprintf("%q is not a range", item))
			}
		}
		if a < 1 || b > maxLength || a > b {
			return nil, bad(fmt.Sprintf("%q is out of range", item))
		}
		for L := a; L <= b; L++ {
			if !slices.Contains(out, L) {
				out = append(out, L)
			}
		}
	}
	return out, nil
}

// synthPlan is a validated synthetic run: one or more tasks, each with its
// LengthTask built (held-out sets drawn), and the models.
type synthPlan struct {
	suite   bool
	every   int            // --checkpoint-every, 0 for none
	resume  []*synthResume // --resume: per task, what the interrupted run finished
	preset  string
	out     string
	tasks   []synthTask
	configs [][]models.Config // per task (V differs)
}

type synthTask struct {
	spec tasks.Spec
	s    synthSettings
	lt   *harness.LengthTask
}

// synthAction is bench run for a synthetic task or the formal suite.
func synthAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return badInput("run takes no arguments, got %q (flags start with --)", c.Args().First())
	}
	p, err := makeSynthPlan(c)
	if err != nil {
		return err
	}
	if c.Bool("dry-run") {
		return printSynthPlan(c.App.Writer, p)
	}
	if err := os.MkdirAll(p.out, 0o755); err != nil {
		return badInput("cannot create --out %s: %v", p.out, err)
	}
	return executeSynth(c.Context, c, p)
}

func makeSynthPlan(c *cli.Context) (*synthPlan, error) {
	name := c.String("task")
	p := &synthPlan{suite: name == SuiteFormal, preset: c.String("preset")}
	names := []string{name}
	if p.suite {
		names = tasks.Names(tasks.FamilyFormal)
	}
	for _, f := range []string{"copy-tokens", "data", "sample", "temperature", "top-k", "eval-full", "params"} {
		if c.IsSet(f) {
			return nil, badInput("--%s does not apply to --task %s (synthetic tasks take: %s, and the model and training flags)", f, name, strings.Join(synthOnlyFlags, ", "))
		}
	}
	if err := rejectFlags(c, sweepOnlyFlags, "applies to --task sweep only"); err != nil {
		return nil, err
	}
	for _, n := range names {
		spec, _ := tasks.Lookup(n)
		for _, f := range synthOnlyFlags {
			if c.IsSet(f) && !slices.Contains(spec.Flags, f) {
				return nil, badInput("--%s does not apply to --task %s: its task flags are %s", f, name, strings.Join(spec.Flags, ", "))
			}
		}
		if c.IsSet("seq-len") && spec.Family != tasks.FamilyRecall {
			return nil, badInput("--seq-len does not apply to --task %s: formal tasks take --train-lengths and --eval-lengths", name)
		}
		s, ok := synthPreset(spec, p.preset)
		if !ok {
			return nil, badInput("unknown --preset %q%s: allowed %s", p.preset, suggest(p.preset, Presets), strings.Join(Presets, ", "))
		}
		if err := applySynthFlags(c, spec, &s); err != nil {
			return nil, err
		}
		g := spec.New(s.opts)
		lt, err := harness.NewLengthTask(g, s.trainL, s.evalL, s.Train.Batch, s.Train.EvalBatches, s.Train.Seed+1_000_003)
		if err != nil {
			return nil, badInput("%v", err)
		}
		s.Arch.V = g.V()
		cfgs, err := modelConfigs(c.String("model"), c.String("mode"), s.Arch)
		if err != nil {
			return nil, err
		}
		p.tasks = append(p.tasks, synthTask{spec: spec, s: s, lt: lt})
		p.configs = append(p.configs, cfgs)
	}
	p.out = c.String("out")
	if c.IsSet("checkpoint-every") {
		if p.every = c.Int("checkpoint-every"); p.every < 1 {
			return nil, badInput("--checkpoint-every must be an integer ≥ 1 (steps between checkpoints), got %d", p.every)
		}
	}
	if c.IsSet("resume") {
		var err error
		if p.out, err = resumeDir(p.out, c.String("resume")); err != nil {
			return nil, err
		}
		if _, err := readResumeRecordOrSuite(p); err != nil {
			return nil, err
		}
		for i, t := range p.tasks {
			r, err := loadSynthResume(p.taskDir(t), t, p.configs[i])
			if err != nil {
				return nil, err
			}
			p.resume = append(p.resume, r)
		}
		return p, nil
	}
	if p.out == "" {
		model := c.String("model")
		if strings.Contains(model, ",") {
			model = "multi"
		}
		p.out = filepath.Join("results", fmt.Sprintf("%s-%s-%s", name, model, time.Now().UTC().Format("20060102T150405Z")))
	}
	if st, err := os.Stat(p.out); err == nil && !st.IsDir() {
		return nil, badInput("--out %s is a file; give a folder (it is created if missing)", p.out)
	}
	for _, t := range p.tasks {
		if err := refuseEarlierResults(p.taskDir(t)); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// taskDir is where task t's results go: --out itself, or a folder per task
// inside it for the suite.
func (p *synthPlan) taskDir(t synthTask) string {
	if p.suite {
		return filepath.Join(p.out, t.spec.Name)
	}
	return p.out
}

// applySynthFlags applies the common flags (applyFlags) and the task's own.
func applySynthFlags(c *cli.Context, spec tasks.Spec, s *synthSettings) error {
	if spec.Family == tasks.FamilyRecall && c.IsSet("setting") {
		i := slices.IndexFunc(tasks.MQARSettings, func(m tasks.MQARSetting) bool { return m.Name == c.String("setting") })
		if i < 0 {
			var names []string
			for _, m := range tasks.MQARSettings {
				names = append(names, m.Name)
			}
			return badInput("unknown --setting %q: allowed %s", c.String("setting"), strings.Join(names, ", "))
		}
		s.SeqLen, s.opts.Pairs = tasks.MQARSettings[i].T, tasks.MQARSettings[i].Pairs
	}
	if err := applyFlags(c, &s.settings); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"pairs", &s.opts.Pairs}, {"vocab", &s.opts.Vocab}} {
		if c.IsSet(f.name) {
			if *f.dst = c.Int(f.name); *f.dst < 1 {
				return badInput("--%s must be an integer ≥ 1, got %d", f.name, *f.dst)
			}
		}
	}
	var err error
	if c.IsSet("train-lengths") {
		if s.trainL, err = parseInputLengths("train-lengths", c.String("train-lengths")); err != nil {
			return err
		}
	}
	if c.IsSet("eval-lengths") {
		if s.evalL, err = parseInputLengths("eval-lengths", c.String("eval-lengths")); err != nil {
			return err
		}
	}
	if spec.Family == tasks.FamilyRecall {
		s.trainL, s.evalL = []int{s.SeqLen}, []int{s.SeqLen}
	}
	return nil
}

// printSynthPlan prints what a --dry-run would run.
func printSynthPlan(w io.Writer, p *synthPlan) error {
	for i, t := range p.tasks {
		lt := t.lt
		var sets []string
		for _, s := range lt.Sets {
			sets = append(sets, s.Label)
		}
		fmt.Fprintf(w, "Dry run: nothing trained or written. Task %s (%s), trained on L %s, held-out sets %s (max T %d), batch %d, %d steps, seed %d; output %s.\n\n",
			t.spec.Name, t.spec.Source, lt.Sets[0].Label, strings.Join(sets[1:], ","), lt.T(), t.s.Train.Batch, t.s.Train.Steps, t.s.Train.Seed, p.taskDir(t))
		var rows [][]string
		for _, cfg := range p.configs[i] {
			m, err := models.New[float32](cfg, t.s.Train.Seed)
			if err != nil {
				return err
			}
			rows = append(rows, []string{harness.ModelName(cfg), fmt.Sprint(cfg.D), fmt.Sprint(m.PS.CountNonEmbedding()), fmt.Sprint(m.PS.Count())})
		}
		if err := reports.Markdown(w, []string{"model", "D", "non-emb params", "params"}, rows); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	return nil
}
