// Package paper holds the published figures rnnbench checks itself against:
// the claims of Feng et al. 2024 ("Were RNNs All We Needed?", arXiv
// 2410.01201) as one data file, figures.json, embedded in the binary. Views
// (the sweep's ratio table) and the claims report read them from here, so a
// figure is written down once. Each figure names its source; "secondary"
// means quoted by secondary sources (see ../shared/ANCHORS.md), approximate.
package paper

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed figures.json
var figuresJSON []byte

// Figure is one published number.
type Figure struct {
	Claim    string  `json:"claim"`              // speed, memory, selective-copy, char-lm
	Metric   string  `json:"metric"`             // train-step-speedup, train-memory-ratio, accuracy, test-loss
	Model    string  `json:"model"`              // model or model/mode, e.g. "mingru/parallel"
	Baseline string  `json:"baseline,omitempty"` // the denominator of a ratio: Value = Baseline ÷ Model (speed) or Model ÷ Baseline (memory)
	T        int     `json:"T,omitempty"`        // sequence length, where the figure is per length
	Layers   int     `json:"layers,omitempty"`   // L, where the figure is per depth
	D        int     `json:"D,omitempty"`        // model width, where stated
	Value    float64 `json:"value"`
	Std      float64 `json:"std,omitempty"` // over seeds, where published
	Unit     string  `json:"unit"`          // x, %, nats/char
	Hardware string  `json:"hardware,omitempty"`
	Source   string  `json:"source"`
}

// Set is the whole file.
type Set struct {
	Paper   string   `json:"paper"`
	Note    string   `json:"note"`
	Figures []Figure `json:"figures"`
}

var set Set

func init() {
	if err := json.Unmarshal(figuresJSON, &set); err != nil {
		panic(fmt.Sprintf("paper: figures.json: %v", err)) // embedded; a test reads it too
	}
}

// All returns every figure, in file order.
func All() Set { return set }

// Find returns the figures of one claim and metric, in file order.
func Find(claim, metric string) []Figure {
	var out []Figure
	for _, f := range set.Figures {
		if f.Claim == claim && f.Metric == metric {
			out = append(out, f)
		}
	}
	return out
}
