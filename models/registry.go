package models

import (
	"fmt"

	"rnnbench/internal/tensor"
)

// NewMixer builds the mixer c.Mixer, registering its parameters in ps under
// prefix (e.g. "blocks.0.mixer"). c must be valid (Config.Validate).
func NewMixer[F tensor.Float](ps *tensor.ParamSet[F], prefix string, c Config) (Mixer[F], error) {
	switch c.Mixer {
	case "mingru":
		return NewMinGRU(ps, prefix, c)
	case "minlstm":
		return NewMinLSTM(ps, prefix, c)
	case "gru":
		return NewGRU(ps, prefix, c)
	case "lstm":
		return NewLSTM(ps, prefix, c)
	case "transformer":
		return NewAttention(ps, prefix, c)
	case "mamba":
		return NewMamba(ps, prefix, c)
	}
	return nil, fmt.Errorf("unknown model %q", c.Mixer)
}
