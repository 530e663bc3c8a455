package models

import (
	"fmt"
	"rnnbench/internal/tensor"
	"strings"
)

// Variants are the official code's departures from the paper's equations
// (Feng et al. 2024, code BorealisAI/minRNNs: models/minRNNs.py,
// models/model.py, main.py; the configs/*.yaml defaults as forks publish
// them). Each is off by default, so the zero value is the paper; each field
// is omitted from JSON when off, so records and checkpoints written before
// the variants existed read back unchanged. Every training mode of minGRU
// and minLSTM supports every variant.
type Variants struct {
	// NoCoeffNorm (minLSTM): h_t = f_t·h_{t−1} + i_t·h̃_t with f and i used
	// as they are, not normalised to f/(f+i) and i/(f+i); in log space
	// log a = −softplus(−k_f), log b = −softplus(−k_i) + log g(k_h).
	// models/minRNNs.py, minLSTM.forward, `use_coeff_norm: False` (the
	// default configuration).
	NoCoeffNorm bool `json:"no_coeff_norm,omitempty"`
	// ForgetBias (minLSTM) is added to the forget-gate bias after its
	// nn.Linear init: minLSTM.__init__, `forget_bias_init_scale` (3).
	ForgetBias float64 `json:"forget_bias,omitempty"`
	// InitState (minGRU, minLSTM): a learned initial state
	// h_{−1} = g(s), s: [E] drawn from N(0, 1), instead of h_{−1} = 0:
	// `use_init_hidden_state: True`, nn.Parameter(torch.randn(dim_inner)),
	// used through g (sequential) and log g (parallel).
	InitState bool `json:"init_state,omitempty"`
	// OutBias (minGRU, minLSTM): the output projection E → D has a bias and
	// is present even when E == D: `self.to_out = Linear(dim_inner, dim)`.
	OutBias bool `json:"out_bias,omitempty"`
	// ConvKernel > 0 (any mixer) adds x ← x + Conv(x) at the start of each
	// block, before its norm: a causal depthwise convolution of this kernel
	// size followed by a pointwise (1×1) one, both with bias
	// (models/model.py: `x = conv(x) + x`, CausalDepthWiseConv1d, enabled by
	// `kernel_size`; its module file is not public, the layer is that of
	// lucidrains/minGRU-pytorch, which model.py credits).
	ConvKernel int `json:"conv_kernel,omitempty"`
	// NormOffset (any mixer): every RMSNorm stores γ and scales by γ + 1,
	// γ initialised to 0 (nn.RMSNorm.Offset): the RMSNorm of
	// lucidrains/minGRU-pytorch, `F.normalize(x, dim=-1) * self.scale *
	// (self.gamma + 1)`, whose class name models/model.py imports (its
	// module file is not public). The same function at init; weight decay
	// (the official groups decay the norms) pulls the scale toward 1.
	NormOffset bool `json:"norm_offset,omitempty"`
	// DecayGroups names which parameters AdamW decays: "" (the default,
	// nanoGPT's rule) every matrix except the token embedding and Mamba's
	// A_log; "official" (minGRU, minLSTM) every parameter except the
	// recurrent input projection (main.py: `if 'to_hidden_and_gate' in
	// name` → weight_decay 0.0, every other parameter cfg.wd).
	DecayGroups string `json:"decay_groups,omitempty"`
}

// DecayGroupNames lists the allowed values of Variants.DecayGroups.
var DecayGroupNames = []string{"", "official"}

// maxConvKernel bounds Variants.ConvKernel.
const maxConvKernel = 64

// Official returns the variants the official code trains with
// (configs/default.yaml: use_coeff_norm False, forget_bias_init_scale 3,
// use_init_hidden_state True; to_out with bias; the γ + 1 RMSNorm; weight
// decay off only on to_hidden_and_gate) for mixer; the convolution stays off (kernel_size
// None in the selective-copying configuration). Mixers other than minGRU
// and minLSTM have no official variants: the zero value.
func Official(mixer string) Variants {
	switch mixer {
	case "mingru":
		return Variants{InitState: true, OutBias: true, NormOffset: true, DecayGroups: "official"}
	case "minlstm":
		return Variants{NoCoeffNorm: true, ForgetBias: 3, InitState: true, OutBias: true, NormOffset: true, DecayGroups: "official"}
	}
	return Variants{}
}

// validateVariants returns an error naming the first variant c.Mixer does
// not have, or a value out of range.
func (c Config) validateVariants() error {
	v := c.Variants
	minRNN := c.Mixer == "mingru" || c.Mixer == "minlstm"
	switch {
	case (v.NoCoeffNorm || v.ForgetBias != 0) && c.Mixer != "minlstm":
		return fmt.Errorf("--no-coeff-norm and --forget-bias apply to minlstm only, not %s", c.Mixer)
	case (v.InitState || v.OutBias) && !minRNN:
		return fmt.Errorf("--init-state and --out-bias apply to mingru and minlstm only, not %s", c.Mixer)
	case v.ConvKernel < 0 || v.ConvKernel > maxConvKernel:
		return fmt.Errorf("--conv-kernel must be 0 (no convolution) to %d, got %d", maxConvKernel, v.ConvKernel)
	case v.DecayGroups != "" && v.DecayGroups != "official":
		return fmt.Errorf("unknown --decay-groups %q: allowed matrices, official", v.DecayGroups)
	case v.DecayGroups == "official" && !minRNN:
		return fmt.Errorf("--decay-groups official applies to mingru and minlstm only (the official code has no %s)", c.Mixer)
	}
	return nil
}

// applyDecayGroups sets each parameter's Decay flag for c.DecayGroups
// "official": every parameter decays except the minRNN input projections
// (named blocks.<l>.mixer.in.*, the official to_hidden_and_gate).
func applyDecayGroups[F tensor.Float](m *Model[F]) {
	if m.Cfg.DecayGroups != "official" {
		return
	}
	for _, p := range m.PS.Params {
		p.Decay = !strings.Contains(p.Name, ".mixer.in.")
	}
}

// For returns v restricted to the variants mixer has: minGRU drops the
// minLSTM-only ones, mixers other than minGRU and minLSTM keep only the
// block-level ones (the convolution and the norm's γ + 1). A preset that
// switches the official variants on for a list of models sets the
// superset once and takes For(mixer) per model.
func (v Variants) For(mixer string) Variants {
	switch mixer {
	case "minlstm":
		return v
	case "mingru":
		v.NoCoeffNorm, v.ForgetBias = false, 0
		return v
	}
	return Variants{ConvKernel: v.ConvKernel, NormOffset: v.NormOffset}
}
