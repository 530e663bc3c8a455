package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"rnnbench/models"
)

// --preset official is the official selective-copying configuration, and
// --dry-run prints all of it.
func TestOfficialPresetDryRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := bench(t, "run", "--task", "selective-copy", "--preset", "official", "--model", "mingru,minlstm,gru", "--dry-run", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"T=4112, batch 64, up to 400000 steps",
		"Architecture: L=3, D=64, expansion 6 (E=384), MLP none, dropout 0, V=16.",
		"Optimiser: AdamW lr 0.0003 (constant), β1 0.9, β2 0.999, ε 1e-8, weight decay 0.05, clip 1.",
		"Evaluation: every 1000 steps on 200 batches of 64; stop at accuracy off.",
		"Data: selective copying, data region 4096 + 16 copy tokens = T 4112.",
		"Variants of mingru/parallel: init-state, out-bias, norm-offset, decay-groups official.",
		"Variants of minlstm/parallel: no-coeff-norm, forget-bias 3, init-state, out-bias, norm-offset, decay-groups official.",
		"Variants of gru: norm-offset.",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dry run lacks %q:\n%s", want, stdout)
		}
	}
}

func TestOfficialPresetPlan(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	p := planOf(t, "--preset", "official", "--model", "minlstm", "--out", out)
	c := p.configs[0]
	if c.Variants != models.Official("minlstm") || c.L != 3 || c.D != 64 || c.Expansion != 6 || c.MLP != 0 {
		t.Errorf("official minlstm config %+v", c)
	}
	tr := p.s.Train
	if tr.LR != 3e-4 || tr.LRMin != 3e-4 || tr.Warmup != 0 || tr.WeightDecay != 0.05 || tr.Clip != 1 || tr.Batch != 64 || tr.Beta2 != 0.999 {
		t.Errorf("official training config %+v", tr)
	}
	// A flag overrides the preset's variant, both ways.
	p = planOf(t, "--preset", "official", "--model", "minlstm", "--no-coeff-norm=false", "--forget-bias", "0", "--decay-groups", "matrices", "--out", out)
	if v := p.configs[0].Variants; v.NoCoeffNorm || v.ForgetBias != 0 || v.DecayGroups != "" || !v.InitState {
		t.Errorf("overridden variants %+v", v)
	}
	// --preset paper is the paper's equations on a 4096-token data region.
	p = planOf(t, "--preset", "paper", "--model", "minlstm", "--out", out)
	if v := p.configs[0].Variants; v != (models.Variants{}) || p.s.SeqLen != 4096+16 || p.s.CopyTokens != 16 {
		t.Errorf("paper: variants %+v, T %d, K %d", v, p.s.SeqLen, p.s.CopyTokens)
	}
}

func TestDataLenAndConstantLR(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	p := planOf(t, "--data-len", "100", "--copy-tokens", "4", "--constant-lr", "--lr", "1e-3", "--out", out)
	if p.s.SeqLen != 104 || p.copy.T != 104 || p.copy.K != 4 {
		t.Errorf("--data-len 100 --copy-tokens 4: T %d (task %+v), want 104", p.s.SeqLen, p.copy)
	}
	if tr := p.s.Train; tr.LRMin != 1e-3 || tr.Warmup != 0 {
		t.Errorf("--constant-lr: lr-min %g warm-up %d", tr.LRMin, tr.Warmup)
	}
	p = planOf(t, "--conv-kernel", "4", "--init-state", "--model", "mingru,minlstm", "--out", out)
	for _, c := range p.configs {
		if c.ConvKernel != 4 || !c.InitState || c.NoCoeffNorm {
			t.Errorf("%s: %+v", c.Mixer, c.Variants)
		}
	}
}

func TestFidelityFlagsBadInput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--data-len", "10", "--seq-len", "20"}, "--data-len and --seq-len both set"},
		{[]string{"--data-len", "0"}, "--data-len must be an integer ≥ 1"},
		{[]string{"--task", "char-lm", "--data-len", "10"}, "--data-len applies to --task selective-copy only"},
		{[]string{"--constant-lr", "--warmup", "5"}, "--constant-lr with --lr-min or --warmup"},
		{[]string{"--init-state", "--model", "mingru,gru"}, "--init-state applies to mingru and minlstm only, and --model mingru,gru includes gru"},
		{[]string{"--no-coeff-norm", "--model", "mingru"}, "--no-coeff-norm applies to minlstm only"},
		{[]string{"--decay-groups", "offical"}, `unknown --decay-groups "offical" (did you mean "official"?)`},
		{[]string{"--conv-kernel", "-2"}, "--conv-kernel must be 0 (no convolution) to 64"},
	} {
		code, _, stderr := bench(t, append([]string{"run", "--dry-run", "--out", out}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line with %q", tc.args, code, stderr, tc.want)
		}
	}
}
