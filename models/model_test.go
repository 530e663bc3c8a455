package models_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"rnnbench/models"
)

// tinyConfig is a whole model small enough for finite differences over
// every parameter: two blocks, with MLP and dropout off.
func tinyConfig(mixer string) models.Config {
	return models.Config{Mixer: mixer, Mode: models.DefaultMode(mixer), V: 5, L: 2, D: 4, Expansion: 2, H: 2, N: 2, MLP: 2}
}

func tinyBatch(B, T, V int) (tokens, targets []int32) {
	rng := rand.New(rand.NewPCG(3, 4))
	tokens, targets = make([]int32, B*T), make([]int32, B*T)
	for i := range tokens {
		tokens[i] = int32(rng.IntN(V))
		targets[i] = int32(rng.IntN(V))
		if i%3 == 1 {
			targets[i] = -1 // ignored positions must not contribute
		}
	}
	return tokens, targets
}

// The whole model's Backward matches central finite differences of the
// mean cross-entropy for every parameter, for every mixer.
func TestModelGradients(t *testing.T) {
	const B, T = 2, 4
	for _, name := range models.MixerNames {
		t.Run(name, func(t *testing.T) { modelGradCheck(t, tinyConfig(name)) })
	}
}

// Feeding tokens one at a time through Step gives Forward's logits.
func TestModelStepEqualsForward(t *testing.T) {
	const B, T = 2, 6
	for _, name := range models.MixerNames {
		t.Run(name, func(t *testing.T) {
			c := tinyConfig(name)
			m, tokens, logits, st := stepSetup(t, c, B, T)
			step := make([]int32, B)
			for tt := 0; tt < T; tt++ {
				for b := 0; b < B; b++ {
					step[b] = tokens[b*T+tt]
				}
				got := m.Step(st, step)
				for b := 0; b < B; b++ {
					for v := 0; v < c.V; v++ {
						want := logits[(b*T+tt)*c.V+v]
						if d := math.Abs(got[b*c.V+v] - want); d > 1e-10 {
							t.Fatalf("b=%d t=%d v=%d: Step %.12g, Forward %.12g", b, tt, v, got[b*c.V+v], want)
						}
					}
				}
			}
		})
	}
}

// The analytic memory counts parameters, gradients and AdamW's two moments
// exactly, and activations grow linearly in T for a recurrent mixer.
func TestModelMemory(t *testing.T) {
	c := tinyConfig("gru")
	mem := func(T int) models.Memory {
		m, err := models.New[float32](c, 1)
		if err != nil {
			t.Fatal(err)
		}
		m.Alloc(2, T)
		return m.Memory()
	}
	m8, m16, m32 := mem(8), mem(16), mem(32)
	m, _ := models.New[float32](c, 1)
	p := int64(m.PS.Count()) * 4
	if m8.Params != p || m8.Grads != p || m8.Optimizer != 2*p {
		t.Fatalf("params/grads/optimizer = %d/%d/%d, want %d/%d/%d", m8.Params, m8.Grads, m8.Optimizer, p, p, 2*p)
	}
	if d1, d2 := m16.Activations-m8.Activations, m32.Activations-m16.Activations; d2 != 2*d1 || d1 <= 0 {
		t.Fatalf("activations not linear in T: %d, %d, %d bytes", m8.Activations, m16.Activations, m32.Activations)
	}
	if _, err := models.CountParams(c); err != nil {
		t.Fatal(err)
	}
	if n, _ := models.CountParams(c); n != m.PS.CountNonEmbedding() {
		t.Fatalf("CountParams = %d, model has %d non-embedding parameters", n, m.PS.CountNonEmbedding())
	}
}

// EstimateMemory extrapolates to exactly what Alloc counts, for every mixer.
func TestEstimateMemoryIsExact(t *testing.T) {
	for _, name := range models.MixerNames {
		c := tinyConfig(name)
		for _, T := range []int{4, 17, 64} {
			est, err := models.EstimateMemory(c, 3, T)
			if err != nil {
				t.Fatal(err)
			}
			m, _ := models.New[float32](c, 1)
			m.Alloc(3, T)
			if got := m.Memory(); got != est {
				t.Errorf("%s T=%d: EstimateMemory %+v, Alloc counted %+v", name, T, est, got)
			}
		}
	}
}
