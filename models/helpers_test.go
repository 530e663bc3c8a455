package models_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"rnnbench/internal/tensor"
	"rnnbench/models"
	"rnnbench/models/modeltest"
)

// Helpers the mixers' tests share.

// initMixer builds the mixer of c under prefix in a new ParamSet of F,
// finalises it and draws its parameters from PCG(s1, s2).
func initMixer[F tensor.Float](t testing.TB, prefix string, c models.Config, s1, s2 uint64) (*tensor.ParamSet[F], models.Mixer[F]) {
	t.Helper()
	ps := &tensor.ParamSet[F]{}
	m, err := models.NewMixer(ps, prefix, c)
	if err != nil {
		t.Fatal(err)
	}
	ps.Finalize()
	m.Init(rand.New(rand.NewPCG(s1, s2)))
	return ps, m
}

// allocMixer makes m's buffers for B×T in a new arena.
func allocMixer[F tensor.Float](m models.Mixer[F], B, T int) *tensor.Arena[F] {
	a := &tensor.Arena[F]{}
	m.Alloc(a, B, T)
	return a
}

// buildMixer is initMixer (prefix "mixer", float64) with the buffers for
// B×T allocated.
func buildMixer(t *testing.T, c models.Config, B, T int, s1, s2 uint64) (models.Mixer[float64], *tensor.ParamSet[float64], *tensor.Arena[float64]) {
	t.Helper()
	ps, m := initMixer[float64](t, "mixer", c, s1, s2)
	return m, ps, allocMixer(m, B, T)
}

// conformanceWidths runs the conformance suite on c at E = 2D and E = D
// (no output projection).
func conformanceWidths(t *testing.T, c models.Config) {
	for _, ex := range []int{2, 1} {
		c.Expansion = ex
		t.Run(map[int]string{2: "E=2D", 1: "E=D"}[ex], func(t *testing.T) { modeltest.Conformance(t, c) })
	}
}

// maxScaled returns max|got − want| / max|want|: the error relative to the
// tensor's scale, meaningful for elements near 0, and where it is worst
// (the package's scaledErr, scan_test.go).
func maxScaled(got, want []float64) (float64, int) { return models.ScaledErr(got, want) }

// modelGradCheck requires that the whole model of c (seed 1) gives
// Backward within 1e-6 (relative to the largest) of central finite
// differences of the mean cross-entropy for every parameter, at B=2, T=4.
func modelGradCheck(t *testing.T, c models.Config) {
	const B, T = 2, 4
	m, err := models.New[float64](c, 1)
	if err != nil {
		t.Fatal(err)
	}
	m.Alloc(B, T)
	tokens, targets := tinyBatch(B, T, c.V)
	m.PS.ZeroGrad()
	m.Loss(tokens, targets, B, T, true)
	m.Backward(B, T)
	ana := append([]float64(nil), m.PS.Grad...)
	const eps = 1e-6
	worst, at, scale := 0.0, 0, 1e-8
	for i := range m.PS.Data {
		old := m.PS.Data[i]
		m.PS.Data[i] = old + eps
		lp, _, _ := m.Loss(tokens, targets, B, T, false)
		m.PS.Data[i] = old - eps
		lm, _, _ := m.Loss(tokens, targets, B, T, false)
		m.PS.Data[i] = old
		num := (lp - lm) / (2 * eps)
		scale = math.Max(scale, math.Abs(num))
		if d := math.Abs(num - ana[i]); d > worst {
			worst, at = d, i
		}
	}
	if worst/scale > 1e-6 {
		t.Fatalf("gradient error %.3g (relative %.3g) at parameter element %d", worst, worst/scale, at)
	}
}

// mixerNoAllocs requires that Forward+Backward over B×T and Reset+Step
// allocate nothing (the caller sets GOMAXPROCS 1: tensor.For itself
// starts goroutines when GOMAXPROCS > 1).
func mixerNoAllocs(t *testing.T, m models.Mixer[float64], D, B, T int) {
	n := B * T * D
	x, y, dx := make([]float64, n), make([]float64, n), make([]float64, n)
	tensor.Normal(rand.New(rand.NewPCG(1, 1)), x, 1)
	if allocs := testing.AllocsPerRun(5, func() {
		m.Forward(y, x, B, T)
		m.Backward(dx, y, x, B, T)
	}); allocs != 0 {
		t.Errorf("Forward+Backward: %v allocations per run, want 0", allocs)
	}
	s := m.NewState(B, T)
	if allocs := testing.AllocsPerRun(5, func() {
		s.Reset()
		m.Step(s, y[:B*D], x[:B*D])
	}); allocs != 0 {
		t.Errorf("Step: %v allocations per run, want 0", allocs)
	}
}

// stepSetup builds the whole model of c (seed 2) for B×T and returns it,
// a batch of tokens, Forward's logits on them and a fresh inference state.
func stepSetup(t *testing.T, c models.Config, B, T int) (*models.Model[float64], []int32, []float64, *models.ModelState[float64]) {
	m, err := models.New[float64](c, 2)
	if err != nil {
		t.Fatal(err)
	}
	m.Alloc(B, T)
	tokens, _ := tinyBatch(B, T, c.V)
	logits := append([]float64(nil), m.Forward(tokens, B, T, false)...)
	return m, tokens, logits, m.NewState(B, T)
}
