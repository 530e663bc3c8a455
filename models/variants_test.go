package models_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"rnnbench/models"
	"rnnbench/models/modeltest"
)

// The official code's variants (models/variants.go) through the shared
// conformance suite, every mode: shapes, causality, finite-difference
// gradients (including the learned initial state's), Step = Forward,
// determinism and modes agreeing.

func TestMinLSTMOfficialConformance(t *testing.T) {
	modeltest.Conformance(t, models.Config{Mixer: "minlstm", Mode: "parallel", D: 4, Expansion: 2, V: 7, L: 1,
		Variants: models.Official("minlstm")})
}

func TestMinGRUOfficialConformance(t *testing.T) {
	modeltest.Conformance(t, models.Config{Mixer: "mingru", Mode: "parallel", D: 4, Expansion: 2, V: 7, L: 1,
		Variants: models.Official("mingru")})
}

func TestMinRNNVariantsOneAtATime(t *testing.T) {
	for _, c := range []models.Config{
		{Mixer: "minlstm", Variants: models.Variants{NoCoeffNorm: true}},
		{Mixer: "minlstm", Variants: models.Variants{ForgetBias: 3}},
		{Mixer: "minlstm", Variants: models.Variants{InitState: true}},
		{Mixer: "mingru", Variants: models.Variants{InitState: true}},
		{Mixer: "mingru", Variants: models.Variants{OutBias: true}}, // E == D: projection present anyway
	} {
		c.Mode, c.D, c.Expansion, c.V, c.L = "parallel", 4, 1, 7, 1
		t.Run(c.Mixer, func(t *testing.T) { modeltest.Conformance(t, c) })
	}
}

// variantConfigs are whole models with the official variants, and the
// block convolution on minRNNs and on a mixer the official code lacks.
func variantConfigs() []models.Config {
	var out []models.Config
	for _, mixer := range []string{"mingru", "minlstm", "gru"} {
		c := tinyConfig(mixer)
		c.Variants = models.Official(mixer)
		c.ConvKernel, c.NormOffset = 3, true
		out = append(out, c)
	}
	return out
}

// Whole-model finite differences with the variants on: the learned
// initial state, the output bias and the block convolution get exact
// gradients.
func TestModelGradientsVariants(t *testing.T) {
	const B, T = 2, 4
	for _, c := range variantConfigs() {
		t.Run(c.Mixer, func(t *testing.T) { modelGradCheck(t, c) })
	}
}

// Step (inference, with the convolution's own state) equals Forward, and
// Reset starts over from the learned initial state.
func TestModelStepEqualsForwardVariants(t *testing.T) {
	const B, T = 2, 6
	for _, c := range variantConfigs() {
		t.Run(c.Mixer, func(t *testing.T) {
			m, tokens, logits, st := stepSetup(t, c, B, T)
			step := make([]int32, B)
			for pass := range 2 {
				for tt := 0; tt < T; tt++ {
					for b := 0; b < B; b++ {
						step[b] = tokens[b*T+tt]
					}
					got := m.Step(st, step)
					for i := range B * c.V {
						b, v := i/c.V, i%c.V
						if d := math.Abs(got[i] - logits[(b*T+tt)*c.V+v]); d > 1e-10 {
							t.Fatalf("pass %d b=%d t=%d v=%d: Step %.12g, Forward %.12g", pass, b, tt, v, got[i], logits[(b*T+tt)*c.V+v])
						}
					}
				}
				st.Reset()
			}
		})
	}
}

// CountParams and EstimateMemory count the variants' parameters and
// buffers exactly.
func TestVariantsCountsExact(t *testing.T) {
	for _, c := range variantConfigs() {
		m, err := models.New[float32](c, 1)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := models.CountParams(c); n != m.PS.CountNonEmbedding() {
			t.Errorf("%s: CountParams = %d, model has %d non-embedding parameters", c.Mixer, n, m.PS.CountNonEmbedding())
		}
		est, err := models.EstimateMemory(c, 3, 17)
		if err != nil {
			t.Fatal(err)
		}
		m.Alloc(3, 17)
		if got := m.Memory(); got != est {
			t.Errorf("%s: EstimateMemory %+v, Alloc counted %+v", c.Mixer, est, got)
		}
	}
}

