package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
	"rnnbench/models"
	"rnnbench/tasks"
	"rnnbench/views"
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

// synthCheckFlags refuses the flags that do not apply to the synthetic
// task (or suite) name.
func synthCheckFlags(c *cli.Context, name string) error {
	for _, f := range []string{"copy-tokens", "data", "sample", "temperature", "top-k", "eval-full"} {
		if c.IsSet(f) {
			return badInput("--%s does not apply to --task %s (synthetic tasks take: %s, and the model and training flags)", f, name, strings.Join(synthOnlyFlags, ", "))
		}
	}
	if err := rejectFlags(c, sweepOnlyFlags, "applies to --task sweep only"); err != nil {
		return err
	}
	names := []string{name}
	if name == SuiteFormal {
		names = tasks.Names(tasks.FamilyFormal)
	}
	for _, n := range names {
		spec, _ := tasks.Lookup(n)
		for _, f := range synthOnlyFlags {
			if c.IsSet(f) && !slices.Contains(spec.Flags, f) {
				return badInput("--%s does not apply to --task %s: its task flags are %s", f, name, strings.Join(spec.Flags, ", "))
			}
		}
		if c.IsSet("seq-len") && spec.Family != tasks.FamilyRecall {
			return badInput("--seq-len does not apply to --task %s: formal tasks take --train-lengths and --eval-lengths", name)
		}
	}
	return nil
}

// planSynth fills p's settings for the synthetic task spec from its
// preset and the flags: the unit's SynthSpec, the task's part of the
// record, and T = the longest row of any length (what the model is
// allocated for and the units' key holds). Bad input is a usageError.
func planSynth(c *cli.Context, p *plan, spec tasks.Spec) error {
	if err := synthCheckFlags(c, spec.Name); err != nil {
		return err
	}
	name := c.String("preset")
	s, ok := synthPreset(spec, name)
	if !ok {
		return badInput("unknown --preset %q%s: allowed %s", name, suggest(name, Presets), strings.Join(Presets, ", "))
	}
	if err := applySynthFlags(c, spec, &s); err != nil {
		return err
	}
	p.synth = &harness.SynthSpec{Task: spec.Name, Options: s.opts, TrainLengths: s.trainL, EvalLengths: s.evalL}
	lt, err := harness.NewSynthTask(*p.synth, s.Train.Batch, s.Train.EvalBatches, s.Train.Seed+harness.EvalSeedOffset)
	if err != nil {
		return badInput("%v", err)
	}
	g := lt.Gen
	p.synthCfg = map[string]any{
		"source": spec.Source, "V": g.V(), "classes": g.Classes(), "chance": tasks.Chance(g),
		"train_lengths": s.trainL, "eval_lengths": s.evalL, "max_T": lt.T(),
	}
	if spec.Family == tasks.FamilyRecall {
		p.synthCfg["seq_len"], p.synthCfg["pairs"], p.synthCfg["vocab"] = s.SeqLen, s.opts.Pairs, s.opts.Vocab
	}
	p.s = s.settings
	p.s.Arch.V, p.s.SeqLen = g.V(), lt.T()
	return nil
}

// formalAction is `bench run --task formal`: one experiment per formal
// task, each in <out>/<task> (runTasks), then the models × tasks summary
// formal.md and formal.png in <out>, and its table on stdout.
func formalAction(c *cli.Context) error {
	if err := synthCheckFlags(c, SuiteFormal); err != nil {
		return err
	}
	names := tasks.Names(tasks.FamilyFormal)
	out, err := runTasksIn(c, names, SuiteFormal)
	if err != nil || c.Bool("dry-run") {
		return err
	}
	var recs []*harness.Record
	for _, n := range names {
		rec, err := harness.ReadRecord(filepath.Join(out, n))
		if err != nil {
			return err
		}
		if hasLengths(rec) {
			recs = append(recs, rec)
		}
	}
	if len(recs) == 0 {
		return nil
	}
	if err := writeSuite(out, recs); err != nil {
		return fmt.Errorf("writing results to %s: %w", out, err)
	}
	fmt.Fprintf(c.App.Writer, "\nformal suite: %s\n\n", suiteCellNote)
	return views.SuiteTable(c.App.Writer, recs)
}

// suiteCellNote says what a cell of the suite table is.
const suiteCellNote = "each cell is the accuracy % averaged over the evaluation lengths (not the training range), with the scaled accuracy (0 = chance, 1 = perfect) in parentheses"

// printLengths prints the accuracy per held-out length of a synthetic
// run's record.
func printLengths(w io.Writer, rec *harness.Record) error {
	if !hasLengths(rec) {
		return nil
	}
	fmt.Fprintf(w, "\n%s: accuracy %% (scaled) per held-out input length\n\n", rec.Task)
	return views.LengthTable(w, rec)
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
