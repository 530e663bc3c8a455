package models

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Config fixes a model's architecture.
type Config struct {
	Mixer     string  `json:"mixer"`     // one of MixerNames (a Spec's Name)
	Mode      string  `json:"mode"`      // training mode, one of the Spec's Modes
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

// Name is "mixer" or "mixer/mode", the row label of records, tables and plots.
func (c Config) Name() string {
	if c.Mode != "" {
		return c.Mixer + "/" + c.Mode
	}
	return c.Mixer
}

// DefaultMode returns the default training mode of a mixer ("" if it has one mode).
func DefaultMode(mixer string) string {
	if m := Modes[mixer]; len(m) > 0 {
		return m[0]
	}
	return ""
}

// Validate checks the configuration and returns an error naming the first
// field that is out of range and the values allowed: the mixer's own fields
// (ValidateMixer), then the model's.
func (c Config) Validate() error {
	if err := c.ValidateMixer(); err != nil {
		return err
	}
	if err := cmp.Or(positive("vocabulary", c.V), positive("--layers", c.L)); err != nil {
		return err
	}
	if c.MLP < 0 {
		return fmt.Errorf("--mlp must be 0 (no MLP) or positive, got %d", c.MLP)
	}
	if c.Dropout < 0 || c.Dropout >= 1 {
		return fmt.Errorf("--dropout must be in [0, 1), got %g", c.Dropout)
	}
	return c.validateVariants()
}

// ValidateMixer checks the fields one mixer reads (mixer, mode, D,
// expansion, and its Spec's Check) — the one validation every constructor
// relies on; NewMixer calls it.
func (c Config) ValidateMixer() error {
	s, ok := SpecOf(c.Mixer)
	if !ok {
		return fmt.Errorf("unknown model %q: allowed %s", c.Mixer, strings.Join(MixerNames, ", "))
	}
	if len(s.Modes) == 0 {
		if c.Mode != "" {
			return fmt.Errorf("model %s has no --mode (got %q): leave it empty", c.Mixer, c.Mode)
		}
	} else if !slices.Contains(s.Modes, c.Mode) {
		return fmt.Errorf("unknown mode %q for %s: allowed %s", c.Mode, c.Mixer, strings.Join(s.Modes, ", "))
	}
	if err := cmp.Or(positive("--dim", c.D), positive("--expansion", c.Expansion)); err != nil {
		return err
	}
	if s.Check != nil {
		return s.Check(c)
	}
	return nil
}

// positive returns an error naming the field unless v > 0.
func positive(name string, v int) error {
	if v <= 0 {
		return fmt.Errorf("%s must be a positive integer, got %d", name, v)
	}
	return nil
}
