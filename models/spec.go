package models

import (
	"fmt"

	"rnnbench/internal/tensor"
)

// Spec is everything rnnbench knows about one mixer, in one place (the
// shape of zoology's ModuleConfig): the CLI reads its name and modes, the
// harness its parameter bound, reports and `bench list` its source. Adding
// a mixer means writing models/<name>.go, its test, and one entry in Specs.
type Spec struct {
	Name   string   // the --model value and the first part of Config.Name
	Title  string   // the name in prose ("minGRU"), for table labels
	Modes  []string // training modes, the first the default; nil for one mode ""
	Source string   // paper, section and equation the mixer implements

	// New32 and New64 build the mixer (NewMixer picks one by precision);
	// c has passed Config.Validate.
	New32 func(ps *tensor.ParamSet[float32], prefix string, c Config) (Mixer[float32], error)
	New64 func(ps *tensor.ParamSet[float64], prefix string, c Config) (Mixer[float64], error)

	// Weights is a lower bound of the mixer's parameter count from its
	// shapes alone (its weight matrices, leaving out biases, norms and
	// small projections), in float64 so that it cannot overflow; the
	// memory planner refuses a config on it before building anything.
	Weights func(c Config) float64

	// Check returns an error naming a field of c this mixer cannot take
	// (beyond the common checks of Config.Validate), or nil.
	Check func(c Config) error
}

// minRNNModes are the training modes of minGRU and minLSTM (see minRNN).
var minRNNModes = []string{"parallel", "sequential", "linear", "chunked"}

// Specs lists the mixers in the order tables list them.
var Specs = []Spec{
	{
		Name: "mingru", Title: "minGRU", Modes: minRNNModes, New32: NewMinGRU[float32], New64: NewMinGRU[float64],
		Source:  "Feng et al. 2024, arXiv 2410.01201, §3 (minGRU, log-space form in §3 and the appendix)",
		Weights: func(c Config) float64 { return 2 * fE(c) * fD(c) }, // in: D → 2E
	},
	{
		Name: "minlstm", Title: "minLSTM", Modes: minRNNModes, New32: NewMinLSTM[float32], New64: NewMinLSTM[float64],
		Source:  "Feng et al. 2024, arXiv 2410.01201, §3 (minLSTM, log-space form in §3 and the appendix)",
		Weights: func(c Config) float64 { return 3 * fE(c) * fD(c) }, // in: D → 3E
	},
	{
		Name: "gru", Title: "GRU", New32: NewGRU[float32], New64: NewGRU[float64],
		Source:  "Cho et al. 2014; PyTorch nn.GRU documentation",
		Weights: func(c Config) float64 { return 3 * fE(c) * (fD(c) + fE(c)) },
	},
	{
		Name: "lstm", Title: "LSTM", New32: NewLSTM[float32], New64: NewLSTM[float64],
		Source:  "Hochreiter & Schmidhuber 1997; PyTorch nn.LSTM documentation",
		Weights: func(c Config) float64 { return 4 * fE(c) * (fD(c) + fE(c)) },
	},
	{
		Name: "transformer", Title: "Transformer", New32: NewAttention[float32], New64: NewAttention[float64],
		Source:  "Vaswani et al. 2017 (causal attention); Su et al. 2021 (RoPE)",
		Weights: func(c Config) float64 { return 4 * fD(c) * fD(c) }, // qkv 3D², proj D²
		Check:   checkAttention,
	},
	{
		Name: "mamba", Title: "Mamba", New32: NewMamba[float32], New64: NewMamba[float64],
		Source: "Gu & Dao 2023, arXiv 2312.00752, §3 and Algorithm 2 (S6)",
		// in_proj 2E·D, out_proj E·D, A E·N.
		Weights: func(c Config) float64 { return 3*fE(c)*fD(c) + fE(c)*float64(c.N) },
		Check:   checkMamba,
	},
}

// Derived views of Specs, for callers that need a name list or a map.
var (
	// MixerNames lists the mixer names in Specs order.
	MixerNames = specNames()
	// Modes lists each mixer's training modes, the first the default;
	// mixers not listed have the single mode "".
	Modes = specModes()
	// Source names where each mixer's equations come from.
	Source = specSources()
)

// SpecOf returns the spec of the mixer named name, and false if there is none.
func SpecOf(name string) (Spec, bool) {
	for _, s := range Specs {
		if s.Name == name {
			return s, true
		}
	}
	return Spec{}, false
}

// NewMixer builds the mixer c.Mixer, registering its parameters in ps under
// prefix (e.g. "blocks.0.mixer"). It returns the error of c.ValidateMixer.
func NewMixer[F tensor.Float](ps *tensor.ParamSet[F], prefix string, c Config) (Mixer[F], error) {
	if err := c.ValidateMixer(); err != nil {
		return nil, err
	}
	s, _ := SpecOf(c.Mixer)
	switch ps := any(ps).(type) {
	case *tensor.ParamSet[float32]:
		m, err := s.New32(ps, prefix, c)
		return any(m).(Mixer[F]), err
	case *tensor.ParamSet[float64]:
		m, err := s.New64(ps, prefix, c)
		return any(m).(Mixer[F]), err
	}
	return nil, fmt.Errorf("models: no %s mixer for this precision", c.Mixer)
}

// checkAttention: the heads divide D into even head widths (RoPE rotates pairs).
func checkAttention(c Config) error {
	if c.H <= 0 || c.D%c.H != 0 {
		return fmt.Errorf("--heads must divide --dim: got %d heads for D=%d", c.H, c.D)
	}
	if (c.D/c.H)%2 != 0 {
		return fmt.Errorf("--dim/--heads must be even for RoPE: got head width %d", c.D/c.H)
	}
	return nil
}

// checkMamba: the SSM state size N is positive.
func checkMamba(c Config) error {
	if c.N <= 0 {
		return fmt.Errorf("--state must be a positive integer, got %d", c.N)
	}
	return nil
}

func fD(c Config) float64 { return float64(c.D) }
func fE(c Config) float64 { return float64(c.Expansion) * float64(c.D) }

func specNames() []string {
	out := make([]string, len(Specs))
	for i, s := range Specs {
		out[i] = s.Name
	}
	return out
}

func specModes() map[string][]string {
	out := map[string][]string{}
	for _, s := range Specs {
		if len(s.Modes) > 0 {
			out[s.Name] = s.Modes
		}
	}
	return out
}

func specSources() map[string]string {
	out := map[string]string{}
	for _, s := range Specs {
		out[s.Name] = s.Source
	}
	return out
}
