package models

import (
	"fmt"
	"slices"
	"strings"
)

// Mixer names, in the order tables list them.
var MixerNames = []string{"mingru", "minlstm", "gru", "lstm", "transformer", "mamba"}

// Modes lists the training modes a mixer supports; the first is the default.
// Mixers not listed have the single mode "".
var Modes = map[string][]string{
	"mingru":  {"parallel", "sequential", "linear", "chunked"},
	"minlstm": {"parallel", "sequential", "linear", "chunked"},
}

// Config fixes a model's architecture.
type Config struct {
	Mixer     string  `json:"mixer"`     // one of MixerNames
	Mode      string  `json:"mode"`      // training mode, see Modes
	V         int     `json:"V"`         // vocabulary size
	L         int     `json:"L"`         // number of residual blocks
	D         int     `json:"D"`         // model width
	Expansion int     `json:"expansion"` // E = Expansion·D for the RNNs and Mamba
	H         int     `json:"H"`         // attention heads (transformer)
	N         int     `json:"N"`         // SSM state size (mamba)
	MLP       int     `json:"mlp"`       // MLP hidden = MLP·D after each mixer; 0 for none
	Dropout   float64 `json:"dropout"`   // dropout on each residual branch (training only)

	// Variants of the official code (BorealisAI/minRNNs), off by default:
	// the zero values are the paper's equations. See variants.go.
	Variants
}

// E returns the hidden width Expansion·D.
func (c Config) E() int { return c.Expansion * c.D }

// DefaultMode returns the default training mode of a mixer ("" if it has one mode).
func DefaultMode(mixer string) string {
	if m := Modes[mixer]; len(m) > 0 {
		return m[0]
	}
	return ""
}

// Validate checks the configuration and returns an error naming the first
// field that is out of range and the values allowed.
func (c Config) Validate() error {
	if !slices.Contains(MixerNames, c.Mixer) {
		return fmt.Errorf("unknown model %q: allowed %s", c.Mixer, strings.Join(MixerNames, ", "))
	}
	modes := Modes[c.Mixer]
	if len(modes) == 0 {
		if c.Mode != "" {
			return fmt.Errorf("model %s has no --mode (got %q): leave it empty", c.Mixer, c.Mode)
		}
	} else if !slices.Contains(modes, c.Mode) {
		return fmt.Errorf("unknown mode %q for %s: allowed %s", c.Mode, c.Mixer, strings.Join(modes, ", "))
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"vocabulary", c.V}, {"--layers", c.L}, {"--dim", c.D}, {"--expansion", c.Expansion}} {
		if f.v <= 0 {
			return fmt.Errorf("%s must be a positive integer, got %d", f.name, f.v)
		}
	}
	if c.Mixer == "transformer" {
		if c.H <= 0 || c.D%c.H != 0 {
			return fmt.Errorf("--heads must divide --dim: got %d heads for D=%d", c.H, c.D)
		}
		if (c.D/c.H)%2 != 0 {
			return fmt.Errorf("--dim/--heads must be even for RoPE: got head width %d", c.D/c.H)
		}
	}
	if c.Mixer == "mamba" && c.N <= 0 {
		return fmt.Errorf("--state must be a positive integer, got %d", c.N)
	}
	if c.MLP < 0 {
		return fmt.Errorf("--mlp must be 0 (no MLP) or positive, got %d", c.MLP)
	}
	if c.Dropout < 0 || c.Dropout >= 1 {
		return fmt.Errorf("--dropout must be in [0, 1), got %g", c.Dropout)
	}
	return c.validateVariants()
}
