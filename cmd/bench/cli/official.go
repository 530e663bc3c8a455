package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"rnnbench/models"
)

// The official code's settings and variants (BorealisAI/minRNNs; see
// models/variants.go and README.md, Fidelity): --preset official, the flags
// that switch each variant on or off, --data-len and --constant-lr.

// officialSelectiveCopy sets s to the official selective-copying
// configuration (configs/selective_copy.yaml as forks publish it, main.py):
// sequence_length 4096 (the data region: T = 4096 + K), K = 16, 3 layers,
// d_model 64, expand_dim 6, batch 64, AdamW(lr 3e-4) with torch's defaults
// β = (0.9, 0.999), weight decay 0.05 on every parameter except
// to_hidden_and_gate, no learning-rate schedule, clip 1.0, no feed-forward
// block and no convolution, 400k steps, validation on 200 batches of 64.
// The minGRU/minLSTM variants are those of configs/default.yaml
// (models.Official; Variants.For keeps each model's own).
//
// Dropout is 0: the official dropout (0.1) sits inside the feed-forward
// block (models/model.py: FeedForward(dim, mult, dropout)), which this
// configuration disables, so the official model applies none. Evaluation
// every 1000 steps and no early stop at a target accuracy (the official
// code keeps the best checkpoint by validation accuracy instead) are
// rnnbench's choices; the official eval_freq is not public.
func officialSelectiveCopy(s *settings) {
	s.Arch = models.Config{L: 3, D: 64, Expansion: 6, H: 4, N: 16, MLP: 0, Dropout: 0}
	s.Arch.Variants = models.Official("minlstm") // the superset; For(mixer) per model
	s.CopyTokens = 16
	s.SeqLen = 4096 + s.CopyTokens
	s.Train.Batch, s.Train.Steps = 64, 400_000
	s.Train.LR, s.Train.LRMin, s.Train.Warmup = 3e-4, 3e-4, 0
	s.Train.Beta1, s.Train.Beta2 = 0.9, 0.999
	s.Train.WeightDecay, s.Train.Clip = 0.05, 1
	s.Train.EvalEvery, s.Train.EvalBatches, s.Train.TargetAcc = 1000, 200, 0
}

// fidelityFlags are the flags of this file, appended to runFlags.
func fidelityFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "data-len", Usage: "selective-copy: the data region (the official code's sequence_length); sets --seq-len to data-len + --copy-tokens (preset: 4096 paper and official, 56 quick)"},
		&cli.BoolFlag{Name: "constant-lr", Usage: "constant learning rate --lr: no warm-up and no decay (the official code; preset: on for official and paper)"},
		&cli.BoolFlag{Name: "no-coeff-norm", Usage: "minLSTM: use f and i as they are, not normalised by f+i (official use_coeff_norm False; preset: on for official); --no-coeff-norm=false turns it off"},
		&cli.Float64Flag{Name: "forget-bias", Usage: "minLSTM: add this to the forget-gate bias at init (official forget_bias_init_scale; preset: 3 official, 0 otherwise)"},
		&cli.BoolFlag{Name: "init-state", Usage: "minGRU/minLSTM: learned initial hidden state h0 = g(s), s ~ N(0, 1) (official use_init_hidden_state; preset: on for official)"},
		&cli.BoolFlag{Name: "out-bias", Usage: "minGRU/minLSTM: output projection with bias, present even when E = D (the official to_out; preset: on for official)"},
		&cli.BoolFlag{Name: "norm-offset", Usage: "RMSNorm scale stored as γ + 1 with γ initialised to 0 (lucidrains' RMSNorm, credited by the official code): weight decay pulls the scale toward 1 (preset: on for official)"},
		&cli.IntFlag{Name: "conv-kernel", Usage: "kernel size of a causal depthwise + pointwise convolution added as a residual before each block's norm (official kernel_size), 0 for none (preset: 0)"},
		&cli.StringFlag{Name: "decay-groups", Usage: "which parameters AdamW decays: matrices (every matrix but the embedding) or official (every parameter but the minRNN input projection, as the official main.py; minGRU/minLSTM only) (preset: official for official, matrices otherwise)"},
	}
}

// minRNNOnlyFlags apply to minGRU and minLSTM only; minLSTMOnlyFlags to minLSTM.
var (
	minRNNOnlyFlags  = []string{"init-state", "out-bias", "decay-groups"}
	minLSTMOnlyFlags = []string{"no-coeff-norm", "forget-bias"}
)