// ForgetBias adds exactly its value to the forget-gate rows of the input
// bias (rows k_f first) and nothing else; draws are otherwise unchanged.
func TestMinLSTMForgetBiasInit(t *testing.T) {
	c := tinyConfig("minlstm")
	base, _ := models.New[float64](c, 5)
	c.ForgetBias = 3
	off, _ := models.New[float64](c, 5)
	E := c.E()
	for l := range c.L {
		name := fmt.Sprintf("blocks.%d.mixer.in.bias", l)
		p0, _ := base.PS.Get(name)
		p1, _ := off.PS.Get(name)
		for i := range p0.Data {
			want := p0.Data[i]
			if i < E {
				want += 3
			}
			if p1.Data[i] != want {
				t.Fatalf("%s[%d] = %v, want %v", name, i, p1.Data[i], want)
			}
		}
	}
}

// Official decay groups: everything decays except the minRNN input
// projection (the official to_hidden_and_gate).
func TestDecayGroupsOfficial(t *testing.T) {
	c := tinyConfig("minlstm")
	c.Variants = models.Official("minlstm")
	m, _ := models.New[float64](c, 1)
	for _, p := range m.PS.Params {
		want := !strings.Contains(p.Name, ".mixer.in.")
		if p.Decay != want {
			t.Errorf("%s: decay %v, want %v", p.Name, p.Decay, want)
		}
	}
}

// Each variant is refused, with a one-line error naming the flag, where
// the mixer does not have it.
func TestVariantsValidate(t *testing.T) {
	for _, c := range []models.Config{
		{Mixer: "mingru", Variants: models.Variants{NoCoeffNorm: true}},
		{Mixer: "gru", Variants: models.Variants{ForgetBias: 3}},
		{Mixer: "lstm", Variants: models.Variants{InitState: true}},
		{Mixer: "transformer", H: 2, Variants: models.Variants{OutBias: true}},
		{Mixer: "mamba", N: 2, Variants: models.Variants{DecayGroups: "official"}},
		{Mixer: "mingru", Variants: models.Variants{DecayGroups: "all"}},
		{Mixer: "mingru", Variants: models.Variants{ConvKernel: -1}},
	} {
		c.Mode, c.V, c.L, c.D, c.Expansion = models.DefaultMode(c.Mixer), 5, 1, 4, 1
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), "--") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v: error %v, want one line naming the flag", c.Variants, err)
		}
	}
}

// Variants off leave the JSON of a Config as it was (no new keys).
func TestVariantsJSONOmitted(t *testing.T) {
	b, _ := json.Marshal(tinyConfig("mingru"))
	if s := string(b); strings.Contains(s, "init_state") || strings.Contains(s, "decay") || strings.Contains(s, "conv") {
		t.Fatalf("default config JSON has variant keys: %s", s)
	}
	c := tinyConfig("minlstm")
	c.Variants = models.Official("minlstm")
	b, _ = json.Marshal(c)
	var back models.Config
	if err := json.Unmarshal(b, &back); err != nil || back != c {
		t.Fatalf("round trip: %s → %+v (%v)", b, back, err)
	}
}

func TestMinGRUOfficialTorchFixture(t *testing.T) {
	modeltest.CheckTorchFixture(t, "../testdata/torch/mingru_official.json")
}

func TestMinLSTMOfficialTorchFixture(t *testing.T) {
	modeltest.CheckTorchFixture(t, "../testdata/torch/minlstm_official.json")
}

// For keeps exactly what each mixer accepts, so the result validates.
func TestVariantsFor(t *testing.T) {
	all := models.Official("minlstm")
	all.ConvKernel = 4
	for _, mixer := range models.MixerNames {
		c := tinyConfig(mixer)
		c.Variants = all.For(mixer)
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", mixer, err)
		}
		if c.ConvKernel != 4 {
			t.Errorf("%s: lost the convolution", mixer)
		}
	}
	if got := all.For("mingru"); got.InitState != true || got.NoCoeffNorm || got.ForgetBias != 0 {
		t.Errorf("mingru: %+v", got)
	}
	if got := all.For("gru"); got.InitState || got.DecayGroups != "" {
		t.Errorf("gru: %+v", got)
	}
}