// applyFidelityFlags applies this file's flags to s after applyFlags
// (it is applyFlags' last step): the data region, the constant rate and
// the variants. A variant flag given for a model that lacks it is refused
// (models.Config.Validate would refuse it too, per model).
func applyFidelityFlags(c *cli.Context, s *settings) error {
	task := c.String("task")
	if c.IsSet("data-len") {
		switch {
		case task != "selective-copy":
			return badInput("--data-len applies to --task selective-copy only, not to --task %s", task)
		case c.IsSet("seq-len"):
			return badInput("--data-len and --seq-len both set: give one (--seq-len = --data-len + --copy-tokens)")
		case c.Int("data-len") < 1:
			return badInput("--data-len must be an integer ≥ 1, got %d", c.Int("data-len"))
		}
		s.SeqLen = c.Int("data-len") + s.CopyTokens
	}
	if c.IsSet("constant-lr") && c.Bool("constant-lr") {
		if c.IsSet("lr-min") || c.IsSet("warmup") {
			return badInput("--constant-lr with --lr-min or --warmup: a constant rate has neither; drop one")
		}
		s.Train.LRMin, s.Train.Warmup = s.Train.LR, 0
	}
	v := &s.Arch.Variants
	if c.IsSet("no-coeff-norm") {
		v.NoCoeffNorm = c.Bool("no-coeff-norm")
	}
	if c.IsSet("forget-bias") {
		v.ForgetBias = c.Float64("forget-bias")
		if v.ForgetBias != v.ForgetBias || v.ForgetBias < -100 || v.ForgetBias > 100 {
			return badInput("--forget-bias must be in [-100, 100], got %g", v.ForgetBias)
		}
	}
	if c.IsSet("init-state") {
		v.InitState = c.Bool("init-state")
	}
	if c.IsSet("out-bias") {
		v.OutBias = c.Bool("out-bias")
	}
	if c.IsSet("norm-offset") {
		v.NormOffset = c.Bool("norm-offset")
	}
	if c.IsSet("conv-kernel") {
		v.ConvKernel = c.Int("conv-kernel")
	}
	if c.IsSet("decay-groups") {
		switch g := c.String("decay-groups"); g {
		case "matrices":
			v.DecayGroups = ""
		case "official":
			v.DecayGroups = g
		default:
			return badInput("unknown --decay-groups %q%s: allowed matrices, official", g, suggest(g, []string{"matrices", "official"}))
		}
	}
	if err := (models.Config{Mixer: "minlstm", Mode: "parallel", V: 1, L: 1, D: 1, Expansion: 1, Variants: *v}).Validate(); err != nil {
		return badInput("%v", err) // ranges (the convolution's kernel)
	}
	return rejectVariantModels(c, task)
}

// rejectVariantModels refuses a minGRU/minLSTM-only variant flag when
// --model names (or "all" includes) a model without it.
func rejectVariantModels(c *cli.Context, task string) error {
	names := models.MixerNames
	if m := c.String("model"); m != "all" && !(task == "sweep" && !c.IsSet("model")) && m != "" {
		names = nil
		for _, n := range strings.Split(m, ",") {
			names = append(names, strings.TrimSpace(strings.ToLower(n)))
		}
	}
	check := func(flags []string, allowed ...string) error {
		for _, f := range flags {
			if !c.IsSet(f) || (f == "decay-groups" && c.String(f) == "matrices") {
				continue
			}
			for _, n := range names {
				if slices.Contains(models.MixerNames, n) && !slices.Contains(allowed, n) {
					return badInput("--%s applies to %s only, and --model %s includes %s", f, strings.Join(allowed, " and "), c.String("model"), n)
				}
			}
		}
		return nil
	}
	if err := check(minLSTMOnlyFlags, "minlstm"); err != nil {
		return err
	}
	return check(minRNNOnlyFlags, "mingru", "minlstm")
}

// variantSummary is one line naming the variants of cfg that are on, for
// --dry-run and progress; "paper equations" when none is.
func variantSummary(v models.Variants) string {
	var on []string
	if v.NoCoeffNorm {
		on = append(on, "no-coeff-norm")
	}
	if v.ForgetBias != 0 {
		on = append(on, fmt.Sprintf("forget-bias %g", v.ForgetBias))
	}
	if v.InitState {
		on = append(on, "init-state")
	}
	if v.OutBias {
		on = append(on, "out-bias")
	}
	if v.ConvKernel > 0 {
		on = append(on, fmt.Sprintf("conv-kernel %d", v.ConvKernel))
	}
	if v.NormOffset {
		on = append(on, "norm-offset")
	}
	if v.DecayGroups != "" {
		on = append(on, "decay-groups "+v.DecayGroups)
	}
	if len(on) == 0 {
		return "paper equations"
	}
	return strings.Join(on, ", ")
}

// printSettings prints the architecture, optimiser, data and each model's
// variants of a plan, for --dry-run: the whole configuration a run uses.
func printSettings(w io.Writer, p *plan) {
	s, a, tr := p.s, p.s.Arch, p.s.Train
	sched := fmt.Sprintf("warm-up %d steps, cosine to %g", tr.Warmup, tr.LRMin)
	if tr.Warmup == 0 && tr.LRMin == tr.LR {
		sched = "constant"
	}
	mlp := "none"
	if a.MLP > 0 {
		mlp = fmt.Sprintf("%d·D", a.MLP)
	}
	fmt.Fprintf(w, "Architecture: L=%d, D=%d, expansion %d (E=%d), MLP %s, dropout %g, V=%d.\n", a.L, a.D, a.Expansion, a.E(), mlp, a.Dropout, a.V)
	fmt.Fprintf(w, "Optimiser: AdamW lr %g (%s), β1 %g, β2 %g, ε 1e-8, weight decay %g, clip %g.\n", tr.LR, sched, tr.Beta1, tr.Beta2, tr.WeightDecay, tr.Clip)
	target := "off"
	if tr.TargetAcc > 0 {
		target = fmt.Sprintf("%g", tr.TargetAcc)
	}
	fmt.Fprintf(w, "Evaluation: every %d steps on %d batches of %d; stop at accuracy %s.\n", tr.EvalEvery, tr.EvalBatches, tr.Batch, target)
	if p.task == "selective-copy" {
		fmt.Fprintf(w, "Data: selective copying, data region %d + %d copy tokens = T %d.\n", s.SeqLen-s.CopyTokens, s.CopyTokens, s.SeqLen)
	}
	for _, cfg := range p.configs {
		fmt.Fprintf(w, "Variants of %s: %s.\n", cfg.Name(), variantSummary(cfg.Variants))
	}
	fmt.Fprintln(w)
}
